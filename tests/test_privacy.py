"""Patient-identifier detection and redaction, and proof that a remote backend never receives identifiers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_core.tools import tool

from agent.core import (
    PLACEHOLDERS,
    PROJECT_ROOT,
    FakeChatModel,
    Finding,
    LocalChatModel,
    RedactingChatModel,
    find_identifiers,
    is_capable,
    load_settings,
    make_chat_model,
    model_label,
    privacy_warning,
    redact,
    stream_text,
)
from tests.fault_server import FaultServer

MRN, DOB = "48213377", "04/12/1958"
PLANTED = f"How do I raise a hard case with my mentor? pt Jane Doe, MRN {MRN}, DOB {DOB}, septic in bed 4."

# Labelled cases: (text, [(kind, exact identifier text), ...]). Negatives are career talk full of mentors'
# names, dates and numbers, which must pass through untouched.
POSITIVE = [
    ('How do I tell my mentor that my patient John Smith died overnight?', [('patient_name', 'John Smith')]),
    ('Mrs. Garcia in bed 4 with sepsis keeps asking for me.', [('patient_name', 'Mrs. Garcia')]),
    ('pt Jane Doe, 67F, was my first admission as an intern.', [('patient_name', 'Jane Doe')]),
    ('I took care of Robert Brown, a 54-year-old man with COPD, and it shook me.',
     [('patient_name', 'Robert Brown')]),
    ('Should I mention Mr. Okafor, who was intubated last night, when I meet Dr. Lee?',
     [('patient_name', 'Mr. Okafor')]),
    ('Patient: Maria Lopez. I want advice on how I handled her family meeting.', [('patient_name', 'Maria Lopez')]),
    ('Ms. Nguyen has metastatic breast cancer and I keep thinking about her.', [('patient_name', 'Ms. Nguyen')]),
    ("My patient's name is Linda Park and she was readmitted with heart failure.", [('patient_name', 'Linda Park')]),
    ('Tom Harris (72M) coded on my shift and I froze.', [('patient_name', 'Tom Harris')]),
    ('We had Mr. Delgado in room 12 on dialysis; how do I debrief this with a mentor?',
     [('patient_name', 'Mr. Delgado')]),
    ('Peter Walsh was diagnosed with lymphoma at 30 and it made me rethink oncology.',
     [('patient_name', 'Peter Walsh')]),
    ('Anna Kowalski, one of my patients, asked me about my career plans.', [('patient_name', 'Anna Kowalski')]),
    ("I was the intern for Mrs. O'Brien on the ICU; her daughter thanked me.", [('patient_name', "Mrs. O'Brien")]),
    ('a patient called Sam Reed with DKA taught me a lot', [('patient_name', 'Sam Reed')]),
    ('David Kim presented with chest pain and I missed the ECG change.', [('patient_name', 'David Kim')]),
    ("Mr. Singh's DNR discussion went badly and I want to talk about it with my attending.",
     [('patient_name', 'Mr. Singh')]),
    ('MRN 48213377 is the case I want to present.', [('mrn', '48213377')]),
    ('Her medical record number: 00123456 is in my notes.', [('mrn', '00123456')]),
    ('The chart #A1234567 record has the details.', [('mrn', '#A1234567')]),
    ('patient ID 77881234 from last week', [('mrn', '77881234')]),
    ('Can I share MRN: 5523-9981 with my mentor?', [('mrn', '5523-9981')]),
    ('DOB 03/14/1962, seen in clinic.', [('dob', '03/14/1962')]),
    ('She was born on 14 March 1962 and lived alone.', [('dob', '14 March 1962')]),
    ('date of birth: 1962-03-14', [('dob', '1962-03-14')]),
    ('D.O.B. 4/12/58 is on the sticker', [('dob', '4/12/58')]),
    ('born March 3, 1947 in Ohio', [('dob', 'March 3, 1947')]),
    ("her daughter's number is 617-555-0134", [('phone', '617-555-0134')]),
    ('call the family at (212) 555-0199 tomorrow', [('phone', '(212) 555-0199')]),
    ('His cell: 07700 900123', [('phone', '07700 900123')]),
    ('reach me on +1 415 555 0100', [('phone', '+1 415 555 0100')]),
    ('He lives at 1600 Pennsylvania Avenue, so discharge planning was complicated.',
     [('address', '1600 Pennsylvania Avenue')]),
    ('home address 221B Baker Street', [('address', '221B Baker Street')]),
    ('send it to 350 Fifth Ave, Apt 4B, New York, NY 10118',
     [('address', '350 Fifth Ave, Apt 4B, New York, NY 10118')]),
    ('her email is jdoe1962@gmail.com', [('email', 'jdoe1962@gmail.com')]),
    ('SSN 078-05-1120 was on the form', [('ssn', '078-05-1120')]),
    ('social security number 078 05 1120', [('ssn', '078 05 1120')]),
    ('pt John Smith, MRN 12345678, DOB 01/02/1950, phone 555-867-5309',
     [('patient_name', 'John Smith'), ('mrn', '12345678'), ('dob', '01/02/1950'), ('phone', '555-867-5309')]),
    ('Mrs. Patel (DOB 11/05/1940) in bed 7 with pneumonia', [('patient_name', 'Mrs. Patel'), ('dob', '11/05/1940')]),
    ('Mr. Abdi Hassan, 81, in bay 3 fell twice this week.', [('patient_name', 'Mr. Abdi Hassan')]),
    ('I keep replaying the night Carlos Mendez-Ruiz was brought in after the crash.',
     [('patient_name', 'Carlos Mendez-Ruiz')]),
    ('Pt: Elena Rossi 45 y/o F, s/p cholecystectomy', [('patient_name', 'Elena Rossi')]),
    ('my pt mary johnson is the reason I want to do palliative care', [('patient_name', 'mary johnson')]),
    ("Mrs. Whitaker's family asked me to explain her prognosis.", [('patient_name', 'Mrs. Whitaker')]),
    ('George T. Miller, 66 yo M with CHF, was my longest admission.', [('patient_name', 'George T. Miller')]),
    ('Is it OK to ask Dr. Reyes about Mr. Chen, who has advanced dementia?', [('patient_name', 'Mr. Chen')]),
    ('Ahmed Saleh was discharged against medical advice and I blamed myself.', [('patient_name', 'Ahmed Saleh')]),
    ('Our patient Fatima Noor is on hospice now.', [('patient_name', 'Fatima Noor')]),
    ('mrn: 0048213377', [('mrn', '0048213377')]),
    ('Record no. 99812345 for the case review', [('mrn', '99812345')]),
    ('NHS number 943 476 5919', [('mrn', '943 476 5919')]),
    ('Her dob is 7/4/1976.', [('dob', '7/4/1976')]),
    ('birthdate 1958-04-12', [('dob', '1958-04-12')]),
    ('born on the 2nd of June 1949', [('dob', '2nd of June 1949')]),
    ('Phone: 555.234.8890', [('phone', '555.234.8890')]),
    ('pager 4-5678 if anything changes', [('phone', '4-5678')]),
    ('They live at 12 Elm Rd and have no car.', [('address', '12 Elm Rd')]),
    ('her address is 9 maple drive', [('address', '9 maple drive')]),
    ('PO Box 4411, Austin, TX 78701', [('address', 'PO Box 4411'), ('address', 'Austin, TX 78701')]),
    ('forward to r.gomez@stmarys-hospital.org please', [('email', 'r.gomez@stmarys-hospital.org')]),
    ('pt Lee, MRN 55512345, DOB 12/01/1939, lives at 8 Cedar Lane',
     [('patient_name', 'Lee'), ('mrn', '55512345'), ('dob', '12/01/1939'), ('address', '8 Cedar Lane')]),
    ("Yesterday Mr. Kowalczyk in bed 12 asked whether I'd be his doctor forever.",
     [('patient_name', 'Mr. Kowalczyk')]),
    ("I'm still upset about Mrs. Li. She died of a PE after I signed her out.", [('patient_name', 'Mrs. Li')]),
    ('pt Olusegun Adeyemi 59M w/ ESRD on HD', [('patient_name', 'Olusegun Adeyemi')]),
    ('Ms. Brennan (bed 2) is septic again and her son keeps calling 555-201-7788.',
     [('patient_name', 'Ms. Brennan'), ('phone', '555-201-7788')]),
    ('How do I bring up Henry Ford, my patient with ALS, without breaking confidentiality?',
     [('patient_name', 'Henry Ford')]),
    ('Lucia Fernandez, 34F, G2P1, presented with preeclampsia', [('patient_name', 'Lucia Fernandez')]),
    ('Mrs. J. had a stroke on my watch', [('patient_name', 'Mrs. J.')]),
    ('MRN#: 11223344', [('mrn', '11223344')]),
    ('med rec # 33445566', [('mrn', '33445566')]),
    ('Her date of birth is 12 Jan 1950 and she lives at 77 Harbour Road.',
     [('dob', '12 Jan 1950'), ('address', '77 Harbour Road')]),
    ('DOB: Feb 29, 1944', [('dob', 'Feb 29, 1944')]),
    ('text her daughter on 0412 345 678', [('phone', '0412 345 678')]),
    ('mail to PO Box 77 please', [('address', 'PO Box 77')]),
    ('the family email is garcia.family@yahoo.com', [('email', 'garcia.family@yahoo.com')]),
    ("My mentor's office is at 200 First Street SW, Rochester, MN 55905.",
     [('address', '200 First Street SW, Rochester, MN 55905')]),
    ("My patient Bernadette Kowal asked if I'd still be around next year.", [('patient_name', 'Bernadette Kowal')]),
    ('Mr. Yusuf on the ICU is my hardest case this month.', [('patient_name', 'Mr. Yusuf')]),
    ('Pt Zhang Wei 71 yo M with pancreatitis', [('patient_name', 'Zhang Wei')]),
    ('Ingrid Larsen, 88F, was found down at home.', [('patient_name', 'Ingrid Larsen')]),
    ('I still think about Mrs. Adebayo and her new diagnosis of leukemia.', [('patient_name', 'Mrs. Adebayo')]),
    ("Kevin O'Neill was transferred to the ICU after I called the rapid response.",
     [('patient_name', "Kevin O'Neill")]),
    ('hospital number A7766554 and DOB 30/11/1961', [('mrn', 'A7766554'), ('dob', '30/11/1961')]),
    ('His birthday is 5 May 1970; MRN 3344 5566', [('dob', '5 May 1970'), ('mrn', '3344 5566')]),
    ('her number is (03) 9123 4567', [('phone', '(03) 9123 4567')]),
    ('They live at 45 Queen Street West', [('address', '45 Queen Street West')]),
    ('contact: kowal.b@outlook.com', [('email', 'kowal.b@outlook.com')]),
    ('SSN: 123-45-6789', [('ssn', '123-45-6789')]),
    ('The conference is at 1 Main Street in Boston.', [('address', '1 Main Street')]),
]
NEGATIVE = [
    'Dr. Patel offered to introduce me to her colleague in cardiology.',
    "I'm meeting Dr. Sarah Chen for coffee on 03/14/2025 at 8am.",
    'My mentor John Smith admitted a patient with sepsis yesterday and walked me through it.',
    'Professor Alan Grant runs the stroke research program; should I ask him to sponsor me?',
    'Maria Lopez, my program director, suggested I talk to the chair.',
    'I met Ms. Chen, the residency coordinator, about the schedule.',
    'How do I ask Dr. Okafor about his path from internal medicine to ICU leadership?',
    'I matched in 2019 and finished residency in 2022.',
    "We have 3 patients with sepsis on the ward and I'm tired.",
    'She was admitted to Mass General with pneumonia last year, my attending said.',
    'Room 12 is where grand rounds happen at 7:30.',
    'I read 25 papers on the way to my interview at Johns Hopkins.',
    "My step 2 score was 255 and my mentor thinks it's fine.",
    'John Smith is the chief of cardiology and I want him as a sponsor.',
    'Jane Doe, MD, wrote a great paper on heart failure outcomes.',
    'Can I email Dr. Lee at her hospital address, or is that too forward?',
    'The meeting is on March 14, 2025 in building 4.',
    'Sarah presented at grand rounds on sepsis bundles.',
    "What should I ask a surgeon who trained at St. Mary's?",
    "I have 2 questions about Dr. Rivera's lab and 1 about funding.",
    'The patient advocate Mr. Jones gave a talk on communication.',
    'My friend Tom Harris is applying to cardiology fellowships too.',
    "Dr. Nguyen's clinic sees patients with diabetes every Tuesday.",
    'Our PD Dr. Amy Wong said the deadline is 09/15/2025.',
    'I work 80 hours a week and had 4 admissions last night.',
    'Grant number R01-HL123456 funds her lab.',
    'In 2018 I moved to Boston for a research year with Dr. Kim.',
    "Ask Mr. Evans in the dean's office about the leadership course.",
    'How do I approach Dr. Singh, who has been a hospitalist for 20 years?',
    'She has a stroke study that needs a resident.',
    'Dr. Hassan told me to read about mentoring teams before our coffee on Friday.',
    'I want to ask Carlos Mendez, my senior resident, how he chose surgery.',
    'Should I bring a copy of my CV to meet Professor Rossi on 2 June 2025?',
    'Elena was my co-intern and she matched into dermatology.',
    'The ICU has 24 beds and 3 attendings on nights.',
    "What questions show I've read Dr. Miller's paper on heart failure readmissions?",
    'My mentor, George Miller, was admitted to the Royal College last year.',
    'I finished medical school on 05/20/2021 and started residency in June.',
    'Our team admitted 12 patients with COVID last winter.',
    'Mr. Patel from HR explained the parental leave policy.',
    "She's been a nurse for 30 years and knows everyone in the ED.",
    'We discussed the 2 main routes into academic medicine: research and education.',
    'I called the program at 9 and spoke to the coordinator.',
    'Dr. Fatima Noor with infectious diseases offered to review my abstract.',
    'Is a 45 minute meeting too long for a first coffee chat?',
    'Page 12 of the handbook covers mentorship.',
    'Ask about the 2019 reorganization and how it affected the fellows.',
    'Dr. Ahmed Saleh was discharged from the army before med school.',
    'Mr. Kowalczyk, our department administrator, booked the room for the meeting.',
    'Dr. Li died last year and I lost my most important mentor.',
    'Should I ask Dr. Adeyemi about nephrology fellowships before ERAS opens on June 5, 2025?',
    'Henry Ford Hospital has a strong internal medicine program.',
    'My co-resident Lucia presented a case of preeclampsia at morning report.',
    'Two patients in the ICU died on my first night; how do I talk about burnout with my mentor?',
    'I scored 240 on Step 1 in 2021.',
    'Dr. Brennan with pulmonary is a great connector.',
    'Is 30 minutes enough for a coffee chat with the chief?',
    'Professor Garcia has a diabetes clinic on Mondays and wants a research fellow.',
    'My attending, Dr. Sato, had sepsis as a child and talks about it with patients.',
    'I want to ask Mrs. Okoye, the chief nursing officer, about leadership.',
    'When Dr. Ford was a resident in 1998 the work hours were brutal.',
    'Dr. Yusuf runs the ICU and mentors half the residents.',
    'I want to ask Ingrid Larsen, our department chair, for a sponsorship.',
    'Zhang Wei is a brilliant fellow in GI; should I ask him to be a peer mentor?',
    "How do I follow up after coffee with Dr. Kevin O'Neill on 12/03/2025?",
    'My mentor had leukemia as a resident and still finished training.',
    'In 2020, 40 residents in our program had COVID.',
    'Ms. Adebayo, the program manager, sent the calendar invite.',
    'Bernadette and I are co-chief residents this year.',
    'Ask about the night she was on call and the ICU was full.',
]


@pytest.mark.parametrize("text, expected", POSITIVE, ids=[f"pos{i}" for i in range(len(POSITIVE))])
def test_identifiers_are_found_with_their_kind_and_exact_span(text, expected):
    found = [(f.kind, f.text) for f in find_identifiers(text)]
    assert sorted(found) == sorted(expected)
    for f in find_identifiers(text):
        assert text[f.start:f.end] == f.text


@pytest.mark.parametrize("text", NEGATIVE, ids=[f"neg{i}" for i in range(len(NEGATIVE))])
def test_mentors_dates_and_numbers_in_career_talk_are_not_flagged(text):
    assert find_identifiers(text) == []
    assert redact(text).text == text and not redact(text).changed


def test_the_curated_guidance_and_eval_notes_raise_no_findings():
    """Thousands of mentors' names, dates and numbers with no patient in sight: every finding would be false."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((PROJECT_ROOT / "knowledge").glob("*.md"))]
    for path in sorted((PROJECT_ROOT / "tests" / "eval_data").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            texts += [v for v in json.loads(line).values() if isinstance(v, str)] if line.strip() else []
    assert len(texts) > 50
    false = [(f.kind, f.text) for t in texts for f in find_identifiers(t)]
    assert false == []


def test_redaction_replaces_values_with_placeholders_and_keeps_the_rest():
    result = redact(PLANTED)
    assert result.changed
    assert result.text == ("How do I raise a hard case with my mentor? pt [PATIENT NAME], MRN [MRN], DOB [DOB], "
                           "septic in bed 4.")
    assert [f.kind for f in result.findings] == ["patient_name", "mrn", "dob"]
    assert all(isinstance(f, Finding) and f.to_dict()["kind"] == f.kind for f in result.findings)
    assert set(PLACEHOLDERS) == {"patient_name", "mrn", "dob", "ssn", "phone", "address", "email"}


def test_each_kind_has_its_placeholder():
    text = ("pt Jane Doe MRN 12345678 DOB 1/2/1950 SSN 123-45-6789 phone 555-123-4567 "
            "lives at 12 Oak Street email jd@example.org")
    redacted = redact(text).text
    for placeholder in PLACEHOLDERS.values():
        assert placeholder in redacted
    assert not any(ch.isdigit() for ch in redacted) and "@" not in redacted


def test_a_flagged_patient_name_is_redacted_wherever_it_comes_back():
    text = "Mrs. Garcia in bed 4 with sepsis asked about me. Later Garcia's son thanked the team."
    assert redact(text).text == "[PATIENT NAME] in bed 4 with sepsis asked about me. Later [PATIENT NAME]'s son " \
                                "thanked the team."


def test_a_mentor_keeps_their_name_next_to_a_patient():
    text = "Dr. Patel offered to introduce me after we discussed my patient John Smith, 67M, with COPD."
    result = redact(text)
    assert "Dr. Patel" in result.text and "John Smith" not in result.text


def test_empty_and_plain_text_are_unchanged():
    assert redact("").text == "" and not redact("").changed
    assert find_identifiers("") == []
    plain = "What should I ask a potential sponsor in our first meeting?"
    assert redact(plain).text == plain


def test_warning_lists_kinds_without_echoing_values():
    findings = find_identifiers(PLANTED)
    warning = privacy_warning(findings)
    assert "medical record number" in warning and "date of birth" in warning and "patient's name" in warning
    assert MRN not in warning and DOB not in warning and "Jane" not in warning
    assert privacy_warning([]) == ""
    assert warning.count("medical record number") == 1
    assert "placeholders" in warning
    assert "MENTORPREP_REDACT" in privacy_warning(findings, redacting=False)


def test_a_mentor_sharing_a_patients_first_name_keeps_it():
    text = "My patient John Smith, 80M, was admitted again. I asked my attending John Lee what to do."
    redacted = redact(text).text
    assert "John Smith" not in redacted and "my attending John Lee" in redacted


def test_long_and_adversarial_input_is_handled_quickly():
    import time

    texts = [" ".join(["Alpha"] * 1600), "1 " * 4000, "123-" * 2000, "Mrs. Garcia in bed 4 with sepsis " * 240]
    for text in texts:
        start = time.perf_counter()
        redact(text)
        assert time.perf_counter() - start < 1.0


# ---- the wrapper ----------------------------------------------------------------------------------------------
def test_wrapper_redacts_every_message_before_the_inner_model_sees_it():
    inner = FakeChatModel(responses=["Sure, here is how.", "Again."])
    model = RedactingChatModel(inner=inner)
    history = [SystemMessage(f"Context: MRN {MRN}"), AIMessage(f"Noted DOB {DOB}."), HumanMessage(PLANTED)]
    assert "".join(stream_text(model, history)) == "Sure, here is how."
    assert model.invoke([HumanMessage(f"born on 14 March 1962, MRN {MRN}")]).content == "Again."
    sent = json.dumps(inner.calls)
    assert MRN not in sent and DOB not in sent and "Jane Doe" not in sent and "1962" not in sent
    assert "[MRN]" in sent and "[DOB]" in sent
    assert is_capable(model) and model_label(model) == "fake"


def test_wrapper_redacts_text_parts_of_multimodal_content():
    inner = FakeChatModel(responses=["ok"])
    message = HumanMessage(content=[{"type": "text", "text": f"MRN {MRN}"}, f"DOB {DOB}",
                                    {"type": "image_url", "image_url": {"url": "data:,"}}])
    RedactingChatModel(inner=inner).invoke([message])
    assert MRN not in json.dumps(inner.calls) and DOB not in json.dumps(inner.calls)


def _leaks(server: FaultServer) -> list[str]:
    bodies = server.bodies()
    assert bodies, "the server received nothing"
    return [b for b in bodies if MRN in b or DOB in b or "Jane Doe" in b]


def _remote(server: FaultServer, **kw):
    return make_chat_model("compat:test", load_settings(openai_base_url=server.base_url, max_retries=0, **kw))


def test_wrapped_remote_model_never_sends_identifiers_over_http():
    with FaultServer("ok") as server:
        model = RedactingChatModel(inner=_remote(server))
        assert "".join(stream_text(model, [HumanMessage(PLANTED)]))  # streaming
        model.invoke([SystemMessage("You help doctors prepare."), HumanMessage(PLANTED)])
        assert server.count == 2
    assert _leaks(server) == []
    assert "[MRN]" in server.bodies()[0] and "[DOB]" in server.bodies()[0]


def test_wrapped_non_streaming_and_tool_calls_never_send_identifiers():
    from langchain_openai import ChatOpenAI

    @tool
    def keep_question(text: str) -> str:
        """Keep a question for the meeting."""
        return text

    with FaultServer("ok") as server:
        inner = ChatOpenAI(model="test", api_key="not-needed", base_url=server.base_url, max_retries=0,
                           timeout=5, streaming=False)
        model = RedactingChatModel(inner=inner)
        model.invoke([HumanMessage(PLANTED)])
        model.bind_tools([keep_question]).invoke([HumanMessage(PLANTED)])
    bodies = [json.loads(b) for b in server.bodies()]
    assert bodies[0].get("stream") in (None, False)
    assert bodies[1]["tools"][0]["function"]["name"] == "keep_question"
    assert _leaks(server) == []


def test_factory_wraps_remote_models_so_the_server_never_sees_identifiers():
    with FaultServer("ok") as server:
        model = _remote(server)
        assert isinstance(model, RedactingChatModel)
        assert "".join(stream_text(model, [HumanMessage(PLANTED)]))
        model.invoke([HumanMessage(PLANTED)])
    assert _leaks(server) == []
    assert is_capable(model)


def test_factory_sends_text_as_typed_when_redaction_is_off():
    with FaultServer("ok") as server:
        assert _remote(server).redact
        unredacted = _remote(server, redact_remote=False)
        assert not unredacted.redact and is_capable(unredacted)
        unredacted.invoke([HumanMessage(PLANTED)])
    assert _leaks(server)  # the user turned redaction off: what they typed is what the server gets


def test_the_embedded_model_stays_local_and_unwrapped(settings):
    model = make_chat_model("local", settings)
    assert isinstance(model, LocalChatModel) and not isinstance(model, RedactingChatModel)
    assert Path(model.model_path).exists()  # a file on this machine; nothing to send anywhere
