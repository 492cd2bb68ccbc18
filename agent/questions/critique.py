"""Sharpen questions: judge a question the user plans to ask a senior doctor, explain it, and rewrite it.

    critique = sharpen("I'm interested in cardiology. What should I know?",
                       {"career_stage": "resident", "specialty": "internal medicine", "mentor_role": "mentor"})
    critique.verdict   # "too_open"
    critique.rewrites  # 2-3 short, first-person questions of different kinds that keep "cardiology"

The judge (rules fused with the flag classifiers) decides every flag. Rewrites come from templates over
normalised slots (``agent.questions.rewrites``); a capable chat model may draft them instead, and every
rewrite, drafted or not, is re-judged and kept only when it comes back flag-free and fitting the role.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel

from agent.core import InputError, is_capable
from agent.questions import learned
from agent.questions.lexicon import KINDS
from agent.questions.notes import detect_notes, score
from agent.questions.rewrites import (
    Rewrite,
    candidates,
    make_plan,
    model_drafts,
    near_duplicate,
    polish,
    well_formed,
)
from agent.questions.rules import FLAGS, ROLES, detect_flags, parse
from agent.questions.slots import Slots, build_slots, context_from_text, role_for_title
from retrieval import Citer

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
ENGINES = ("fused", "rules", "classifier")
_EXPLAIN = {
    "pumping": "Pumping: it asks the mentor to hand over a favour, a spot or a connection instead of advice. "
               "Ask how they would approach the goal; support tends to follow once they know your work.",
    "googleable": "Googleable: a program website, society page or survey answers this faster. Look it up "
                  "first, then ask what it meant for them.",
    "too_open": "Too open: there is no decision, skill or situation the mentor could answer in a few minutes. "
                "Name the choice or problem in front of you.",
    "strong": "Strong: specific, and answerable from the mentor's own experience or judgement.",
}
_QUERIES = {
    "pumping": "pumping questions asking for favours, spots or connections",
    "googleable": "googleable questions durations requirements salaries deadlines",
    "too_open": "too open questions what is your best advice",
    "strong": "specific targeted answerable question with personal context",
}


@dataclass(frozen=True)
class QuestionContext:
    """Who is asking and whom: the user's profile plus the mentor's likely role, title and specialty."""

    name: str = ""
    career_stage: str = ""
    specialty: str = ""
    goals: str = ""
    interests: str = ""
    mentor_role: str = ""
    mentor_specialty: str = ""
    mentor_title: str = ""

    @classmethod
    def coerce(cls, value: QuestionContext | Mapping[str, Any] | str | None) -> QuestionContext:
        """Build from None, a QuestionContext, a dict (flat, or with nested ``profile``/``mentor``), or a line
        of free text such as "PGY-1 asking the associate program director".

        A mentor title without a role gives the role the title usually plays (a program director: sponsor).

        Raises:
            InputError: the mentor role is not one of mentor, coach, sponsor, connector.
        """
        if value is None:
            return cls()
        if isinstance(value, QuestionContext):
            return value
        if isinstance(value, str):
            value = context_from_text(value)
        if not isinstance(value, Mapping):
            raise InputError("The question context must be an object with profile and mentor fields, or a line "
                             "of text such as 'PGY-1 asking the associate program director'.")
        flat: dict[str, Any] = {}
        profile = value.get("profile")
        if isinstance(profile, Mapping):
            flat.update(profile)
        mentor = value.get("mentor")
        if isinstance(mentor, Mapping):
            estimate = mentor.get("role_estimate")
            role = mentor.get("role") or (estimate.get("role") if isinstance(estimate, Mapping) else "")
            flat.update(mentor_role=role or "", mentor_specialty=mentor.get("specialty") or "",
                        mentor_title=mentor.get("title") or "")
        flat.update({k: v for k, v in value.items() if k not in ("profile", "mentor")})
        aliases = {"stage": "career_stage", "goal": "goals", "role": "mentor_role", "title": "mentor_title"}
        values = {}
        for key, raw in flat.items():
            key = aliases.get(key, key)
            if key in cls.__dataclass_fields__ and raw:
                values[key] = "; ".join(map(str, raw)) if isinstance(raw, list | tuple) else str(raw).strip()
        role = values.get("mentor_role", "").lower() or role_for_title(values.get("mentor_title", ""))
        if role and role not in ROLES:
            raise InputError(f"Unknown mentor role {role!r}: use one of {', '.join(ROLES)}.")
        values["mentor_role"] = role
        return cls(**values)

    def slots(self) -> Slots:
        """The profile normalised into the short slots rewrites use (never pasted as typed)."""
        return build_slots(stage=self.career_stage, specialty=self.specialty, goals=self.goals,
                           interests=self.interests, role=self.mentor_role, mentor_specialty=self.mentor_specialty,
                           mentor_title=self.mentor_title)


@dataclass
class Critique:
    """The judgement of one question. ``to_dict()`` gives the JSON form."""

    question: str
    flags: list[str]
    verdict: str
    notes: list[str]
    note_messages: dict[str, str]
    score: int
    explanation: str
    citations: list[dict[str, str]] = field(default_factory=list)
    rewrites: list[str] = field(default_factory=list)
    rewrite_kinds: list[str] = field(default_factory=list)
    rewrite_source: str = "templates"
    subject: str | None = None
    engine: str = "rules"
    flag_scores: dict[str, float] = field(default_factory=dict)

    @property
    def strong(self) -> bool:
        return not self.flags

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _verdict(flags: list[str]) -> str:
    return next((f for f in FLAGS if f in flags), "strong")


def judge(question: str, context: QuestionContext | Mapping[str, Any] | None = None, *,
          engine: str = "fused") -> Critique:
    """Flags, verdict, notes and score only: no citations, no rewrites. Used to check rewrites too.

    Markup (HTML tags, Markdown emphasis) is stripped first, so it cannot change a verdict.

    Args:
        engine: ``fused`` (rules and the flag classifiers; the rules alone until the heads are trained),
            ``rules`` or ``classifier`` (the last two for evaluation).
    """
    if engine not in ENGINES:
        raise InputError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}.")
    ctx = QuestionContext.coerce(context)
    typed = " ".join((question or "").split())
    text = learned.clean_question(typed)
    if not text:
        raise InputError("The question is empty: type the question you plan to ask.")
    if len(text) > MAX_QUESTION_CHARS:
        raise InputError(f"The question is too long ({len(text)} characters); keep it under {MAX_QUESTION_CHARS}.")
    p = parse(text)
    flags, partly = detect_flags(p)
    heads = learned.load_heads() if engine != "rules" else None
    flag_scores: dict[str, float] = {}
    if heads is not None:
        scored = learned.score(heads, _embed, text, p)
        if engine == "classifier":
            flag_scores = scored.classifier
            flags = learned.raised(flag_scores)
        else:
            flag_scores = scored.fused
            # The rules' favour detector is precise (0.985 on the training split): what it finds stays flagged.
            flags = [f for f in FLAGS if f in scored.flags() or (f in flags and f in learned.TRUSTED_RULE_FLAGS)]
    else:
        engine = "rules"
    notes = detect_notes(p, ctx.mentor_role or None, partly and "googleable" not in flags)
    verdict = _verdict(flags)
    return Critique(question=typed, flags=flags, verdict=verdict, notes=list(notes), note_messages=notes,
                    score=score(flags, notes, p), explanation=_EXPLAIN[verdict], engine=engine,
                    flag_scores=flag_scores)


def _prefetch(candidates: list[str]) -> None:
    """Embed every candidate rewrite in one batch, so re-judging them one by one costs no model calls."""
    texts = [learned.clean_question(c) for c in candidates if c]
    if texts and learned.load_heads() is not None:
        learned.features(_embed, texts)


def _embed(texts: list[str]) -> Any:
    from retrieval import get_embedder

    return get_embedder().embed(texts)


def _cite(citer: Citer | None, verdict: str, notes: list[str], role: str) -> list[dict[str, str]]:
    if citer is None:
        return []
    searches = [(_QUERIES[verdict], "question-quality")]
    if role and ("role_misfit" in notes or verdict == "strong"):
        topic = "questions-for-sponsors-connectors" if role in ("sponsor", "connector") else "questions-for-mentors"
        searches.insert(0 if "role_misfit" in notes or verdict == "strong" else 1,
                        (f"questions to ask a {role}", topic))
    seen, out = set(), []
    for query, topic in searches:
        try:
            passages = citer.search(query, k=2, topic=topic)
        except Exception as exc:  # a citation failure must not cost the user the critique
            log.warning("citation search failed: %s", exc)
            continue
        # One passage per file, preferring a titled section over a file's untitled introduction.
        for p in sorted(passages, key=lambda p: not p.heading):
            if str(p.source_path) not in seen:
                seen.add(str(p.source_path))
                out.append({"title": p.title, "heading": p.heading, "source_path": str(p.source_path)})
    return out[:3]


def _explain(critique: Critique, citations: list[dict[str, str]]) -> str:
    parts = [_EXPLAIN[critique.verdict]]
    parts += [critique.note_messages[c] for c in critique.notes if c != "no_context" or critique.strong]
    if citations:
        refs = [f"{c['title']} ({c['heading']})" if c["heading"] else c["title"] for c in citations]
        parts.append("See: " + "; ".join(refs) + ".")
    return " ".join(parts)


def _profile_text(ctx: QuestionContext) -> list[str]:
    return [ctx.name, ctx.career_stage, ctx.specialty, ctx.goals, ctx.interests]


def _rewrites(critique: Critique, ctx: QuestionContext, model: BaseChatModel | None, want: int) -> list[Rewrite]:
    """Rewrites that pass every check: well formed, judged flag-free and fitting the role, and of different
    kinds (a flag-free question gets at most one polish)."""
    plan = make_plan(critique.question, None if critique.strong else critique.verdict, ctx.slots())
    critique.subject = plan.subject.phrase or None
    if critique.strong:
        pool, want = polish(plan, critique.notes), min(want, 1)
    else:
        pool = []
        if is_capable(model):
            try:
                pool = model_drafts(model, plan, verdict=critique.verdict, flags=critique.flags,
                                    notes=[critique.note_messages[c] for c in critique.notes])
            except Exception as exc:  # the model is optional; templates always work
                log.warning("model rewrites failed, using templates: %s", exc)
        pool += candidates(plan, ctx.mentor_role or None)
    same = " ".join(plan.question.lower().split())
    pool = [r for r in pool if well_formed(r.text, _profile_text(ctx)) and " ".join(r.text.lower().split()) != same]
    # One embedding batch for the likeliest candidates (the first two of each kind), so judging them one by one
    # costs no further model call.
    seen: dict[str, int] = {}
    likely = []
    for r in pool:
        seen[r.kind] = seen.get(r.kind, 0) + 1
        if seen[r.kind] <= 2:
            likely.append(r.text)
    _prefetch(likely)
    kept: list[Rewrite] = []
    for r in pool:
        if len(kept) >= want:
            break
        if any(k.kind == r.kind or near_duplicate(k.text, r.text) for k in kept):
            continue
        try:
            checked = judge(r.text, ctx)
        except InputError:
            continue
        if checked.strong and "role_misfit" not in checked.notes:
            kept.append(r)
    order = {k: i for i, k in enumerate(("polish", *KINDS))}
    return sorted(kept, key=lambda r: order.get(r.kind, len(order)))


def sharpen(question: str, context: QuestionContext | Mapping[str, Any] | str | None = None, *,
            citer: Citer | None = None, model: BaseChatModel | None = None, rewrites: int = 3) -> Critique:
    """Judge a question, explain the verdict with sources, and propose flag-free rewrites.

    Args:
        question: the question the user plans to ask (one question, possibly with a line of context).
        context: a :class:`QuestionContext`, a dict with the user's profile (career_stage, specialty, goals,
            interests) and the mentor's likely role (``mentor_role``), title and specialty, or a line of free
            text ("PGY-1 asking the associate program director").
        citer: any object with ``search(query, k, *, role, stage, topic) -> list[Passage]``; None for no
            citations.
        model: a chat model; only a capable one (``agent.core.is_capable``) drafts rewrites, and its drafts pass
            the same checks as the templates', which fill in for any it misses.
        rewrites: at most how many rewrites to return for a flagged question (default 3, each of a different
            kind: the user's situation, the mentor's own experience, the mentor's role). A flag-free question
            gets at most one polish (its first part, or the user's situation in front), or none.

    Returns:
        A :class:`Critique`.

    Raises:
        InputError: the question is empty or too long, or the context has an unknown mentor role.
    """
    ctx = QuestionContext.coerce(context)
    critique = judge(question, ctx)
    citations = _cite(citer, critique.verdict, critique.notes, ctx.mentor_role)
    critique.citations = citations
    critique.explanation = _explain(critique, citations)
    if rewrites <= 0:
        return critique
    kept = _rewrites(critique, ctx, model, rewrites)
    critique.rewrites = [r.text for r in kept]
    critique.rewrite_kinds = [r.kind for r in kept]
    sources = {"model" if r.template == "model" else "polish" if r.kind == "polish" else "templates" for r in kept}
    critique.rewrite_source = "model+templates" if len(sources) > 1 else (sources.pop() if sources else "templates")
    return critique


def sharpen_batch(questions: Iterable[str], context: QuestionContext | Mapping[str, Any] | str | None = None, *,
                  citer: Citer | None = None, model: BaseChatModel | None = None, rewrites: int = 3) -> list[Critique]:
    """Sharpen several questions and rank them best first (by score; ties keep the input order).

    Empty entries are skipped.
    """
    ctx = QuestionContext.coerce(context)
    items = [q for q in questions if q and q.strip()]
    critiques = [sharpen(q, ctx, citer=citer, model=model, rewrites=rewrites) for q in items]
    order = sorted(range(len(critiques)), key=lambda i: (-critiques[i].score, i))
    return [critiques[i] for i in order]


_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u2013>]+|\(?\d{1,3}[.):\]]|\(?[a-zA-Z][.)]|Q\d+[.:)]?)\s+")


def split_questions(text: str) -> list[str]:
    """Split a pasted list (numbered, bulleted or one per line) into questions.

    A line without a bullet or number that starts in lower case continues the previous item when that item
    has not ended, so a question wrapped over two lines stays whole. Several questions on one
    unnumbered line stay together: that is a note for the user, not a split.
    """
    items: list[str] = []
    open_item = False
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            open_item = False
            continue
        bulleted = bool(_BULLET.match(line))
        line = _BULLET.sub("", line).strip().strip('"').strip()
        if not line:
            continue
        if open_item and not bulleted and items and line[0].islower():
            items[-1] = f"{items[-1]} {line}"
        else:
            items.append(line)
        open_item = not items[-1].rstrip().endswith(("?", "."))
    return [" ".join(i.split()) for i in items if i.strip()]


_QUOTED = re.compile(r"[\"“'‘]([^\"”'’]{8,400}\?)[\"”'’]")
_ASK_LEAD = re.compile(
    r"\b(?:should|could|can|may|would|shall)\s+i\s+ask(?:\s+(?:him|her|them|my\s+\w+|dr\.?\s+\w+))?\s*[:,]\s*"
    r"(?P<q>[^?]{8,400}\?)",
    re.IGNORECASE,
)
_PLAN_LEAD = re.compile(
    r"\b(?:i\s+(?:want|plan|was\s+going|am\s+going|'m\s+going)\s+to\s+ask|my\s+question\s+(?:is|would\s+be)"
    r"|how\s+about\s+asking|is\s+this\s+a\s+good\s+question)\s*[:,]?\s*(?P<q>[^?]{8,400}\?)",
    re.IGNORECASE,
)


def drafted_question(message: str) -> str | None:
    """The question a chat message plans to ask a mentor, if it quotes or introduces one.

    Recognises quoted questions ("Should I ask: 'What surprised you...?'") and lead-ins such as
    "I plan to ask ..." or "Is this a good question: ...". Returns None for ordinary prep questions.
    """
    text = " ".join((message or "").split())
    match = _QUOTED.search(text)
    if match:
        return match.group(1).strip()
    for pattern in (_PLAN_LEAD, _ASK_LEAD):
        match = pattern.search(text)
        if match:
            question = match.group("q").strip(" :,-")
            if re.match(r"(?:whether|if|about)\b", question, re.IGNORECASE):
                return None  # an indirect question ("ask whether ...") is a prep question, not a draft
            return question[0].upper() + question[1:]
    return None
