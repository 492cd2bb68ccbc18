"""Beat plans and line templates: how each hidden role shows itself through what the persona does.

Each role has an opening, a sequence of core beats (observable actions from the role literature) and a
close. Templates are plain ``str.format`` strings; slots are filled from the persona, the facts it has
already stated, and the user's last line. Templates never name a role: the behaviour has to show it.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

BUSY_TIME_CUES = (
    "*glances at the clock*",
    "I've got a few minutes before my next meeting, so let's use them.",
    "Sorry, one second, my pager. Okay, I'm back.",
    "*checks the time* I have to be on the wards shortly.",
    "I'll have to run in a few minutes, but go on.",
    "*glances at an email, then back at you*",
)
BUSY_GOODBYES = (
    "I have to run to my next meeting.",
    "*stands up, checking the time* I need to get going.",
    "That's my time, I'm afraid.",
)
AFTER_CLOSE = (
    "Take care, and good luck. We'll talk soon.",
    "Good luck with it all. Talk soon.",
    "Anytime. Go on, I'll see you around.",
)
UNHURRIED_TIME_CUES = (
    "No rush, I've kept the hour free.",
    "Take your time; I cleared my afternoon for this.",
    "We've got plenty of time, so let's not skip anything.",
)
MEETING_OPENERS = {
    "coffee": ("Grab a seat, I ordered you a coffee.",
               "Thanks for meeting me here; the coffee is better than the cafeteria's."),
    "video": ("Can you hear me all right? Good, the connection looks fine.",
              "Hi, you're coming through clearly. Let me just close my door."),
    "follow-up": ("Good to see you again.", "Nice to pick this up again since last time."),
}
DEFLECTIONS = (
    "Ha, I'm not sure what you mean. I'm just a {title} having a coffee with you.",
    "I'll leave the labels to you. I'm just here to hear about your plans.",
    "That's an odd question to ask over coffee! Anyway, where were we?",
    "I don't go in for scripts or job titles. I've been a {title} at {hospital} for {years} years, that's "
    "all.",
    "You'll have to work that one out yourself. Let's keep going.",
)

# Words that would state a role instead of showing it; never allowed in a persona line.
ROLE_WORDS = re.compile(
    r"\b(mentor(s|ing|ship|ed|ee|ees)?|coach(es|ing|ed)?|sponsor(s|ing|ship|ed)?|connector(s)?|"
    r"network(er|ers|ing)|archetype(s)?)\b",
    re.I,
)
_ROLE_SWAPS = {"mentor": "guide", "mentoring": "guiding", "mentorship": "guidance", "mentored": "guided",
               "mentee": "junior colleague", "mentees": "junior colleagues", "coach": "teacher",
               "coaching": "teaching", "coached": "taught", "coaches": "teachers", "sponsor": "backer",
               "sponsors": "backers", "sponsorship": "backing", "sponsoring": "backing", "sponsored": "backed",
               "connector": "go-between", "connectors": "go-betweens", "networker": "people person",
               "networkers": "people people", "networking": "meeting people", "mentors": "guides",
               "archetype": "type", "archetypes": "types"}


@dataclass(frozen=True)
class Beat:
    """One observable action. ``cues`` are words a realisation must keep so the action stays visible."""

    id: str
    lines: tuple[str, ...]
    cues: tuple[str, ...] = ()
    more: tuple[str, ...] = ()
    topic_lines: tuple[str, ...] = ()


def _b(beat_id: str, lines, cues=(), more=(), topic_lines=()) -> Beat:
    return Beat(beat_id, tuple(lines), tuple(cues), tuple(more), tuple(topic_lines))


BEATS: dict[str, dict[str, Beat]] = {
    "mentor": {b.id: b for b in (
        _b("open", ("I'm {name}. I've been a {title} here at {hospital} for {years} years. Tell me a bit "
                    "about yourself: where are you in training, and what's on your mind these days?",),
           ("yourself",)),
        _b("ask_goals", (
            "Before we get into specifics, what are your long-term goals? Not the job title, the kind of doctor "
            "and the kind of life.",
            "What would make the next few years feel like a success to you, at work and outside it?",
            "Let me ask you something bigger first: what do you want your career to look like when you're my "
            "age?"), ("you", "want", "years"),
           more=("I ask everyone that, because the answer usually matters more than the specialty.",),
           topic_lines=("What draws you to {aim}? I'd like to understand what matters to you before I say "
                        "anything about it.",)),
        _b("share_story", ("{story}",), ("I", "when"),
           more=("I tell you that because nobody has it all figured out at your stage, and that's fine.",
                 "I still think about that when I'm making a big decision.")),
        _b("ask_life", (
            "How are you doing personally, outside work? Are you sleeping, seeing friends, getting any time "
            "that's yours?",
            "What worries you most about the next few years, honestly?",
            "And how is your family with the hours? That part matters as much as the rest."),
           ("you", "outside", "family", "worries")),
        _b("share_wisdom", (
            "Looking back on my own career, here's what I've learned: the choice rarely turns on the specialty "
            "itself. It turns on the people you'll work beside every day and the life around the work.",
            "Protect one thing outside medicine that's yours. The careers that last have something else "
            "holding them up.",
            "Whatever you choose, choose the place where people will care how you're doing, not only how "
            "much you produce."), ("I've", "learned", "life", "people", "choose"),
           topic_lines=("On {topic}, what I've learned over the years is that you rarely regret the path "
                        "that fits your life, only the one you took to please other people.",
                        "With {topic}, I'd trust your own sense of what you enjoy on an ordinary Tuesday, "
                        "not what looks impressive.")),
        _b("reflect", (
            "I'm listening. Tell me more about that. What happened?",
            "It sounds like this has been weighing on you for a while. How are you holding up?"),
           ("you",), topic_lines=("I'm hearing that {topic} matters to you more than you're letting on. Say "
                                  "more about that.",)),
        _b("propose_regular", (
            "I've enjoyed this. How about we meet {cadence}, and you call me whenever a big decision comes "
            "up?",
            "Let's make this a regular thing: coffee {cadence}, and send me a note in between if something "
            "is weighing on you.",
            "I'd like to keep talking through this with you. Can we check in again {cadence}?"),
           ("meet", "again", "regular", "check in", "call me")),
        _b("close", (
            "Thank you, I enjoyed this. Let's keep meeting {cadence}; put the next one in my calendar and tell "
            "me how it's going. And look after yourself.",
            "This was a pleasure. Let's check in again {cadence}; my door is open before then if you need it."),
           ("again", "door", "calendar")),
    )},
    "coach": {b.id: b for b in (
        _b("open", ("I'm {name}, {title} at {hospital}. Good to meet you. So what are you working on right "
                    "now? What do you want to get better at?",), ("better", "working on")),
        _b("clarify", (
            "Let's narrow it down. Where does {skill} go wrong for you: the start, the middle, or when "
            "someone pushes back?",
            "Be specific: tell me one moment in the last week when {skill} didn't go the way you wanted."),
           ("specific", "{skill}")),
        _b("feedback", (
            "Here's my honest feedback on {skill}: {tip}. Most people at your stage do the opposite.",
            "One concrete fix for {skill}: {tip}. Try that before anything fancier."),
           ("feedback", "fix", "{skill}"),
           more=("It feels awkward the first few times, which is how you know it's changing something.",)),
        _b("resource", (
            "I have a one-page checklist for {skill} that I give everyone. I'll send it to you; read it "
            "before your next attempt.",
            "There's a short video on {skill} that shows exactly this. Watch it twice, then try it "
            "yourself."),
           ("checklist", "video", "{skill}")),
        _b("practice", (
            "Let's practise it right now. {drill_cap}.",
            "Here's the drill: {drill}. Do it three times this week and time yourself."),
           ("practise", "drill", "try")),
        _b("reflect", (
            "After your next one, write down two things that went well and one you'd change, then bring the "
            "list to me.",
            "What felt hardest the last time you did it? Start there."),
           ("next", "hardest", "change")),
        _b("next_session", (
            "Book another session with me next Thursday and bring {artifact}. We'll go through it line by "
            "line.",
            "Send me {artifact} by Monday; I'll mark it up and we'll do another round next week."),
           ("session", "round", "send me", "Thursday", "next week")),
        _b("close", (
            "Good work today. Do the drill before we meet next week, and bring {artifact}.",
            "Thanks. Same time next week, and bring {artifact} so we can work on {skill} again."),
           ("next week", "drill", "work on")),
    )},
    "sponsor": {b.id: b for b in (
        _b("open", ("{name}. I run the {specialty} group at {hospital}. Your name has come up, so I wanted "
                    "to meet you.",), ("name", "meet")),
        _b("strengths", (
            "People notice your work. {ally} told me you handled a hard case on nights better than most "
            "seniors, and that's the kind of thing I'm glad to vouch for.",
            "Your quality project got noticed at the department meeting. That's the kind of work committees "
            "look for, and the kind I'll put my own name behind."),
           ("notice", "work", "vouch", "name behind")),
        _b("opportunity", (
            "There's an opening coming up: {opportunity}. I think you should go for it.",
            "{opportunity_cap} is looking for someone, and I think you'd be a strong candidate. It's a real "
            "opportunity."),
           ("{opportunity}", "candidate", "go for it"),
           topic_lines=("With {topic} in mind, here's an opportunity that will get you seen: {opportunity}. "
                        "I think you should go for it.",)),
        _b("nominate", (
            "I'd like to put your name forward for {opportunity}. I'll nominate you when the call goes out.",
            "I'm going to nominate you for {opportunity}, and I'll write a letter of support myself."),
           ("nominate", "put your name forward", "letter")),
        _b("vouch", (
            "I'll mention you to {decision_maker} this week, tell them you're ready, and vouch for you.",
            "You can list me as a reference, and if {decision_maker} asks, I'll vouch for you."),
           ("vouch", "reference")),
        _b("candidacy", (
            "Send me your CV and a one-paragraph statement by Friday. I'll tell you what to cut so the "
            "committee sees your strongest work first, and I'll add my endorsement.",
            "Get me your CV this week. Put your strongest project at the top; that's what will carry your "
            "application, and my recommendation will go with it."),
           ("CV", "endorsement", "recommendation")),
        _b("encourage", (
            "Don't wait to be asked. Put yourself up for things, and tell me when you do so I can back your "
            "nomination.",
            "When the call for {opportunity} goes out, apply the same day and let me know. I'll endorse your "
            "application."),
           ("apply", "nomination", "endorse")),
        _b("close", (
            "Good. Get me that CV, and I'll write a recommendation to {decision_maker} this week.",
            "Right. Send me the CV, and I'll put your name forward to {decision_maker} before the deadline."),
           ("CV", "recommendation", "your name forward")),
    )},
    "connector": {b.id: b for b in (
        _b("open", ("Hi, I'm {name}, {title} at {hospital}. I'm not sure I'm the best person for this myself, "
                    "but I know a lot of people who are. What are you after?",), ("people", "know")),
        _b("name_people", (
            "You should meet {contact}, who {contact_role}. And {contact2} {contact2_role}.",
            "Two people come to mind: {contact}, who {contact_role}, and {contact2}, who {contact2_role}."),
           ("{contact_surname}",),
           topic_lines=("For {topic}, start with people, not websites. You should meet {contact}, who "
                        "{contact_role}. {contact2} is worth knowing too.",)),        _b("introduce", (
            "I'll introduce you to {contact} by email tonight and copy you in.",
            "Let me send {contact} a quick note so they're expecting you. I'll copy you in."),
           ("introduce", "email", "note")),
        _b("event", (
            "Come to {event}. I'll introduce you around; half the people you should know will be there.",
            "Are you going to {event}? Find me there and I'll walk you over to the right people."),
           ("{event}", "introduce", "people")),
        _b("share_contact", (
            "Here's {contact2}'s email. Tell them I sent you.",
            "Write to {contact2} and mention my name; they always make time for people I send."),
           ("{contact2_surname}", "email", "sent you")),
        _b("more_people", (
            "Oh, and {contact3}, who {contact3_role}. I'll connect you two as well.",
            "Actually, {contact3} {contact3_role}. I'll put you in touch."),
           ("{contact3_surname}", "connect", "in touch")),
        _b("stretched", (
            "I'm stretched thin myself, so the best thing I can do is put you in touch with the right "
            "people.",
            "Honestly, the people I'm sending you to will be far more useful than me on this."),
           ("people", "touch")),
        _b("close", (
            "Great. Watch your inbox; I'll send those introductions tonight. Let me know once you've talked "
            "to {contact}.",
            "Good. I'll email {contact} and {contact2} today. Tell them I sent you."),
           ("introductions", "email", "{contact_surname}")),
    )},
}

# Core beats in order; a seeded shuffle swaps neighbours in the middle so runs differ but every plan
# shows its signature actions early enough for a six-turn meeting.
CORE_ORDER = {
    "mentor": ("ask_goals", "share_story", "ask_life", "share_wisdom", "propose_regular", "reflect"),
    "coach": ("clarify", "feedback", "practice", "resource", "next_session", "reflect"),
    "sponsor": ("strengths", "opportunity", "nominate", "vouch", "candidacy", "encourage"),
    "connector": ("name_people", "introduce", "event", "share_contact", "more_people", "stretched"),
}
# Elaborations an unhurried persona adds when a beat has none of its own; each keeps the role's colour.
ROLE_MORE = {
    "mentor": ("There's no hurry to have it all worked out; most of us didn't.",
               "I'm asking because I'd like to know you, not just your CV.",
               "Those years go quickly, so it's worth talking about them properly."),
    "coach": ("It feels awkward the first few times, which is how you know it's changing something.",
              "Small, repeated practice beats one big effort the night before.",
              "We'll time it, so you can see the change for yourself."),
    "sponsor": ("People remember who was ready when the chance came.",
                "Committees look for people someone senior will stand behind.",
                "I've watched good people wait to be asked; they wait a long time."),
    "connector": ("Half of what I know, I learned from people someone introduced me to.",
                  "Most of the good things here happen because the right two people met.",
                  "They'll be far more useful to you than I can be on this."),
}
# Short, role-coloured answers to a general question, said before the planned beat.
QUESTION_ANSWERS = {
    "mentor": ("There's no single right answer; it depends on what you want your life to look like.",
               "I've changed my mind on that more than once over the years, which tells you something.",
               "Most people work that out by talking it through with someone, so let's do that."),
    "coach": ("Whatever it is, we can break it into steps and practise the hard one.",
              "The answer is usually in the details of how you do it, so let's look at those.",
              "You get better at that by doing it with feedback, not by reading about it."),
    "sponsor": ("The people who do well make their work visible; nobody can back work they haven't seen.",
                "What matters most is who knows your work and is willing to say so.",
                "Honestly, it usually comes down to someone senior willing to put your name forward."),
    "connector": ("I'm not the expert on that, but I know who is.",
                  "Someone I know has been through exactly that; you should hear it from them.",
                  "That's a question for the right person, and I can point you to them."),
}
GENERIC_SKILL = {
    "tips": ("break it into its two or three hardest steps and practise only those",
             "watch someone who is good at it and write down one thing they do differently",
             "debrief yourself within an hour of each attempt, while the details are fresh"),
    "drill": "walk me through the last time you dealt with {p}, step by step, and we'll pick the one step to fix",
    "artifact": "a few notes on your next go at {p}",
}
# Opening lines for a follow-up meeting: no self-introduction, straight back to what they do.
FOLLOW_UP_OPEN = {
    "mentor": "How have things been since we last talked, at work and outside it?",
    "coach": "Did you get a chance to practise since last time? Tell me how it went, and be specific.",
    "sponsor": "Your name came up again this week, which is good. I've been thinking about where to put you "
               "forward next.",
    "connector": "Did you get to talk to any of the people I mentioned? I've thought of a few more you should "
                 "meet.",
}
# A skill-focused persona asks which skill to work on before it has one.
FIND_SKILL = (
    "Let's pick one thing to work on. Which skill would make the biggest difference for you this year: "
    "{skills}?",
    "Give me one specific skill you want to be better at by the end of the year. For most people at your "
    "stage it's {skills}.",
)
# A brief personal answer when someone other than the storyteller is asked about their own path.
PERSONAL_ANSWERS = {
    "mentor": "Honestly? The people. The best parts and the hardest parts both come down to them.",
    "coach": "Honestly, the part I enjoy is watching someone get measurably better at something. But let's "
             "spend the time on you.",
    "sponsor": "The short version: I said yes to things before I felt ready. Which is my point.",
    "connector": "Honestly, knowing who to call has mattered more than anything I know myself.",
}
# Short answers about the persona's own path, by what was asked; slots come from its fixed facts.
OWN_PATH = (
    (r"surpris|didn'?t expect|wish (you|you'd|you had) known|wish someone",
     ("What surprised me most in my first year was how much of the job is conversations, not decisions.",
      "Honestly, how quiet the first year as an attending felt: nobody checks your plan any more.")),
    (r"regret|mistake|do (it )?differently|again\b",
     ("Regret? Not {specialty}. I'd have asked for help sooner in my first years at {hospital}, though.",)),
    (r"hardest|difficult|struggle|challeng|tough",
     ("The hardest part, even after {years} years, is the day you can't fix what's in front of you.",)),
    (r"best part|favou?rite|enjoy|love about|what('s| is) it like",
     ("After {years} years, the best part of {specialty} is still the patient who comes back better than "
      "they left.",)),
    (r"early on|get involved|got involved|first year|starting out|when you started",
     ("Early on at {hospital} I said yes to nearly everything: the extra clinic, the committee nobody wanted. "
      "That's how I got involved in most of what I do now.",)),
    (r"end(ed)? up (at|here)|come to|came to|join(ed)?|why .*(hospital|here)",
     ("I came to {hospital} for a job I thought would last a year. That was {years} years ago.",)),
    (r"get into|got into|choose|chose|pick|decide|become|why did you|how did you",
     ("I came to {specialty} late: a rotation near the end of medical school and a {title} who let me do real "
      "work from day one.",
      "I picked {specialty} after trying hard to want something else. The patients made the decision for me.")),
)
OWN_PATH_DEFAULT = ("The short version: {years} years in {specialty}, most of them at {hospital}, and not in a "
                    "straight line.")
# What carried the persona's own career, in the colours of what it does for others.
OWN_PATH_TAILS = {
    "mentor": "What helped most was someone who cared how I was doing, not only what I produced.",
    "coach": "What helped most was someone watching me work and telling me exactly what to fix.",
    "sponsor": "Most of my chances came because someone senior put my name forward before I felt ready.",
    "connector": "Most of my chances came because someone introduced me to the right person.",
}
# Before the persona's own story, when the user asked about its path: the story is the answer.
STORY_LEADS = ("Funny you should ask.", "Let me tell you.", "That's a story, actually.")
# When the user asks about a colleague the persona has not named: in character, by what the persona does.
NAMED_REPLIES = {
    "mentor": "I only know {person} by name, so I can't speak for them. What would you hope to get from that "
              "conversation?",
    "coach": "I don't know {person} well enough to set that up. What I can do is get you ready, so that when you "
             "talk to them, you make it count.",
    "sponsor": "I don't set up coffees, but if {person} sits on a panel that matters for you, they'll hear your "
               "name from me.",
    "connector": "I know {person} a little. I'll send a note asking for half an hour of their time for you.",
}
GREETING_FIX = "It's Dr. {surname}, actually, but no harm done."
REOPEN = ("Oh, one more? Sure.", "Of course, go on.", "Quickly, then.")
FAVOUR_REPLIES = {
    "mentor": "I can't promise you anything like that, and I wouldn't want to. What I can do is help you "
              "work out whether it's the right move for you.",
    "coach": "That's not something I can hand you, but I can make sure you're ready when the chance comes.",
    "sponsor": "I don't hand out spots. If your work holds up, I'll speak up for you when it counts; that's "
               "worth more.",
    "connector": "I can't get you the job, but I can put you in front of the people who know how it works.",
}
STORIES = (
    "When I was a second-year resident I almost left {specialty}. I was exhausted and doubting everything, "
    "and an older colleague sat me down over coffee, much like this, and asked what I'd regret. I stayed.",
    "Looking back, in medical school I'd never have guessed I'd end up here. I took a risk moving to "
    "{hospital} when nobody thought it made sense, and it turned out to be the best decision I made.",
    "There's a patient I still think about from my first year as an attending, an older man who taught me "
    "more about listening than any lecture did. That year changed what kind of doctor I wanted to be.",
    "I spent two years chasing a research career because I thought I should. It took a hard conversation "
    "with my own family to admit I was happiest at the bedside.",
)
CADENCES = ("every six weeks", "once a month", "every couple of months", "every month or so")
ACKS = {
    "question": ("Good question about {topic}.", "You're asking about {topic}; fair enough.",
                 "Ah, {topic}. I get asked that a lot.", "{topic_cap}, good one."),
    "question_plain": ("Good question.", "Fair question.", "Let me think about that.", "Hm, good one."),
    "statement": ("I see.", "That makes sense.", "Okay.", "Right."),
    "statement_topic": ("Mm, {topic}. That's a common one.", "Right, {topic}.", "I hear you on {topic}."),
    "thanks": ("You're welcome.", "Of course.", "My pleasure."),
}


# Neighbours whose order does not matter (an offer never comes before what it builds on).
SWAPPABLE = {"mentor": (1, 3), "coach": (1, 2), "sponsor": (0, 3), "connector": (2, 4)}


def plan_beats(role: str, rng: random.Random) -> list[str]:
    """Opening, then the role's core beats with a little seeded variation in their order."""
    core = list(CORE_ORDER[role])
    for i in SWAPPABLE[role]:
        if rng.random() < 0.5:
            core[i], core[i + 1] = core[i + 1], core[i]
    return ["open", *core]


def sanitize(text: str) -> str:
    """Replace any role label with a plain word so a persona line never states its role."""
    def swap(match: re.Match) -> str:
        word = match.group(0)
        plain = _ROLE_SWAPS.get(word.lower(), "colleague")
        return plain.capitalize() if word[0].isupper() else plain

    return ROLE_WORDS.sub(swap, text or "")


def has_role_word(text: str) -> bool:
    """True when a text states a role label."""
    return bool(ROLE_WORDS.search(text or ""))

# What each beat does, in plain words, for a capable model (never names the role).
INTENTS = {
    "open": "greet them, say who you are, and invite them to tell you about themselves",
    "close": "thank them warmly and confirm the concrete next step you already offered",
    "mentor.ask_goals": "ask about their long-term goals and what matters to them as a person",
    "mentor.share_story": "share the personal story from your own career given in the draft",
    "mentor.ask_life": "ask how they are doing outside work: sleep, family, worries",
    "mentor.share_wisdom": "share a piece of hard-won perspective about careers and life",
    "mentor.reflect": "listen and reflect back what you heard, and invite them to say more",
    "mentor.propose_regular": "propose meeting regularly and invite them to call you about big decisions",
    "coach.clarify": "pin down exactly which part of one specific skill needs work",
    "coach.feedback": "give one piece of concrete, critical feedback on the skill",
    "coach.resource": "offer a specific resource for the skill and say how to use it",
    "coach.practice": "set up a concrete practice drill for the skill, now or this week",
    "coach.reflect": "prompt them to reflect on their last attempt at the skill",
    "coach.next_session": "book another practice round and ask them to send work for you to review",
    "sponsor.strengths": "tell them their work has been noticed, naming the colleague in the draft",
    "sponsor.opportunity": "point out the specific opening in the draft and urge them to go for it",
    "sponsor.nominate": "say you will put their name forward or recommend them for the opening",
    "sponsor.vouch": "say you will speak up for them with the decision maker and can be a reference",
    "sponsor.candidacy": "ask for their CV and explain how you will strengthen their application",
    "sponsor.encourage": "urge them to put themselves forward and tell you so you can back them",
    "connector.name_people": "name the specific colleagues in the draft and what each does",
    "connector.introduce": "offer to introduce them by email to the colleague in the draft",
    "connector.event": "invite them to the event in the draft, where you will introduce them around",
    "connector.share_contact": "pass on a colleague's contact and tell them to say you sent them",
    "connector.more_people": "name one more colleague and offer to put them in touch",
    "connector.stretched": "say you are stretched thin, so putting them in touch with others is your best "
                           "help",
}
