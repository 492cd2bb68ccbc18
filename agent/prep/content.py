"""The wording of the prep sheet: what each role looks like, cues, asks, logistics and etiquette.

Plain tables in the project's own words. :mod:`agent.prep.sheet` turns them into sheet lines and cites a
knowledge passage for each; entries that need a specific passage carry the query (and topic) to find it.
"""

ROLE_SUMMARY = {
    "mentor": "a long-term guide for your whole career and for you as a person; gives real time and wants "
              "ongoing contact",
    "coach": "works with you on one specific skill through practice and feedback; less time, narrower focus",
    "sponsor": "spends their own reputation on you (nominations, jobs, promotions), often when you are "
               "not in the room",
    "connector": "links you to other people who can help; many names, little time of their own",
}

# role -> (what you may see, what it means)
CUES = {
    "mentor": ("They ask about your background, values and life outside work, and suggest meeting again",
               "leaning towards a traditional mentor: invested in you as a whole person"),
    "coach": ("They want to see your slides, abstract or technique and give concrete pointers",
              "acting as a coach: ready to help you practise one skill"),
    "sponsor": ("They probe your CV and achievements and mention an opening, committee or award",
                "sizing you up as a sponsor: they may put your name forward"),
    "connector": ("The talk ends with 'you should meet...' and names or offers of introductions",
                  "a connector: they open doors to others rather than give their own time"),
}
AVAILABILITY_CUE = ("A full, unhurried hour with the phone away - or minutes between emails and pages",
                    "how available they are: an hour leaves room for ongoing contact; minutes mean keep "
                    "every request short")
# role -> (the ask, citation query, citation topic); DEFAULT_ASK when the role is unknown
ASKS = {
    "mentor": ("If it goes well, ask whether they would be willing to meet regularly - say every six to "
               "eight weeks for the next year - and agree a format that suits them.",
               "ask to meet regularly, cadence and format", "setting-expectations"),
    "coach": ("Ask for one practice session with feedback on the skill behind your goal - a run-through of "
              "a talk, a procedure or an interview answer, and what to change.",
              "coach practice feedback session on one skill", "mentor-roles"),
    "sponsor": ("Ask what you should prepare so they could confidently put your name forward: which "
                "achievements to highlight, what your CV is missing, which opportunity to aim for.",
                "sponsor put your name forward what to prepare", "questions-for-sponsors-connectors"),
    "connector": ("Ask for one named introduction: 'Is there one person you think I should speak with about "
                  "{goal}, and would you be comfortable introducing us?'",
                  "connector introduction to one person", "questions-for-sponsors-connectors"),
}
DEFAULT_ASK = ("Close by asking whether you may follow up, and what next step would be most useful from "
               "their side; their answer tells you which role they are willing to play.",
               "asking about next steps and meeting again", "setting-expectations")
# availability -> how long to plan for
PLAN_TIME = {
    "high": "Plan for an unhurried hour, and keep the time after it free so you never have to cut them off.",
    "low": "Plan for 15 minutes: one line about yourself, straight to your top question, the ask ready "
           "by minute 10.",
    None: "Plan for 30 minutes but be ready to finish in 15: your top question comes right after the opener.",
}
# (label, text, citation query); the "Time" text depends on availability and comes from PLAN_TIME.
LOGISTICS = (
    ("Send ahead", "your CV and a few lines on your goals (or your IDP) two or three days before; read their "
                   "profile and recent papers yourself.",
     "send your CV goals IDP ahead, read their publications"),
    ("Time", None, "how long to plan for the meeting and logistics"),
    ("Bring", "this sheet, a one-line agenda you set yourself, and a way to note what they say and the next step.",
     "the mentee sets the agenda"),
)
ETIQUETTE = ("Arrive early, put your phone away and listen more than you talk; watch the clock and end on "
             "time; thank them before you leave and follow up in writing within a day.",
             "be present, listen, respect their time, thank them")
# role -> question templates for users with fewer than three kept questions
SUGGESTED = {
    "mentor": ("When you were {a_stage}, did you expect to end up where you are now in {field}?",
               "{intro}Which choice at my stage made the biggest difference in your own career?",
               "What risk in your career are you most glad you took?"),
    "coach": ("What did you practise deliberately early in your {field} career to get better fast?",
              "{intro}Which single skill would you have me practise first?",
              "Where do trainees at my stage in {field} most often fall short, in your experience?"),
    "sponsor": ("How did you get where you are now in {field} after you were {a_stage}?",
                "{intro}What would make my record stand out when an opportunity in {field} comes up?",
                "Which strengths should someone at my stage build and document to be ready for an opening?"),
    "connector": ("How did you build your network in {field} when you were at my stage?",
                  "{intro}Whose career in {field} would be a good model for me to learn from?",
                  "Which meetings or societies in {field} helped you most when you were at my stage?"),
}
A_STAGE = {"student": "a medical student", "resident": "a resident", "fellow": "a fellow",
           "attending": "a new attending"}
