"""Word classes the question rules are built on: closed-class vocabulary, not example phrases.

A question is judged by how much *specific* content it carries once function words, light verbs,
advice vocabulary and bare field names are set aside; these sets define those classes.
"""

from __future__ import annotations

import re

from agent.core import FIELD_TERMS, FILLERS, PRACTITIONERS
from agent.core import STOPWORDS as _STOPWORDS

# Function words and fillers carry no target.
STOPWORDS = _STOPWORDS | FILLERS

# Verbs that carry almost no topic on their own ("what should I *do*", "tell me", "what do you *think*").
LIGHT_VERBS = frozenset(
    """be do does did done doing get gets got getting go goes went going gone make makes made making take
    takes took taken taking see sees saw seen seeing know knows knew known knowing think thinks thought
    tell tells told telling say says said give gives gave given giving want wants wanted need needs needed
    like likes liked become becomes became recommend recommends recommended suggest suggests suggested
    share shares shared ask asks asked help helps helped start starting started put keep let come came look
    looks feel feels seem seems try tries use advise expect figure find succeed succeeding talk talking
    hear learn improve plan planning consider considering""".split()
)

# Advice-seeking and evaluative vocabulary: words that make a question sound weighty without a target.
GENERIC = frozenset(
    """advice advices tip tips thought thoughts guidance wisdom word words recommendation recommendations
    suggestion suggestions insight insights pointer pointers takeaway takeaways opinion opinions view views
    take perspective input idea ideas lesson lessons career careers life success successful future thing
    things anything everything something nothing path paths way ways doctor doctors physician physicians
    good better best great important general generally someone somebody anyone everyone people person
    overall journey secret secrets world healthcare health field fields area areas profession job jobs
    work stuff aware next step steps forward direction general start beginning new young like
    able sure right wrong whole big biggest main key top most certain useful helpful starting
    recommend happy thing's yourself myself""".split()
)

# Field names as they appear in questions, abbreviations included.
SPECIALTIES = FIELD_TERMS


# Words naming a field or a training stage: they place a question but do not give it a target.
FIELD_WORDS = frozenset(
    {w for s in SPECIALTIES for w in s.replace("-", " ").split()} - STOPWORDS - {"patient"}
    | {w.split()[-1] for w in PRACTITIONERS}
    | set(
        """medical med school schools student students resident residents residency residencies intern
        interns internship fellow fellows fellowship fellowships attending attendings faculty training
        trainee trainees clinical clinician clinicians academic specialty specialties subspecialty
        specialist specialists practice hospital hospitals program programs clerkship rotations nurse
        pgy year years first second third fourth fifth final senior junior early stage level currently
        interested interest passionate leaning lean toward thinking curious considering going
        graduate graduating""".split()
    )
)

QUESTION_WORDS = frozenset("what which who whom whose when where why how whether".split())
AUXILIARIES = frozenset(
    """is are was were am do does did can could would will should shall may might must have has had
    isn't aren't wasn't weren't don't doesn't didn't can't couldn't wouldn't won't shouldn't haven't
    hasn't""".split()
)
IMPERATIVES = frozenset("tell describe share explain walk talk give list name please help introduce".split())

# Nouns of things a mentor can hand over: the object of a favour request.
OUTCOMES = (
    r"jobs?|positions?|posts?|spots?|places?|seats?|slots?|interviews?|offers?|residency|fellowship|elective|"
    r"rotations?|externship|observership|shadowing|placements?|internship|authorship|co-?authorship|letters?|"
    r"references?|recommendations?|promotion|nominations?|contracts?|shifts?|introductions?|intros?|"
    r"contacts?|numbers?|e-?mails?|phone|openings?|vacanc(?:y|ies)|roles?|invitations?|invites?|"
    r"scholarships?|grants?|awards?|raise|admission|acceptance|schedule|programs?|lab|team|project"
)

TOKEN_RE = re.compile(r"[a-z][a-z0-9'-]*|\d+")


# Verbs a goal typed as a verb phrase starts with ("transition into pediatrics", "become a hospitalist"),
# those that double their last letter before -ing, and those that describe a move between fields.
GOAL_VERBS = frozenset(
    """transition move switch shift transfer change become get match join pursue work start build land lead
    open teach do run apply go find publish improve train specialize specialise enter return stay focus
    develop earn gain secure launch establish grow practice practise combine balance pass complete finish
    take make learn write design advance explore prepare obtain achieve create help serve spend split keep
    master strengthen step set break try""".split()
)
DOUBLED_FINAL = frozenset("get run set begin plan stop step shop".split())
MOVE_VERBS = frozenset("transition move switch shift transfer change".split())

