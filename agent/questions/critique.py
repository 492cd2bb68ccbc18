"""Sharpen questions: judge a question the user plans to ask a senior doctor, explain it, and rewrite it.

    critique = sharpen("I'm interested in cardiology. What should I know?",
                       {"career_stage": "resident", "specialty": "internal medicine", "mentor_role": "mentor"})
    critique.verdict   # "too_open"
    critique.rewrites  # 2-3 flag-free questions that keep "cardiology" and fit a traditional mentor

Rules decide everything (see ``agent.questions.rules``). A capable chat model may draft rewrites, but each
draft is re-checked with the same rules and only flag-free ones are kept.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel

from agent.core import InputError, is_capable, stage_phrase
from agent.questions import learned
from agent.questions.notes import detect_notes, has_personal_context, score
from agent.questions.rewrites import (
    Goal,
    extract_subject,
    fill,
    find_field,
    parse_goal,
    template_choices,
)
from agent.questions.rules import FLAGS, ROLES, detect_flags, parse
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
    """Who is asking and whom: the user's profile plus the mentor's likely role and specialty."""

    name: str = ""
    career_stage: str = ""
    specialty: str = ""
    goals: str = ""
    interests: str = ""
    mentor_role: str = ""
    mentor_specialty: str = ""

    @classmethod
    def coerce(cls, value: QuestionContext | Mapping[str, Any] | None) -> QuestionContext:
        """Build from None, a QuestionContext, or a dict (flat, or with nested ``profile``/``mentor``).

        Raises:
            InputError: the mentor role is not one of mentor, coach, sponsor, connector.
        """
        if value is None:
            return cls()
        if isinstance(value, QuestionContext):
            return value
        if not isinstance(value, Mapping):
            raise InputError("The question context must be an object with profile and mentor fields.")
        flat: dict[str, Any] = {}
        profile = value.get("profile")
        if isinstance(profile, Mapping):
            flat.update(profile)
        mentor = value.get("mentor")
        if isinstance(mentor, Mapping):
            estimate = mentor.get("role_estimate")
            role = mentor.get("role") or (estimate.get("role") if isinstance(estimate, Mapping) else "")
            flat.update(mentor_role=role or "", mentor_specialty=mentor.get("specialty") or "")
        flat.update({k: v for k, v in value.items() if k not in ("profile", "mentor")})
        aliases = {"stage": "career_stage", "goal": "goals", "role": "mentor_role"}
        values = {}
        for key, raw in flat.items():
            key = aliases.get(key, key)
            if key in cls.__dataclass_fields__ and raw:
                values[key] = "; ".join(map(str, raw)) if isinstance(raw, list | tuple) else str(raw).strip()
        role = values.get("mentor_role", "").lower()
        if role and role not in ROLES:
            raise InputError(f"Unknown mentor role {role!r}: use one of {', '.join(ROLES)}.")
        values["mentor_role"] = role
        return cls(**values)

    @property
    def first_goal(self) -> str:
        return re.split(r"[;\n]", self.goals)[0].strip() if self.goals else ""


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


def parse_model_rewrites(text: str) -> list[str]:
    """Rewrites from a model reply: a JSON list, or one per line (bullets and numbers stripped)."""
    text = text.strip()
    match = re.search(r"\[.*\]", text, re.DOTALL)
    if match:
        try:
            data = json.loads(match.group(0))
            if isinstance(data, list):
                return [str(x).strip() for x in data if str(x).strip()]
        except json.JSONDecodeError:
            pass
    lines = [re.sub(r"^\s*(?:[-*\u2022]|\d+[.)])\s*", "", ln).strip().strip('"') for ln in text.splitlines()]
    return [ln for ln in lines if ln.endswith("?") and len(ln) > 15]


def _model_drafts(model: BaseChatModel, critique: Critique, ctx: QuestionContext, subject: str) -> list[str]:
    from langchain_core.messages import HumanMessage

    from agent.core import load_prompt

    prompt = load_prompt("question_rewrite").render(
        question=critique.question, verdict=critique.verdict, flags=critique.flags,
        notes=[critique.note_messages[c] for c in critique.notes], mentor_role=ctx.mentor_role or "unknown",
        mentor_specialty=ctx.mentor_specialty, career_stage=ctx.career_stage, specialty=ctx.specialty,
        goals=ctx.goals, subject=subject, count=3,
    )
    reply = model.invoke([HumanMessage(content=prompt)])
    return parse_model_rewrites(str(getattr(reply, "content", reply)))


def intro_sentence(stage: str, specialty: str, goal: Goal | None = None) -> str:
    """'I'm a resident in family medicine, hoping to transition into pediatrics.' ('' if nothing is known)."""
    who = stage_phrase(stage)
    specialty = " ".join(specialty.split()).rstrip(".")
    goal = goal or Goal()
    if not who and not specialty and not goal:
        return ""
    text = f"I'm {who}" if who else ("I work" if specialty else "I'm")
    if specialty:
        text += f" in {specialty}"
    if goal:
        comma = "," if who or specialty else ""
        if goal.infinitive and not goal.infinitive.startswith("work toward"):
            text += f"{comma} hoping to {goal.infinitive}"
        elif goal.noun:
            text += f"{comma} working toward {goal.noun}"
        else:
            text += f"{comma} focused on {goal.gerund}"
    return text + "."


def dress(body: str, position: int, intro: str, plain_intro: str = "") -> str:
    """Put the user's situation in front of a body; the second of every three uses the shorter introduction."""
    if not body:
        return ""
    chosen = plain_intro if position % 3 == 1 and plain_intro else intro
    return f"{chosen} {body}" if chosen else body


_OWN_STAGE = re.compile(r"\b(?:i\s*(?:'|\u2019)?m|i\s+am)\s+(?:a|an|in\s+my)\b|\bpgy-?\d|\b(?:resident|fellow|"
                        r"student|intern|attending|registrar)\b", re.IGNORECASE)


@dataclass
class _Drafts:
    bodies: list[str]
    subject: str | None
    intro: str
    plain_intro: str
    goal: Goal
    fallback: _Drafts | None = None  # the profile's introduction, when the question's own is tried first


def _template_drafts(critique: Critique, ctx: QuestionContext) -> _Drafts:
    """Template bodies for the question, the introductions to put in front of them, and the subject."""
    p = parse(critique.question)
    own_field = find_field(ctx.specialty.lower()) or (ctx.specialty.lower() or None)
    current = {own_field} if own_field else set()
    goal = parse_goal(ctx.first_goal, current)
    subject = extract_subject(p.text, goal.field or own_field, current)
    flag = critique.flags[0] if critique.flags else None
    choices = template_choices(flag, ctx.mentor_role or None, p.text, bool(subject.choice))
    bodies = [fill(t, subject, p.text, goal) for t in choices]
    # The user's own lines about where they stand beat the profile: they were written for this question.
    sentences = re.split(r"(?<=[.!?])\s+", critique.question)
    own = " ".join(s for s in sentences if not s.endswith("?") and _OWN_STAGE.search(s))
    own = own if find_field(parse(own).text if own else "") else ""  # a bare "I'm a student." says less
    # The goal is context only: it stays out when the question is about another field.
    intro = intro_sentence(ctx.career_stage, ctx.specialty, goal if subject.fits(goal, loosely=True) else None)
    plain = intro_sentence(ctx.career_stage, ctx.specialty) or intro
    drafts = _Drafts(bodies, subject.phrase or None, intro, plain, goal)
    if own:
        own = own if own.endswith((".", "!")) else own + "."
        return _Drafts(bodies, drafts.subject, own, own, goal, fallback=drafts)
    return drafts


_JOINED = re.compile(r",?\s+(?:and|but|or|also)\s+(?=(?:what|how|why|which|who|when|where|would|could|do|did|does|"
                     r"is|are|can|should|have)\b)|;\s+", re.IGNORECASE)


def _own_repairs(critique: Critique) -> list[str]:
    """For a flag-free question: the user's own words, split into single questions when several are joined."""
    if critique.flags:
        return []
    sentences = re.split(r"(?<=[.?!])\s+", critique.question)
    context = " ".join(s for s in sentences if not s.endswith("?"))
    asks = [s for s in sentences if s.endswith("?")]
    pieces = [c.strip(" ,?") for a in asks for c in _JOINED.split(a) if c and c.strip(" ,?")]
    if len(pieces) < 2:
        return [critique.question] if "no_context" in critique.notes else []
    # Later parts often lean on the first ("...and what would you do differently?"), so keep the first only.
    first = pieces[0]
    return [" ".join(filter(None, [context, first[0].upper() + first[1:] + "?"]))]


def _keep_flag_free(drafts: Iterable[str], ctx: QuestionContext, want: int, have: list[str], *,
                    intro: _Drafts | None = None) -> list[str]:
    """Append drafts that the rules find flag-free (and fitting the role) until ``want`` are kept.

    With ``intro``, each draft is a bare body that gets the user's situation put in front of it.
    """
    seen = {d.lower() for d in have}
    drafts = [" ".join(d.split()) for d in drafts]
    if intro is None:
        _prefetch(drafts)
    else:
        _prefetch([dress(d, n, i, intro.plain_intro) for d in drafts for n in (0, 1)
                   for i in (intro.intro, intro.plain_intro)])
    for draft in drafts:
        if len(have) >= want:
            break
        draft = " ".join(draft.split())
        if intro is not None:
            goal_said = any(g and g.lower() in draft.lower() for g in (intro.goal.infinitive, intro.goal.noun))
            draft = dress(draft, len(have), intro.plain_intro if goal_said else intro.intro, intro.plain_intro)
        if not draft or draft.lower() in seen or len(draft) > MAX_QUESTION_CHARS:
            continue
        try:
            checked = judge(draft, ctx)
        except InputError:
            continue
        if checked.strong and "role_misfit" not in checked.notes:
            have.append(draft)
            seen.add(draft.lower())
    return have


def sharpen(question: str, context: QuestionContext | Mapping[str, Any] | None = None, *,
            citer: Citer | None = None, model: BaseChatModel | None = None, rewrites: int = 3) -> Critique:
    """Judge a question, explain the verdict with sources, and propose flag-free rewrites.

    Args:
        question: the question the user plans to ask (one question, possibly with a line of context).
        context: a :class:`QuestionContext` or a dict with the user's profile (career_stage, specialty,
            goals, interests) and the mentor's likely role (``mentor_role``) and specialty.
        citer: any object with ``search(query, k, *, role, stage, topic) -> list[Passage]``; None for no
            citations.
        model: a chat model; only a capable one (``agent.core.models.is_capable``) drafts rewrites, and its drafts
            are kept only when the rules find no flag in them. Otherwise rewrites come from templates.
        rewrites: how many rewrites to return (2-3 by default: 3).

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
    drafts = _template_drafts(critique, ctx)
    critique.subject = drafts.subject
    kept: list[str] = []
    if is_capable(model):
        try:
            model_drafts = _model_drafts(model, critique, ctx, drafts.subject or "")
            kept = _keep_flag_free(model_drafts, ctx, rewrites, [])
        except Exception as exc:  # the model is optional; templates always work
            log.warning("model rewrites failed, using templates: %s", exc)
        if kept:
            critique.rewrite_source = "model" if len(kept) >= rewrites else "model+templates"
    own = [d if has_personal_context(parse(d)) else dress(d, 0, drafts.intro) for d in _own_repairs(critique)]
    own = [d for d in own if d != critique.question]  # repeating the question unchanged is no rewrite
    kept = _keep_flag_free(own, ctx, rewrites, kept)
    kept = _keep_flag_free(drafts.bodies, ctx, rewrites, kept, intro=drafts)
    if drafts.fallback is not None:
        kept = _keep_flag_free(drafts.bodies, ctx, rewrites, kept, intro=drafts.fallback)
    critique.rewrites = kept
    return critique


def sharpen_batch(questions: Iterable[str], context: QuestionContext | Mapping[str, Any] | None = None, *,
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
