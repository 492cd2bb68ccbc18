"""BM25 keyword scoring over chunks (rank-bm25), with a small tokenizer shared by every retriever."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from rank_bm25 import BM25Okapi

from agent.core import NUMBER_WORDS, STOPWORDS
from retrieval.corpus import Chunk

_WORD = re.compile(r"[a-z0-9]+")


def stem(word: str) -> str:
    """A deliberately light suffix stripper: enough to match plurals and -ing/-ed forms."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed") and not word.endswith("eed"):
        return word[:-2]
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# Users type "15 minutes", the guidance says "fifteen-minute": both become the same term.
_NUMBER_WORDS = {word.replace(" ", ""): str(n) for word, n in NUMBER_WORDS.items()}


def tokenize(text: str) -> list[str]:
    """Lowercase, split into words, drop stopwords, spell small numbers as digits, stem."""
    text = text.lower().replace("'", "").replace("forty-five", "fortyfive").replace("twenty-five", "twentyfive")
    words = _WORD.findall(text)
    return [stem(_NUMBER_WORDS.get(w, w)) for w in words if w not in STOPWORDS]


@dataclass(frozen=True)
class KeywordHit:
    """One BM25 result: the chunk's position in the index, its score and how many query terms it shares."""

    index: int
    score: float
    overlap: int
    coverage: float


class BM25Index:
    """Immutable BM25 index over chunks' ``search_text``; safe to share between threads.

    Scores are rank-bm25's ``BM25Okapi`` scores, computed from an inverted index (term -> chunk positions
    and weights) built once, so a query touches only the chunks that contain its terms.
    """

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.chunks = list(chunks)
        tokens = [tokenize(c.search_text) for c in self.chunks]
        self._terms = [frozenset(t) for t in tokens]
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._df: dict[str, int] = {}
        if not any(tokens):
            return
        bm25 = BM25Okapi(tokens)
        rows: dict[str, tuple[list[int], list[float]]] = {}
        for i, freqs in enumerate(bm25.doc_freqs):
            norm = bm25.k1 * (1 - bm25.b + bm25.b * bm25.doc_len[i] / bm25.avgdl)
            for term, tf in freqs.items():
                ids, weights = rows.setdefault(term, ([], []))
                ids.append(i)
                weights.append(bm25.idf.get(term, 0.0) * tf * (bm25.k1 + 1) / (tf + norm))
        self._postings = {t: (np.asarray(ids, dtype=np.int64), np.asarray(w, dtype=np.float64))
                          for t, (ids, w) in rows.items()}
        self._df = {t: len(ids) for t, (ids, _) in rows.items()}

    def __len__(self) -> int:
        return len(self.chunks)

    def search(self, query: str, n: int, keep: Callable[[Chunk], bool] | None = None) -> list[KeywordHit]:
        """Best ``n`` chunks sharing at least one query term, best first, among those ``keep`` accepts."""
        terms = list(dict.fromkeys(tokenize(query)))
        if not terms or not self._postings:
            return []
        size = len(self.chunks)
        scores = np.zeros(size)
        matched = np.zeros(size, dtype=np.int64)
        weight = np.zeros(size)
        total = sum(self._idf(t) for t in terms)
        for term in terms:
            if term in self._postings:
                ids, term_scores = self._postings[term]
                scores[ids] += term_scores
                matched[ids] += 1
                weight[ids] += self._idf(term)
        candidates = np.flatnonzero(matched)
        hits = []
        for i in candidates[np.argsort(-scores[candidates], kind="stable")]:
            i = int(i)
            if keep is None or keep(self.chunks[i]):
                hits.append(KeywordHit(i, float(scores[i]), int(matched[i]), float(weight[i] / total)))
                if len(hits) >= n:
                    break
        return hits

    def overlap(self, query: str, chunk_index: int) -> tuple[int, float]:
        """Distinct query terms found in the chunk, and their share of the query's total IDF weight.

        The IDF-weighted share ("coverage") tells a rare matched word (``sepsis``) from a common one
        (``mentor``); a term the corpus has never seen gets the highest weight.
        """
        terms = set(tokenize(query))
        if not terms:
            return 0, 0.0
        found = [t for t in terms if t in self._terms[chunk_index]]
        total = sum(self._idf(t) for t in terms)
        return len(found), (sum(self._idf(t) for t in found) / total if total else 0.0)

    def _idf(self, term: str) -> float:
        n = len(self.chunks)
        df = self._df.get(term, 0)
        return math.log((n - df + 0.5) / (df + 0.5) + 1.0)
