"""What each role means for the user, how to work with it, and questions that tell two roles apart.

Plain data used by ``agent.read_room.reading``; the citations attached to this guidance come from the knowledge base
at run time.
"""

from __future__ import annotations

ROLE_GUIDANCE: dict[str, dict[str, object]] = {
    "mentor": {
        "summary": ("They behaved like a traditional mentor: interested in you as a person and in the long arc of "
                    "your career, and willing to invest time in an ongoing relationship."),
        "how_to_work": [
            "Ask whether they would meet regularly, and agree a rhythm (for example every six to eight weeks).",
            "Bring the agenda yourself: a short update, one decision you are weighing, one question.",
            "Ask for their stories - choices they made, risks they took, what they would do differently.",
            "Report back on what you did with their advice; it keeps the relationship two-way.",
        ],
        "query": "traditional mentor long-term guidance whole career personal relationship",
    },
    "coach": {
        "summary": ("They acted as a coach: focused on a specific skill or piece of work, with practice and "
                    "concrete feedback, rather than on your career as a whole."),
        "how_to_work": [
            "Name the skill you want to improve and what 'better' would look like.",
            "Bring real material (a draft, a recording, a case) and ask for specific feedback.",
            "Practise between sessions and show the next attempt; progress is what keeps a coach engaged.",
            "Keep broader career questions for a mentor; use this time for the skill.",
        ],
        "query": "coach specific skill feedback practice performance",
    },
    "sponsor": {
        "summary": ("They acted as a sponsor: ready to spend their own reputation and influence on you - "
                    "nominating, recommending or vouching - even if they had little time to talk."),
        "how_to_work": [
            "Make it easy to advocate for you: send a short CV and two or three lines on what you are aiming for.",
            "Tell them about concrete opportunities (a role, award or committee) rather than asking for general help.",
            "Deliver on whatever they put you forward for; their reputation travels with you.",
            "Keep them briefly informed of outcomes and thank them, even when it does not work out.",
        ],
        "query": "sponsor advocates nominates recommends influence opportunities promotion",
    },
    "connector": {
        "summary": ("They acted as a connector: their main gift is their network - names, introductions and "
                    "invitations - rather than their own time or a personal relationship."),
        "how_to_work": [
            "Follow up on each introduction quickly, and mention who sent you.",
            "Send a short note they can forward: who you are and what you would like to learn.",
            "Tell them how the introductions went; connectors like to know their links were useful.",
            "Ask about transitions and who has made a similar move, not for their personal guidance.",
        ],
        "query": "connector networker introductions contacts links you to other people",
    },
    "unclear": {
        "summary": ("The notes don't show clear signs of any one role yet. Roles usually show in what people do: "
                    "asking about you, working on a skill, offering to put you forward, or naming people to meet."),
        "how_to_work": [
            "Write down what they actually did and offered, not only what was said about you.",
            "Next time, ask how they usually like to help people at your stage.",
            "Notice whether they book real time and propose meeting again.",
        ],
        "query": "reading the room cues role availability meeting",
    },
}

AVAILABILITY_TIPS: dict[str, str] = {
    "high": "They gave you real time and attention: it is reasonable to propose a follow-up and a regular rhythm.",
    "low": ("Their time was scarce: keep requests short and specific, put them in writing, and don't expect "
            "regular meetings from this person."),
    "unclear": "The notes don't say how much time or attention they gave; watch for it next time.",
}

# One question per pair of roles whose answer separates them. Keys are sorted role pairs.
TIEBREAK_QUESTIONS: dict[tuple[str, str], str] = {
    ("coach", "mentor"): ("Beyond working on this skill, would you be open to talking about my career more "
                          "broadly now and then?"),
    ("mentor", "sponsor"): ("Would it help more if we met now and then to talk through my plans, or if I let you "
                            "know when an opportunity comes up that you might support me for?"),
    ("connector", "mentor"): ("Would you be open to meeting again to talk through my plans, or is there someone "
                              "you think I should speak with next?"),
    ("coach", "sponsor"): ("Would you be willing to look at my work and tell me what to improve, or is it more "
                           "useful if I send you my CV so you know what I am aiming for?"),
    ("coach", "connector"): ("Could I practise this with you and get your feedback, or is there someone who "
                             "specialises in it you would suggest I learn from?"),
    ("connector", "sponsor"): ("When an opening like this comes up, would you be comfortable recommending me "
                               "yourself, or would it be better if you introduced me to the people who decide?"),
}


def tiebreak_question(first: str, second: str) -> str | None:
    """The question that separates two roles, or None when either is not a role."""
    return TIEBREAK_QUESTIONS.get(tuple(sorted((first, second))))
