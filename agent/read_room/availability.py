"""Availability cues for "read the room": how much time and attention the other person gave.

Stated durations are weighed by their length (a few minutes is low, an hour or more is high); the other
families cover time set aside, unhurried meetings, attention paid and follow-up (high) and rushing,
squeezing you in between commitments, devices and interruptions (low). Negated cues flip: "never checked
his phone" is attention, "couldn't meet regularly" is not.
"""

from __future__ import annotations

import re

from agent.core import HIGH, LOW, NUMBER_WORDS
from agent.read_room.cues import Cue, alt, cue

_HIS = r"(?:his|her|their)"
_THE_USER = r"\bI\s+(?:\w+\s+)?"  # a cue whose subject is the user does not describe the other person
_DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_PART_OF_DAY = r"(?:afternoon|morning|evening|day)"
_MEETING = alt(r"chat", r"call", r"meeting", r"talk", r"conversation", r"coffee", r"catch-?up", r"session",
               r"discussion", r"lunch", r"dinner", r"breakfast", r"meal", r"walk")

# Number words from the shared vocabulary, plus the vague quantities people use for time.
_NUMBERS = {**NUMBER_WORDS, "a": 1, "an": 1, "a few": 3, "few": 3, "a couple": 2, "a couple of": 2, "couple of": 2,
            "couple": 2, "several": 4, "some": 5}
_NUMBER = alt(r"\d+(?:\.\d+)?", r"twenty[\s-]five", r"forty[\s-]five", r"a\s+few", r"a\s+couple(?:\s+of)?",
              *sorted((k for k in _NUMBERS if " " not in k), key=len, reverse=True))


def _duration(match: re.Match[str]) -> tuple[str, float] | None:
    """Availability from a stated duration: a few minutes is low, an hour or more is high."""
    text = match.group(0).lower()
    tail = match.string[match.end():match.end() + 20].lower()
    if re.match(r"\s*(?:away|drive|flight|by\s+car|from\s+here|ago)", tail):
        return None
    if re.match(r"\s*late", tail):
        return LOW, 2.0
    if "quarter" in text:
        minutes = 45.0 if text.startswith("three") else 15.0
    elif "half" in text and "hour" in text and "and a half" not in text:
        minutes = 30.0
    else:
        number = re.match(r"[\w.]+(?:[\s-]+(?:few|couple(?:\s+of)?|five))?", text).group(0)
        amount = _NUMBERS.get(re.sub(r"[\s-]+", " ", number))
        if amount is None:
            try:
                amount = float(number)
            except ValueError:
                return None
        minutes = amount * (60 if re.search(r"\bh(?:ou)?rs?\b|hour", text) else 1)
        if "and a half" in text:
            minutes += 30
    if minutes <= 15:
        return LOW, 3.0
    if minutes <= 25:
        return LOW, 2.0
    if minutes < 40:
        return HIGH, 1.5
    return HIGH, (2.0 if minutes < 60 else 3.0)


AVAILABILITY_CUES: tuple[Cue, ...] = (
    # ---- high: time and attention given ----------------------------------------------------------------
    cue("duration", alt(
        r"(?:a|one|three)\s+quarters?\s+of\s+an\s+hour",
        _NUMBER + r"(?:\s+|-)(?:more\s+)?(?:minutes?|mins?|hours?|hrs?)(?:\s+and\s+a\s+half)?",
        r"half[\s-](?:an[\s-])?hour", r"an\s+hour\s+and\s+a\s+half"), negatable=False, weigh=_duration,
        # "get the presentation under two minutes" is a target for the user, not the meeting's length
        not_before=r"(?:under|below|less\s+than|shorter\s+than|down\s+to|to\s+within)\s+"),
    cue("protected_time", r"protected\s+time|(?:made|makes|make)\s+time\s+for\s+(?:me|us|our)", avail=HIGH, aw=2),
    cue("cleared_time", alt(
        r"clear\w*\s+(?:(?:his|her|their|the|an?|my|our|whole|entire|full)\s+)*(?:[\w-]+\s+)?"
        r"(?:afternoon|morning|evening|schedule|calendar|diary|day|clinic|time|slot|hour)",
        r"block\w*\s+(?:out\s+|off\s+)?(?:(?:the|an?|his|her|their|some|whole|full|entire|two|three|"
        r"plenty\s+of)\s+)*(?:afternoon|morning|evening|hours?|time|day|slot|session)"), avail=HIGH, aw=3),
    cue("booked_time", alt(
        r"(?:book|schedul|reserv|ma[dk]|f[oi]und|t[ao]ok|tak|g[ai]v)\w*\s+(?:(?:a|an|the|his|her|their|me)\s+)?"
        r"(?:(?:full|whole|entire|proper|real|plenty\s+of|lots\s+of|extra|all\s+the|so\s+much|a\s+lot\s+of|"
        r"generous|undivided)\s+)+(?:hour|afternoon|evening|morning|time|session|attention)",
        r"set\s+aside", r"carv\w*\s+out",
        r"(?:made|make|making|found|find|t[ao]ok|tak\w*)\s+(?:the\s+)?time\s+(?:for\s+me|to)",
        r"t[ao]ok\w*\s+" + _HIS + r"\s+time", r"generous\s+with\s+" + _HIS + r"\s+time"), avail=HIGH, aw=3),
    cue("whole_stretch", alt(
        r"(?:the\s+)?(?:whole|full|entire|better\s+part\s+of\s+(?:an?|the)|most\s+of\s+(?:the|an?|our)|all)\s+"
        r"(?:of\s+)?(?:the\s+|our\s+|an?\s+)?(?:afternoon|evening|morning|hour|day|session|lunch|dinner|meal|"
        r"visit)",
        r"spent\s+(?:an?\s+|the\s+)?(?:afternoon|evening|morning|day|hours|ages|(?:a\s+)?(?:long|good)\s+"
        r"(?:time|while)|a\s+while|plenty\s+of\s+time|lots\s+of\s+time|a\s+lot\s+of\s+time)",
        r"late\s+into\s+the\s+(?:evening|night)", r"stay\w*\s+(?:on\s+)?late", r"ran\s+over", r"overran",
        r"lost\s+track\s+of\s+time", r"our\s+(?:whole\s+|full\s+|entire\s+)?hour\b"), avail=HIGH, aw=3),
    cue("long_time", r"(?:a|such\s+a)\s+long\s+(?:time|while)|for\s+(?:ages|hours)|a\s+good\s+while",
        avail=HIGH, aw=2, not_after=r"[\w\s]+?\s+ago\b"),
    cue("long_meeting", r"(?:long|leisurely|relaxed|unhurried|lengthy|extended|proper|hour-?long|two-hour|"
        r"three-hour|generous|in-?depth|deep),?\s+(?:[\w-]+,?\s+)?" + _MEETING, avail=HIGH, aw=3),
    cue("unhurried", r"unhurried|leisurely|relaxed|patient(?:ly)?", avail=HIGH, aw=2,
        not_before=r"(?:the|a|my|our|his|her|each|every|one|new|first)\s+(?:[\w-]+\s+)?"),
    cue("shared_meal", alt(
        r"over\s+(?:an?\s+)?(?:long\s+)?(?:dinner|lunch|breakfast|meal|drinks)",
        r"(?:to|at|in)\s+" + _HIS + r"\s+(?:home|house)", r"(?:to|at)\s+" + _HIS + r"\s+place", r"dinner\s+with"),
        avail=HIGH, aw=1.5),
    cue("attention", alt(
        r"(?:full|undivided|complete|whole|close)\s+attention",
        r"(?:phones?|pagers?|laptops?|screens?)\s+(?:away|down|off|face-?down|on\s+silent)",
        r"(?:put|turned|switched)\s+(?:\w+\s+)?(?:phone|pager)\s+(?:away|down|off)",
        r"attentive\w*", r"engaged", r"genuinely\s+interested", r"interested\s+in\s+me", r"curious\s+about\s+me",
        r"(?:lots|a\s+lot|plenty|loads|tons|so\s+many|many)\s+(?:of\s+)?(?:thoughtful\s+|follow-?up\s+)?questions",
        r"follow-?up\s+questions", r"thoughtful\s+questions", r"took\s+(?:careful\s+|detailed\s+)?notes",
        r"remembered", r"eye\s+contact",
        r"listened\s+(?:carefully|closely|intently|attentively|patiently|properly|well|more)"),
        avail=HIGH, aw=2, not_before=_THE_USER),
    cue("focused", r"focus\w*", avail=HIGH, aw=1, not_before=_THE_USER),
    cue("follow_up", alt(
        r"follow(?:ed|ing|s)?[- ]?up",
        r"(?:we'll|we\s+will|we're\s+going\s+to|let's|we\s+agreed\s+to|we\s+plan\s+to)\s+(?:\w+\s+){0,5}?"
        r"(?:next|again|every|each|tomorrow|soon|on\s+" + _DAY + r"s?)",
        r"on\s+" + _DAY + r"s", r"every\s+" + _DAY, r"every\s+(?:week|month)", r"weekly", r"fortnightly",
        r"monthly"), avail=HIGH, aw=1.5),
    cue("had_time", r"ha(?:d|ve|s)\s+(?:(?:plenty|lots|a\s+lot)\s+of\s+|much\s+|enough\s+|all\s+the\s+|more\s+|"
        r"the\s+|any\s+|some\s+)?time\b(?!\s+(?:of|to\s+sit))", avail=HIGH, aw=1.5,
        not_before=r"(?:only|just)\s+"),

    # ---- low: little time or attention -------------------------------------------------------------------
    cue("limited_time", r"(?:only|just)\s+(?:had|has|have|gave\s+me|could\s+(?:spare|give)|spared|got)\b",
        avail=LOW, aw=2),
    cue("brief_meeting", alt(
        r"(?:quick|brief|short|hurried|hasty|snatched|fleeting|passing|flying)\s+(?:[\w-]+\s+)?"
        r"(?:chat|call|meeting|talk|conversation|coffee|catch-?up|word|exchange|visit|hello|check-?in|encounter|"
        r"answer|reply|meet|stop|moment|session|look|glance|lunch|one)",
        r"(?:was|were|kept\s+it)\s+(?:short|brief|quick)"), avail=LOW, aw=2),
    cue("briefly", r"briefly|quickly", avail=LOW, aw=1, not_before=r"(?:\bI|\bme|\bmy)\s+(?:\w+\s+)?"),
    cue("rushed", alt(
        r"rush\w*", r"hurr(?:y|ied)", r"(?:pressed|short|tight|strapped)\s+(?:for|on)\s+time",
        r"running\s+late", r"late\s+for", r"on\s+the\s+(?:run|go|fly)", r"in\s+passing",
        r"(?:had|needed|got)\s+to\s+(?:leave|run|go|dash|rush|head\s+off|get\s+back|take\s+a\s+call)",
        r"(?:left|dashed|ran|hurried|headed)\s+(?:off|out|away)", r"left\s+(?:early|after|halfway|before|mid)",
        r"dropped\s+off", r"cut\s+(?:it\s+|things\s+|(?:our|the)\s+\w+\s+)?short",
        r"wrap\w*\s+(?:it\s+|things\s+)?up\s+(?:early|quickly|fast)", r"(?:ended|finished)\s+(?:early|abruptly)"),
        avail=LOW, aw=2.5,
        not_before=r"\bI\s+(?:sounded|was|seemed|spoke|talked|came\s+across|looked|presented|am|get|felt)\s+"
                   r"(?:\w+\s+)?|\bme\s+(?:feel|sound)\s+"),
    cue("between_commitments", alt(
        r"between\s+(?:[\w-]+\s+){0,2}?(?:meetings|cases|patients|clinics|surgeries|operations|lectures|calls|"
        r"rounds|appointments|procedures|sessions|consults|classes|shifts|lists)",
        r"(?:squeez|sandwich|cramm|wedg)\w*", r"fit\w*\s+me\s+in", r"back-?to-?back"), avail=LOW, aw=3),
    cue("on_the_move", alt(
        r"hallway", r"corridor", r"elevator(?!\s+pitch)", r"stairwell", r"car\s+park", r"parking\s+lot",
        r"walk\w*\s+(?:me\s+)?(?:to|from|between|back\s+to)\s+(?:the\s+|her\s+|his\s+|their\s+)?"
        r"(?:clinic|ward|or|theatre|car|office|meeting|surgery|next)",
        r"on\s+(?:the|her|his|their)\s+way\s+(?:to|out|from)",
        r"(?:running|rushing|dashing|hurrying|heading|racing)\s+(?:off\s+)?to\s+(?:a\s+|the\s+|his\s+|her\s+|"
        r"their\s+)?(?:code|meeting|clinic|ward|or|theatre|surgery|case|page|emergency|next|another)"),
        avail=LOW, aw=2),
    cue("distracted", alt(
        alt(r"check\w*", r"answer\w*", r"repl\w*", r"read\w*", r"typ\w*", r"look\w*", r"glanc\w*",
            r"scroll\w*", r"tapp?\w*", r"respond\w*", r"fiddl\w*", r"peek\w*", r"star\w*",
            r"kept\s+an\s+eye", r"eyes?\s+on")
        + r"\s+(?:at\s+|to\s+|on\s+|through\s+)?(?:(?:his|her|their|a|the|some|several|a\s+couple\s+of|a\s+few|"
        r"multiple|two|three|incoming|new|more)\s+)*(?:[\w-]+\s+)?(?:e-?mails?|messages?|texts?|phones?|"
        r"pagers?|bleeps?|watch|watches|clock|screens?|laptops?|computers?|inbox|notifications|slack|pages|"
        r"devices?|monitors?|calls?)\b",
        r"on\s+" + _HIS + r"\s+(?:phone|pager)", r"(?:from|via)\s+" + _HIS + r"\s+phone",
        r"pager", r"bleep\w*", r"paged",
        r"interrupt\w*(?!\s+(?:me\s+)?(?:each|every|whenever|when\s+I|to\s+correct))",  # "... me to correct" coaches
        r"distract\w*", r"multitask\w*", r"preoccupied",
        r"half-?listen\w*", r"absent-?minded",
        r"(?:took|taking|take|answered|answering|fielded|fielding)\s+(?:a\s+|several\s+|two\s+|some\s+|"
        r"multiple\s+|phone\s+|a\s+few\s+)?calls?"), avail=LOW, aw=3),
    cue("busy", r"(?:very\s+|so\s+|clearly\s+|really\s+|extremely\s+)?(?:busy|swamped|slammed|overloaded|"
        r"stretched\s+thin|overbooked|double-?booked|packed\s+schedule)", avail=LOW, aw=1.5),
    cue("no_time", alt(
        r"(?:no|little|not\s+much|limited|barely\s+any|hardly\s+any|not\s+a\s+lot\s+of|no\s+spare)\s+"
        r"(?:free\s+|spare\s+)?time",
        r"(?:no|little)\s+bandwidth",
        r"(?:can't|cannot|couldn't|won't|wouldn't|not\s+able\s+to|unable\s+to)\s+(?:commit|spare|"
        r"find\s+(?:the\s+)?time|give\s+(?:much|more|a\s+lot\s+of)\s+time)"), avail=LOW, aw=3, negatable=False),
    cue("disengaged", alt(
        r"uninterested", r"disengaged", r"bored", r"distant", r"detached", r"aloof", r"dismissive",
        r"impatient", r"checked\s+out", r"(?:seemed|was)\s+(?:elsewhere|somewhere\s+else)"), avail=LOW, aw=2),
)
