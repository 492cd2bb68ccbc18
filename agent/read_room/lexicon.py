"""The cue lexicon for "read the room": lexical families for the four roles.

Grounded in the observable actions reported for each role (Al Achkar et al., Family Medicine 2023;
Chopra, Arora & Saint, JAMA Internal Medicine 2018): sponsors nominate, vouch and recommend; connectors
name people, introduce and invite; coaches give feedback, set targets and scaffold practice; mentors ask
about you, share their own story and keep in touch. Families are stems, synonym sets and verb-object
patterns rather than set phrases. Weights: about 3 for a decisive action, 2 for a clear but less specific
sign, 1 for ambient context. Availability cues live in ``agent.read_room.availability``.
"""

from __future__ import annotations

from agent.core import COACH, CONNECTOR, HIGH, MENTOR, SPONSOR
from agent.read_room.availability import AVAILABILITY_CUES
from agent.read_room.cues import Cue, alt, cue, gap

_HE = r"(?:he|she|they)"
_HIS = r"(?:his|her|their)"
_HIM = r"(?:him|her|them)"
_THE_USER = r"\bI\s+(?:\w+\s+)?"  # a cue whose subject is the user does not describe the other person

# People the other person might point you to.
_PEOPLE = alt(
    r"people", r"folks", r"persons?", r"colleagues?", r"friends?", r"contacts?", r"alumni", r"someone",
    r"somebody", r"experts?", r"leaders?", r"directors?", r"chairs?", r"researchers?", r"physicians?",
    r"doctors?", r"surgeons?", r"clinicians?", r"investigators?", r"collaborators?", r"peers?", r"fellows?",
    r"residents?", r"mentors?", r"coaches", r"sponsors?", r"founders?", r"heads?", r"members?", r"classmates?",
    r"roommates?", r"trainees?", r"graduates?", r"partners?", r"co-?(?:resident|fellow|worker|founder)s?",
    r"program\s+directors?", r"dr\.?\s+\w+",
)
# Gatekeepers a sponsor speaks to on your behalf.
_AUTHORITY = alt(
    r"deans?", r"chairs?", r"chair(?:man|woman|person)", r"chiefs?", r"directors?", r"committees?", r"council",
    r"panel", r"board", r"organi[sz]ers?", r"editors?", r"ceo", r"cmo", r"heads?", r"hiring\s+(?:manager|team)",
    r"leadership", r"recruiters?", r"president", r"provost", r"pd",
)
# Pieces of work a coach reviews.
_WORK = alt(
    r"slides?", r"talk", r"presentations?", r"abstracts?", r"manuscripts?", r"papers?", r"drafts?", r"cv",
    r"resume", r"r\u00e9sum\u00e9", r"personal\s+statement", r"statement", r"posters?", r"notes?",
    r"summar(?:y|ies)", r"letters?", r"essays?", r"grants?", r"proposals?", r"handoffs?", r"cases?", r"charts?",
    r"documentation", r"write-?ups?", r"spreadsheets?", r"budget", r"aims", r"protocol", r"reports?",
    r"orders", r"dictation", r"emails?", r"consult\w*", r"technique", r"answers", r"responses", r"script",
    r"pitch", r"portfolio", r"application", r"video", r"recording", r"footage", r"lecture", r"teaching",
    r"sutur\w*", r"knots?", r"figures?", r"methods", r"results", r"discussion", r"wording", r"delivery",
    r"form", r"approach",
)
# Objects that show interest in the user as a person.
_PERSON = alt(
    r"about\s+me", r"about\s+myself", r"me\s+as\s+a\s+(?:whole\s+)?person",
    r"my\s+(?:own\s+)?(?:[\w-]+\s+)?(?:goals?|plans?|dreams?|hopes?|fears?|worries|values|family|life|kids|"
    r"children|partner|spouse|wife|husband|marriage|relationship|well-?being|health|interests?|aspirations?|"
    r"ambitions?|passions?|motivations?|priorities|background|story|journey|future|hobbies|upbringing|parents|"
    r"burnout|stress|happiness|balance|vision|calling|identity|weekends?|childhood|home\s+life|mom|mum|dad|"
    r"mother|father|daughter|son|baby|sister|brother|grand\w+)",
    r"how\s+I(?:'m|\s+am|\s+was|\s+were)?\s+(?:really\s+|actually\s+)?(?:doing|coping|feeling|getting\s+on|"
    r"holding\s+up|settling|finding|managing|adjusting)",
    r"how\s+I(?:'m|\s+am|\s+was|\s+were)\s+(?:really\s+)?\w+ing",
    r"(?:whether|if)\s+(?:or\s+not\s+)?I(?:'m|\s+am|\s+was|\s+were)\s+(?:\w+ing|happy|ok|okay|alright|all\s+right|well|fulfilled)",
    r"(?:whether|if)\s+(?:or\s+not\s+)?I\s+(?:really\s+|still\s+|truly\s+)?(?:want|wanted|should|would|enjoy|like|love|belong|fit)\b",
    r"how\s+(?:my|things|life)\s+(?:[\w-]+\s+){0,5}?(?:going|were|was|is|are)",
    r"what\s+(?:kind|sort|type)\s+of\s+(?:doctor|physician|person|life|career|surgeon|clinician|leader|work)",
    r"what\s+I(?:'m|\s+am)?\s+(?:want|enjoy|love|fear|value|care|hope|dream|wanted|enjoyed|loved|feared|valued|"
    r"need|like|unsure|worried|afraid|excited|passionate|scared|proud|willing|prepared|ready|hoping|planning|"
    r"looking\s+for|aiming|would\s+like|'d\s+like|would\s+regret|'d\s+regret)",
    r"what\s+(?:would\s+|will\s+|really\s+)?(?:matters?|gives?\s+me|keeps?\s+me|motivates?\s+me|drives?\s+me|"
    r"excites?\s+me|scares?\s+me|worries\s+me|worry\s+me|makes?\s+me|fulfils?\s+me|fulfills?\s+me)",
    r"why\s+I\s+(?:chose|went|picked|became|wanted|love|like|do)",
    r"what\s+(?:first\s+|really\s+)?(?:drew|brought|led|attracted|pulled|got)\s+me\s+(?:to|into)",
    r"where\s+I\s+(?:see\s+myself|want\s+to\s+be|hope|'d\s+like)",
    r"outside\s+(?:of\s+)?(?:work|medicine|the\s+hospital)",
    r"(?:the\s+)?person\s+I\s+(?:am|want\s+to\s+be(?:come)?|hope\s+to\s+be(?:come)?)",
    r"who\s+I\s+(?:am|want\s+to\s+be)\b",
)
_ASKS = alt(
    r"ask\w*", r"want\w*\s+to\s+(?:know|hear|understand|learn)", r"curious", r"interested\s+in", r"inquir\w*",
    r"enquir\w*", r"question\w*", r"wonder\w*", r"prob\w*", r"explor\w*", r"talk\w*", r"discuss\w*",
    r"chat\w*", r"listen\w*\s+to", r"hear\w*\s+about", r"learn\w*\s+about", r"d[iu]g\w*\s+into",
    r"g[oe]t\w*\s+to\s+know", r"check\w*(?:\s+in)?(?:\s+on)?", r"follow\w*\s+up\s+on", r"ask\w*\s+after",
)

SPONSOR_CUES: tuple[Cue, ...] = (
    cue("nominates", r"nominat\w*", SPONSOR, 3),
    cue("vouches", r"vouch\w*|endors\w*|sponsor\w*", SPONSOR, 3),
    cue("recommends_you", alt(
        r"recommend\w*\s+(?:me|us|my\s+(?:name|application|candidacy|work|file))\b",
        r"recommendation\s+letter", r"letters?\s+of\s+(?:recommendation|support|reference)",
        r"(?:support|reference)\s+letter"), SPONSOR, 3),
    cue("writes_letter", r"writ\w*\s+(?:me\s+)?(?:a|an)\s+(?:[\w-]+\s+)?(?:letter|reference|recommendation)",
        SPONSOR, 3),
    cue("reference", r"(?:as|be|a|my|strong|glowing|personal)\s+(?:reference|referee)s?", SPONSOR, 3),
    cue("puts_forward", alt(
        r"put\w*\s+(?:me|us|my\s+(?:name|case|application|file|candidacy|cv))\s+(?:forward|up|in|down)\b",
        r"(?:submit|propos|suggest|nam|flagg?|shortlist|earmark|tapp?)\w*\s+(?:me|my\s+name)\s+(?:for|as)\b",
        r"(?:suggest|propos|submit)\w*\s+(?:me|my\s+name)(?=\s*(?:[.;!]|$))",
        r"(?:submitted|gave\s+(?:them|him|her))\s+(?:my\s+name|mine)",
        r"push\w*\s+my\s+(?:application|name|case|file|candidacy|nomination)",
        r"(?:sen[dt]|float\w*|throw\w*|submit\w*|put\w*)\s+(?:up\s+|in\s+|forward\s+)?my\s+name(?!\s+(?:along|on)\b)",
        r"my\s+name\s+(?:had\s+been|has\s+been|was|is|will\s+be|would\s+be|be)\s+(?:\w+\s+)?(?:sent|put|passed|"
        r"submitted|floated|forwarded|mentioned|raised|proposed)",
        r"on\s+" + _HIS + r"\s+recommendation"), SPONSOR, 3),
    cue("advocates", alt(
        r"advocat\w*", r"champion\w*\s+(?:me|my|for)",
        r"(?:stand|stood|speak|spoke|go|went|going)\s+(?:up\s+|to\s+bat\s+)?for\s+me",
        r"(?:push|lobby|fight|fought|argu)\w*\s+(?:hard\s+)?for\s+(?:me|my)",
        r"in\s+my\s+favou?r", r"on\s+my\s+behalf", r"stick\w*\s+" + _HIS + r"\s+neck\s+out",
        r"go\w*\s+out\s+on\s+a\s+limb", r"put\w*\s+" + _HIS + r"\s+(?:name|reputation)\s+(?:on\s+the\s+line|behind)",
        r"(?:for|about)\s+me\s+(?:with|to)\s+(?:the|my|our)\s+(?:[\w-]+\s+){0,2}?" + _AUTHORITY,
        r"ma[dk]\w*\s+(?:a|the|my)\s+(?:strong\s+|good\s+)?case\s+for\s+me"),
        SPONSOR, 3),
    cue("good_word", alt(
        r"put\w*\s+in\s+a\s+(?:[\w-]+\s+)?word", r"talk\w*\s+me\s+up", r"s[iau]ng\w*\s+my\s+praises",
        r"spoke\s+highly\s+of\s+me", r"speak\w*\s+highly\s+of\s+me"), SPONSOR, 3),
    cue("backs_candidacy", alt(
        r"(?:back|support|endors)\w*\s+(?:me\s+(?:for|when)|my\s+(?:[\w-]+\s+){0,2}?(?:application|candidacy|"
        r"promotion|nomination|bid|file|case|dossier|packet|tenure|appointment))",
        r"throw\w*\s+" + _HIS + r"\s+(?:weight|support)\s+behind"), SPONSOR, 3),
    cue("spends_influence", alt(
        r"(?:use|using|used|spend|spent|lend|lent|stake|staked)\s+" + _HIS
        + r"\s+(?:influence|clout|reputation|standing|capital|weight|pull)",
        r"pull\w*\s+(?:some\s+)?strings"), SPONSOR, 3),
    cue("considered_for", alt(
        r"(?:make\s+sure|ensure)\s+(?:that\s+)?(?:my\s+name|I(?:'m|\s+am|\s+get|'d\s+be|\s+was)\s+(?:\w+\s+)?"
        r"(?:considered|included|shortlisted|interviewed|on\s+the\s+(?:shortlist|ballot|slate|committee|panel|board)))",
        r"consider\w*\s+(?:me\s+)?for\s+(?:the|a|an)"), SPONSOR, 2.5),
    cue("places_you", r"(?:get|got|put|slot|place|add|appoint)\w*\s+me\s+(?:on|onto|into|in|as)\s+(?:the\s+|a\s+|"
        r"an\s+)?(?:[\w-]+\s+){0,2}?(?:committee|council|panel|board|shortlist|team|author|co-?author|speaker|"
        r"faculty|task\s*force|working\s+group)", SPONSOR, 3),
    cue("authorship", r"co-?author\w*|authorship|(?:first|senior)\s+author", SPONSOR, 2),
    cue("speaking_slot", alt(
        r"invit\w*\s+me\s+to\s+(?:speak|give\s+(?:a|the)\s+\w+|present|lecture|chair|moderate)",
        r"as\s+(?:a|the)\s+(?:speaker|panell?ist|keynote|moderator|presenter)"), SPONSOR, 2),
    cue("tells_gatekeeper",
        alt(r"writ\w*", r"wrote", r"call\w*", r"email\w*", r"speak\w*", r"spoke", r"talk\w*", r"mention\w*",
            r"tell\w*", r"told", r"suggest\w*", r"propos\w*", r"recommend\w*", r"lobby\w*", r"contact\w*", r"flagg?\w*",
            r"ping\w*", r"approach\w*")
        + r"\s+(?:me\s+|my\s+name\s+|about\s+me\s+)?(?:to\s+|with\s+)?(?:the|my|our|his|her|their)\s+"
        r"(?:[\w-]+\s+){0,3}?" + _AUTHORITY, SPONSOR, 2,
        not_before=r"(?:\bI|\bme\s+to|\bus\s+to|\byou|should|could|might|can)\s+(?:\w+\s+)?"),
    cue("says_you_are_ready", r"(?:tell|told|assur|convinc|let)\w*\s+(?:\w+\s+){0,4}?(?:that\s+)?"
        r"I(?:'m|\s+am|\s+was)\s+(?:ready|qualified|the\s+right)", SPONSOR, 2),
    cue("opportunity", r"opening|vacanc\w*|open\s+(?:slot|position|post|role|seat|spot)|opportunit\w*", SPONSOR, 1),
    cue("role_to_fill", r"(?:looking|searching)\s+for\s+(?:someone|somebody|a\s+\w+)\s+to\s+(?:run|lead|chair|head|"
        r"organi[sz]e|direct|coordinate|take\s+over)", SPONSOR, 1.5),
    cue("encourages_to_apply", alt(
        r"encourag\w*\s+me\s+to\s+(?:apply|go\s+for|put\s+in|stand|run)", r"(?:should|could|ought\s+to)\s+apply\s+for",
        r"(?:urged|pushed|told)\s+me\s+to\s+apply",
        r"(?:asked|looking)\s+for\s+(?:names|nominations|nominees|candidates)"), SPONSOR, 1.5),
    cue("promotion_case", alt(
        r"promotions?\s+(?:file|packet|dossier|case|committee|review)",
        r"tenure\s+(?:file|packet|case|committee)", r"for\s+(?:my\s+)?promotion"), SPONSOR, 1.5),
)

CONNECTOR_CUES: tuple[Cue, ...] = (
    cue("introduces", r"introduc\w*|intros?", CONNECTOR, 3,
        not_after=r"introduc\w*\s+(?:him|her|them|my|our|your|it)sel(?:f|ves)|introductory|introduction\s+"
                  r"(?:of|to|for|in)\s+(?:my|the|his|her|our)\s+(?:\w+\s+)?(?:talk|presentation|paper|slides|"
                  r"essay|statement|manuscript|abstract|grant|chapter|lecture|case|poster)"),
    cue("puts_in_touch", alt(
        r"(?:put|get|got|bring|brought)\w*\s+(?:me|us)\s+in\s+(?:touch|contact)",
        r"(?:connect|link|hook)\w*\s+(?:me|us|the\s+two\s+of\s+us|you\s+two)\b",
        r"well[- ]connected", r"(?:has|have|had)\s+(?:great\s+|good\s+|lots\s+of\s+|many\s+)?connections",
        r"(?:make|made|making)\s+(?:the\s+|a\s+|some\s+)?connections?"),
        CONNECTOR, 3),
    cue("copies_you_in", alt(
        r"cc(?:'d|ed|ing|s)?", r"copied\s+me", r"cop(?:y|ies|ying)\s+me\s+(?:in|on)", r"loop\w*\s+(?:me|us)\s+in",
        r"add\w*\s+me\s+to\s+(?:an?|the)\s+(?:email|thread|group)"), CONNECTOR, 3),
    cue("forwards_details", alt(
        r"forward\w*\s+(?:on\s+|along\s+)?(?:my|me)\b",
        r"(?:pass|send|sent|shar|circulat|hand)\w*\s+(?:on\s+|along\s+)?my\s+(?:cv|resume|details|name|email|"
        r"number|contact\s+\w+|info\w*|profile)"), CONNECTOR, 3, not_before=r"look\w*\s+"),
    cue("names_people", r"(?:names?|contacts?|(?:business\s+)?cards?|contact\s+(?:details|info\w*)|e-?mail\s+"
        r"address\w*|e-?mails|phone\s+numbers?|numbers|details|handles?)\s+(?:of|for)\s+(?:[\w-]+\s+){0,3}?"
        + _PEOPLE, CONNECTOR, 3),
    cue("gives_contacts", r"(?:g[ai]v\w*|hand\w*|send|shared|share|passed|jotted|wrote|offered)\s+(?:down\s+)?"
        r"(?:me\s+)?(?:[\w-]+\s+){0,3}?(?:names|contacts|contact\s+(?:details|info\w*)|numbers|email\s+"
        r"address\w*|a\s+(?:short\s+)?list)", CONNECTOR, 3),
    cue("lists_people", r"(?:list\w*|rattl\w*\s+off|reel\w*\s+off)\s+(?:of\s+)?(?:the\s+)?(?:[\w-]+\s+){0,3}?"
        + _PEOPLE, CONNECTOR, 3),
    cue("people_to_meet", _PEOPLE + r"\s+(?:(?:I|we)\s+)?(?:should|could|ought\s+to|might|must|need\s+to|to)\s+"
        r"(?:\w+\s+)?(?:meet|know|contact|email|call|approach|look\s+up|reach\s+out|talk|speak|connect|"
        r"get\s+to\s+know|write|see|visit)", CONNECTOR, 3),
    cue("sent_by_them", alt(
        r"(?:tell|told|say|said|mention\w*|let)\s+(?:(?:them|him|her|\w+)\s+)?(?:that\s+)?" + _HE
        + r"\s+(?:sent|referred)\s+(?:me|you)",
        r"(?:use|using|mention\w*|drop\w*)\s+" + _HIS + r"\s+name"), CONNECTOR, 3),
    cue("refers_on", alt(
        r"(?:should|could|might|ought\s+to|must|to|can)\s+(?:talk|speak|reach\s+out|write|get\s+in\s+touch|"
        r"contact|email|meet|call|connect|chat|look\s+up)\s+(?:to\s+|with\s+)?(?:[\w'-]+\s+){0,3}?" + _PEOPLE,
        r"(?:talk|speak|reach\s+out|write|contact|email)\s+(?:to\s+|with\s+)?dr\.?\s+\w+",
        r"(?:let|tell)\s+" + _HIM + r"\s+know\s+(?:that\s+)?I(?:'m|\s+am|'ll|\s+will|'d|\s+would)\s+(?:be\s+)?"
        r"(?:reaching\s+out|in\s+touch|contacting|calling|emailing|getting\s+in\s+touch|writing)",
        r"(?:give|gave|giving)\s+" + _HIM + r"\s+a\s+heads[- ]up",
        r"referr?\w*\s+me\s+(?:on\s+)?to",
        # "you need to meet Raj": a capitalised name after the verb is a person even without a title.
        r"(?:should|must|ought\s+to|need\s+to|have\s+to|has\s+to|got\s+to)\s+(?:meet|call|email|contact)\s+"
        r"(?-i:[A-Z][a-z]+)\b",
        # contacting the people they named, on my behalf
        r"(?:email|e-mail|write\s+to|messag|text|ping)\w*\s+(?:them|both\s+of\s+them)\s+(?:both|about\s+me|"
        r"tonight|today|tomorrow|this\s+week|on\s+my\s+behalf)",
        r"point\w*\s+me\s+(?:to|toward\w*)\s+(?:[\w-]+\s+){0,3}?" + _PEOPLE), CONNECTOR, 3),
    cue("sets_up_meeting", r"(?:set|arrang|organi[sz]|schedul|book)\w*\s+(?:up\s+)?(?:(?:a|an|some)\s+)?"
        r"(?:[\w-]+\s+){0,2}?"
        r"(?:call|meeting|coffee|chat|lunch|zoom|conversation|visit)\s+(?:for\s+me\s+)?(?:with|between|"
        r"for\s+(?:me|us))", CONNECTOR, 3),
    cue("invites_to_events", alt(
        r"(?:invit|br[io]ng|t[ao]ok|add)\w*\s+me\s+(?:along\s+)?to\s+(?:the|a|an|their|his|her|our)\s+"
        r"(?:[\w'-]+\s+){0,4}?(?:dinner|event|meeting|society|reception|mixer|gathering|conference|retreat|"
        r"network|group|club|lunch|happy\s+hour|meet-?up|symposium|summit|forum|workshop|social)",
        r"(?:(?:so\s+)?I\s+could|to|can|would)\s+meet\s+(?:some\s+|the\s+|a\s+few\s+|several\s+|other\s+|"
        r"more\s+)?(?:[\w-]+\s+){0,2}?" + _PEOPLE,
        r"join\w*\s+(?:the|a|an|their|his|her)\s+(?:[\w-]+\s+){0,4}?(?:society|interest\s+group|network|"
        r"association|listserv|mailing\s+list)",
        r"(?:get|got|send|sent|extend\w*|wangl\w*)\s+me\s+an?\s+invit\w*",
        r"(?:guest|invite|invitation|mailing)\s+list", r"mixers?"), CONNECTOR, 2,
        not_after=r"[^.;]*?\b(?:home|house|family)\b"),
    cue("contacts_others", r"(?:texted|emailed|called|messaged|rang|phoned|contacted|wrote\s+to|reached\s+out\s+to|"
        r"pinged)\s+(?:\w+\s+){0,2}?(?:friends?|colleagues?|contacts?|people|someone|somebody|former\s+\w+)",
        CONNECTOR, 2),
    cue("networker", alt(
        r"network\w*", r"connector",
        r"(?:knows|knew|know)\s+(?:(?:half|most|all|many|lots|plenty|a\s+lot|loads|tons)\s+(?:of\s+)?(?:the\s+)?people|"
        r"everyone|everybody|all\s+the\s+\w+|lots\s+of\s+people|a\s+lot\s+of\s+people|"
        r"many\s+people|people|someone|somebody|the\s+(?:[\w-]+\s+){0,3}?(?:director|chair|head|dean|chief|"
        r"people|team|founder))",
        r"who's\s+who", r"who\s+is\s+who", r"whom?\s+to\s+(?:approach|talk\s+to|contact|ask|see|call|email)"),
        CONNECTOR, 2),
    cue("asks_around", alt(
        r"put\w*\s+(?:out\s+)?(?:some\s+)?feelers", r"ask\w*\s+around", r"sound\w*\s+out\s+(?:" + _HIS + r"\s+)?"
        r"(?:contacts|network|colleagues|friends)",
        r"(?:among|with|to)\s+" + _HIS + r"\s+(?:contacts|network|colleagues|friends|circle)"), CONNECTOR, 3),
    cue("better_person", r"(?:better|right|best|ideal)\s+person\s+to\s+(?:talk|speak|ask|contact|see)",
        CONNECTOR, 2),
    cue("their_contact", r"(?:a|an|his|her|their)\s+(?:former\s+|old\s+|ex-?\s*|college\s+|school\s+)?"
        r"(?:co-?)?(?:friend|colleague|classmate|roommate|fellow|resident|student|trainee|contact|worker|buddy)s?\s+"
        r"(?:who|at|in|from|runs|works|is|leads|directs|heads)\b", CONNECTOR, 1),
    cue("elsewhere", r"(?:at|in|from)\s+(?:two|three|several|other|another|different|a\s+few)\s+(?:other\s+)?"
        r"(?:hospitals?|institutions?|schools?|programs?|programmes?|cent(?:er|re)s?|universities|departments?)",
        CONNECTOR, 1),
)

COACH_CUES: tuple[Cue, ...] = (
    cue("gives_feedback", r"feedback|critiqu\w*|(?:notes|comments)\s+on\s+my", COACH, 3),
    cue("tips", r"pointers|tips|tricks?\s+(?:for|to|of|with)|shortcuts?|hacks?", COACH, 2),
    cue("point_by_point", r"(?:line|point|sentence|step|slide|page|case)[- ]by[- ](?:line|point|sentence|step|slide|"
        r"page|case)", COACH, 2),
    cue("corrects", alt(
        r"correct\w*\s+(?:my|me|the\s+way\s+I|how\s+I)", r"fix\w*\s+(?:my|how\s+I)",
        r"(?:correct|adjust|fix)\w*\s+(?:the\s+|my\s+)?(?:[\w-]+\s+)?(?:angle|grip|technique|position\w*|posture|form|"
        r"stance|wording|phrasing|approach|hand|errors?|mistakes?)"), COACH, 3),
    cue("reviews_work",
        alt(r"(?:went|go|goes|going|gone)\s+(?:[\w-]+\s+){0,3}?(?:over|through)", r"review\w*", r"edit\w*",
            r"proofread\w*",
            r"mark\w*\s+up", r"annotat\w*", r"rewr[io]te\w*", r"rework\w*", r"polish\w*", r"red-?pen\w*",
            r"tweak\w*", r"look\w*\s+over", r"listen\w*\s+to", r"read\w*\s+(?:over|through)", r"read",
            r"watch\w*", r"check\w*", r"revis\w*", r"restructur\w*", r"tighten\w*", r"shorten\w*", r"cut",
            r"trimm?\w*", r"work\w*")
        + r"\s+(?:\w+\s+){0,3}?(?:my|the|our)\s+(?:[\w-]+\s+){0,2}?" + _WORK, COACH, 3),
    cue("more_to_review", alt(
        r"(?:send|bring|show|email)\w*\s+(?:" + _HIM + r"\s+)?(?:\w+\s+){0,2}?(?:more|another|revised|updated|"
        r"new|next|corrected|improved)\s+(?:\w+\s+)?(?:to\s+review|versions?|drafts?|cop(?:y|ies)|one|ones|"
        r"attempt)",
        r"(?:new|revised|second|next|updated|another)\s+draft",
        r"(?:bring|send|show)\w*\s+(?:it|them|the\s+\w+)\s+back"), COACH, 2, HIGH, 2),
    cue("rehearses", alt(
        r"rehears\w*", r"drill\w*", r"dry[- ]runs?", r"run-?throughs?", r"r[au]n\s+me\s+through", r"mock",
        r"role[- ]?pla\w*", r"play\w*\s+the\s+(?:role|part|examiner|patient|interviewer|relative|family|"
        r"angry|difficult|\w+\s+(?:patient|relative|parent|son|daughter))",
        r"stop\w*\s+me\s+(?:whenever|each\s+time|every\s+time|when|to\s+correct|and\s+correct)",
        r"sim(?:ulation)?\s+(?:lab|session|scenario|run)", r"on\s+the\s+simulator",
        r"quizz?\w*",
        r"(?:had|have|has|made|make)\s+me\s+(?:do|try|present|repeat|redo|run|walk\s+through|perform|"
        r"demonstrate|tie|write|rewrite|say|read|explain|answer|pitch|deliver|go\s+through|start\s+over|"
        r"intubate|suture|scan|examine|draw|teach|practi[cs]e|rehearse)"), COACH, 3, HIGH, 1),
    cue("practice", r"practi[cs]\w*", COACH, 3, HIGH, 1,
        not_before=r"(?:private|clinical|group|family|general|solo|medical|her|his|their|own|rural|in|into|of|"
                   r"best|community|busy)\s+",
        not_after=r"practi[cs]\w*\s+(?:medicine|law|as|in|at|full|part|rural|internal|family|emergency|general|"
                  r"pediatric|paediatric|surgery|psychiatry|physician|doctor|clinician|surgeon|\w+\s+medicine)"),
    cue("observes_you", r"(?:watch\w*|observ\w*|supervis\w*|sat\s+(?:in\s+)?(?:with|on)|sit\w*\s+(?:in\s+)?"
        r"(?:with|on)|stood\s+(?:behind|beside|next\s+to)|stand\w*\s+(?:behind|beside))\s+(?:me\b|my\s+"
        r"(?:[\w-]+\s+)?" + _WORK + r"|my\s+(?:[\w-]+\s+)?(?:consult\w*|clinic|rounds|session|procedure|exam\w*|lps?|"
        r"encounter|visit|practice|performance))",
        COACH, 3, HIGH, 1),
    cue("shows_how", alt(
        r"(?:show\w*|taught|teach\w*|demonstrat\w*|explain\w*|walk\w*\s+me\s+through)\s+(?:me\s+)?"
        r"(?:(?:how|where|what|which|when|why)\b(?!\s+(?:he|she|they|I)\b)|a\s+better|"
        r"the\s+(?:right|proper|correct|best)\s+way|the\s+steps|what\s+to\s+do|where\s+to)",
        r"told\s+me\s+how\s+to", r"t(?:augh|each)\w*\s+me\s+(?:to|how)", r"debrief\w*"), COACH, 3),
    cue("how_to_advice", r"(?:advice|advis\w*|suggest\w*|recommend\w*|tips?|ideas?|guidance|pointers)\s+"
        r"(?:\w+\s+){0,2}?(?:on\s+|about\s+|for\s+)?(?:how|where|when)\s+to\b", COACH, 2),
    cue("coaching", r"coach\w*|tutor\w*|train\w*\s+me\b", COACH, 3),
    cue("targets", alt(
        r"targets?", r"homework", r"assignments?", r"checklists?", r"benchmarks?", r"rubrics?", r"frameworks?",
        r"templates?", r"mnemonics?", r"scripts?\s+for",
        r"(?:asked|told|wants?|wanted|encouraged|challenged)\s+me\s+to\s+(?:try|practi[cs]e|use|apply)\s+"
        r"(?:it|this|that|them|these)",
        r"(?:set|gave|give|giving|agreed)\s+(?:me\s+|us\s+)?(?:a|an|some|the|specific|clear)\s+(?:[\w-]+\s+)?"
        r"(?:goal|goals|task|exercise|challenge)"), COACH, 2),
    cue("improvement", alt(
        r"improv\w*", r"sharpen\w*", r"refin\w*", r"hon(?:e|ed|ing)\b",
        r"help\w*\s+me\s+(?:to\s+)?(?:get|become|be)\s+(?:\w+er|better|more)\b",
        r"help\w*\s+me\s+(?:to\s+)?(?:work\s+on|prepare|prep|get\s+better|structure|fix|tighten|polish)",
        r"(?:one|two|three|a\s+few|some)\s+things?\s+to\s+(?:do\s+better|improve|work\s+on|change|fix|"
        r"practi[cs]e)",
        r"do\s+(?:it\s+)?better",
        r"until\s+(?:I|it)\s+(?:could|got|was|felt|sounded|flowed|came|looked|ran)",
        r"shorter|clearer|tighter|sharper|crisper|smoother|cleaner|more\s+concise|(?:better|more)\s+"
        r"structure[d]?"), COACH, 2),
    cue("where_to_improve", alt(
        r"(?:which|what|where)\s+(?:\w+\s+){0,2}?(?:needed|needs|need)\s+(?:more\s+)?(?:work|structure|"
        r"tightening|attention|practice)",
        r"(?:where|when|how)\s+I\s+(?:lost|went\s+wrong|sounded|stumbled|hesitated|mumbled|lose|rushed|"
        r"could\s+improve)",
        r"after\s+(?:each|every)\s+\w+"), COACH, 2),
    cue("another_round", r"(?:another|one\s+more|a\s+second|a\s+third|the\s+next|next)\s+(?:round|run|go|attempt|"
        r"try|pass|rep|(?:practice\s+)?session|take)", COACH, 1.5, HIGH, 1.5),
    cue("skill_area", alt(
        r"skills?", r"techniques?", r"procedures?", r"lumbar\s+punctures?", r"central\s+lines?", r"intubat\w*",
        r"sutur\w*", r"knot-?tying", r"ultrasound", r"ecgs?", r"ekgs?", r"handoffs?", r"case\s+presentations?",
        r"bedside\s+manner", r"wording", r"phrasing", r"delivery", r"pacing", r"positioning", r"layout",
        r"structure", r"simulat\w*", r"lps?", r"ivs?", r"abgs?", r"cvcs?", r"pocus", r"osces?"), COACH, 1),
)

MENTOR_CUES: tuple[Cue, ...] = (
    cue("asks_about_you", _ASKS + gap(8) + _PERSON + r"|" + _ASKS + r"\s+" + _PERSON, MENTOR, 3, HIGH, 1,
        not_before=_THE_USER),
    cue("personal_topics", alt(
        r"my\s+(?:family|life|values|dreams?|hopes|fears|worries|marriage|kids|children|partner|husband|wife|"
        r"spouse|parents|well-?being|aspirations|passions|personal\s+life|long-?term\s+(?:goals?|plans?|"
        r"dreams?|vision))",
        r"whole\s+person", r"as\s+a\s+person", r"personal(?:ly)?", r"work-?life", r"life\s+outside",
        r"what\s+keeps\s+me\s+up", r"burnout", r"life\s+advice"), MENTOR, 1),
    cue("shares_own_story", alt(
        _HIS + r"\s+own\s+(?!(?:office|clinic|practice|team|lab|patients|time|phone|email|name|car|desk)\b)[\w-]+",
        r"(?:patients|people|moments|experiences|cases|mentors|events)\s+(?:who|that)\s+(?:shaped|changed|"
        r"influenced|taught|inspired|formed)\s+" + _HIM,
        _HIS + r"\s+(?:[\w-]+\s+)?(?:story|stories|journey|rough\s+start|first\s+(?:year|years|job|months)|"
        r"early\s+(?:career|years|days)|mistakes|failures|struggles|regrets|detours|path\s+into|career\s+path)",
        r"how\s+" + _HE + r"\s+(?:had\s+)?(?:chose|chosen|got|became|balanced|balances|navigated|handled|managed|"
        r"dealt|made|ended\s+up|started|found|decided|survived|coped|juggled|picked|went|came|switched|moved|"
        r"left|built|learned|learnt|overcame|bounced|recovered)",
        r"what\s+" + _HE + r"\s+would\s+(?:do|have\s+done|change)\s+differently",
        r"when\s+" + _HE + r"\s+(?:was|were)\s+(?:a|an|in|my|at|starting|young|training)",
        r"(?:the\s+)?(?:risks?|mistakes|sacrifices|choices|decisions|challenges|obstacles|setbacks|trade-?offs)"
        r"\s+" + _HE + r"\s+(?:took|made|had|faced|met|overcame|went\s+through|navigated)",
        r"memorable\s+patients?", r"(?:nearly|almost)\s+(?:quit\w*|gave\s+up|left)",
        r"shar\w*\s+(?:some\s+)?(?:wisdom|stories|lessons|experiences?)",
        r"(?:told|tell)\s+me\s+(?:a\s+)?stor(?:y|ies)", r"opened\s+up\s+about", r"wisdom",
        r"lessons?\s+" + _HE + r"\s+(?:learned|learnt)", r"look\w*\s+back\s+on",
        r"(?:candid|honest|open|frank|vulnerable)\s+(?:with\s+me\s+)?about\s+" + _HIS),
        MENTOR, 2),
    cue("invested_in_you", alt(
        r"invest\w*\s+in\s+(?:me|my)", r"(?:cares?|cared|caring)\s+(?:about|for)\s+(?:me|how\s+I|my|what)",
        r"(?:for|over)\s+the\s+long\s+(?:haul|run|term)", r"long[- ]term", r"for\s+years\s+to\s+come",
        r"professional\s+parent", r"(?:be|become|act\s+as)\s+my\s+mentor", r"mentor(?:ing)?\s+me",
        r"under\s+" + _HIS + r"\s+wing",
        r"through(?:out)?\s+my\s+(?:fellowship|residency|training|career|years|first\s+years)",
        r"big\s+(?:life\s+)?(?:decisions?|choices?)", r"career\s+advice",
        r"(?:advice|guidance|counsel)\s+(?:\w+\s+){0,4}?(?:my\s+)?(?:career|life|future|path)\b",
        r"next\s+(?:few\s+|five\s+|ten\s+|twenty\s+)?(?:years|decade)", r"sounding\s+board",
        r"in\s+my\s+corner", r"(?:whole|entire)\s+career", r"check\w*\s+in\s+on\s+me",
        r"support\w*\s+me\s+(?:through|as\s+a|emotionally)", r"lean\s+on\s+" + _HIM, r"turn\s+to\s+" + _HIM,
        r"(?:be\s+)?there\s+for\s+me",
        r"(?:someone|somebody|a\s+person|the\s+person)\s+I\s+(?:can\s+|could\s+)?(?:lean\s+on|talk\s+to|turn\s+to|go\s+to|"
        r"rely\s+on|count\s+on|call\s+on)",
        r"t(?:ake|akes|aking|ook)\s+me\s+on\b",
        r"(?:guid|mentor|advis|support)\w*\s+me\s+(?:since|for\s+(?:years|a\s+long\s+time|the\s+past))",
        r"(?:has|have|had)\s+been\s+(?:guiding|mentoring|advising|looking\s+out\s+for)\s+me"), MENTOR, 2),
    cue("hear_back", r"hear\s+(?:back\s+)?(?:from\s+me|how)", MENTOR, 1.5, HIGH, 2,
        not_before=r"\b(?:they|them|people|colleagues|others)\b[^.;,]{0,40}"),
    cue("listens", r"listen\w*|reflect\w*\s+back|empath\w*|let\s+me\s+(?:talk|speak|vent|think\s+(?:out\s+)?aloud)",
        MENTOR, 1.5, not_before=_THE_USER,
        not_after=r"listen\w*\s+to\s+(?:my|the|a|our)\s+(?:[\w-]+\s+){0,2}?" + _WORK),
    cue("ongoing_contact", alt(
        r"(?:meet|meeting|see|seeing|catch(?:ing)?\s+up|get(?:ting)?\s+together|have\s+coffee|grab\s+coffee|"
        r"coffee|talk|chat|check\s+in)\w*\s+(?:up\s+)?(?:again|regularly|every|each|monthly|weekly|once\s+a|"
        r"twice\s+a|next\s+(?:month|week|term|quarter|year|time)|in\s+(?:the\s+)?(?:spring|summer|autumn|fall|"
        r"winter|new\s+year|a\s+few|a\s+couple|\w+\s+(?:weeks|months)))",
        r"keep\w*\s+(?:meeting|in\s+touch|talking|seeing\s+me)", r"stay\w*\s+in\s+touch",
        r"keep\s+" + _HIM + r"\s+(?:posted|updated|in\s+the\s+loop)",
        r"(?:come|drop|swing|circle)\s+(?:back|by)",
        r"(?:call|text|email|ping|message|ring|contact|reach\s+out\s+to|get\s+in\s+touch|come\s+to)\s+"
        r"(?:" + _HIM + r"\s+|me\s+)?(?:whenever|any\s*time|at\s+any\s+time)",
        r"reach\s+out\s+(?:whenever|any\s*time)",
        r"(?:door|inbox|phone|line)s?\s+(?:is|are|was|were|would\s+be|remains?)\s+(?:always\s+)?open",
        r"call\w*\s+me\s+(?:after|later|afterwards|back|the\s+next\s+day|to\s+(?:see|check|ask|find\s+out))",
        r"report\s+back",
        r"(?:asked|told|invited|wants?|wanted|encouraged)\s+me\s+to\s+(?:email|call|text|write\s+to|update|ping|"
        r"message|let\s+" + _HIM + r"\s+know|keep\s+" + _HIM + r"\s+(?:posted|updated)|tell\s+" + _HIM
        + r"\s+how|stay\s+in\s+touch|come\s+back)",
        r"(?:regular|recurring|standing|ongoing|monthly|weekly|quarterly|fortnightly)\s+(?:[\w-]+\s+)?"
        r"(?:meetings?|check-?ins?|calls?|coffees?|catch-?ups?|sessions?|chats?|lunch(?:es)?|dinners?|breakfasts?|"
        r"walks?)",
        r"(?:every|each)\s+(?:few|couple\s+of|two|three|four|five|six|eight|other)\s+(?:weeks|months)",
        r"(?:once|twice)\s+a\s+(?:month|term|quarter|semester|year|week|rotation)",
        r"every\s+(?:month|term|quarter|week|semester)",
        r"(?:for|through|throughout)\s+the\s+rest\s+of\s+my\s+(?:training|residency|career|fellowship|studies)"),
        MENTOR, 1.5, HIGH, 2),
)

# Topic words: weak evidence that the talk was about the things each role deals with. They only decide the
# role when no action cue does (two or more are needed to name a role; see agent.read_room.reading.MIN_ROLE_POINTS).
TOPIC_CUES: tuple[Cue, ...] = (
    cue("topic_mentor", alt(
        r"family", r"kids", r"children", r"baby", r"spouse", r"husband", r"wife", r"partner", r"mom", r"mum",
        r"dad", r"mother", r"father", r"parents", r"daughter", r"son", r"life", r"values", r"purpose", r"meaning",
        r"happiness", r"happy", r"well-?being", r"balance", r"feelings?", r"feeling", r"dreams?", r"hopes?",
        r"fears?", r"worries", r"doubts", r"regrets?", r"future", r"calling", r"wisdom", r"journey", r"luck",
        r"detours?", r"career\s+(?:path|choices?|arc)", r"decades?", r"personal\w*", r"emotion\w*",
        r"encourag\w*", r"warm\w*", r"trust\w*", r"relationship"), MENTOR, 0.5),
    cue("topic_coach", alt(
        r"skills?", r"technique", r"practi[cs]e\w*", r"exams?", r"boards", r"osce", r"viva", r"interviews?",
        r"presentations?", r"slides", r"drafts?", r"abstracts?", r"manuscripts?", r"posters?", r"methods",
        r"procedures?", r"notes", r"charting", r"documentation", r"handoffs?", r"scenarios?", r"steps?",
        r"comments", r"revised", r"revision", r"mistakes?", r"errors?", r"performance", r"scor\w*", r"grad\w*",
        r"assess\w*", r"lessons?", r"speech", r"explain\w*", r"clearer", r"faster", r"slow(?:er)?\s+down"),
        COACH, 0.5),
    cue("topic_sponsor", alt(
        r"awards?", r"prizes?", r"positions?", r"posts?", r"jobs?", r"promot\w*", r"tenure", r"committees?",
        r"council", r"board", r"panel", r"candida\w*", r"applications?", r"selection", r"shortlist\w*",
        r"dean", r"leadership", r"grants?", r"speakers?", r"keynote", r"visibility", r"appointment",
        r"(?:his|her|their)\s+list", r"associate\s+\w+\s+director", r"chief\s+resident", r"lead\s+(?:the|a|an)"),
        SPONSOR, 0.5),
    cue("topic_connector", alt(
        r"contacts?", r"networks?", r"friends?", r"alumni", r"names?", r"emails?", r"phone\s+numbers?",
        r"linkedin", r"societ(?:y|ies)", r"associations?", r"conferences?", r"receptions?", r"events?",
        r"meet-?ups?", r"acquaint\w*", r"(?:other|another)\s+(?:hospital|institution|department|"
        r"program|team)s?", r"faculty", r"team", r"hear\s+from\s+me", r"write\s+to", r"reach\s+out\s+to",
        r"meet\s+them"), CONNECTOR, 0.5),
)

ROLE_CUES: tuple[Cue, ...] = SPONSOR_CUES + CONNECTOR_CUES + COACH_CUES + MENTOR_CUES + TOPIC_CUES
LEXICON: tuple[Cue, ...] = ROLE_CUES + AVAILABILITY_CUES
