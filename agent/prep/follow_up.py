"""After the meeting: the thank-you and follow-up note, drafted from a few logged lines.

:func:`draft_follow_up` names one specific thing the mentor said and the agreed next step, extracted by
rules and filled into a template; a model may only smooth the wording, and :func:`check_note` rejects any
rewrite that drops a fact or invents one. :func:`updated_estimate` decides which role estimate to keep.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel

from agent.core import InputError, MentorPrepError, is_capable
from agent.prep.sheet import ROLES, read_estimate, shorten


@dataclass
class FollowUp:
    """A drafted thank-you and follow-up note.

    Attributes:
        note: the note, ready to edit and send.
        specific_thing: what the mentor said, as the note quotes it ("" when the log has none).
        next_step: the agreed next step, as the note states it ("" when the log has none).
        role_reading: the role engine's reading of the log (None when the engine is unavailable).
        source: ``template``, or ``model`` when a model's smoothing passed every check.
        missing: what the log lacked (``specific_thing``, ``next_step``), so the user can add it.
    """

    note: str
    specific_thing: str
    next_step: str
    role_reading: Any = None
    source: str = "template"
    missing: list[str] | None = None

    @property
    def role(self) -> str | None:
        return getattr(self.role_reading, "role", None)

    def to_dict(self) -> dict[str, Any]:
        reading = self.role_reading.to_dict() if hasattr(self.role_reading, "to_dict") else self.role_reading
        return {"note": self.note, "specific_thing": self.specific_thing, "next_step": self.next_step,
                "role": self.role, "availability": getattr(self.role_reading, "availability", None),
                "role_reading": reading, "source": self.source, "missing": list(self.missing or [])}


_ABBREV = re.compile(r"\b(Dr|Drs|Prof|Mr|Mrs|Ms|St|e\.g|i\.e|vs|approx)\.", re.I)
_WHO = (r"(?P<who>\b(?:[Ss]he|[Hh]e|[Tt]hey|(?:Dr|Prof|Professor|Mr|Mrs|Ms)\.?\s+[A-Z][\w'-]+|"
        r"(?!(?:We|You|It|This|That|There|Then|And|But|So|Also|My|Our|Everyone)\b)[A-Z][a-z]+))")
_VERB = (r"(?P<verb>(?i:said|told me|suggested|recommended|mentioned|advised(?: me)?|explained|pointed out|"
         r"shared|stressed|emphasi[sz]ed|noted|highlighted|encouraged me|urged me|warned(?: me)?|reminded me|"
         r"offered|thinks|thought|feels|felt|believes|believed|insisted|gave me|showed me|walked me through))")
_SAID = re.compile(_WHO + r"\s+(?:(?i:also|then|really|strongly|kindly|even)\s+)?" + _VERB
                   + r"\b[,:]?\s*(?P<rest>.+)")
_ADVICE = re.compile(r"\b(?P<who>[Hh]er|[Hh]is|[Tt]heir)\s+(?:(?i:main|best|key|one|biggest)\s+)?"
                     r"(?P<verb>(?i:advice|suggestion|recommendation|tip|point))\s*(?:was|is|:)\s*(?P<rest>.+)")
_NOUN = {"suggested": "suggestion", "recommended": "recommendation", "advised": "advice", "advised me": "advice",
         "explained": "explanation", "encouraged me": "encouragement", "urged me": "advice", "warned": "warning",
         "warned me": "warning", "reminded me": "reminder", "offered": "offer", "shared": "story"}
_VIEW = {"thinks", "thought", "feels", "felt", "believes", "believed", "insisted"}
_AGREED = re.compile(r"(?i)\b(?:we|(?:she|he|they) and i)\s+(?:both\s+|also\s+)?agreed\b(?:\s+that)?[,:]?\s*"
                     r"(?P<rest>.*)")
_NEXT = re.compile(r"(?i)(?<!no )(?<!no concrete )(?<!no clear )\bnext steps?\s*(?:is|are|will be|:|-)\s*(?P<rest>.+)")
_ASKED = re.compile(r"\b(?:[Ss]he|[Hh]e|[Tt]hey|(?:Dr|Prof)\.?\s+[A-Z][\w'-]+)\s+"
                    r"(?:asked|wants|wanted|invited|told)\s+me\s+to\s+(?P<rest>.+)")
# A second reported clause ("..., and recommended I volunteer") starts a new thought: cut it off.
_SECOND_CLAUSE = re.compile(r",?\s+(?:and|but)\s+(?:then\s+|also\s+)?(?:(?:she|he|they)\s+)?(?:said|told|suggested|"
                            r"recommended|mentioned|advised|offered|asked|encouraged|explained|gave|added|invited|"
                            r"warned)\b.*$"
                            r"|,?\s+(?:and|but|so)\s+(?:then\s+)?(?:we|i)\s+(?:both\s+)?(?:agreed|decided|said|will|"
                            r"'ll|am|need|have|should|promised)\b.*$", re.I)
# A refusal is not thanked for: "she said she couldn't write the letter", "he declined to ...".
_REFUSAL = re.compile(r"\b(?:can(?:no|')t|could(?:n't| not)|won't|wouldn't|will not|would not|isn't able|"
                      r"wasn't able|not able|unable|declined?|turned (?:me|it) down|said no|no longer|doesn't|didn't|"
                      r"not (?:in a position|taking|writing|the right person))\b", re.I)
# What the senior doctor offered to do matters most: an introduction, a nomination, a letter, their time.
_OFFER = re.compile(r"\b(?:offered|(?:she|he|they)(?:'d| would| will|'ll)|happy to|glad to|willing to)\b"
                    r"|\b(?:introduce|nominate|put (?:my|your) name|recommend (?:me|you)|write (?:me |you )?a letter|"
                    r"connect (?:me|you)|vouch)\b", re.I)
_WILL = re.compile(r"(?P<rest>\b(?:I|[Ww]e|[Ss]he|[Hh]e)(?:'ll|'m going to|\s+(?:will|am going to|are going to|"
                   r"is going to|plan to|should|need to|have to|would))\s+.+)")
_DATE = re.compile(r"(?i)\b(mon|tues|wednes|thurs|fri|satur|sun)day|\b(january|february|march|april|june|july|"
                   r"august|september|october|november|december)\b|\bnext (week|month|year|time)\b|"
                   r"\btomorrow\b|\bin (a|one|two|three|four|six|a few|\d+) (days?|weeks?|months?)\b|"
                   r"\bby the end of\b|\b\d{1,2}[/.]\d{1,2}\b|\b\d{4}-\d{2}-\d{2}\b|\bfollow(ing)?[ -]up\b")
# "we agreed I'd send my CV" is reported; in the note to them it becomes "I'll send my CV".
_REPORTED_I = re.compile(r"\bI(?:'d| would)(?= \w)(?! (?:like|love|be glad|be happy|prefer|rather))")
_SUBJECT = re.compile(r"(?i)^(i|i'll|i'd|i'm|we|we'll|we'd|you|you'll|she|he|they)\b")
_TITLED = re.compile(r"\b(?:Dr|Prof|Mr|Mrs|Ms)\.?\s+[A-Z]")
_NOT_NOUN = {"to", "and", "or", "about", "at", "for", "with", "that", "if", "when", "in", "on", "by", "a", "an",
             "the", "again", "too", "know", "directly", "soon", "later", "next", "whether", "how", "what", "why",
             "my", "your", "his", "our", "their", "this", "these", "those", "some", "any", "back", "up"}


def split_sentences(log: str) -> list[str]:
    """Sentences and bullet lines of a meeting log, keeping titles like ``Dr.`` intact."""
    protected = _ABBREV.sub(lambda m: m.group(0)[:-1] + "\x00", log or "")
    parts = re.split(r"(?<=[.!?])[\"')\]]*\s+|\n+|;\s+", protected)
    return [p.replace("\x00", ".").strip(" \t-*\u2022") for p in parts if p and p.strip(" \t-*\u2022")]


def _clean_clause(text: str) -> str:
    text = _SECOND_CLAUSE.sub("", " ".join(text.split())).strip(" \"'\u201c\u201d,:")
    text = re.sub(r"\bi(?=$|\s|'(?:m|ll|ve|d)\b)", "I", text)
    text = re.sub(r"[.!?;,]+$", "", text).strip(" \"'\u201c\u201d")
    return shorten(text, 220).rstrip(".")


def _lower_first(text: str, log: str) -> str:
    """Lower-case a sentence-initial word for use mid-sentence, unless it is 'I', a title or a name."""
    first = re.match(r"[A-Za-z][\w'-]*", text)
    if not first or not first.group(0)[0].isupper() or re.fullmatch(r"I('\w+)?|Dr|Prof|Mr|Mrs|Ms", first.group(0)):
        return text
    if re.search(rf"[^.!?\n]\s+{re.escape(first.group(0))}\b", log):
        return text  # capitalised mid-sentence elsewhere: a name
    return text[0].lower() + text[1:]


def _agree(verb: str) -> str:
    low = verb.lower()
    special = {"is": "are", "was": "were", "has": "have", "does": "do"}
    if low in special:
        return special[low]
    if low.endswith("ies") and len(low) > 4:
        return verb[:-3] + "y"
    if re.search(r"(sh|ch|x|o|ss)es$", low):
        return verb[:-2]
    if low.endswith("s") and not low.endswith(("ss", "us", "is")) and len(low) > 3:
        return verb[:-1]
    return verb


def to_second_person(text: str, gender: str | None) -> str:
    """Address the mentor directly: 'she will send...' -> 'you will send...', 'her lab' -> 'your lab'.

    Inner pronouns are left alone when another titled person (``Dr. Kim``) appears, since they could
    refer to that person instead; a leading subject pronoun is always the mentor's.
    """
    if gender not in ("she", "he"):
        return text
    subj, obj, poss = ("she", "her", "her") if gender == "she" else ("he", "him", "his")
    inner = not _TITLED.search(text)
    words = re.findall(r"\w+(?:'\w+)?|\W+", text)
    out: list[str] = []
    for i, word in enumerate(words):
        low, new = word.lower(), None
        j = next((k for k in range(i + 1, len(words)) if words[k].strip()), None)
        nxt = words[j] if j is not None else ""
        if low in (subj, f"{subj}'s", f"{subj}'ll", f"{subj}'d") and (i == 0 or inner):
            new = "you" + {f"{subj}'s": "'re", f"{subj}'ll": "'ll", f"{subj}'d": "'d"}.get(low, "")
            if low == subj and j is not None and re.fullmatch(r"[a-z']+", nxt):
                words[j] = _agree(nxt)
            if low == f"{subj}'s" and nxt.lower() == "been":
                new = "you've"
        elif inner and low == f"{obj}self":
            new = "yourself"
        elif inner and low == poss and poss != obj:
            new = "your"
        elif inner and low == obj and obj != poss:
            new = "you"
        elif inner and low == "her":
            new = "you" if not nxt or not nxt[0].isalpha() or nxt.lower() in _NOT_NOUN else "your"
        if new is not None:
            word = new.capitalize() if word[0].isupper() and i == 0 else new
        out.append(word)
    return "".join(out)


def _mentor_gender(log: str, who: str | None) -> str | None:
    if who and who.lower() in ("she", "he"):
        return who.lower()
    she = len(re.findall(r"(?i)\b(she|her|hers|herself)\b", log))
    he = len(re.findall(r"(?i)\b(he|him|his|himself)\b", log))
    return "she" if she and not he else "he" if he and not she else None


_WEAK_VERBS = ("gave me", "showed me", "walked me through")


def find_specific_thing(sentences: Sequence[str]) -> tuple[str, str, str | None, int]:
    """(reporting verb, raw clause, reporting subject, sentence index) of the first thing the mentor said.

    Things said or advised come first; something they gave or showed is the fallback.
    """
    for offers_only, weak_ok in ((True, False), (False, False), (False, True)):
        for i, sentence in enumerate(sentences):
            match = _SAID.search(sentence) or _ADVICE.search(sentence)
            if not match or not _clean_clause(match.group("rest")):
                continue
            clause = _clean_clause(match.group("rest"))
            if _REFUSAL.search(clause) or (offers_only and not _OFFER.search(f"{match.group('verb')} {clause}")):
                continue
            if weak_ok or match.group("verb").lower() not in _WEAK_VERBS:
                return match.group("verb").lower(), match.group("rest"), match.group("who"), i
    return "", "", None, -1


def _said_phrase(verb: str, clause: str, *, that: bool = False) -> str:
    """How the note refers to what they said, e.g. 'your suggestion that I apply for the QI fellowship'."""
    noun = _NOUN.get(verb, "view" if verb in _VIEW else "point")
    lowered = clause.lower()
    promised = re.match(r"(?i)(?:that\s+)?you(?:'d|'ll| would| will)\s+(?!not\b)(?P<rest>.+)", clause)
    if promised:  # "she said she'd put my name forward" is an offer
        return f"your offer to {promised.group('rest')}"
    if verb in ("gave me", "showed me", "walked me through"):
        return f"that you {verb} {clause}"
    if verb in ("advice", "suggestion", "recommendation", "tip", "point"):
        joiner = " that " if that else " " if lowered.startswith("to ") else ": "
        return f"your {verb}{joiner}{clause}"
    if lowered.startswith("to "):
        noun = noun if noun in ("offer", "encouragement", "reminder", "suggestion", "advice") else "advice"
        return f"your {noun} {clause}"
    if that:
        return f"your {noun} that {clause}"
    if _SUBJECT.match(clause) or lowered.startswith(("my ", "our ", "it ", "there ")):
        return f"your {noun} that {clause}"
    if verb == "told me" and lowered.startswith("about "):
        return f"what you told me {clause}"
    spoken = {"thinks": "think", "feels": "feel", "believes": "believe", "advised me": "advised"}.get(verb, verb)
    return f"what you {spoken}: {clause}"


def find_next_step(sentences: Sequence[str], skip: int = -1) -> tuple[str, bool, int]:
    """(next step clause, explicitly agreed?, sentence index): 'we agreed' > 'next step' > plans with dates.

    The sentence at ``skip`` (the one quoted as the specific thing) is only used when nothing else fits.
    """
    best: tuple[int, str, bool, int] | None = None
    for i, sentence in enumerate(sentences):
        candidates = []
        if (m := _AGREED.search(sentence)) and _clean_clause(m.group("rest")).lower() not in ("", "on that"):
            rest = m.group("rest")
            candidates.append((6, "we will " + rest[3:] if rest.lower().startswith("to ") else rest, True))
        if m := _NEXT.search(sentence):
            candidates.append((5, re.sub(r"(?i)^to\s+", "I will ", m.group("rest").strip()), True))
        if m := _ASKED.search(sentence):
            candidates.append((4 + bool(_DATE.search(sentence)), "I will " + m.group("rest"), False))
        if m := _WILL.search(sentence):
            candidates.append((3 + bool(_DATE.search(sentence)), m.group("rest"), False))
        elif _DATE.search(sentence) and not _SAID.search(sentence):
            candidates.append((1, sentence, False))
        for score, text, agreed in candidates:
            score -= 3 * (i == skip)
            if _clean_clause(text) and (best is None or score > best[0]):
                best = (score, text, agreed, i)
    return (best[1], best[2], best[3]) if best else ("", False, -1)


def _salutation(mentor: dict | None, log: str) -> str:
    name = " ".join(str((mentor or {}).get("name") or "").split())
    if not name:
        found = re.search(r"\b((?:Dr|Prof)\.?\s+[A-Z][\w'-]+)", log)
        return found.group(1) if found else ""
    parts = name.split()
    if len(parts) > 2 and re.fullmatch(r"(?i)(dr|prof|professor)\.?", parts[0]):
        return f"{parts[0]} {parts[-1]}"
    return name


OFFERS = {
    "mentor": "If you are open to it, I would be glad to meet again in a couple of months to update you.",
    "coach": "If you have time, I would value one more session to practise and hear your feedback.",
    "sponsor": "I will keep working on what we discussed and would be glad to send you an update on my progress.",
    "connector": "I will follow up on the contacts we discussed and let you know how those conversations go.",
}


def compose_note(*, said: str, next_step: str, agreed: bool, salutation: str, signer: str,
                 role: str | None) -> str:
    """The template note over the extracted facts."""
    thanks = "Thank you for taking the time to meet with me."
    thanks += f" I especially appreciated {said}." if said else " I learned a lot from our conversation."
    if not next_step:
        step = OFFERS.get(role or "", "I would be glad to stay in touch and let you know how things develop.")
    elif _SUBJECT.match(next_step):
        step = f"As we agreed, {next_step}." if agreed else f"As discussed, {next_step}."
    else:
        step = f"Next step, as we agreed: {next_step}." if agreed else f"Next step: {next_step}."
    lines = [f"Dear {salutation}," if salutation else "Hello,", "", thanks, "", step, "",
             "Thank you again for your time and generosity.", "", "Best wishes," + (f"\n{signer}" if signer else "")]
    return "\n".join(lines)


def check_note(text: str, draft: str, *, specific_thing: str, next_step: str, known: str) -> list[str]:
    """Problems that disqualify a model's rewrite of the template note (an empty list means acceptable)."""
    problems = []
    if specific_thing and specific_thing not in text:
        problems.append("dropped the specific thing the mentor said")
    if next_step and next_step not in text:
        problems.append("dropped the next step")
    if not 0.6 * len(draft) <= len(text) <= min(1.8 * len(draft), 2500):
        problems.append("length out of range")
    if re.search(r"\[|\]|\{\{|<\||(?i:as an ai|language model)", text):
        problems.append("placeholder or meta text")
    known_words = set(re.findall(r"[A-Za-z][\w'-]*", known))
    lowered = {w.lower() for w in known_words}
    content = [w.lower() for w in re.findall(r"[A-Za-z][\w'-]{3,}", text)]
    novel = [w for w in content if w not in lowered]
    if len(novel) > max(6, 0.25 * len(content)):
        problems.append("too much new wording")
    for sentence in split_sentences(text):
        for word in re.findall(r"\b[A-Z][a-z][\w'-]*", sentence)[1:]:
            if word not in known_words:
                problems.append(f"new name {word!r}")
    return problems


def draft_follow_up(log: str, *, profile: dict | None = None, mentor: dict | None = None,
                    model: BaseChatModel | None = None, polish_weak: bool = False) -> FollowUp:
    """Draft the thank-you note from a few logged lines, and read the role from them.

    The note always comes from a template over facts extracted by rules. A model may only smooth its
    wording, and its version is used only if :func:`check_note` finds no problem. Weak models (the
    embedded one, the fake one) are skipped unless ``polish_weak``: they pass the checks about half
    the time and take seconds, so the template is the better default.

    Args:
        log: what happened in the meeting, in the user's words.
        profile: the user's profile (``name`` signs the note).
        mentor: the mentor record (``name`` for the greeting, ``role_estimate`` as a fallback role).
        model: optional chat model used to smooth the wording.
        polish_weak: also ask a weak model to smooth the wording.

    Raises:
        InputError: the log is empty.
    """
    log = (log or "").strip()
    if not log:
        raise InputError("The meeting log is empty - write a few lines on what was said and agreed.")
    sentences = split_sentences(log)
    verb, raw, who, said_at = find_specific_thing(sentences)
    gender = _mentor_gender(log, who)
    specific = _lower_first(_clean_clause(to_second_person(raw, gender)), log) if raw else ""
    that = specific.lower().startswith("that ")
    specific = specific[5:] if that else specific
    step_raw, agreed, _ = find_next_step(sentences, skip=said_at)
    next_step = _lower_first(_clean_clause(to_second_person(step_raw, gender)), log) if step_raw else ""
    next_step = _REPORTED_I.sub(lambda m: "I'll" if m.group(0).endswith("'d") else "I will", next_step)
    reading = _read_room(log)
    role = getattr(reading, "role", None)
    role = role if role in ROLES else read_estimate((mentor or {}).get("role_estimate"))[0]
    draft = compose_note(said=_said_phrase(verb, specific, that=that) if specific else "", next_step=next_step,
                         agreed=agreed, salutation=_salutation(mentor, log),
                         signer=str((profile or {}).get("name") or "").strip(), role=role)
    missing = [k for k, v in (("specific_thing", specific), ("next_step", next_step)) if not v]
    result = FollowUp(note=draft, specific_thing=specific, next_step=next_step, role_reading=reading,
                      missing=missing)
    if model is not None and (polish_weak or is_capable(model)):
        known = f"{draft}\n{log}\n{(mentor or {}).get('name', '')}\n{(profile or {}).get('name', '')}"
        smoothed = _smooth(model, draft, result, known=known)
        if smoothed:
            result.note, result.source = smoothed, "model"
    return result


def updated_estimate(previous: dict | None, reading: Any) -> dict | None:
    """The role estimate to store after a meeting: the new reading, unless it found no role cues.

    A log about logistics alone should not erase what an earlier meeting showed.
    """
    new = reading.to_dict() if hasattr(reading, "to_dict") else reading
    if not isinstance(new, dict):
        return previous
    if new.get("role") not in ROLES and read_estimate(previous)[0]:
        return previous
    return new


def _read_room(log: str) -> Any:
    try:
        from agent.read_room import read_room
    except ImportError:
        return None
    return read_room(log)


def _smooth(model: BaseChatModel, draft: str, facts: FollowUp, *, known: str) -> str | None:
    from langchain_core.messages import HumanMessage

    from agent.core import complete_text, load_prompt

    prompt = load_prompt("follow_up").render(draft=draft, specific_thing=facts.specific_thing,
                                             next_step=facts.next_step)
    try:
        text = complete_text(model, [HumanMessage(prompt)]).strip()
    except MentorPrepError:
        return None
    text = re.sub(r"^(here is|here's)[^\n]*:\s*", "", text, flags=re.I).strip().strip('"')
    ok = not check_note(text, draft, specific_thing=facts.specific_thing, next_step=facts.next_step, known=known)
    return text if ok else None
