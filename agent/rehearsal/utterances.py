"""Rule-based reading of a user's line in a rehearsal: questions, intent, key phrases, overlap.

Shared by the persona (to respond to what was said) and the debrief (to score what was said).
Everything here is deterministic and cheap; no model is involved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.core import FILLERS
from agent.core import STOPWORDS as _STOPWORDS

STOPWORDS = _STOPWORDS | FILLERS
# Words so common in any medical-career chat that sharing them proves nothing about listening.
GENERIC = frozenset(
    """medicine medical doctor doctors physician career residency resident residents program work
    year years time people someone something advice question questions specialty field hospital
    patients patient meeting coffee help next today week weeks""".split()
)

_QUESTION_START = re.compile(
    r"^(what|how|why|when|where|which|who|whom|whose|is|are|was|were|do|does|did|can|could|would|will|"
    r"should|shall|may|might|have|has|had|any|if you)\b",
    re.I,
)
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_ABBREV = re.compile(r"\b(Dr|Drs|Mr|Mrs|Ms|Prof|St|vs|e\.g|i\.e)\.", re.I)

_HIJACK = re.compile(
    r"ignore (all |any |your |the |my |previous |prior |above )*(instructions|prompt|rules|directions)|"
    r"disregard (your|the|all|previous) |system prompt|developer (message|mode)|jailbreak|"
    r"\byou are now\b|\bfrom now on,? you\b|\bpretend (to be|you are)\b|\bact as\b|\brole[- ]?play\b|"
    r"what('s| is) your (hidden |secret |real |true |assigned )?(role|archetype|persona|type|instructions)|"
    r"which (role|archetype|type)\b|are you (a|an|my) (mentor|coach|sponsor|connector|networker)|"
    r"are you (an? )?(ai|bot|robot|language model|llm|chatbot)|\bpersona\b|reveal your|your instructions",
    re.I,
)
_THANKS = re.compile(r"\b(thank(s| you)|grateful|appreciate|much obliged|cheers)\b", re.I)
_CLOSING = re.compile(
    r"\b(let you go|let you get back|take up (any )?more of your time|keep you|that'?s all|"
    r"i should go|have to run|need to go|bye|goodbye|see you|talk soon|have a (good|great|nice)|"
    r"until next time|end (the|this) (meeting|call|chat)|wrap (this|it) up)\b",
    re.I,
)
_LOOKING_BACK = re.compile(
    r"\b(was|were|has been|have been|'s been)\b[^.?!]{0,30}\b(helpful|useful|great|lovely|valuable|generous)|"
    r"\b(for (all )?your (time|advice|help|insight)|appreciate (it|this|your time)|so much|really helpful|"
    r"follow up|email you|be in touch|thanks again|thank you again)\b",
    re.I,
)
_FAVOUR = re.compile(
    r"\b(get me (a|an|into|the|in)|hire me|give me (a|the|your)|a spot|a place in|a position|"
    r"sign off|make sure (they|the committee|she|he|i)|phone numbers?|put in a (good )?word|"
    r"pull (some )?strings|guarantee|so (that )?(i|she|he|they) (get|hire|accept|pick))",
    re.I,
)
_INTRO = re.compile(
    r"\b(?:[Mm]y name is|I'?m [A-Z][a-z]+\b|I am [A-Z][a-z]+\b)|"
    r"(?i:\b(?:i'?m|i am|i work as|i'?ve been)\b[^.?!]{0,40}?"
    r"\b(?:student|intern|resident|fellow|attending|hospitalist|registrar|pgy[- ]?\d|ms[- ]?\d|"
    r"year of (?:residency|fellowship|medical school)))",
)
_STAGE_NOUN = re.compile(
    r"\b(medical student|student|intern|resident|fellow|attending(?: hospitalist| physician)?|hospitalist|"
    r"registrar|pgy-?\d|ms-?\d)\b"
    r"(\s+in\s+[a-z][a-z \-]{2,40}?(?=[,.;!?]|\s+and\b|\s+but\b|\s+who\b|\s+hoping\b|$))?",
    re.I,
)
_STAGE_WORD = re.compile(r"^((first|second|third|fourth|fifth|final|\d+(st|nd|rd|th))-year|pgy-?\d|[a-z]+)$", re.I)
_NOT_STAGE = frozenset("just started recently currently now new also still as".split())
_GOAL = re.compile(
    r"\b(my goal|i'?d like to|i would like to|i want to|i'?m hoping|i hope to|hoping to|i'?m interested in|"
    r"interested in|i'?m (thinking|considering|leaning|deciding|trying|weighing|looking)|"
    r"i'?ve been (thinking|considering|wondering)|aiming|i plan to|planning to|torn between|"
    r"who (wants|hopes|plans) to|want(s)? to (move|switch|go) into)\b",
    re.I,
)
_FOLLOWUP = re.compile(
    r"\b(you mentioned|you said|you were saying|earlier you|you talked about|you brought up|"
    r"going back to|back to what you|what you said|you told me|when you say|you just said)\b",
    re.I,
)
# A lookahead so overlapping candidates ("to decide whether nephrology ...") are all seen.
_PREP_PHRASE = re.compile(
    r"\b(about|on|into|with|for|in|of|to|at|between|from|toward|towards|around|whether|my|your)\s+"
    r"(?=([a-z0-9][a-z0-9'\- ]{2,80}))",
    re.I,
)
_CUT_WORDS = frozenset(
    """is are was were be been do does did should would could can will have has had most more shaped
    made make makes and but or so that which who when where if than because as while that's it hoping
    thinking leaning planning trying wondering looking considering want wanted need feel felt i'm right
    whether run runs ran go goes went seem seems take takes get gets keep keeps fits fit suits suit works
    matters helps you you'd you'll you're i'd i'll we they what how why""".split()
)
_LEADS = frozenset("about on into with for in of to at between from toward towards around whether".split())
_VERBS = frozenset("""decide figure make be find know learn choose keep see try think ask talk meet handle balance
    improve understand""".split())
# After "to", a move the user wants to make reads as a noun phrase once it is a gerund ("moving into cardiology").
_GERUNDS = {"move": "moving", "switch": "switching", "go": "going", "get": "getting", "transition": "transitioning",
            "pivot": "pivoting", "match": "matching", "become": "becoming", "pursue": "pursuing", "apply": "applying",
            "train": "training", "specialise": "specialising", "specialize": "specializing", "do": "doing",
            "start": "starting", "join": "joining", "shift": "shifting", "work": "working", "change": "changing",
            "return": "returning", "enter": "entering", "build": "building", "lead": "leading", "run": "running",
            "teach": "teaching", "combine": "combining", "focus": "focusing", "break": "breaking"}
_NOUNISH = ("ogy", "ics", "ine", "ry", "ism", "ship", "ure", "care", "health", "ion", "ment")
_WHEN = frozenset("this next last coming".split())
_TIME_UNITS = frozenset("week weekend month year morning afternoon evening night term semester rotation".split())
_TRAILING = frozenset("yet eventually now anymore too also later soon again already really though lately first "
                      "well either someday today tonight tomorrow sometime".split())
# Words that never name a topic on their own ("put me in touch" is a request, not a subject).
_WEAK = frozenset("making taking having getting doing time most touch contact day days week weeks month months "
                  "minutes hours".split())
_SWAP = {"my": "your", "i": "you", "me": "you", "mine": "yours", "your": "my", "you": "me", "yours": "mine",
         "i'm": "you're", "myself": "yourself"}


@dataclass
class Reading:
    """What a user line does, as far as simple rules can tell."""

    questions: list[str] = field(default_factory=list)
    hijack: bool = False
    thanks: bool = False
    closing: bool = False
    favour: bool = False
    intro: bool = False
    goal: bool = False
    stage: str = ""
    topic: str = ""


def sentences(text: str) -> list[str]:
    """Split text into trimmed sentences (keeps their end punctuation)."""
    protected = _ABBREV.sub(lambda m: m.group(1) + "\x00", text or "")
    return [s.replace("\x00", ".").strip() for s in _SENTENCE.findall(protected) if s.strip()]


def detect_questions(text: str) -> list[str]:
    """Return the questions in a line: sentences ending in '?' or opening like a question."""
    found = []
    for sent in sentences(text):
        core = sent.rstrip(".!").strip()
        if sent.endswith("?") or (_QUESTION_START.match(core) and len(core.split()) >= 4 and "?" not in core):
            if len(core.split()) >= 2:
                found.append(sent if sent.endswith("?") else core + "?")
    return found


def is_hijack(text: str) -> bool:
    """True for attempts to break the role-play (instructions, role questions, 'you are now ...')."""
    return bool(_HIJACK.search(text or ""))


def thanks(text: str) -> bool:
    """True when the line thanks the other person."""
    return bool(_THANKS.search(text or ""))


def says_goodbye(text: str) -> bool:
    """True for an explicit goodbye ("I'll let you go", "see you")."""
    return bool(_CLOSING.search(text or ""))


def is_closing(text: str) -> bool:
    """True when the user is wrapping up: a goodbye, or thanks for a meeting that has happened."""
    if _CLOSING.search(text or ""):
        return True
    if not thanks(text) or detect_questions(text) or _INTRO.search(text or ""):
        return False
    return bool(_LOOKING_BACK.search(text or ""))


def content_words(text: str) -> set[str]:
    """Lower-cased, crudely stemmed content words (no stopwords, at least 4 letters)."""
    words = re.findall(r"[a-zA-Z][a-zA-Z\-']+", (text or "").lower())
    return {_stem(w) for w in words if len(w) >= 4 and w not in STOPWORDS}


def _stem(word: str) -> str:
    word = word.strip("'-")
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def named_people(text: str) -> list[str]:
    """Names written as 'Dr. First Last' or 'Dr. Last' (how personas name colleagues)."""
    return re.findall(r"\bDr\.? ([A-Z][a-z]+(?: [A-Z][a-zA-Z\-']+)?)", text or "")


def follows_up(user_text: str, persona_text: str, earlier_user_text: str = "", speaker: str = "") -> str:
    """Why a user line follows up on the persona's previous line ('' when it does not).

    Evidence, in order: an explicit reference ("you mentioned"), a person the persona named (not the
    speaker themselves, ``speaker`` being their name), or at least two specific content words the persona
    introduced (ones the user had not used just before).
    """
    if _FOLLOWUP.search(user_text or ""):
        return "refers back explicitly"
    lowered = (user_text or "").lower()
    own = {w.lower() for w in speaker.replace("Dr.", "").split()}
    for person in named_people(persona_text):
        surname = person.split()[-1]
        if surname.lower() in lowered and surname.lower() not in own:
            return f"picks up Dr. {person}"
    fresh = content_words(persona_text) - content_words(earlier_user_text) - {_stem(w) for w in GENERIC}
    fresh -= content_words(speaker)
    shared = sorted(fresh & content_words(user_text))
    if len(shared) >= 2:
        return "picks up " + ", ".join(shared[:3])
    return ""


def key_phrase(text: str, max_words: int = 5) -> str:
    """A short phrase naming what a line is about, pronouns swapped for echoing back ('my X' -> 'your X')."""
    source = " ".join(detect_questions(text)) or text or ""
    best, best_score = "", 0.0
    for match in _PREP_PHRASE.finditer(source):
        lead = match.group(1).lower()
        words = []
        raw = match.group(2).split()
        for k, word in enumerate(raw):
            bare = word.lower().strip(",.;:!?\"'")
            if bare in _CUT_WORDS or not bare:
                break
            if bare in _WHEN and k + 1 < len(raw) and raw[k + 1].lower().strip(",.;:!?") in _TIME_UNITS:
                break  # "my CV this week": the time is not part of the topic
            words.append(word.strip(",.;:!?\"'"))
            if word[-1:] in ",.;:!?":
                break
        while words and words[0].lower() in _LEADS:
            words.pop(0)
        if lead == "to" and words and words[0].lower() in _VERBS:
            continue
        if lead == "to" and len(words) == 1 and not words[0][:1].isupper() and not words[0].lower().endswith(_NOUNISH):
            continue  # "what to strengthen": a bare verb, not a subject
        if lead == "to" and words and words[0].lower() in _GERUNDS:
            words[0] = _GERUNDS[words[0].lower()]
        words = words[:max_words]
        while words and words[-1].lower() in STOPWORDS | _TRAILING:
            words.pop()
        if words and words[0].lower() in {"their", "his", "her", "its"}:
            words[0] = "the"
        content = [w for w in words if w.lower() not in STOPWORDS | _WEAK and len(w) > 2]
        if not content:
            continue
        score = len(content) + (0.5 if lead in {"about", "on", "into", "between"} else 0)
        if score > best_score:
            prefix = [lead] if lead in {"my", "your"} else []
            best, best_score = " ".join(prefix + words), score
    return swap_pronouns(best.strip())


_SKILL_TROUBLE = re.compile(
    r"\b(?:not (?:very |that |so )?good at|struggl\w* (?:with|at)|better at|improve(?: at)?|trouble(?: with)?|"
    r"nervous (?:about|before)|work on|bad at|weak at|slow at|stuck on)\s+([a-z][a-z \-']{2,40})",
    re.I,
)


def skill_phrase(text: str) -> str:
    """The skill a user says they struggle with ('running codes'), or ''."""
    match = _SKILL_TROUBLE.search(text or "")
    if not match:
        return ""
    words = []
    for word in match.group(1).split():
        bare = word.lower().strip(",.;:!?")
        if bare in _CUT_WORDS or bare in {"and", "but", "because", "when", "so"}:
            break
        words.append(bare)
        if word[-1:] in ",.;:!?" or len(words) == 4:
            break
    while words and words[-1] in STOPWORDS | _TRAILING:
        words.pop()
    return swap_pronouns(" ".join(words)) if words and words[0] not in STOPWORDS - {"my"} else ""


def user_stage(text: str) -> str:
    """How the user described their stage ('second-year internal medicine resident'), or ''."""
    match = _STAGE_NOUN.search(text or "")
    if not match:
        return ""
    before = (text or "")[: match.start()].split()
    words: list[str] = []
    for word in reversed(before[-4:]):
        if not _STAGE_WORD.match(word) or word.lower() in STOPWORDS or word.lower() in _NOT_STAGE:
            break
        words.insert(0, word)
    return " ".join(_lower_unless_acronym(w) for w in [*words, *match.group(0).split()])


def _lower_unless_acronym(word: str) -> str:
    """'Second-year' -> 'second-year', but 'PGY-1' and 'MS3' keep their capitals."""
    return word if any(c.isdigit() for c in word) or word[1:].lower() != word[1:] else word.lower()


def swap_pronouns(phrase: str) -> str:
    """Turn the user's point of view into the listener's ('my fellowship' -> 'your fellowship')."""
    return " ".join(_SWAP.get(w.lower(), w) for w in phrase.split())


def read(text: str) -> Reading:
    """Read one user line into a :class:`Reading`."""
    stage = user_stage(text)
    return Reading(
        questions=detect_questions(text),
        hijack=is_hijack(text),
        thanks=thanks(text),
        closing=is_closing(text),
        favour=bool(_FAVOUR.search(text or "")),
        intro=bool(_INTRO.search(text or "")),
        goal=bool(_GOAL.search(text or "")),
        stage=stage,
        topic=key_phrase(text),
    )
