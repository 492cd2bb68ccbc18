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
    LIGHT_VERBS,
    OUTCOMES,
    QUESTION_WORDS,
    SPECIALTIES,
    STOPWORDS,
    TOKEN_RE,
)

FLAGS = ("pumping", "googleable", "too_open")  # priority order for the verdict
NOTE_CODES = ("multiple_questions", "closed_question", "leading_question", "no_context", "role_misfit",
              "partly_googleable")


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.VERBOSE)


# ---- normalisation ------------------------------------------------------------------------------
_CONTRACTIONS = [
    (r"\bcan't\b", "cannot"), (r"\bwon't\b", "will not"), (r"n't\b", " not"), (r"\bi'm\b", "i am"),
    (r"'re\b", " are"), (r"'ve\b", " have"), (r"'ll\b", " will"), (r"'d\b", " would"),
    (r"\b(what|who|where|when|how|it|that|there|here|which)'s\b", r"\1 is"), (r"\blet's\b", "let us"),
    (r"\bu\b", "you"), (r"\bur\b", "your"), (r"\b(pls|plz)\b", "please"), (r"\bi\b", "i"),
]
_ABBREV = re.compile(r"\b(dr|mr|mrs|ms|prof|st|vs|etc|approx|no)\.", re.IGNORECASE)


def normalize(text: str) -> str:
    """Lower-case, straighten quotes, expand contractions and collapse spaces."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = _ABBREV.sub(r"\1", text.lower())
    for pattern, repl in _CONTRACTIONS:
        text = re.sub(pattern, repl, text)
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(text)


# ---- sentence structure -------------------------------------------------------------------------
_CLAUSE_SPLIT = re.compile(r"(?:,|;|\s-\s)?\s+(?:and|or|but|also|plus)\s+(?=(?:what|how|why|which|who|when|"
                           r"where|would|could|do|did|does|is|are|was|can|should|have)\b)|;\s+")


def is_question_sentence(sentence: str) -> bool:
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
    text = normalize(question)
    sentences = [s.strip() for s in re.split(r"(?<=[.?!])\s+|\n+", text) if s.strip()]
    questions = [s for s in sentences if is_question_sentence(s)]
    if not questions and sentences:
        questions = [sentences[-1]]
    context = [s for s in sentences if s not in questions]
    parts = [c.strip(" ,?.!") for q in questions for c in _CLAUSE_SPLIT.split(q) if c and c.strip(" ,?.!")]
    # "I have loans; how did you handle debt?" is context plus one question, not two questions.
    clauses = [c for c in parts if is_question_sentence(c)] or parts
    return Parsed(text, sentences, questions, context, clauses)


# ---- anchors and specificity ----------------------------------------------------------------------
_GENERIC_YOU = (r"(?!\s+(?:need|have\s+to|must|get\s+paid|usually\s+need|apply|register|become|qualify|"
                r"get\s+into|sign\s+up|enrol|enroll|calculate))")
_ANCHOR = _rx(
    rf"""\b(?:did|have|had|were|was|would|do|will)\s+you\b{_GENERIC_YOU}
    | \byou(?:\s+\w+)?\s+(?:\w+ed|took|made|chose|knew|felt|saw|went|got|found|learnt|began|wrote|thought|
        heard|faced|gave|kept|ran|built|spent|became|came|met|told|brought|lost|won|taught|left|had|did|
        were|was|see|look|notice|wish|find|regret)\b
    | \byour\s+(?:own\s+)?(?:career|path|training|residency|fellowship|first|early|practice|experience|time|
        decision|choice|clinic|lab|team|department|program|view|opinion|judg(?:e)?ment|years?|move|switch|
        transition|work|patients?|mentors?|mistakes?|risks?|journey|role|group|hospital|own)\b
    | \b(?:when|since|after|before|as)\s+you\b | \bin\s+my\s+(?:position|shoes|place|situation)\b
    | \bdid\s+(?:it|that|this)\s+\w+\s+you\b | \b(?:\w+ed|took|gave|made|taught|led|kept|drove|brought|got)\s+you\b
    | \bif\s+you\s+were\b | \byou(?:\s+have|'ve)\s+(?:seen|found|noticed|worked|supervised|mentored|
        hired)\b"""
)


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
        if t.isdigit() or re.fullmatch(r"pgy-?\d", t):
            out.append(t)
            continue
        if len(t) < 3 or t in STOPWORDS or t in LIGHT_VERBS or t in GENERIC or t in FIELD_WORDS:
            continue
        if t in QUESTION_WORDS:
            continue
        out.append(t)
    return out


_DECISION = _rx(
    r"""\b(?:between|versus|vs|weigh|weighing|deciding|decide|choosing|choose|torn|switch|switching|
    transition|transitioning|offered|offer|trade-?off)\b | \bmov(?:e|ing)\s+(?:from|into|to)\b
    | \b\w+\s+or\s+(?:a\s+|an\s+|the\s+)?\w+"""
)
_PROBLEM = _rx(
    r"""\b(?:struggle|struggling|struggles|trouble|difficult|difficulty|worried|worry|unsure|stuck|freeze|
    tend\s+to|keep\s+\w+ing|but|although|however|without|deadline|next\s+(?:week|month|year)|
    in\s+\d+|within|failed|failing|behind|slipping|burn(?:ed|t)?\s*out|conflict|because)\b
    | \bno\s+\w+\s+yet\b | \b(?:have|had|with)\s+(?:no|two|three|\d+|several|a\s+few)\s+\w+"""
)
_VAGUE = _rx(
    r"""\b(?:any|some|your|best|general|good|main|top|biggest|key|most\s+important)\s+(?:advice|tips?|
        thoughts|guidance|wisdom|suggestions?|recommendations?|pointers|insights?|words|takeaways?|lessons?)\b
    | \bwhat\s+(?:should|do|must|would|can)\s+i\s+(?:need\s+to\s+|have\s+to\s+)?(?:know|do|be\s+doing|
        focus\s+on|think\s+about|expect|keep\s+in\s+mind|be\s+aware)\b
    | \bwhat\s+(?:do|would|can)\s+you\s+(?:think|recommend|suggest|advise|say|tell)\b
    | \bhow\s+(?:do|can|should|would|could|will)\s+i\s+\w+ | \btell\s+me\s+(?:about|everything|more)\b
    | \btalk\s+(?:to\s+)?me\s+(?:about|through)\b | \bwhat\s+is\s+it\s+like\b
    | \bwhat\s+is\s+your\s+(?:take|view|opinion|perspective)\b | \bthoughts\b
    | \bwhere\s+do\s+you\s+see\b | \badvice\b | \bguidance\b"""
)


_PAST_EPISODE = _rx(
    r"""\bdid\s+you\b | \byou\s+(?:have\s+|had\s+)?(?:ever\s+)?(?:\w+ed|gotten|got|given|taken|took|made|had|faced|
        received|learnt|heard|seen|saw|been\s+\w+)\b
    | \byou\s+(?:like|love|enjoy|dislike|hate|find|value|miss)\b"""
)
_EPISODE_MARK = re.compile(r"\b(?:ever|best|worst|hardest|toughest|biggest|first|last\s+time|most\s+\w+)\b")


_BROAD_FIELDS = {"medicine", "research", "academia", "patient care", "clinical research"}
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
_FACT = _rx(
    r"""\bhow\s+(?:many|much)\s+(?:years?|months?|weeks?|hours?|days?|time)\b
    | \bhow\s+long\s+(?:is|are|does|do|will|would|did|was|has)\b | \b(?:length|duration)\s+of\b
    | \bhow\s+many\b | \b(?:what|which)\s+(?:percentage|percent|proportion|fraction|number|share)\s+of\b
    | \b(?:match|acceptance|pass|passing|success|fill|attrition|placement)\s+rates?\b |
        \bhow\s+competitive\s+is\b
    | \b(?:salary|salaries|earn|earns|earning|earnings|income|compensation|wages?|debt|tuition|fees?|costs?)\b
    | \bhow\s+much\s+(?:do|does|is|are|will|would|can|did)\b(?!.*\b(?:time|effort|energy)\b)
    | \b(?:paid|pay)\b(?!\s+(?:off|attention))
    | \b(?:deadlines?|due\s+dates?|timeline|when\s+(?:is|are)\s+\w+\s+due)\b
    | \bwhen\s+(?:do|does|is|are|will)\b.*\b(?:open|opens|close|closes|start|starts|begin|begins|due|released|
        held|announced|happen|happens|take\s+place|come\s+out|taken|scheduled|offered|posted)\b
    | \bwhat\s+(?:date|month|day|time\s+of\s+year)\b
    | \b(?:requirements?|prerequisites?|required|mandatory|eligib\w+|criteria|accredit\w+)\b
    | \b(?:do|does|would)\s+(?:i|one|someone|a\s+\w+)\s+need\b(?!\s+to\s+(?:know|do|think|consider|learn|
        be\s+aware))
    | \bdo\s+you\s+need\s+(?:to|a|an)\b(?!\s+(?:know|do|think|consider|learn|be\s+aware))
    | \bwhat\s+do\s+i\s+need\s+to\s+(?:apply|get|become|qualify|register|pass|take)\b
    | \b(?:do|does|would)\s+(?:i|one|someone|you)\s+have\s+to\s+(?:pass|take|complete|get|have|do)\b
    | \bwhat\s+(?:is|are)\s+the\s+(?:average|median|typical|mean|usual|normal)\b
    | \b(?:which|what)\s+(?:\w+\s+)?(?:exams?|tests?|courses?|classes|certifications?|certificates?|licen[cs]es?|
        boards?|credentials?|degrees?)\s+(?:do|does|are|is|should|must)\b
    | \b(?:passing|minimum|cutoff|cut-off|average|median|typical|mean|required|competitive)\s+(?:scores?|
        gpa|mcat|
        step\s*\d?)\b | \bwhat\s+score\b | \bscore\s+(?:do|does)\s+\w+\s+need\b
    | \b(?:on\s+average|per\s+year|each\s+year|every\s+year|annually|per\s+week)\b
    | \b(?:average|median|typical|mean)\s+(?:\w+\s+){0,2}(?:number|salary|pay|income|length|age|score|
        debt|hours|
        cost|time)\b
    | \bhow\s+(?:do|does|can)\s+(?:i|one|you|someone|a\s+\w+)\s+(?:apply|register|sign\s+up|enrol|enroll|
        qualify)\b
    | \bwhat\s+does\s+[\w\s.-]+?\s+(?:stand\s+for|mean)\b | \bdifference\s+between\b | \bdefin(?:e|ition)\b
    | \bwhat\s+does\s+(?:a|an)\s+\w+(?:\s+\w+)?\s+do\b
    | \b(?:types|kinds|sorts|list|categories|subspecialties|specialties|fellowships)\s+(?:of|in|within)\b
    | \b(?:what|which)\s+(?:\w+\s+){0,2}(?:subspecialties|specialties|fellowships|programs|options|types|
        kinds|
        tracks|pathways|exams|certifications)\s+(?:exist|are\s+there|are\s+available|are\s+offered|can\s+i)\b
    | \bis\s+(?:a|an|the)?\s*[\w\s-]{1,40}\s+(?:required|mandatory|necessary)\b"""
)
_NP_FUNCTION = frozenset({"a", "an", "the", "of", "in", "for", "to"})
_NOT_A_TERM = frozenset({"most", "more", "less", "part", "it", "that", "this", "you", "your"})
_NEUTRAL_NOUNS = frozenset({"step", "steps", "job", "jobs", "work", "field", "profession"})
_DEFINITION = re.compile(r"^(?:what|who)\s+(?:is|are)\s+(?:a|an|the)?\s*(?P<np>[\w\s.-]{1,60})$")


def _is_definition(clause: str) -> bool:
    m = _DEFINITION.match(clause)
    if not m:
        return False
    words = [w for w in tokens(m.group("np")) if w not in _NP_FUNCTION]
    if not words or len(words) > 5 or any(w.endswith("est") or w in _NOT_A_TERM for w in words):
        return False
    return all(w not in LIGHT_VERBS and (w not in GENERIC or w in _NEUTRAL_NOUNS) for w in words)


_QUANTITY = re.compile(r"how\s+(?:many|much|long)\b")
# A yes/no question with nobody in it, about how exams, programmes and rules work ("Is Step 1 pass/fail
# now?", "Does the match use a rank list?") has a published answer.
_CLOSED = re.compile(r"^(?:is|are|was|were|does|do|did|has|have|can|will)\s")
_PERSONAL = re.compile(r"\b(?:i|i'm|i've|i'd|me|my|mine|we|our|us|you|your|yours|you're|you've|you'd)\b")
_RULE_WORDS = _rx(
    r"""\b(?:step\s*\d|usmle|comlex|mcat|boards?|exams?|match|matching|eras|nrmp|acgme|residenc(?:y|ies)|
    fellowships?|programs?|programmes?|pass/fail|pass-fail|allowed|permitted|eligible|competitive|accredited|
    visas?|licen[cs]e|licensure|certif\w*|credits?|cme|quota|positions?|spots?|rank\s+lists?)\b"""
)


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
    return not (re.search(r"\bshould\b", clause) and all(_QUANTITY.match(h) for h in hits))


# ---- pumping -----------------------------------------------------------------------------------
_REQUEST = _rx(
    r"""\b(?:can|could|would|will|might)\s+you\b | \bplease\b | \b(?:chance|way)\s+(?:that\s+)?you\b
    | \bpossible\s+(?:for\s+you\s+)?to\b | \bi\s+(?:would\s+like|want|need|hope|wish)\s+(?:for\s+)?you\s+to\b
    | \bdo\s+you\s+mind\b | \b(?:willing|able)\s+to\b | \bcan\s+i\s+(?:ask|count\s+on)\s+you\b
    | \byou\s+(?:could|can|would|might|will)\b | \b(?:would|i\s+would)\s+(?:love|appreciate|
        be\s+grateful\s+for)\b"""
)
_FAVOUR = _rx(
    rf"""\b(?:introduc|connect|refer|nominat|hir|sponsor|endors|accept|admit|rank|pick|choos|select|
        shortlist|promot|fast-track|vouch\w*\s+for|hook|sign|squeez|fit|slot|guarantee)\w*\s+me\b
    | \brecommend\w*\s+me\s+(?:for|to|as)\b | \bset\w*\s+me\s+up\b | \btak(?:e|ing)\s+me\s+(?:on|in|as|into)\b
    | \bbring\w*\s+me\s+(?:on|in|onto|into|aboard)\b | \bput\w*\s+me\s+(?:on|in|forward|up|through|onto)\b
    | \badd\w*\s+me\s+(?:to|as|on)\b | \blet\w*\s+me\s+(?:join|shadow|work|have|come|rotate|sit)\b
    | \bget\w*\s+me\s+(?:in|into|onto|on|a|an|the|my|hired|accepted|through|some|your)\b
    | \b(?:write|sign|submit|send)\w*\s+(?:my|me\s+a|me\s+an)\s+(?:\w+\s+){{0,2}}?(?:letters?|references?|
        recommendations?)\b
    | \b(?:find|give|offer|write|arrange|secure|reserve|save|land|grant|book)\w*\s+me\s+(?:\w+\s+){{0,3}}?
        (?:{OUTCOMES})\b
    | \b(?:get|find|arrange|secure|guarantee|reserve|set\s+up|line\s+up|organi[sz]e|
        book)\s+(?:me\s+)?(?:a|an|the)\s+
        (?:\w+\s+){{0,2}}?(?:{OUTCOMES})\s+(?:for\s+me|at\s+your|in\s+your|with\s+(?:you|your|the|dr))\b
    | \b(?:an?\s+)?intro(?:duction)?s?\s+to\s+(?:your|dr|the|someone|somebody|him|her|them|people|a\s+few)\b
    | \bhelp\s+me\s+(?:get|land|find|secure|obtain)\s+(?:a|an|the|my|into|
        in)\s+(?:\w+\s+){{0,3}}?(?:{OUTCOMES})\b
    | \b(?:give|share|pass|send|forward|hand|get)\s+(?:me\s+)?(?:your|their|his|her|the|some|a\s+few|any)\s+
        (?:\w+'?\s+){{0,3}}?(?:contacts?|contact\s+(?:details|info)|phone\s+numbers?|numbers?|e-?mails?|
        e-?mail\s+addresses?|cell)\b
    | \bbe\s+(?:a\s+|my\s+)(?:reference|referee|sponsor|advocate)\b
    | \b(?:pass|send|forward|give|hand|show|share|put|mention|drop)\s+(?:along\s+)?my\s+(?:cv|resume|
        application|
        file|name|profile|paper|abstract|portfolio)\b
    | \b(?:support|sponsor|endorse|back|push|fast-track|approve|sign)\w*\s+my\s+(?:application|candidacy|visa|
        nomination|bid|promotion|case)\b
    | \bmake\s+sure\b.*\b(?:me|my|i)\b | \bsign\s+off\s+on\s+my\b
    | \b(?:call|email|e-mail|phone|text|message|contact|ring|write\s+to|speak\s+(?:to|with)|talk\s+(?:to|
        with)|
        reach\s+out\s+to)\s+(?:the|your|my|their|him|her|them|dr|someone|somebody)\b.{{0,60}}?
        \b(?:for\s+me|on\s+my\s+behalf|about\s+me|about\s+my\s+(?:application|candidacy|cv|file))\b
    | \b(?:tell|let|convince|persuade|ask|get|remind)\s+(?:the|your|him|her|them|dr|everyone|people)\b
        (?:\s+\w+){{0,3}}?\s+(?:that\s+)?(?:i\s+am|i\s+would|i\s+will|i\s+should|i\s+deserve|about\s+me|to\s+
        (?:hire|accept|take|pick|rank|choose|select|consider|interview|admit|offer|give)\s+me)\b"""
)
# Favours that need no "can you" around them to be a request.
_FAVOUR_ALONE = _rx(
    rf"""\bput\s+in\s+a\s+(?:good\s+)?word\b | \bpull\s+(?:some\s+|a\s+few\s+)?strings\b |
        \bon\s+my\s+behalf\b
    | \b(?:use|drop|mention)\s+your\s+name\b | \blist\s+you\s+as\s+(?:a\s+|my\s+)?(?:reference|referee)\b
    | \b(?:anyone|someone|somebody|people|who\s+do\s+you\s+know)\s+(?:who|that)\s+(?:could|can|would|might|will)\s+
        (?:give|get|offer|hire|
        take|find)\s+me\b
    | \b(?:can|could|may|might)\s+i\s+(?:have|get)\s+(?:a|an)\s+(?:\w+\s+){{0,2}}?(?:letter|reference|
        recommendation|spot|place|position|job|interview|introduction|intro|referral)\b
    | \b(?:can|could|may|might)\s+i\s+(?:have|get)\s+(?:your|their|the|
        some)\s+(?:\w+'?\s+){{0,3}}?(?:contacts?|
        numbers?|e-?mails?|{OUTCOMES})\b
    | \b(?:can|could|may|might)\s+i\s+(?:shadow|join)\s+you\b
    | \b(?:can|could|may|might)\s+i\s+(?:join|work\s+(?:in|at|for|on))\s+your\b
    | \bvouch\s+for\s+me\b
    | \bi\s+(?:would\s+love|would\s+like|am\s+hoping\s+for)\s+(?:a|an)\s+(?:\w+\s+){{0,2}}?(?:{OUTCOMES})\s+
        (?:in|at|on|with)\s+your\b
    | \b(?:any|an?)\s+(?:\w+\s+)?(?:openings?|positions?|spots?|jobs?|places?|vacanc\w+)\s+(?:\w+\s+){{0,3}}?
        for\s+me\b
    | \bwho\s+(?:can|could|would|might|will)\s+(?:get|give|find|offer|hire|take)\s+me\b"""
)
_PURPOSE = _rx(
    r"""\bso\s+(?:that\s+)?(?:i|we)\s+(?:can\s+|could\s+|will\s+|would\s+|might\s+|may\s+)?(?:get|be)\s+
        (?:in|into|accepted|hired|admitted|selected|picked|chosen|ranked|matched|promoted|interviewed|
        a\s+job|the\s+job|a\s+spot|the\s+spot|a\s+position|the\s+position|an\s+interview|an\s+offer|
        a\s+place)\b
    | \bso\s+(?:that\s+)?(?:she|he|they|you|the\s+\w+(?:\s+\w+)?)\s+(?:will\s+|would\s+|can\s+|could\s+|
        might\s+)?
        (?:hire|hires|accept|accepts|admit|admits|pick|picks|choose|chooses|take|takes|rank|ranks|select|
        selects|interview|interviews|offer|offers|consider|considers|give|gives|promote|promotes|want|
        wants)\s+me\b
    | \bso\s+(?:that\s+)?i\s+can\s+(?:ask|get)\s+(?:them|him|her|people|someone|those\s+\w+)?\s*(?:for\s+)?
        (?:a\s+|an\s+)?(?:jobs?|positions?|spots?|interviews?|offers?|places?|work|favou?rs?)\b
    | \b(?:talk|speak|reach|contact|meet|impress|know|call|email|network\s+with)\b.{0,40}?\b(?:to|
        so\s+(?:that\s+)?i
        (?:\s+can)?)\s+get\s+(?:hired|accepted|admitted|selected|picked|in|into\s+(?:the|a|your|their)\s+\w+|
        a\s+job|the\s+job|a\s+spot|a\s+position|the\s+position|an\s+offer)\b"""
)


_IMPERATIVE_FAVOURS = frozenset(
    "introduce connect get give find hook put recommend nominate refer hire send pass forward call email "
    "tell let add".split()
)


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
