"""Read the room: from meeting notes to a role estimate (mentor, coach, sponsor, connector) with evidence.

Deterministic and offline. Lexical cue families (``agent.read_room.lexicon``) are matched in the user's text with
negation handling (``agent.read_room.cues``); each cue adds weight to a role and/or to an availability level.
Role scores become probabilities with a softmax. Decisive actions (nominating, introducing, feedback on a
skill, questions about your life) carry more weight than ambient cues and topic words, so a busy doctor who
nominates you reads as a sponsor with low availability. Without any role cue the role is ``"unclear"``.
Availability comes from time/attention cues; only when the notes have none does the kind of help stand in
as a weak guess (mentors and coaches spend time with you, sponsors and connectors act through others).

When the learned heads are trained (``python -m agent train``), the rules' points are fused with classifiers on
sentence embeddings (:mod:`agent.read_room.learned`): the classifiers cope with wording no cue anticipated,
the rules keep quoting the user's own words. Where the two disagree the fused confidence drops, and a low
confidence reads as "unclear" with a tie-break question rather than a confident guess.

Typical use::

    reading = read_room("She cleared her afternoon and asked about my goals.", citer=retriever)
    reading.role, reading.availability, reading.evidence
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from agent.core import (
    COACH,
    CONNECTOR,
    HIGH,
    LOW,
    MENTOR,
    ROLES,
    SPONSOR,
    UNCLEAR,
    HeadStore,
    InputError,
    corpus_rows,
    head_store,
    plain_text,
)
from agent.read_room import learned
from agent.read_room.cues import Hit, find_hits, fold
from agent.read_room.guidance import AVAILABILITY_TIPS, ROLE_GUIDANCE, tiebreak_question
from agent.read_room.lexicon import LEXICON, load_observed
from retrieval import Citer

log = logging.getLogger(__name__)

MAX_NOTES_CHARS = 20_000

# Checkbox keys for things the user observed (observed.yaml), with the label shown in the UI.
_OBSERVED = load_observed()
OBSERVED_BEHAVIOURS: dict[str, str] = {key: b.label for key, b in _OBSERVED.items()}
# key -> (role, role weight, availability, availability weight)
_OBSERVED_EFFECTS: dict[str, tuple[str | None, float, str | None, float]] = {
    key: (b.role, b.role_weight, b.availability, b.availability_weight) for key, b in _OBSERVED.items()
}

SOFTMAX_SCALE = 0.7  # score points -> log-odds; one decisive cue (3) gives about 0.6 against three empty roles
NEGATED_ROLE_FACTOR = -0.5  # "never asked about my goals" counts a little against mentor
HEDGED_FACTOR = 0.2  # "I had hoped she would introduce me": the user's wish, not their action
REPEAT_DECAY = 0.5  # the second hit of the same cue counts half, the third a quarter ...
MIN_ROLE_POINTS = 0.75  # one action cue (>= 1), or at least two topic words, before a role is named
TIE_MARGIN = 0.25  # top-two probability gap under which a tie-break question is offered
# Without any time/attention cue, the kind of help implies a weak availability guess: mentors and coaches
# spend time with you; sponsors and connectors act through other people and offer no follow-up of their own.
ROLE_AVAILABILITY_PRIOR: dict[str, str] = {MENTOR: HIGH, COACH: HIGH, SPONSOR: LOW, CONNECTOR: LOW}
PRIOR_WEIGHT = 0.5
UNCLEAR_BELOW = 0.55  # fused top-role probability under which the reading says "unclear"
SENTENCE_EVIDENCE_MIN = 0.5  # a sentence quoted as classifier evidence must score at least this
AVAILABILITY_GUESS_MIN = 0.75  # with no time or attention cue, the classifier's level is used only this sure
ENGINES = ("fused", "rules", "classifier")


@dataclass(frozen=True)
class Evidence:
    """A quoted span of the user's notes and what it supports.

    Attributes:
        text: the exact substring ``notes[start:end]``.
        start: character offset in the notes.
        end: end offset (exclusive).
        cue: the cue family that matched, e.g. ``"nominates"``.
        kind: ``"role"`` or ``"availability"``.
        supports: a role name, or ``"high"`` / ``"low"`` for availability.
        weight: the contribution to the score (negative when a negated cue counts against a role).
        negated: the cue was negated in the text ("did not offer any introductions").
    """

    text: str
    start: int
    end: int
    cue: str
    kind: str
    supports: str
    weight: float
    negated: bool = False


@dataclass(frozen=True)
class Guidance:
    """What the top role means for the user and how to work with it, with cited knowledge passages."""

    role: str
    summary: str
    how_to_work: list[str]
    availability_tip: str
    citations: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class RoleReading:
    """The result of :func:`read_room`.

    Attributes:
        role: the most likely role, or ``"unclear"`` when the notes carry no role cues.
        scores: probability per role (sums to 1; uniform when unclear).
        confidence: probability of the top role (0.25 when unclear).
        margin: gap between the top two probabilities.
        availability: ``"high"``, ``"low"`` or ``"unclear"``.
        availability_basis: ``"cues"`` (time/attention cues in the notes or checkboxes), ``"role"`` (no such
            cues; a weak guess from the kind of help) or ``"none"``.
        evidence: quoted spans in text order.
        observed: the checkbox behaviours used, with their effect.
        guidance: advice for the top role.
        tiebreak_question: a question that separates the top two roles when they are close, else None.
        runner_up: the second role when a tie-break question is given, else None.
        engine: what decided: ``fused`` (rules and classifiers), ``rules`` or ``classifier``.
        rule_scores: the rules' own probability per role (uniform when no rule fired).
        classifier_scores: the classifier's probability per role, when it ran.
    """

    role: str
    scores: dict[str, float]
    confidence: float
    margin: float
    availability: str
    availability_basis: str
    evidence: list[Evidence]
    observed: list[dict[str, Any]]
    guidance: Guidance
    tiebreak_question: str | None = None
    runner_up: str | None = None
    engine: str = "rules"
    rule_scores: dict[str, float] = field(default_factory=dict)
    classifier_scores: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RoleReading:
        """Rebuild a reading saved with :meth:`to_dict` (unknown keys are ignored)."""
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        values["evidence"] = [e if isinstance(e, Evidence) else Evidence(**{k: v for k, v in e.items()
                                                                             if k in Evidence.__dataclass_fields__})
                              for e in data.get("evidence") or []]
        guidance = data.get("guidance") or {}
        values["guidance"] = guidance if isinstance(guidance, Guidance) else Guidance(
            role=guidance.get("role", data.get("role", UNCLEAR)), summary=guidance.get("summary", ""),
            how_to_work=list(guidance.get("how_to_work", [])), availability_tip=guidance.get("availability_tip", ""),
            citations=list(guidance.get("citations", [])))
        values.setdefault("observed", [])
        values.setdefault("scores", {})
        values.setdefault("confidence", 0.0)
        values.setdefault("margin", 0.0)
        values.setdefault("availability", UNCLEAR)
        values.setdefault("availability_basis", "none")
        values.setdefault("role", UNCLEAR)
        return cls(**values)

    def quotes(self, limit: int = 3) -> list[str]:
        """The user's own words behind this reading: role evidence for the top role first, then availability;
        never negated cues."""
        spans = [e for e in self.evidence if not e.negated and e.weight >= 0]
        spans.sort(key=lambda e: (e.supports != self.role, e.supports != self.availability, e.start))
        out: list[str] = []
        for e in spans:
            text = " ".join(e.text.split())
            if text and text not in out:
                out.append(text)
        return out[:limit]


def read_room(notes: str, observed: Iterable[str] = (), *, citer: Citer | None = None,
              engine: str = "fused") -> RoleReading:
    """Estimate the role a senior doctor is playing, and how available they are, from meeting notes.

    Args:
        notes: free text describing what happened in or after the meeting.
        observed: keys of :data:`OBSERVED_BEHAVIOURS` the user ticked.
        citer: optional knowledge search, used only to attach citations to the guidance.
        engine: ``fused`` (rules and classifiers; the rules alone until the heads are trained), ``rules`` or
            ``classifier`` (the last two for evaluation).

    Returns:
        The reading, with evidence spans that are exact substrings of ``notes``.

    Raises:
        InputError: ``notes`` is not a string or is too long, or an observed key is unknown.
    """
    if not isinstance(notes, str):
        raise InputError("Notes must be text.")
    if len(notes) > MAX_NOTES_CHARS:
        raise InputError(f"Notes are {len(notes):,} characters; shorten them to {MAX_NOTES_CHARS:,} or fewer.")
    if engine not in ENGINES:
        raise InputError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}.")
    points = rule_points(notes, observed)
    rule_scores = _softmax(points.role) if points.has_role_cue else dict.fromkeys(ROLES, 0.25)
    heads = learned.load_heads() if engine != "rules" and plain_text(notes) else None
    if heads is None:
        return _rules_reading(notes, points, rule_scores, citer)
    scored = learned.score(heads, _embed, notes, points.role, points.availability, points.negated_role_cues)
    if engine == "classifier":
        label_scores, level_scores = scored.role, scored.availability
    else:
        label_scores, level_scores = scored.fused_role, scored.fused_availability
    # What the user ticked is certain: it moves the fused odds the way the rules weigh it.
    label_scores = _nudge(label_scores, points.checked_role)
    level_scores = _nudge(level_scores, points.checked_availability)
    scores = _rounded({r: label_scores[r] for r in ROLES})  # the chart: the four roles, renormalised
    ranked = sorted(ROLES, key=lambda r: (-scores[r], ROLES.index(r)))
    top, second = ranked[0], ranked[1]
    # A rule cue for an action (not negated, not a wish) shows a role; otherwise the no-role head decides.
    shows_a_role = bool(points.checked_role) or points.has_role_cue or scored.no_role < learned.NO_ROLE_MIN
    sure = shows_a_role and label_scores[top] >= UNCLEAR_BELOW
    role = top if sure else UNCLEAR
    margin = round(scores[top] - scores[second], 4)
    availability, basis = _fused_availability(points, level_scores, role, engine)
    evidence = _with_sentence_evidence(notes, points.evidence, heads, role)
    question = runner_up = None
    if shows_a_role and (role == UNCLEAR or margin < TIE_MARGIN):
        runner_up = second
        question = tiebreak_question(top, second)
    return RoleReading(
        role=role, scores=scores, confidence=round(label_scores[top], 4), margin=margin,
        availability=availability, availability_basis=basis, evidence=evidence, observed=points.used,
        guidance=_guidance(role, availability, citer), tiebreak_question=question, runner_up=runner_up,
        engine=engine, rule_scores=rule_scores, classifier_scores={r: scored.role[r] for r in ROLES},
    )


def _nudge(probabilities: dict[str, float], points: dict[str, float]) -> dict[str, float]:
    if not any(points.values()):
        return probabilities
    logits = {k: math.log(max(v, 1e-6)) + SOFTMAX_SCALE * points.get(k, 0.0) for k, v in probabilities.items()}
    top = max(logits.values())
    exps = {k: math.exp(v - top) for k, v in logits.items()}
    total = sum(exps.values())
    return {k: v / total for k, v in exps.items()}


def _fused_availability(points: RulePoints, level_scores: dict[str, float], role: str,
                        engine: str) -> tuple[str, str]:
    """The fused level when the notes or checkboxes say something about time; otherwise only a sure guess,
    then the role's usual pattern, then "unclear"."""
    best = max(level_scores, key=level_scores.get)
    if (points.availability[HIGH] or points.availability[LOW]) and engine != "classifier":
        return best, "cues"
    if role == UNCLEAR:  # nothing about time and no role: nothing to go on
        return UNCLEAR, "none"
    if level_scores[best] >= AVAILABILITY_GUESS_MIN:
        return best, "classifier"
    prior = ROLE_AVAILABILITY_PRIOR.get(role)
    return (prior, "role") if prior else (UNCLEAR, "none")


@dataclass(frozen=True)
class RulePoints:
    """What the rules found: evidence spans, points per role and availability level, checkboxes used."""

    evidence: list[Evidence]
    role: dict[str, float]
    availability: dict[str, float]
    used: list[dict[str, Any]]
    checked_role: dict[str, float] = field(default_factory=dict)
    checked_availability: dict[str, float] = field(default_factory=dict)

    @property
    def has_role_cue(self) -> bool:
        return max(self.role.values()) >= MIN_ROLE_POINTS

    @property
    def negated_role_cues(self) -> int:
        return sum(1 for e in self.evidence if e.kind == "role" and e.negated)


def rule_points(notes: str, observed: Iterable[str] = ()) -> RulePoints:
    """Run the cue families and the ticked checkboxes over the notes."""
    observed = _check_observed(observed)
    evidence = _evidence(notes, find_hits(fold(notes), LEXICON))
    role_points: dict[str, float] = dict.fromkeys(ROLES, 0.0)
    availability_points = {HIGH: 0.0, LOW: 0.0}
    for item in evidence:
        (role_points if item.kind == "role" else availability_points)[item.supports] += item.weight
    used = []
    checked_role: dict[str, float] = defaultdict(float)
    checked_level: dict[str, float] = defaultdict(float)
    for key in observed:
        role, rw, level, aw = _OBSERVED_EFFECTS[key]
        if role:
            role_points[role] += rw
            checked_role[role] += rw
        if level:
            availability_points[level] += aw
            checked_level[level] += aw
        used.append({"key": key, "label": OBSERVED_BEHAVIOURS[key], "role": role, "role_weight": rw,
                     "availability": level, "availability_weight": aw})
    return RulePoints(evidence, role_points, availability_points, used, dict(checked_role), dict(checked_level))


def _rules_reading(notes: str, points: RulePoints, scores: dict[str, float], citer: Citer | None) -> RoleReading:
    ranked = sorted(ROLES, key=lambda r: (-scores[r], ROLES.index(r)))
    role = ranked[0] if points.has_role_cue else UNCLEAR
    margin = round(scores[ranked[0]] - scores[ranked[1]], 4)
    availability, basis = _availability(points.availability, role)
    question = runner_up = None
    if role != UNCLEAR and margin < TIE_MARGIN:
        runner_up = ranked[1]
        question = tiebreak_question(role, runner_up)
    return RoleReading(
        role=role, scores=scores, confidence=round(scores[ranked[0]], 4), margin=margin,
        availability=availability, availability_basis=basis, evidence=points.evidence, observed=points.used,
        guidance=_guidance(role, availability, citer), tiebreak_question=question, runner_up=runner_up,
        engine="rules", rule_scores=scores,
    )


def train_heads(embed: learned.Embed, store: HeadStore | None = None) -> learned.TrainReport:
    """Train the read-the-room heads on ``corpus/read_room/train.jsonl`` (see :mod:`agent.read_room.learned`).

    Args:
        embed: embeds plain text (markup already stripped by the caller), ideally through an EmbeddingCache.
    """

    def points(notes: str) -> tuple[dict, dict, int]:
        found = rule_points(notes)
        return found.role, found.availability, found.negated_role_cues

    return learned.train(corpus_rows("read_room"), lambda texts: embed([plain_text(t) for t in texts]), points,
                         store or head_store())


def _embed(texts: list[str]) -> Any:
    from retrieval import get_embedder

    return get_embedder().embed([plain_text(t) for t in texts])


def _rounded(scores: dict[str, float]) -> dict[str, float]:
    out = {r: round(float(scores[r]), 4) for r in ROLES}
    best = max(out, key=out.get)
    out[best] = round(out[best] + 1.0 - sum(out.values()), 4)
    return out


def _with_sentence_evidence(notes: str, evidence: list[Evidence], heads: learned.RoleHeads,
                            role: str) -> list[Evidence]:
    """Rule evidence, plus the user's own sentence that the classifier found most telling for the role when
    no rule fired for it."""
    out = list(evidence)
    if role in ROLES and not any(e.kind == "role" and e.supports == role and e.weight > 0 for e in evidence):
        best = max(learned.sentence_scores(heads, _embed, notes), key=lambda s: s[2].get(role, 0.0), default=None)
        if best and best[2].get(role, 0.0) >= SENTENCE_EVIDENCE_MIN:
            start, end, probs = best
            out.append(Evidence(text=notes[start:end], start=start, end=end, cue="classifier", kind="role",
                                supports=role, weight=round(probs[role], 3)))
    out.sort(key=lambda e: (e.start, e.end, e.kind))
    return out


def _check_observed(observed: Iterable[str]) -> list[str]:
    if isinstance(observed, str):
        observed = [observed]
    keys = list(dict.fromkeys(observed or ()))
    unknown = [k for k in keys if k not in OBSERVED_BEHAVIOURS]
    if unknown:
        raise InputError(f"Unknown observed behaviour(s): {', '.join(map(str, unknown))}. "
                         f"Use any of: {', '.join(OBSERVED_BEHAVIOURS)}.")
    return keys


def _evidence(notes: str, hits: list[Hit]) -> list[Evidence]:
    """Turn hits into weighted evidence: overlapping hits for one target keep the strongest, repeats decay."""
    candidates: list[tuple[Hit, str, str, float]] = []
    for hit in hits:
        if hit.cue.role and hit.cue.role_weight:
            candidates.append((hit, "role", hit.cue.role, hit.cue.role_weight))
        if hit.availability and hit.availability_weight:
            candidates.append((hit, "availability", hit.availability, hit.availability_weight))
    kept: dict[tuple[str, str], list[tuple[Hit, float]]] = defaultdict(list)
    for hit, kind, target, weight in sorted(candidates, key=lambda c: (-c[3], c[0].start - c[0].end)):
        spans = kept[(kind, target)]
        if any(h.start < hit.end and hit.start < h.end for h, _ in spans):
            continue
        spans.append((hit, weight))
    repeats: dict[tuple[str, str, str], int] = defaultdict(int)
    out: list[Evidence] = []
    for (kind, target), spans in kept.items():
        for hit, weight in spans:  # already strongest first
            n = repeats[(kind, target, hit.cue.name)]
            repeats[(kind, target, hit.cue.name)] += 1
            weight *= REPEAT_DECAY ** n * (HEDGED_FACTOR if hit.hedged else 1.0)
            supports = target
            if hit.negated and kind == "role":
                weight *= NEGATED_ROLE_FACTOR
            elif hit.negated:  # "never checked his phone" is attention; "couldn't meet regularly" is not
                supports = LOW if target == HIGH else HIGH
            out.append(Evidence(text=notes[hit.start:hit.end], start=hit.start, end=hit.end,
                                cue=hit.cue.name, kind=kind, supports=supports, weight=round(weight, 3),
                                negated=hit.negated))
    out.sort(key=lambda e: (e.start, e.end, e.kind))
    return out


def _softmax(points: dict[str, float]) -> dict[str, float]:
    top = max(points.values())
    exps = {r: math.exp(SOFTMAX_SCALE * (p - top)) for r, p in points.items()}
    total = sum(exps.values())
    probs = {r: round(v / total, 4) for r, v in exps.items()}
    # Rounding can leave the sum a hair off 1; give the difference to the top role.
    best = max(probs, key=probs.get)
    probs[best] = round(probs[best] + 1.0 - sum(probs.values()), 4)
    return probs


def _availability(points: dict[str, float], role: str) -> tuple[str, str]:
    """Availability from time/attention cues; the role prior only breaks ties or fills in when there are none."""
    prior = ROLE_AVAILABILITY_PRIOR.get(role)
    if points[HIGH] or points[LOW]:
        net = points[HIGH] - points[LOW]
        if prior:
            net += PRIOR_WEIGHT if prior == HIGH else -PRIOR_WEIGHT
        if net == 0:
            return UNCLEAR, "cues"
        return (HIGH if net > 0 else LOW), "cues"
    if prior:
        return prior, "role"
    return UNCLEAR, "none"


def _guidance(role: str, availability: str, citer: Citer | None) -> Guidance:
    text = ROLE_GUIDANCE[role]
    citations: list[dict[str, Any]] = []
    if citer is not None:
        citations = _cite(citer, str(text["query"]), role)
    return Guidance(role=role, summary=str(text["summary"]), how_to_work=list(text["how_to_work"]),
                    availability_tip=AVAILABILITY_TIPS[availability], citations=citations)


def _cite(citer: Citer, query: str, role: str) -> list[dict[str, Any]]:
    """Up to two passages on the role (or on reading the room when unclear); never fails the reading."""
    attempts = ([{"topic": "mentor-roles", "role": role}, {"topic": "reading-the-room", "role": role}]
                if role in ROLES else [{"topic": "reading-the-room"}, {"topic": "mentor-roles"}])
    for filters in attempts:
        try:
            passages = citer.search(query, k=2, **filters)
        except Exception as exc:  # noqa: BLE001 - citations are optional; the reading stands without them
            log.warning("read-room citations unavailable: %s", exc)
            return []
        if passages:
            return [_passage_dict(p) for p in passages]
    return []


def _passage_dict(passage: Any) -> dict[str, Any]:
    keys = ("id", "title", "heading", "topic", "source_path", "score", "sources")
    data = passage.to_dict() if hasattr(passage, "to_dict") else {k: getattr(passage, k, None) for k in keys}
    text = str(data.get("text") or getattr(passage, "text", "") or "")
    out = {k: data.get(k) for k in keys if k in data}
    out["excerpt"] = text if len(text) <= 400 else text[:400].rsplit(" ", 1)[0] + " ..."
    return out
