"""Arguments taken from the user's words: who the mentor is, however the name was typed."""

from __future__ import annotations

import pytest

from agent.conversation.extract import mentor_from, name_from, questions_from


@pytest.mark.parametrize(("text", "name"), [
    ("Coffee with Dr. Sarah Okafor on Friday", "Dr. Sarah Okafor"),
    ("meeting dr okafor tmrw, shes EP", "Dr. Okafor"),
    ("prof. sarah lee said she would read my abstract", "Prof. Sarah Lee"),
    ("met dr ahmed yesterday in clinic", "Dr. Ahmed"),
    ("dr okafor runs the EP lab", "Dr. Okafor"),
    ("coffee w/ DR PATEL next week", "Dr. Patel"),
    ("professor singh from renal offered to look at it", "Prof. Singh"),
    ("Dr. Maria Garcia-Lopez told me to apply", "Dr. Maria Garcia-Lopez"),
    ("Mrs Jones, the senior nurse, is lovely", "Mrs. Jones"),
])
def test_a_titled_name_is_found_in_any_case(text, name):
    assert name_from(text) == name


@pytest.mark.parametrize("text", ["my dr said to rest", "the dr appointment is at 3", "a dr from cardiology",
                                  "she is a consultant", "which dr should I ask?"])
def test_common_words_after_a_title_are_not_names(text):
    assert name_from(text) == ""


def test_a_lower_case_name_keeps_the_field_and_pronoun_that_come_with_it():
    mentor = mentor_from("having coffee with dr okafor tomorrow, she's an electrophysiology attending")
    assert (mentor.name, mentor.pronoun, mentor.specialty) == ("Dr. Okafor", "she", "electrophysiology")


@pytest.mark.parametrize("sep", [" / ", " | ", "; ", " "])
def test_questions_after_a_colon_are_split_whatever_separates_them(sep):
    text = sep.join(["check these: could we meet again in a couple of months?", "what got you into renal?",
                     "can I shadow you in clinic one afternoon?"])
    assert questions_from(text) == ["could we meet again in a couple of months?", "what got you into renal?",
                                    "can I shadow you in clinic one afternoon?"]
