"""Spot patient identifiers in what the user types, and keep them from reaching a remote model.

MentorPrep is about careers, not cases, but clinicians think in cases, so a message such as "how do I raise
my patient Jane Doe, 67F, MRN 12345678 with my mentor?" is easy to type. Detection is rule-based: patterns
for record numbers, birth dates, phones, addresses, emails and SSNs, and names only where clinical context
sits beside them, so a mentor's name in an ordinary career question passes through untouched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from agent.core.message_parts import rewrite_message

PLACEHOLDERS = {
    "patient_name": "[PATIENT NAME]",
    "mrn": "[MRN]",
    "dob": "[DOB]",
    "ssn": "[SSN]",
    "phone": "[PHONE]",
    "address": "[ADDRESS]",
    "email": "[EMAIL]",
}
_LABELS = {
    "patient_name": "a patient's name",
    "mrn": "a medical record number",
    "dob": "a date of birth",
    "ssn": "a Social Security number",
    "phone": "a phone number",
    "address": "a street address",
    "email": "an email address",
}
# When two findings overlap, the more specific kind wins (an MRN is not also a phone number).
_PRIORITY = {"email": 0, "mrn": 1, "ssn": 2, "dob": 3, "phone": 4, "address": 5, "patient_name": 6}


@dataclass(frozen=True)
class Finding:
    """One likely identifier: its kind (a key of `PLACEHOLDERS`), character span and the matched text."""

    kind: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Redaction:
    """Text with identifiers replaced by placeholders such as ``[MRN]``, and what was replaced."""

    text: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when at least one identifier was replaced."""
        return bool(self.findings)


# ---- patterns with a recognisable format or label ---------------------------------------------------------
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})|\d{{4}}[/.-]\d{{1,2}}[/.-]\d{{1,2}}"
         rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\.?,?\s+\d{{4}}"
         rf"|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|{_MONTH}\.?\s+\d{{4}})")
# An abbreviation keeps its full stop only when the sentence clearly goes on ("12 Elm Rd., Apt 2").
_ABBR_DOT = r"(?:\.(?=\s*[,;]|\s+[a-z\d]))?"
_STREET = (r"(?:(?:Street|Avenue|Road|Boulevard|Lane|Drive|Court|Way|Place|Terrace|Circle|Parkway|Highway"
           rf"|Square|Trail|Crescent|Close|Plaza|Alley|Pike)\b|(?:Ave|Rd|Blvd|Ln|Ct|Pl|Pkwy|Hwy)\b{_ABBR_DOT}"
           r"|(?:Dr|St)\b(?!\.?\s+[A-Z][a-z])\.?)"  # "Dr."/"St." before a capitalised word is a title or a saint
           r"(?:\s+(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\b)?")
_UNIT = r"(?:,?\s*(?:Apt|Apartment|Unit|Suite|Ste|#)\.?\s*[A-Za-z0-9-]+)?"
_CITY_STATE = r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,3},?\s+[A-Z]{2}(?:\s+\d{5}(?:-\d{4})?)?\b)?"
_RECORD_WORDS = r"(?:records?|charts?|MRN|EMR|EHR|Epic|Cerner|medical\s+record|patient\s+id|hospital\s+id)"

# (kind, compiled pattern); a named group "v" marks the identifier when the label is not part of it.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")),
    ("mrn", re.compile(
        r"(?:\bMRN|\bM\.R\.N\.?|\bmed(?:ical)?\.?\s+rec(?:ord)?s?\.?(?:\s+(?:number|num|no\.?|#|id))?"
        r"|\b(?:record|chart|hospital|patient|pt|account|acct|encounter|visit|NHS|health\s+card|UR)"
        r"\s*(?:number|num|no\.?|#|id)|\b(?-i:FIN|CSN))"
        r"\s*(?:is|was|of)?\s*[:#=-]?\s*#?\s*(?P<v>(?:[A-Z]{1,3}-?)?\d{2,}(?:[- ]\d{3,}){0,3})(?![\w/])",
        re.I)),
    ("mrn", re.compile(  # a bare ID-like token with record words nearby, e.g. "#A1234567 in her record"
        rf"(?:\b{_RECORD_WORDS}\b[^.\n]{{0,40}}?(?P<v>(?<![\w/.-])#?[A-Z]{{0,3}}\d{{6,12}})(?![\w/-])"
        rf"|(?P<w>(?<![\w/.-])#?[A-Z]{{0,3}}\d{{6,12}})(?![\w/-])[^.\n]{{0,40}}?\b{_RECORD_WORDS}\b)")),
    ("ssn", re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])")),
    ("ssn", re.compile(r"\b(?:SSN|SS#|social\s+security(?:\s+(?:number|no\.?|#))?)\s*(?:is|:|#)?\s*"
                       r"(?P<v>\d{3}[- ]?\d{2}[- ]?\d{4})\b", re.I)),
    ("dob", re.compile(rf"\b(?:DOB|D\.O\.B\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+(?:on|in))?)"
                       rf"\s*(?:is|was|of|on)?\s*[:#=-]?\s*(?:the\s+)?(?P<v>{_DATE})(?![\d/])", re.I)),
    ("dob", re.compile(r"\b(?:DOB|D\.O\.B\.?|date\s+of\s+birth)\s*(?:is|was)?\s*[:#=-]?\s*"
                       r"(?P<v>(?:19|20)\d{2})\b", re.I)),
    ("phone", re.compile(r"(?<![\w/.-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\d{2,4}[\s.-])\d{3,4}[\s.-]\d{3,4}"
                         r"(?![\w/-])")),
    ("phone", re.compile(r"(?<![\w/.-])\d{3}[.-]\d{4}(?![\w/.-])")),
    ("phone", re.compile(r"\b(?:phone|tel|telephone|cell|mobile|pager|fax|whatsapp|(?:call|text)(?:\s+\w+)?"
                         r"\s+(?:at|on))\b[\s:#.]*(?:is\s+|number\s+)?(?P<v>\+?\d[\d\s().-]{3,16}\d)", re.I)),
    ("address", re.compile(rf"(?<![\w/.-])\d{{1,6}}[A-Za-z]?\s+(?:(?:[NSEW]|North|South|East|West)\.?\s+)?"
                           rf"(?:(?:[A-Z][a-z'’]+|\d+(?:st|nd|rd|th))\s+){{1,4}}{_STREET}{_UNIT}{_CITY_STATE}")),
    ("address", re.compile(
        r"\b(?:(?:lives|living|resides|residing|home)\s+(?:at|on)|address(?:\s+is)?\s*:?)\s+"
        r"(?P<v>\d{1,6}\s+[A-Za-z0-9 .'’-]{2,40}?"
        r"\b(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|terrace|circle)\b)",
        re.I)),
    ("address", re.compile(r"\bP\.?\s?O\.?\s+Box\s+\d+\b", re.I)),
    ("address", re.compile(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,3},\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?\b")),
]
_MIN_DIGITS = {"mrn": 4, "ssn": 9, "phone": 7}


def _pattern_matches(text: str) -> Iterator[tuple[str, int, int]]:
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            group = next((g for g in ("v", "w") if g in pattern.groupindex and m.group(g)), None)
            start, end = m.span(group) if group else m.span()
            value = text[start:end]
            digits = sum(ch.isdigit() for ch in value)
            if digits < (5 if kind == "phone" and group else _MIN_DIGITS.get(kind, 0)):
                continue
            if kind == "phone" and group is None and digits < 10 and not re.search(r"[-.()+]", value):
                continue  # "100 200 300" is a list of numbers, not a phone
            yield kind, start, end


# ---- names beside clinical context ---------------------------------------------------------------------------
_PATIENT_TITLES = {"mr", "mrs", "ms", "miss", "mx"}
_CLINICIAN_TITLES = {"dr", "doctor", "prof", "professor", "dean", "nurse", "sister", "chief", "rev", "sir"}
_CONDITIONS = (
    r"sepsis|septic(?:\s+shock)?|pneumonia|covid(?:-19)?|influenza|flu|UTI|cellulitis|infections?|abscess"
    r"|meningitis|endocarditis|HIV|AIDS|hepatitis|cirrhosis|pancreatitis|cholecystitis|appendicitis"
    r"|diverticulitis|colitis|crohn['’]?s|GI\s+bleed|bleed(?:ing)?|ha?emorrhage|stroke|CVA|TIA|seizures?"
    r"|epilepsy|dementia|delirium|alzheimer['’]?s|parkinson['’]?s|NSTEMI|STEMI|MI|heart\s+attack"
    r"|heart\s+failure|CHF|HFrEF|HFpEF|a-?fib|atrial\s+fibrillation|arrhythmias?|cardiomyopathy"
    r"|hypertension|HTN|hypotension|shock|PE|pulmonary\s+emboli(?:sm)?|DVT|COPD|asthma|ARDS"
    r"|respiratory\s+failure|hypoxia|CKD|AKI|ESRD|renal\s+failure|kidney\s+failure|diabetes|T[12]DM|DKA"
    r"|hypoglyc(?:a)?emia|hyperkal(?:a)?emia|hyponatr(?:a)?emia|cancer|carcinoma|lymphoma|leuk(?:a)?emia"
    r"|melanoma|sarcoma|tumou?rs?|a\s+mass|metastas[ie]s|mets|malignancy|fractures?|trauma|burns"
    r"|overdose|withdrawal|depression|schizophrenia|bipolar|psychosis|suicidal\s+ideation|anorexia"
    r"|an(?:a)?emia|sickle\s+cell|lupus|SLE|rheumatoid\s+arthritis|gout|osteomyelitis|chest\s+pain"
    r"|abdominal\s+pain|pain|shortness\s+of\s+breath|SOB|dyspn(?:o)?ea|fevers?|syncope"
    r"|altered\s+mental\s+status|AMS|pre-?eclampsia|cystic\s+fibrosis|TB|tuberculosis|transplant|amputation"
    r"|dialysis|chemo(?:therapy)?|hospice|palliative\s+care|pressors|a\s+vent(?:ilator)?|oxygen"
    r"|surgery|an?\s+\w+ectomy|biopsy|labs|symptoms|diagnosis|prognosis"
)
_CLINICAL = re.compile(
    rf"\b(?:{_CONDITIONS}|admit(?:ted|ting|ssion)?|readmitted|discharg\w*|diagnos\w*|beds?|bay|wards?"
    r"|[MSCNP]?ICU|CCU|ED|ER|emergency\s+department|MRN|DOB|vitals|meds|medications?|prescri\w*|dose"
    r"|post-?op|pre-?op|consult\w*|code\s+status|DNR|DNI|treatment|intubat\w*|ventilat\w*|sedat\w*|rounds"
    r"|on\s+call|sick|ill|unwell|died|passed\s+away)\b", re.I)
_ROLE = (r"mentors?|mentee|attending|preceptor|supervisor|chair(?:man|woman|person)?|chief|director|PD|APD"
         r"|colleague|co-?residents?|residents?|fellows?|interns?|registrar|consultant|nurse|NP|PA|professor"
         r"|dean|coordinator|advis[eo]r|sponsor|coach|connector|boss|physicians?|doctor|surgeon|hospitalist"
         r"|intensivist|\w+ologist|\w+iatrician|pharmacist|PI|co-?author|peer|classmate|friend|head")
_AFTER_PATIENT_CUE = re.compile(
    r"(?:\b(?:patient|pts?|client)s?|\bpt\.)\s*[,:-]?\s*(?:(?:named|called|is|was|is\s+named|was\s+named)\s*)?$"
    r"|\b(?:patient|pt)['’]?s\s+(?:full\s+)?name\s+(?:is|was)\s*:?\s*$", re.I)
_AFTER_ROLE = re.compile(rf"\b(?:{_ROLE})\s*[,:]?\s*$", re.I)
_BEFORE_PLACE = re.compile(r"\b(?:to|at|from|into|of|in|visit|visiting)\s*$", re.I)
_CREDENTIALS = re.compile(r"\s*,?\s*(?:MD|M\.D\.|DO|D\.O\.|PhD|RN|NP|PA-C|MBBS|MBChB|FRCP\w*|FACS|FACP|MPH)\b")
_ROLE_APPOSITIVE = re.compile(rf"\s*,\s*(?:(?:my|our|the|a|an|his|her|their)\s+)?(?:[\w'’-]+\s+){{0,3}}?"
                              rf"(?:{_ROLE})\b", re.I)
_CONTRACTION = re.compile(r"['’](?:m|ve|d|ll|re|t)$")
_PRONOUN = re.compile(r"\s*(?:He|She|They)\b")
_AGE_SEX = re.compile(r"\s*[,(]?\s*(?:an?\s+)?\d{1,3}\s*(?:-?\s*(?:[Yy]/?[Oo]\b|[Yy]\.[Oo]\.|[Yy]rs?\b"
                      r"|[Yy]ears?(?:[- ]old)?\b)|[MF]\b)")
_PATIENT_APPOSITIVE = re.compile(
    r"\s*(?:,\s*|\s+(?:is|was)\s+)(?:(?:my|our|a|an|the|this|one\s+of\s+my|one\s+of\s+our)\s+)?"
    r"(?:[\w'’/-]+\s+){0,3}?(?:patient|pt)s?\b(?!\s+(?:advocate|experience|safety|care|education|navigator"
    r"|liaison|representative|relations|portal|satisfaction|outcomes?))", re.I)
_LOCATION = re.compile(
    r"\s*,?\s*(?:(?:who\s+is|who['’]s|currently|now|still)\s+)?(?:in|on|from|at)\s+(?:the\s+)?"
    r"(?:(?P<strong>bed|bay|cubicle)\s*#?\s*\d+[A-Za-z]?|(?P<room>rm\.?|room)\s*#?\s*\d+[A-Za-z]?"
    r"|(?P<unit>[MSCNP]?ICU|CCU|CVICU|ED|ER|HDU|step-?down|tele(?:metry)?|resus|trauma\s+bay)\b)", re.I)
_PASSIVE = re.compile(
    r"\s*,?\s*(?:who\s+|that\s+)?(?:(?:is|was|has\s+been|had\s+been|got|gets|been|being|just|recently|again)\s+)+"
    r"(?:\w+ly\s+)?(?:(?:re)?admitted(?!\s+(?:to|into)\s+(?:the\s+)?(?:Royal|College|Society|Academy|Bar|bar"
    r"|fellowship|membership|program|school|university))|diagnosed|discharged|intubated|extubated|transferred|brought\s+in"
    r"|found\s+down|coded|started\s+on|treated\s+for|seen\s+for|hospitali[sz]ed|sedated|ventilated"
    r"|resuscitated|operated\s+on|on\s+(?:dialysis|chemo\w*|hospice|pressors|a\s+vent\w*|oxygen|comfort\s+care)"
    r"|in\s+(?:septic\s+shock|DKA|respiratory\s+failure|the\s+[MSCNP]?ICU|hospice))\b"
    r"|\s*,?\s*(?:who\s+)?(?:coded|died|passed\s+away|deteriorated|decompensated|underwent|s/p|status\s+post)\b",
    re.I)
_HAS_CONDITION = re.compile(
    r"\s*,?\s*(?:who\s+)?(?:(?:is|was)\s+)?(?:with|has|had|having|developed|develops|presented\s+with"
    r"|presents\s+with|presenting\s+with|came\s+in\s+with|admitted\s+(?:to\s+\w+\s+)?(?:with|for)"
    r"|diagnosed\s+with|suffering\s+from|on|for|needs|needed|getting|receiving|awaiting)\s+"
    r"(?:(?:new|acute|chronic|severe|mild|possible|suspected|likely|known|worsening|recurrent|metastatic"
    r"|early|late|end-stage|stage\s+\w+|his|her|their|left|right|bilateral|[\w-]+-onset|an?)\s+)*"
    rf"(?:{_CONDITIONS})\b(?!\s+(?:research|study|studies|grant|program|trial|clinic|service|team|fellowship"
    r"|lab|project|paper|conference|group|rotation|interest|course|exam|board))", re.I)
_NOT_NAME = set("""
a an the my our your his her their its this that these those i we you he she they it me him us them who what
when where why how which whose and or but so if then than also still just please thanks thank hi hello dear
yes no ok okay not any some every each all both one two three four five six seven eight nine ten first last
next new old is are was were be been has have had do does did will would could should can may might must
at in on for with to from of about as by during since until after before while today yesterday tomorrow
tonight morning afternoon evening night week month year monday tuesday wednesday thursday friday saturday
sunday january february march april june july august september october november december jan feb mar apr
jun jul aug sep sept oct nov dec patient patients pt pts client doctor nurse resident attending fellow intern
mentor mentors sponsor coach connector chief chair dean professor prof dr mr mrs ms miss mx sir madam
mom mum dad mother father grandma grandpa grandmother grandfather wife husband son daughter brother sister
aunt uncle baby hospital clinic center centre medical general memorial university college school health
department dept unit ward service team program programme grand rounds saint st medicine surgery cardiology
oncology neurology pediatrics paediatrics psychiatry radiology anesthesia anaesthesia emergency internal
family obstetrics gynecology dermatology urology nephrology pulmonology gastroenterology endocrinology
rheumatology hematology haematology geriatrics orthopedics ophthalmology pathology critical care bed room
bay floor note notes case question questions meeting coffee step match residency fellowship covid english
sepsis pneumonia cancer stroke diabetes dementia delirium asthma copd chf aki dka fever pain also however
afterwards later earlier recently currently maybe perhaps anyway overall lastly finally
""".split())
_CAP_TOKEN = re.compile(r"(?:Mc|Mac|O['’]|D['’])?[A-Z][A-Za-z'’-]*\.?")
_BOUNDARY = re.compile(r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bpt)(?<!\bPt)[.!?](?=\s)|\n")
_LOWER_AFTER_CUE = re.compile(
    r"\b(?:patient|pt)\s+(?:(?P<named>named|called)\s+(?P<v1>[a-z][a-z'’-]+(?:\s+[a-z][a-z'’-]+)?)"
    r"|(?P<v2>[a-z][a-z'’-]+\s+[a-z][a-z'’-]+)(?=\s*(?:,|\(|\d|\b(?:is|was|with|has|had|in|on|who|died|s/p)\b)))")
_LOWER_STOP = set("""
got get gets said says told tells went goes came comes felt feels kept keeps made makes took takes gave gives
left leaves saw sees knew knows thought thinks became began ran let put worse better well too very really
only even never always often again now then there here much more most less least still yet ever soon later
""".split())


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """Capitalised words with their spans; a possessive "'s" is left outside the span."""
    out = []
    for m in _CAP_TOKEN.finditer(text):
        if m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "'’"):
            continue
        word = m.group()
        end = m.end()
        if word.endswith(".") and len(word) > 2 and word[:-1].lower() not in _PATIENT_TITLES | _CLINICIAN_TITLES:
            word, end = word[:-1], end - 1  # a full stop ends the sentence, not the name
        if word[-2:] in ("'s", "’s"):
            word, end = word[:-2], end - 2
        out.append((m.start(), end, word))
    return out


def _is_name_word(word: str) -> bool:
    bare = word.rstrip(".")
    if len(bare) < 2 or bare.isupper() or bare.lower() in _NOT_NAME or _CONTRACTION.search(bare):
        return False
    return not _CLINICAL.fullmatch(bare)


def _is_initial(word: str) -> bool:
    return len(word) == 2 and word[0].isupper() and word[1] == "."


def _name_run(text: str, toks: list[tuple[int, int, str]], j: int) -> tuple[list[str], int]:
    """Name words from token ``j`` on: up to four capitalised words, middle initials allowed."""
    words: list[str] = []
    while j < len(toks) and len(words) < 4:
        if words and text[toks[j - 1][1]:toks[j][0]].strip():
            break
        word = toks[j][2]
        initial = (bool(words) and _is_initial(word) and j + 1 < len(toks) and _is_name_word(toks[j + 1][2])
                   and not text[toks[j][1]:toks[j + 1][0]].strip())
        if not (_is_name_word(word) or initial):
            break
        words.append(word.rstrip("."))
        j += 1
    return words, j


def _name_candidates(text: str) -> Iterator[tuple[int, int, str | None, list[str]]]:
    """(start, end, title, name words) for runs of capitalised words, split at non-name words."""
    toks = _tokens(text)
    i = 0
    while i < len(toks):
        start, end, word = toks[i]
        title = word.rstrip(".").lower()
        if title in _PATIENT_TITLES | _CLINICIAN_TITLES and i + 1 < len(toks) \
                and not text[end:toks[i + 1][0]].strip():
            words, j = _name_run(text, toks, i + 1)
            if not words and _is_initial(toks[i + 1][2]):  # "Mr. S."
                words, j = [toks[i + 1][2].rstrip(".")], i + 2
            if words:
                yield start, toks[j - 1][1], title, words
                i = j
                continue
        words, j = _name_run(text, toks, i)
        if words:
            yield start, toks[j - 1][1], None, words
            i = j
            continue
        i += 1


def _lower_names(text: str) -> Iterator[tuple[int, int]]:
    """Lower-case names, only straight after an explicit patient cue ("a patient named john smith")."""
    for m in _LOWER_AFTER_CUE.finditer(text):
        group = "v1" if m.group("v1") else "v2"
        words = m.group(group).split()
        keep = []
        for w in words:
            if not _lower_name_word(w):
                break
            keep.append(w)
        if len(keep) == len(words) or (m.group("named") and keep):
            yield m.start(group), m.start(group) + len(" ".join(keep))


def _lower_name_word(word: str) -> bool:
    lowered = word.lower()
    return not (lowered in _NOT_NAME or lowered in _LOWER_STOP or _CLINICAL.fullmatch(word)
                or lowered.endswith(("ly", "ed", "ing")))


def _sentence(text: str, start: int, end: int, reach: int = 300) -> str:
    """The sentence around a span (at most ``reach`` characters either side, so long texts stay linear)."""
    lo, hi = max(0, start - reach), min(len(text), end + reach)
    left = max((m.end() for m in _BOUNDARY.finditer(text, lo, start)), default=lo)
    right = next((m.start() for m in _BOUNDARY.finditer(text, end, hi)), hi)
    return text[left:right]


def _clinician(title: str | None, pre: str, post: str) -> bool:
    return bool(title in _CLINICIAN_TITLES or _AFTER_ROLE.search(pre) or _CREDENTIALS.match(post)
                or _ROLE_APPOSITIVE.match(post))


def _patient(text: str, start: int, end: int, title: str | None) -> bool:
    pre, post = text[max(0, start - 60):start], text[end:end + 120]
    if _AFTER_PATIENT_CUE.search(pre) or _AGE_SEX.match(post) or _PATIENT_APPOSITIVE.match(post):
        return True
    location = _LOCATION.match(post)
    if location and (location.group("strong") or location.group("unit")
                     or _CLINICAL.search(_sentence(text, start, end))):
        return True
    if _BEFORE_PLACE.search(pre):  # "admitted to Mass General with sepsis" names a place
        return False
    if _PASSIVE.match(post) or _HAS_CONDITION.match(post):
        return True
    # "I'm upset about Mrs. Li. She died of a PE": the next sentence opens with a pronoun and a patient predicate.
    boundary = _BOUNDARY.search(text, end, end + 200)
    tail = text[end:boundary.start()] if boundary else ""
    follow = (_PRONOUN.match(text, boundary.end()) if boundary and len(tail) < 40
              and not re.search(r"\b[A-Z][a-z]", tail) else None)
    if follow and (_PASSIVE.match(text, follow.end()) or _HAS_CONDITION.match(text, follow.end())):
        return True
    return title in _PATIENT_TITLES and bool(_CLINICAL.search(_sentence(text, start, end)))


def _patient_names(text: str) -> Iterator[tuple[str, int, int]]:
    flagged: list[tuple[int, int]] = []
    known: set[str] = set()
    candidates = list(_name_candidates(text))
    clinicians = set()
    for start, end, title, words in candidates:
        if _clinician(title, text[max(0, start - 60):start], text[end:end + 120]):
            clinicians.add(start)
            continue
        listed = bool(flagged) and re.fullmatch(r"\s*(?:,|and|or|&|,\s*and)\s*", text[flagged[-1][1]:start])
        if listed or _patient(text, start, end, title):
            flagged.append((start, end))
            known.update(w for w in words if len(w) > 1)
    # A name flagged once is redacted wherever it comes back ("Mrs. Garcia ... Garcia's son").
    for start, end, _title, words in candidates:
        if (start, end) not in flagged and start not in clinicians and known.intersection(words):
            flagged.append((start, end))
    flagged.extend(_lower_names(text))
    for start, end in flagged:
        yield "patient_name", start, end


def find_identifiers(text: str) -> list[Finding]:
    """Find likely patient identifiers in ``text``, in order of position, without overlaps.

    Record numbers, birth dates and SSNs need a label or a recognisable format; names count only beside
    clinical context (a patient cue, age and sex, a bed, a diagnosis, an admission), never after a
    clinician's title or a mentoring role.
    """
    if not text:
        return []
    candidates = list(_pattern_matches(text)) + list(_patient_names(text))
    chosen: list[tuple[str, int, int]] = []
    for kind, start, end in sorted(candidates, key=lambda c: (_PRIORITY[c[0]], -(c[2] - c[1]), c[1])):
        if start < end and all(end <= s or start >= e for _, s, e in chosen):
            chosen.append((kind, start, end))
    return [Finding(kind, s, e, text[s:e]) for kind, s, e in sorted(chosen, key=lambda c: c[1])]


def redact(text: str) -> Redaction:
    """Replace every finding of `find_identifiers` with its placeholder (e.g. ``[DOB]``)."""
    findings = find_identifiers(text)
    if not findings:
        return Redaction(text=text or "", findings=[])
    parts, cursor = [], 0
    for f in findings:
        parts.append(text[cursor:f.start])
        parts.append(PLACEHOLDERS[f.kind])
        cursor = f.end
    parts.append(text[cursor:])
    return Redaction(text="".join(parts), findings=findings)


def privacy_warning(findings: list[Finding], *, redacting: bool = True) -> str:
    """A user-facing warning naming the kinds of identifiers found, never their values ("" if none).

    Args:
        findings: from `find_identifiers` or `Redaction.findings`.
        redacting: whether remote models get redacted text (``settings.redact_remote``).
    """
    kinds = list(dict.fromkeys(f.kind for f in findings))
    if not kinds:
        return ""
    labels = [_LABELS.get(k, k.replace("_", " ")) for k in kinds]
    listed = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    after = ("Identifiers like these are replaced with placeholders before anything is sent to a remote model."
             if redacting else "Redaction is off (MENTORPREP_REDACT=0), so a remote model receives them as typed.")
    return (f"This looks like it includes patient details ({listed}). MentorPrep doesn't need them to help "
            f"you prepare - please describe the case in general terms instead. {after}")


def redact_messages(messages: list[BaseMessage]) -> list[BaseMessage]:
    """Copies of ``messages`` with identifiers replaced wherever a model would read them: every message's
    content (tool results included) and the arguments of the tool calls AI messages made."""
    return [rewrite_message(m, _redacted_text) for m in messages]


def _redacted_text(text: str) -> str:
    return redact(text).text


def _as_chunk(piece: BaseMessage) -> AIMessageChunk:
    """A whole reply (from a model with streaming turned off) as the one chunk of a stream."""
    if isinstance(piece, AIMessageChunk):
        return piece
    calls = [{"name": c["name"], "args": json.dumps(c["args"]), "id": c.get("id"), "index": i}
             for i, c in enumerate(getattr(piece, "tool_calls", None) or [])]
    return AIMessageChunk(content=piece.content, id=piece.id, tool_call_chunks=calls,
                          usage_metadata=getattr(piece, "usage_metadata", None),
                          response_metadata=getattr(piece, "response_metadata", {}) or {})


# The inner call reports nothing to the caller's callbacks: this wrapper reports each token once, itself.
_QUIET: dict[str, Any] = {"callbacks": []}


class RedactingChatModel(BaseChatModel):
    """Wrap a (remote) chat model so it only ever receives redacted messages.

    Example:
        ``model = RedactingChatModel(inner=make_chat_model("openai:gpt-4o-mini"))``
    """

    inner: BaseChatModel
    redact: bool = True  # MENTORPREP_REDACT=0 turns redaction off; the wrapper still marks the model remote
    capable: bool = True  # a remote model may write for the user; see agent.core.models.is_capable

    @property
    def _llm_type(self) -> str:
        return "mentorprep-redacting"

    def _outgoing(self, messages: list[BaseMessage]) -> list[BaseMessage]:
        return redact_messages(messages) if self.redact else list(messages)

    @property
    def model_name(self) -> str:
        """The wrapped model's name, so labels in the UI stay the same."""
        inner = self.inner
        return str(getattr(inner, "model_name", None) or getattr(inner, "model", None) or type(inner).__name__)

    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
        # Let the inner model format the tools, but keep this wrapper (and its redaction) in the chain.
        bound = self.inner.bind_tools(tools, **kwargs)
        return self.bind(**getattr(bound, "kwargs", {}))

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        reply = self.inner.invoke(self._outgoing(messages), _QUIET, stop=stop, **kwargs)
        if not isinstance(reply, AIMessage):
            reply = AIMessage(content=reply.content)
        return ChatResult(generations=[ChatGeneration(message=reply)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for piece in self.inner.stream(self._outgoing(messages), _QUIET, stop=stop, **kwargs):
            chunk = ChatGenerationChunk(message=_as_chunk(piece))
            if run_manager:
                run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk
