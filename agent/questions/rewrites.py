"""Rewrites a trainee would say out loud: short, first person, in the user's situation, about their subject.

A flagged question gets candidates of three kinds (see ``templates.yaml``): one anchored in the user's
situation, one asking for the senior doctor's own experience, one fitting the mentor's likely role. A
flag-free question gets at most one polish made from the user's own words: their situation put in front,
or the first of several joined questions. The caller keeps a candidate only when the judge finds it
flag-free and fitting the role; :func:`well_formed` checks the rest (length, first person, no pasted
profile text), for template and model drafts alike.

Context comes only from normalised slots (:mod:`agent.questions.slots`), never from a profile field as typed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel

from agent.core import plain_text
from agent.questions.lexicon import KINDS, LEXICON, PATTERNS, TOKEN_RE, Template
from agent.questions.notes import has_personal_context
from agent.questions.rules import Parsed, parse
from agent.questions.slots import Slots
from agent.questions.subject import Subject, extract_subject, gatekeeper, outcome_kind

MAX_WORDS = 35
PASTE_RUN = 6  # this many words in a row from a profile field count as pasting it
MAX_OWN_INTRO_WORDS = 15

FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine|myself)\b", re.IGNORECASE)
_SLOT = re.compile(r"\{(\w+)\}")
_WHERE = PATTERNS["where"]
_KIND_CUES = [(PATTERNS[f"kind_{k}"], k) for k in ("role", "situation", "story")]
_OWN_STAGE = re.compile(r"\b(?:i\s*(?:'|\u2019)?m|i\s+am|i\s+have|i've)\b|\bpgy-?\d|\b(?:resident|fellow|student|"
                        r"intern|attending|registrar|consultant)\b", re.IGNORECASE)
_JOINED = re.compile(r",?\s+(?:and|but|or|also)\s+(?=(?:what|how|why|which|who|when|where|would|could|do|did|does|"
                     r"is|are|can|should|have)\b)|;\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Rewrite:
    """One candidate rewrite.

    Attributes:
        text: the question as the user would say it.
        kind: situation, story, role, polish, or (for a model draft that fits none) other.
        template: the template it came from ("" for a polish), or "model".
    """

    text: str
    kind: str
    template: str = ""


@dataclass(frozen=True)
class Plan:
    """What rewriting one question starts from.

    Attributes:
        question: the question as typed, without markup.
        parsed: the same, parsed by the rules.
        flag: the flag to repair (the verdict's), or None for a flag-free question.
        subject: what the question is about.
        slots: the user's situation, normalised.
        own_intro: the user's own line about their situation from the question, when it says something.
    """

    question: str
    parsed: Parsed
    flag: str | None
    subject: Subject
    slots: Slots
    own_intro: str = ""

    @property
    def use_aim(self) -> bool:
        """Whether the user's aim may be named: not when the question is about another field."""
        return bool(self.slots.aim) and self.subject.fits(self.slots.aim.field)


def _own_intro(question: str) -> str:
    """The user's own sentences about themselves in the question, when short and more than a bare stage."""
    sentences = [_LEAD_IN.sub("", s) for s in re.split(r"(?<=[.!?])\s+", question)]
    own = " ".join(s for s in sentences if not s.endswith("?") and _OWN_STAGE.search(s))
    if not own or len(own.split()) > MAX_OWN_INTRO_WORDS:
        return ""
    plain = parse(own)
    if not (extract_subject(own, plain.text).field or PATTERNS["decision"].search(plain.text)
            or PATTERNS["problem"].search(plain.text)):
        return ""  # "I'm a student." says less than the profile
    return own if own.endswith((".", "!")) else own + "."


def make_plan(question: str, flag: str | None, slots: Slots) -> Plan:
    """Everything the templates need to know about one question."""
    text = plain_text(question)
    p = parse(text)
    current = {slots.field} if slots.field else set()
    subject = extract_subject(text, p.text, slots.aim.field, slots.aim.term, current)
    return Plan(text, p, flag, subject, slots, _own_intro(text))


def slot_values(plan: Plan) -> dict[str, str]:
    """The value of every template slot for this question ("" when unknown)."""
    s, normalized = plan.subject, plan.parsed.text
    topic = s.topic or ""
    first, _, rest = topic.partition(" ")
    topic_noun = rest if first.lower() in ("a", "an", "the") else ("" if first.endswith("ing") else topic)
    kind = outcome_kind(normalized)
    where = _WHERE.search(normalized)
    return {
        "subject": s.phrase,
        "field": s.term or plan.slots.mentor_field,
        # The mentor's own field: what the question names, else their specialty; never guessed from the user's aim.
        "their_field": (s.term if s.from_question and s.field else "") or plan.slots.mentor_field,
        "target": s.target,
        "topic": topic,
        "topic_noun": topic_noun,
        "choice_and": " and ".join(s.choice),
        "choice_or": " or ".join(s.choice),
        "peers": plan.slots.peers,
        "outcome": kind if kind not in ("letter", "network", "a position") else "",
        "gatekeeper": gatekeeper(normalized, kind),
        "where": f"at {where.group(1)}" if where else "",
    }


def fillings(template: Template, values: dict[str, str]) -> list[str]:
    """Every variant of a template whose slots are all known, filled, in preference order."""
    return [" ".join(v.format(**values).replace(" ,", ",").split()) for v in template.variants
            if all(values.get(name) for name in _SLOT.findall(v) if name != "where")]


def fill(template: Template, values: dict[str, str]) -> str:
    """The first variant of a template whose slots are all known, filled ("" when none is)."""
    return next(iter(fillings(template, values)), "")


def words(text: str) -> int:
    return len(text.split())


def compose(body: str, kind: str, plan: Plan) -> str:
    """Put the user's situation in front of a body where it belongs, keeping within :data:`MAX_WORDS`.

    The situation kind always opens with it; the other kinds only when the body does not already speak for
    the user ("someone like me", "at my stage"). Returns "" when no version fits.
    """
    if not body:
        return ""
    aim_said = bool(plan.slots.aim.term) and plan.slots.aim.term.lower() in body.lower()
    full = plan.slots.intro(aim=plan.use_aim and not aim_said)
    plain = plan.slots.intro(aim=False)
    if kind == "situation":
        intros = [plan.own_intro, full, plain]
    else:
        intros = [] if FIRST_PERSON.search(body) else [plan.own_intro, plain, full]
    for intro in [*dict.fromkeys(i for i in intros if i), ""]:
        text = f"{intro} {body}".strip()
        if words(text) <= MAX_WORDS and FIRST_PERSON.search(text):
            return text
    return ""


def candidates(plan: Plan, role: str | None) -> list[Rewrite]:
    """Template rewrites for a flagged question, kind by kind in preference order."""
    if plan.flag is None:
        return []
    values = slot_values(plan)
    outcome = outcome_kind(plan.parsed.text) if plan.flag == "pumping" else None
    out = []
    for kind in KINDS:
        for template in LEXICON.templates.choose(plan.flag, kind, role, outcome):
            for body in fillings(template, values):
                text = compose(body, kind, plan)
                if text and repeats(text) and values["choice_and"] in body:
                    # The user's own line already names the choice: refer back to it rather than say it twice.
                    again = compose(body.replace(values["choice_and"], "the two"), kind, plan)
                    text = again if plan.own_intro and again.startswith(plan.own_intro) else ""
                if text and not repeats(text):
                    out.append(Rewrite(text, kind, template.id))
    return out


_ASIDE_SENTENCE = re.compile(
    r"^(?:can|could|may)\s+i\s+ask\s+(?:you\s+)?(?:something|a\s+question|one\s+more\s+thing|another)"
    r"(?:\s+(?:different|else|personal|quickly|now))?\s*[?.!]?$"
    r"|^(?:quick|one|another|random|different|last)\s+(?:more\s+)?question\s*[.!:]?$", re.IGNORECASE)
_LEAD_IN = re.compile(
    r"^(?:(?:ok(?:ay)?|so|and|also|btw|by\s+the\s+way|anyway)[,:]?\s+)?"
    r"(?:(?:(?:totally|completely|slightly|a\s+bit)\s+)?(?:different|unrelated|random|quick|another|one\s+more|"
    r"last|separate)\s+question\s*[:,\-–]\s*"
    r"|(?:switching|changing)\s+(?:topics?|gears?|subjects?)(?:\s+a\s+bit)?\s*[:,\-–]\s*"
    r"|on\s+(?:a|another)\s+(?:different|other|separate)\s+note\s*[:,\-–]?\s*)", re.IGNORECASE)


def polish(plan: Plan, notes: list[str]) -> list[Rewrite]:
    """At most one better version of a flag-free question, from the user's own words.

    Several joined questions are cut to the first (later parts often lean on it); a question with nothing
    about the user gets their situation in front. Anything else is left alone.
    """
    # Words that steer the conversation ("Totally different question:", "Can I ask something else?") are
    # said, not asked: the polish keeps the question itself.
    sentences = [_LEAD_IN.sub("", s) for s in re.split(r"(?<=[.?!])\s+", plan.question)
                 if not _ASIDE_SENTENCE.match(s.strip())]
    cleaned = " ".join(sentences)
    context = " ".join(s for s in sentences if not s.endswith("?"))
    asks = [s for s in sentences if s.endswith("?")]
    pieces = [c.strip(" ,?") for a in asks for c in _JOINED.split(a) if c and c.strip(" ,?")]
    if len(pieces) >= 2:
        first = pieces[0]
        body = " ".join(filter(None, [context, first[0].upper() + first[1:] + "?"]))
    elif "no_context" in notes and not has_personal_context(plan.parsed):
        body = cleaned
    else:
        return []
    if has_personal_context(parse(body)):
        return [Rewrite(body, "polish")] if body != plan.question and words(body) <= MAX_WORDS else []
    body = body[0].upper() + body[1:]
    for intro in (plan.slots.intro(aim=plan.use_aim), plan.slots.intro(aim=False)):
        text = f"{intro} {body}".strip()
        if intro and words(text) <= MAX_WORDS:
            return [Rewrite(text, "polish")]
    return [Rewrite(body, "polish")] if body != plan.question and FIRST_PERSON.search(body) else []


# ---- checks that need no judge ------------------------------------------------------------------------
def _runs(text: str, n: int = PASTE_RUN) -> set[tuple[str, ...]]:
    tokens = TOKEN_RE.findall(text.lower().replace("\u2019", "'"))
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def repeats(text: str, n: int = 4) -> bool:
    """True when the text says the same ``n`` words in a row twice (an introduction echoed by its question)."""
    tokens = TOKEN_RE.findall(text.lower().replace("\u2019", "'"))
    runs = [tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
    return len(set(runs)) < len(runs)


def pasted(text: str, sources: list[str]) -> bool:
    """True when the text repeats :data:`PASTE_RUN` words in a row from any source (a profile field)."""
    runs = _runs(text)
    return any(runs & _runs(source) for source in sources if source)


def well_formed(text: str, sources: list[str] = ()) -> bool:
    """A spoken question: at most :data:`MAX_WORDS` words, in the first person, ending in "?", and pasting
    no profile field."""
    return (bool(text) and words(text) <= MAX_WORDS and text.rstrip().endswith("?")
            and bool(FIRST_PERSON.search(text)) and not pasted(text, list(sources)))


def kind_of(text: str) -> str:
    """The kind of a drafted rewrite (role, situation or story), or "other"."""
    low = " ".join(text.lower().replace("\u2019", "'").replace("'ve", " have").split())
    return next((kind for pattern, kind in _KIND_CUES if pattern.search(low)), "other")


def _content(text: str) -> set[str]:
    return {w for w in TOKEN_RE.findall(text.lower()) if len(w) > 3}


def near_duplicate(a: str, b: str) -> bool:
    """Two rewrites that say nearly the same thing (most content words shared)."""
    x, y = _content(a), _content(b)
    return bool(x and y) and len(x & y) / len(x | y) > 0.6


# ---- a capable model's drafts -------------------------------------------------------------------------
def parse_model_rewrites(text: str) -> list[str]:
    """Rewrites from a model reply: a JSON list, or one per line (bullets and numbers stripped)."""
    text = text.strip()
    match = re.search(r"\[.*\]", text, re.DOTALL)
    if match:
        try:
            data = json.loads(match.group(0))
            if isinstance(data, list):
                return [" ".join(str(x).split()) for x in data if str(x).strip()]
        except json.JSONDecodeError:
            pass
    lines = [re.sub(r"^\s*(?:[-*\u2022]|\d+[.)])\s*", "", ln).strip().strip('"') for ln in text.splitlines()]
    return [ln for ln in lines if ln.endswith("?") and len(ln) > 15]


def model_drafts(model: BaseChatModel, plan: Plan, *, verdict: str, flags: list[str], notes: list[str],
                 count: int = 3) -> list[Rewrite]:
    """Ask a capable model for rewrites, telling it only the normalised slots (never the profile as typed)."""
    from langchain_core.messages import HumanMessage

    from agent.core import load_prompt

    slots = plan.slots
    prompt = load_prompt("question_rewrite").render(
        question=plan.question, verdict=verdict, flags=flags, notes=notes, mentor_role=slots.role or "unknown",
        mentor_specialty=slots.mentor_field, career_stage=slots.stage, specialty=slots.field,
        goals=slots.aim.phrase if plan.use_aim else "", subject=plan.subject.phrase, count=count,
    )
    reply = str(getattr(model.invoke([HumanMessage(content=prompt)]), "content", ""))
    return [Rewrite(text, kind_of(text), "model") for text in parse_model_rewrites(reply)]
