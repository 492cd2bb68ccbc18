"""The data behind extractive answers (``answers.yaml``), validated and compiled once on first use.

:func:`rules` returns the compiled :class:`AnswerRules`: question kinds, answer cues, openers, the checks
that keep a sentence out of an answer when it needs context it would not have, and the patterns that
name the person the user is meeting. Loading checks every example in the file against its pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.core import ConfigError, compile_rule

DATA_FILE = Path(__file__).resolve().parent / "answers.yaml"
KINDS = ("compare", "meaning", "ask", "should", "how_to", "what_is")
GENERAL = "general"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KindSpec(_Spec):
    name: str
    patterns: list[str] = Field(min_length=1)
    examples: list[str] = Field(default_factory=list)


class OpenerSpec(_Spec):
    when: str
    say: str
    examples: list[str] = Field(default_factory=list)


class StandaloneExamples(_Spec):
    keep: list[str] = Field(default_factory=list)
    drop: list[str] = Field(default_factory=list)


class StandaloneSpec(_Spec):
    dangling_lead: list[str] = Field(min_length=1)
    object_lead: str
    demonstrative: str
    email_header: str
    speaker_label: str
    salutation: str
    script_words: int = Field(ge=1)
    quoted_share: float = Field(gt=0, le=1)
    lead_in: str
    examples: StandaloneExamples = StandaloneExamples()


class WhoExample(_Spec):
    text: str
    who: str


class SituationSpec(_Spec):
    who: str
    generic: str
    examples: list[WhoExample] = Field(default_factory=list)


class RulesSpec(_Spec):
    kinds: list[KindSpec]
    answer_cues: dict[str, list[str]]
    imperatives: str
    definition_verbs: str
    openers: dict[str, list[OpenerSpec]] = Field(default_factory=dict)
    standalone: StandaloneSpec
    situation: SituationSpec


@dataclass(frozen=True)
class Opener:
    """Turns an answer-like sentence into a direct first sentence (``say`` with ``{x}`` from ``when``)."""

    when: re.Pattern[str]
    say: str

    def apply(self, sentence: str) -> str:
        """The opener filled from ``sentence``, or "" when it does not fit."""
        match = self.when.search(sentence.strip())
        if not match:
            return ""
        x = " ".join(match.group("x").split()).rstrip(" ,;")
        return self.say.format(x=x) if len(x.split()) >= 2 else ""


@dataclass(frozen=True)
class Standalone:
    """Checks that a sentence can be read on its own."""

    dangling: re.Pattern[str]
    object_lead: re.Pattern[str]
    demonstrative: re.Pattern[str]
    email_header: re.Pattern[str]
    speaker_label: re.Pattern[str]
    salutation: re.Pattern[str]
    lead_in: re.Pattern[str]
    script_words: int
    quoted_share: float

    def problem(self, text: str) -> str:
        """Why ``text`` cannot stand alone in an answer: ``subject line``, ``dialogue``, ``fragment``,
        ``dangling`` (needs the sentence before it), or "" when it can."""
        text = text.strip()
        if self.email_header.search(text):
            return "subject line"
        if self.salutation.search(text) or self.speaker_label.search(text) or self.is_script(text):
            return "dialogue"
        if self.lead_in.search(text) or text[-1:] not in ".!?\"'”)" or not text.lstrip("\"'“‘(")[:1].isupper():
            return "fragment"
        if self.needs_antecedent(text):
            return "dangling"
        return ""

    def is_script(self, text: str) -> bool:
        """True for example wording rather than advice: a bare quotation, a long one, or mostly quotation."""
        quoted = [m.group(0) for m in _QUOTED.finditer(text)]
        words = sum(len(q.split()) for q in quoted)
        opens = text[:1] in "\"“" and bool(quoted) and len(quoted[0].split()) >= 4
        return (opens or words > self.script_words
                or sum(map(len, quoted)) >= self.quoted_share * len(text))

    def needs_antecedent(self, text: str) -> bool:
        """True when ``text`` opens with a reference back ("It...", "Both...") or points at "this X"."""
        text = text.strip()
        unquoted = _QUOTED.sub('""', text)  # "would you still choose this path?" points inside its own quote
        return bool(self.dangling.search(text) or self.object_lead.search(text)
                    or self.demonstrative.search(unquoted))


@dataclass(frozen=True)
class AnswerRules:
    """Compiled ``answers.yaml``."""

    kinds: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    answer_cues: dict[str, tuple[re.Pattern[str], ...]]
    imperatives: frozenset[str]
    definition_verbs: frozenset[str]
    openers: dict[str, tuple[Opener, ...]]
    standalone: Standalone
    who: re.Pattern[str]
    generic: re.Pattern[str]

    def kind(self, question: str) -> str:
        """The kind of question: one of :data:`KINDS` or ``general``."""
        for name, patterns in self.kinds:
            if any(p.search(question) for p in patterns):
                return name
        return GENERAL

    def who_in(self, question: str) -> str:
        """The person the message says the user is meeting ("EP attending"), or ""."""
        match = self.who.search(question)
        return " ".join(match.group("who").split()) if match else ""


_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]")


def _compile(pattern: str, where: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return compile_rule(pattern, where, DATA_FILE.name, flags)


def load_rules(path: Path = DATA_FILE) -> AnswerRules:
    """Read, validate and compile an answers file (the packaged one by default).

    Raises:
        ConfigError: the file is malformed, a pattern does not compile, or an example does not behave.
    """
    try:
        spec = RulesSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ConfigError(f"{path.name} is invalid: {exc}") from None
    unknown = {k.name for k in spec.kinds} - set(KINDS) | (set(spec.answer_cues) | set(spec.openers)) - set(KINDS)
    if unknown:
        raise ConfigError(f"{path.name}: unknown question kinds {sorted(unknown)}; use {', '.join(KINDS)}.")
    sa = spec.standalone
    rules = AnswerRules(
        kinds=tuple((k.name, tuple(_compile(p, f"kinds.{k.name}") for p in k.patterns)) for k in spec.kinds),
        answer_cues={k: tuple(_compile(p, f"answer_cues.{k}") for p in v) for k, v in spec.answer_cues.items()},
        imperatives=frozenset(spec.imperatives.split()),
        definition_verbs=frozenset(re.escape(v) for v in spec.definition_verbs.split()),
        openers={k: tuple(Opener(_compile(o.when, f"openers.{k}"), o.say) for o in v)
                 for k, v in spec.openers.items()},
        standalone=Standalone(
            dangling=_compile(r"^[\"'“(]?(?:" + "|".join(sa.dangling_lead) + r")\b", "standalone.dangling_lead"),
            object_lead=_compile(sa.object_lead, "standalone.object_lead"),
            demonstrative=_compile(sa.demonstrative, "standalone.demonstrative"),
            email_header=_compile(sa.email_header, "standalone.email_header"),
            speaker_label=_compile(sa.speaker_label, "standalone.speaker_label"),
            salutation=_compile(sa.salutation, "standalone.salutation"),
            lead_in=_compile(sa.lead_in, "standalone.lead_in"),
            script_words=sa.script_words, quoted_share=sa.quoted_share),
        who=_compile(spec.situation.who, "situation.who", flags=0),
        generic=_compile(spec.situation.generic, "situation.generic"),
    )
    _check_examples(spec, rules, path.name)
    return rules


def _check_examples(spec: RulesSpec, rules: AnswerRules, name: str) -> None:
    wrong = [f"kinds.{k.name}: {e!r} reads as {rules.kind(e)}" for k in spec.kinds for e in k.examples
             if rules.kind(e) != k.name]
    wrong += [f"openers.{k}: {e!r} does not fit" for k, specs in spec.openers.items()
              for o, opener in zip(specs, rules.openers[k], strict=True) for e in o.examples if not opener.apply(e)]
    wrong += [f"standalone.keep: {e!r} is dropped ({rules.standalone.problem(e)})"
              for e in spec.standalone.examples.keep if rules.standalone.problem(e)]
    wrong += [f"standalone.drop: {e!r} is kept" for e in spec.standalone.examples.drop
              if not rules.standalone.problem(e)]
    wrong += [f"situation.who: {e.text!r} names {rules.who_in(e.text)!r}, not {e.who!r}"
              for e in spec.situation.examples if rules.who_in(e.text) != e.who]
    if wrong:
        raise ConfigError(f"{name}: examples that do not behave:\n" + "\n".join(wrong))


@lru_cache(maxsize=1)
def rules() -> AnswerRules:
    """The packaged rules, loaded once per process."""
    return load_rules()
