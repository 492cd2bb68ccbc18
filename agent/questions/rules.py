"""Rules that judge a planned question: flags (too_open, googleable, pumping) and minor notes.

The detectors look at the structure of a question rather than at stock phrases:

* pumping: a request addressed to the mentor ("can you", "please", "is there any way you") whose
  object is the user or something a mentor can hand over (a job, a spot, an introduction, contacts),
  or a purpose clause that aims at an outcome ("... so she hires me").
* googleable: an impersonal fact intent (duration, count, money, date, requirement, definition,
  list, score) that is not anchored in the mentor's own experience ("how long did it take *you*").
* too_open: no specific target once function words, light verbs, advice vocabulary and bare field
  names are removed, or a broad advice intent with at most one such word, and no concrete decision
  or problem in the user's context.

The words and cue patterns they use are data (``word_classes.yaml`` and ``patterns.yaml`` beside this module,
loaded by :mod:`agent.questions.lexicon`); this module holds how they combine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.core import ROLES  # noqa: F401 - part of this module's API
from agent.questions.lexicon import (
    AUXILIARIES,
    FIELD_WORDS,
    GENERIC,
    IMPERATIVES,
    LEXICON,
    LIGHT_VERBS,
    PATTERNS,
    QUESTION_WORDS,
    SPECIALTIES,
    STOPWORDS,
    TOKEN_RE,
    WORDS,
)

FLAGS = ("pumping", "googleable", "too_open")  # priority order for the verdict
NOTE_CODES = ("multiple_questions", "closed_question", "leading_question", "no_context", "role_misfit",
              "partly_googleable")


# ---- normalisation ------------------------------------------------------------------------------
_CONTRACTIONS = LEXICON.contractions
_ABBREV = PATTERNS["abbreviation"]


def normalize(text: str) -> str:
    """Lower-case, straighten quotes, expand contractions and collapse spaces."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = _ABBREV.sub(r"\1", text.lower())
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    """The words and numbers of a normalised text, in order."""
    return TOKEN_RE.findall(text)


# ---- sentence structure -------------------------------------------------------------------------
_SENTENCE_SPLIT = PATTERNS["sentence_split"]
_CLAUSE_SPLIT = PATTERNS["clause_split"]


def is_question_sentence(sentence: str) -> bool:
    """True when a sentence ends with "?" or opens like a question or a request ("what", "can", "tell")."""
    words = tokens(sentence)
    if sentence.rstrip().endswith("?"):
        return True
    if not words:
        return False
    return words[0] in QUESTION_WORDS or words[0] in AUXILIARIES or words[0] in IMPERATIVES


@dataclass
class Parsed:
    """A question split into context statements and question clauses (all normalised)."""

    text: str
    sentences: list[str]
    questions: list[str]
    context: list[str]
    clauses: list[str] = field(default_factory=list)


def parse(question: str) -> Parsed:
    """Normalise a question and split it into sentences, question sentences, context and clauses."""
    text = normalize(question)
    sentences = [s.strip() for s in _SENTENCE_SPLIT.split(text) if s.strip()]
    questions = [s for s in sentences if is_question_sentence(s)]
    if not questions and sentences:
        questions = [sentences[-1]]
    context = [s for s in sentences if s not in questions]
    parts = [c.strip(" ,?.!") for q in questions for c in _CLAUSE_SPLIT.split(q) if c and c.strip(" ,?.!")]
    # "I have loans; how did you handle debt?" is context plus one question, not two questions.
    clauses = [c for c in parts if is_question_sentence(c)] or parts
    return Parsed(text, sentences, questions, context, clauses)


# ---- anchors and specificity ----------------------------------------------------------------------
_ANCHOR = PATTERNS["anchor"]
_TRAINING_YEAR = PATTERNS["training_year"]


def anchored(clause: str) -> bool:
    """True when the clause asks about the mentor's own experience or judgement."""
    return bool(_ANCHOR.search(clause))


def specific_words(text: str) -> list[str]:
    """Content words that give a question a target (not function, light, advice or field words)."""
    out = []
    for t in tokens(text):
        t = t.strip("'-")
        if t.endswith("'s"):
            t = t[:-2]
        if t.isdigit() or _TRAINING_YEAR.fullmatch(t):
            out.append(t)
            continue
        if len(t) < 3 or t in STOPWORDS or t in LIGHT_VERBS or t in GENERIC or t in FIELD_WORDS:
            continue
        if t in QUESTION_WORDS:
            continue
        out.append(t)
    return out


_DECISION = PATTERNS["decision"]
_PROBLEM = PATTERNS["problem"]
_VAGUE = PATTERNS["vague"]
_PAST_EPISODE = PATTERNS["past_episode"]
_EPISODE_MARK = PATTERNS["episode_mark"]

_BROAD_FIELDS = WORDS["broad_topics"]
_FIELD_NAME = re.compile(r"\b(?:" + "|".join(
    sorted((re.escape(f) for f in SPECIALTIES if len(f) > 3 and f not in _BROAD_FIELDS), key=len, reverse=True)
) + r")\b")


def too_open(p: Parsed) -> bool:
    """Broad question with no concrete target in the question or in the user's stated situation."""
    question = " ".join(p.questions)
    context = " ".join(p.context)
    if _DECISION.search(p.text) and specific_words(p.text) or _PROBLEM.search(context):
        return False
    if _PAST_EPISODE.search(question) and _EPISODE_MARK.search(question):
        return False  # "the best advice you've ever been given" asks for one moment of their past
    if _PAST_EPISODE.search(question) and _FIELD_NAME.search(question):
        return False  # "how did you know pathology was right for you?" asks about one decision of theirs
    n = len(specific_words(question))
    if n == 0:
        return True
    return bool(_VAGUE.search(question)) and n <= 1


# ---- googleable --------------------------------------------------------------------------------
_FACT = PATTERNS["fact"]
_NP_FUNCTION = WORDS["definition_function_words"]
_NOT_A_TERM = WORDS["not_a_term"]
_NEUTRAL_NOUNS = WORDS["term_nouns"]
_DEFINITION = PATTERNS["definition"]


def _is_definition(clause: str) -> bool:
    m = _DEFINITION.match(clause)
    if not m:
        return False
    words = [w for w in tokens(m.group("np")) if w not in _NP_FUNCTION]
    if not words or len(words) > 5 or any(w.endswith("est") or w in _NOT_A_TERM for w in words):
        return False
    return all(w not in LIGHT_VERBS and (w not in GENERIC or w in _NEUTRAL_NOUNS) for w in words)


_QUANTITY = PATTERNS["quantity"]
_JUDGEMENT = PATTERNS["asks_judgement"]
# A yes/no question with nobody in it, about how exams, programmes and rules work ("Is Step 1 pass/fail
# now?", "Does the match use a rank list?") has a published answer.
_CLOSED = PATTERNS["closed_start"]
_PERSONAL = PATTERNS["personal"]
_RULE_WORDS = PATTERNS["rule_words"]


def fact_intent(clause: str) -> bool:
    """An impersonal look-up intent: duration, count, money, date, requirement, definition or list."""
    if anchored(clause):
        return False
    if _is_definition(clause):
        return True
    if _CLOSED.match(clause) and not _PERSONAL.search(clause) and _RULE_WORDS.search(clause):
        return True
    hits = [m.group(0) for m in _FACT.finditer(clause)]
    if not hits:
        return False
    # "How many mentors should I have?" asks for judgement, not a published number.
    return not (_JUDGEMENT.search(clause) and all(_QUANTITY.match(h) for h in hits))


# ---- pumping -----------------------------------------------------------------------------------
_REQUEST = PATTERNS["request"]
_FAVOUR = PATTERNS["favour"]
# Favours that need no "can you" around them to be a request.
_FAVOUR_ALONE = PATTERNS["favour_alone"]
_PURPOSE = PATTERNS["purpose"]
_IMPERATIVE_FAVOURS = WORDS["imperative_favours"]


def _sentence_pumping(sentence: str) -> bool:
    words = tokens(sentence)
    imperative = bool(words) and words[0] in _IMPERATIVE_FAVOURS
    if _FAVOUR_ALONE.search(sentence) or _PURPOSE.search(sentence):
        return True
    return bool((imperative or _REQUEST.search(sentence)) and _FAVOUR.search(sentence))


def pumping(p: Parsed) -> bool:
    """A request that the mentor hand over a favour, a spot or a connection."""
    return any(_sentence_pumping(s) for s in p.sentences)


def detect_flags(p: Parsed) -> tuple[list[str], bool]:
    """Return (flags in priority order, whether only part of the question is a look-up)."""
    flags: list[str] = []
    if pumping(p):
        flags.append("pumping")
    facts = [c for c in p.clauses if fact_intent(c)]
    partly = False
    if facts:
        others = [c for c in p.clauses if c not in facts and not _sentence_pumping(c)]
        if any(anchored(c) or len(specific_words(c)) >= 3 for c in others):
            partly = True
        else:
            flags.append("googleable")
    if not flags and too_open(p):
        flags.append("too_open")
    return flags, partly
