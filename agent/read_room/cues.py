"""Cue matching for "read the room": find cue spans in meeting notes and decide which are negated.

A :class:`Cue` is a regular expression for one lexical family (a stem, a synonym set or a verb-object
pattern) plus what it is evidence for: a role (mentor, coach, sponsor, connector), an availability level
(high, low), or both. :func:`find_hits` runs every cue over the text and returns :class:`Hit` objects
with exact character offsets, each marked negated or not, and hedged when it is only what the user wished
for or expected ("I'd half expected a mock interview"); an expectation that the next clause denies
("There wasn't one.", "Nope.", "She didn't.") counts as negated. Inside quoted speech "I" is the speaker, so
neither the user-as-subject guard nor the wish hedging applies there. The lexicon itself is data (YAML
files beside this module, compiled into cues by ``agent.read_room.lexicon``); this module holds the
machinery that is independent of the word lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

# Apostrophe variants are folded to "'" before matching; every fold keeps the text's length,
# so offsets into the folded text are offsets into the user's original text.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})

WORD = r"[\w'-]+"

# Turns a match into ``(availability, weight)``, or None to drop it (e.g. a duration: "two hours" is high).
Weigher = Callable[[re.Match[str]], tuple[str, float] | None]


def gap(n: int) -> str:
    """Up to ``n`` intervening words (commas allowed, no sentence punctuation) between two parts."""
    return rf"(?:[\s,]+{WORD}){{0,{n}}}?[\s,]+"


def alt(*parts: str) -> str:
    """A non-capturing alternation of regex parts."""
    return "(?:" + "|".join(parts) + ")"


@dataclass(frozen=True)
class Cue:
    """One lexical cue family.

    Attributes:
        name: stable id shown with the evidence (e.g. ``"nominates"``).
        pattern: compiled regex, matched case-insensitively on word boundaries.
        role: the role the cue supports, if any.
        role_weight: how strongly (about 3 = a decisive action, 1 = ambient).
        availability: ``"high"`` or ``"low"`` when the cue also says something about time/attention.
        availability_weight: how strongly.
        negatable: False for cues whose wording already carries a negation ("no time").
        reject_before: a match is dropped when the text just before it matches this (anchored at the end).
        reject_after: a match is dropped when the matched text plus what follows matches this.
        reject_user: a match is dropped when the text just before it says the user is its subject ("I cc'd
            her"); unlike ``reject_before`` it is not checked inside quoted speech, where "I" is the speaker.
        weigh: optional function of the match returning ``(availability, weight)`` or None to drop it
            (for durations, whose meaning depends on the number).
    """

    name: str
    pattern: re.Pattern[str]
    role: str | None = None
    role_weight: float = 0.0
    availability: str | None = None
    availability_weight: float = 0.0
    negatable: bool = True
    reject_before: re.Pattern[str] | None = None
    reject_after: re.Pattern[str] | None = None
    reject_user: re.Pattern[str] | None = None
    weigh: Weigher | None = field(default=None, compare=False)


def cue(name: str, pattern: str, role: str | None = None, rw: float = 0.0, avail: str | None = None,
        aw: float = 0.0, *, negatable: bool = True, not_before: str | None = None, not_after: str | None = None,
        not_by_user: str | None = None, weigh: Weigher | None = None) -> Cue:
    """Build a :class:`Cue`; patterns are wrapped in word boundaries and compiled case-insensitively."""
    flags = re.IGNORECASE
    return Cue(
        name=name,
        pattern=re.compile(rf"\b(?:{pattern})(?![\w])", flags),
        role=role, role_weight=rw, availability=avail, availability_weight=aw, negatable=negatable,
        reject_before=re.compile(rf"(?:{not_before})$", flags) if not_before else None,
        reject_after=re.compile(not_after, flags) if not_after else None,
        reject_user=re.compile(rf"(?:{not_by_user})$", flags) if not_by_user else None,
        weigh=weigh,
    )


@dataclass(frozen=True)
class Hit:
    """A cue found in the text.

    Attributes:
        cue: the cue that matched.
        start: offset of the evidence span (includes the negating word when negated).
        end: end offset of the evidence span.
        negated: the cue sits in the scope of a negation ("did not offer any introductions").
        hedged: the cue is something the user wished for rather than something the other person did.
        availability: availability level after any duration weighing (before negation).
        availability_weight: weight after any duration weighing.
    """

    cue: Cue
    start: int
    end: int
    negated: bool
    hedged: bool
    availability: str | None
    availability_weight: float


# ---- negation -------------------------------------------------------------------------------------------

# Texting drops the apostrophe ("didnt ask about me"); those spellings negate too.
_NO_APOSTROPHE = r"(?:did|does|do|was|were|is|are|could|would|should|has|have|had|ca|wo|must|need)nt"
_NEGATOR = re.compile(
    r"\b(?:not|never|no|zero|without|hardly|barely|scarcely|nothing|none|nobody|neither|nor|instead\s+of|"
    r"rather\s+than|cannot|unable\s+to|refus\w*|declin\w*|fail(?:ed|s)?\s+to|\w+n't|" + _NO_APOSTROPHE + r")\b",
    re.IGNORECASE)
# "not only", "don't hesitate", "no doubt" ... look like negations but do not negate what follows.
_NOT_A_NEGATION = re.compile(
    r"\s*(?:only|just|doubt|matter|problem|hesitate|mind|minded|wait|end\b|shortage|later|sooner|less|fewer|"
    r"least|stranger|surprise|wonder)|(?<=\bno)\s*[,!]", re.IGNORECASE)
# Negators that scope over a short noun phrase only ("no feedback", "without any introductions").
_SHORT_SCOPE = {"no", "zero", "without", "nothing", "none", "nobody", "neither", "nor"}
_SCOPE_WORDS = {"short": 3, "long": 6}
# Where a negation's scope ends: clause punctuation, contrast words, a new subject, or a new verb phrase
# ("she didn't have time and introduced me to ..." - the introduction is not negated).
_PAST_VERB = (r"(?:\w+ed|gave|told|said|took|sent|made|wrote|showed|put|went|spent|set|got|let|kept|brought|"
              r"met|ran|sat|saw|spoke|found|left|began|came|did|had|knew|thought|felt|read)\s+"
              r"(?:me|him|her|them|us|a|an|the|to|up|out|off|my|his|their|some|no|any|not|n't)\b")
# A new subject, with or without the apostrophe of its contraction ("she's", "shes", "theyre").
_SUBJECT = r"(?:(?:he|she|they|i|we)(?:'\w+)?|(?:he|she)(?:s|d|ll)|they(?:re|ve|d|ll)|i(?:m|ve)|we(?:re|ve))\b"
_SCOPE_BREAK = re.compile(
    r"[.;:!?()\n]|\s[-\u2013\u2014]\s|\b(?:but|yet|though|although|however|instead|whereas|while|then|so|"
    r"except|still)\b|(?:,|&)\s*(?:(?:and|&)\s+)?" + _SUBJECT + r"|(?:\band|&)\s+(?:" + _SUBJECT + r"|then\b)"
    r"|(?:,|\band)\s+(?=" + _PAST_VERB + r")|\bthat\s+(?=" + _SUBJECT + ")"  # "I wasn't surprised that she ..."
    # "not at all, ..." closes its negation; ", just ..." / ", all about ..." turn to what did happen
    r"|\b(?:at\s+all|whatsoever)\s*,|,\s*(?:just|only|mostly|purely|simply|all\s+about)\b",
    re.IGNORECASE)
# "None of my writing got critiqued": the negator is the subject and scopes over its verb.
_PARTITIVE = re.compile(r"\s+of\b", re.IGNORECASE)
_COORDINATED = re.compile(r"\b(?:or|nor)\b", re.IGNORECASE)
# A cue that is the subject of a negated clause: "Long-term mentoring isn't something she can offer".
_NEGATED_AFTER = re.compile(
    r"(?:\s+[\w-]+){0,2}?\s+(?:isn't|wasn't|isnt|wasnt|is\s+not|was\s+not|won't\s+be|wouldn't\s+be)\s+"
    r"(?:something|anything|her|his|their|on\s+the\s+(?:table|cards|agenda)|part\s+of|going\s+to\s+happen|"
    r"happening|an\s+option|possible|available|offered|'not)\b", re.IGNORECASE)
# A negation further back than its usual scope still reaches a cue that "at all" follows in the same clause
# ("she wasn't, in the ten minutes we had, interested in my plans at all").
_NEGATION_CLOSER = re.compile(r"[^.;:!?\n]{0,60}?\b(?:at\s+all|whatsoever|in\s+the\s+slightest)\b", re.IGNORECASE)
_WORDS = re.compile(WORD)
# The user's wish or expectation, not something the other person did: "I had hoped she would introduce me",
# "I'd half expected a mock interview", "I assumed he'd send me to other people".
_WISH_VERB = (r"(?:(?:half|fully|really|actually|originally|initially|kind\s+of|sort\s+of|secretly|naively)[\s-]+)?"
              r"(?:hoped|hoping|expected|expecting|assumed|assuming|wanted|wished|wishing|requested|asked\s+for|"
              r"asked\s+(?:(?:her|him|them)\s+)?(?:to|for|if|whether)|wondered|braced\s+for|bracing\s+for|"
              r"(?:thought|figured|imagined|presumed|guessed)\s+(?:that\s+)?(?:(?:he|she|they)d\b|[\w-]+\s*"
              r"(?:'d|\s+would|\s+might|\s+could|\s+will|'ll|\s+was\s+going\s+to|\s+were\s+going\s+to)))\b")
# "what I'd like", "whether I wanted": the wish is the object of someone else's question, not the user's own.
_NOT_AFTER_QUESTION_WORD = r"(?<!\bwhat\s)(?<!\bhow\s)(?<!\bwhere\s)(?<!\bif\s)(?<!\bwhether\s)"
_USER_WISH = re.compile(
    _NOT_AFTER_QUESTION_WORD + r"\bI(?:'d|'m|\s+had|\s+was|\s+am)?\s+(?:" + _WISH_VERB
    # "I went in expecting ...", "I brought my CV expecting feedback"
    + r"|(?:(?!(?:he|she|they|you|it)\b)[\w-]+\s+){1,3}?(?:expecting|hoping|assuming|wanting)\b)"
    + r"|" + _NOT_AFTER_QUESTION_WORD + r"\bI(?:'d|\s+would)\s+(?:have\s+)?(?:liked|like|loved|love)\b",
    re.IGNORECASE)
# Notes often drop the "I": "Thought she'd ask about my goals." (only at the start of a sentence, where the
# dropped subject is the writer; "Wanted to know what I enjoy" is the other person, so "wanted" is left out).
_SUBJECTLESS_WISH = re.compile(r"\s*(?:(?:half|fully)[\s-]+)?(?:hoped|expected|assumed|(?:was\s+)?braced\s+for|"
                               r"(?:thought|figured|imagined)\s+(?:that\s+)?(?:(?:he|she|they)(?:'d|d\b|\s+would|"
                               r"\s+might|\s+was\s+going\s+to)|(?:this|it)\s+(?:would|was\s+going\s+to)))\b",
                               re.IGNORECASE)
_QUOTE_MARK = re.compile(r"['\"\n]")
# What follows an expectation and denies it: "There wasn't one.", "Nope.", "She didn't.", "Instead ...".
_CLAUSE_END = re.compile(r"[.;:!?,]|\s[-\u2013\u2014]+\s|\s(?=but\b|instead\b)")
_NEG_WORD = r"(?:\w+n't|" + _NO_APOSTROPHE + r"|not|never|no)\b"
_DENIAL = re.compile(
    r"\s*(?:but\s+|and\s+)?(?:nope|nah|no|none|nothing|never|wrong|instead|"
    r"not\s+(?:once|this\s+time|really|at\s+all|quite|a\s+chance|one)|"
    r"there\s+(?:wasn't|was\s+no|weren't|were\s+no|was\s+none|wasnt)|"
    r"(?:got|received|heard)\s+(?:none|nothing)|"
    r"(?:he|she|they|it|that|(?-i:[A-Z])[\w.]+)\s+(?:(?!(?:and|but|so|then)\b)[\w']+\s+){0,4}?" + _NEG_WORD + r")\b",
    re.IGNORECASE)
_AGREED = re.compile(r"[^.;!?]{0,40}?\b(?:and|,)\s*(?:she|he|they)\s+(?:agreed|said\s+yes|did|will|would|offered|"
                     r"promised|happily|gladly|kindly|immediately|gave|sent|made|wrote|introduced|connected|set|put|"
                     r"arranged|nominated|recommended|obliged)\b", re.IGNORECASE)
# "whether or not", "if not": the "not" negates nothing that follows.
_NEGATOR_EXEMPT_BEFORE = re.compile(r"\b(?:or|if|whether)\s+$", re.IGNORECASE)


def _clause_prefix(text: str, start: int) -> str:
    """Text before ``start`` back to the nearest scope break (at most 120 characters)."""
    window_start = max(0, start - 120)
    prefix = text[window_start:start]
    cut = max((m.end() for m in _SCOPE_BREAK.finditer(prefix)), default=0)
    return prefix[cut:]


def _negator_before(prefix: str, rest: str = "") -> re.Match[str] | None:
    """The negator that scopes over the end of ``prefix``, if any.

    ``rest`` is the text from the cue on: a negation further back than its usual scope still counts when the
    clause ends in "at all" ("wasn't, in the ten minutes we had, interested in my plans at all").
    """
    found = None
    for match in _NEGATOR.finditer(prefix):
        if _NOT_A_NEGATION.match(prefix, match.end()) or _NEGATOR_EXEMPT_BEFORE.search(prefix, 0, match.start()):
            continue
        found = match
    if found is None:
        return None
    between = prefix[found.end():]
    short = found.group(0).lower() in _SHORT_SCOPE and not _PARTITIVE.match(between)
    scope = _SCOPE_WORDS["short" if short else "long"]
    if _COORDINATED.search(between):  # "no talk of my future or my family": both are negated
        scope *= 2
    return found if len(_WORDS.findall(between)) <= scope or _NEGATION_CLOSER.match(rest) else None


def _negated_inside(matched: str) -> bool:
    """A negator between the head and the object of a gap pattern ("asked nothing about my goals")."""
    for match in _NEGATOR.finditer(matched):
        if (match.start() > 0 and not _NOT_A_NEGATION.match(matched, match.end())
                and not _NEGATOR_EXEMPT_BEFORE.search(matched, 0, match.start())):
            return True
    return False


def _in_quote(text: str, pos: int) -> bool:
    """``pos`` is inside quoted speech ("'I'll put you forward,' she said"), where "I" is the speaker, not
    the user. Quote marks between two letters are apostrophes ("she'll") and are skipped."""
    inside = False
    for m in _QUOTE_MARK.finditer(text, max(0, pos - 400), pos):
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if m.group(0) == "\n":
            inside = False
        elif before.isalnum() and after.isalnum():
            continue
        elif not before.isalnum() and before not in ".,!?;:" and (after.isalnum() or after in "'\""):
            inside = True
        elif (before.isalnum() or before in ".,!?;:") and not after.isalnum():
            inside = False
    return inside


def _expected(text: str, start: int, end: int, prefix: str) -> bool:
    """The cue is what the user wished for or expected ("I'd half expected a mock interview"), unless the
    sentence goes on to say it happened ("... and she agreed")."""
    clause_start = start - len(prefix)
    at_sentence_start = not text[:clause_start].strip() or text[:clause_start].rstrip()[-1] in ".!?\n"
    wished = _USER_WISH.search(prefix) or (at_sentence_start and _SUBJECTLESS_WISH.match(prefix))
    return bool(wished) and not _AGREED.match(text, end)


def _denied(text: str, end: int, expected: bool) -> bool:
    """The clause after an expectation (or a question) denies it: "There wasn't one.", "Nope.", "He didn't."."""
    close = _CLAUSE_END.search(text, end, end + 120)
    if close is None or not (expected or close.group(0) == "?"):
        return False
    return bool(_DENIAL.match(text, close.end()))


# ---- matching -------------------------------------------------------------------------------------------

def fold(text: str) -> str:
    """Fold apostrophe variants to ``'`` without changing the text's length."""
    return text.translate(_APOSTROPHES)


def find_hits(text: str, cues: Iterable[Cue]) -> list[Hit]:
    """Every cue match in ``text``, with negation and hedging resolved.

    Args:
        text: the user's notes (already folded with :func:`fold`; offsets refer to it).
        cues: the lexicon.

    Returns:
        Hits in text order.
    """
    hits: list[Hit] = []
    for c in cues:
        for m in c.pattern.finditer(text):
            start, end = m.span()
            if c.reject_before is not None and c.reject_before.search(text[max(0, start - 40):start]):
                continue
            if c.reject_after is not None and c.reject_after.match(text, start, min(len(text), end + 40)):
                continue
            quoted = _in_quote(text, start)
            if c.reject_user is not None and not quoted and c.reject_user.search(text[max(0, start - 40):start]):
                continue
            availability, availability_weight = c.availability, c.availability_weight
            if c.weigh is not None:
                weighed = c.weigh(m)
                if weighed is None:
                    continue
                availability, availability_weight = weighed
            prefix = _clause_prefix(text, start)
            negated, span_start = False, start
            if c.negatable:
                negator = _negator_before(prefix, text[start:start + 80])
                if negator is not None:
                    negated, span_start = True, start - len(prefix) + negator.start()
                elif _negated_inside(m.group(0)) or _NEGATED_AFTER.match(text, end, end + 60):
                    negated = True
            hedged = not quoted and _expected(text, start, end, prefix)
            if c.negatable and not negated and _denied(text, end, hedged):
                negated, hedged = True, False
            hits.append(Hit(c, span_start, end, negated, hedged, availability, availability_weight))
    hits.sort(key=lambda h: (h.start, h.end))
    return hits
