"""Knowledge parsing and chunking: front matter, heading paths, topic overrides, validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.core import PROJECT_ROOT
from retrieval import MAX_CHUNK_WORDS, TOPICS, CorpusError, load_chunks, parse_document

DOC = """---
title: Preparing for Coffee
topic: preparing-for-a-meeting
roles: [mentor, coach]
stages: [resident]
sources:
  - "Author A. A paper. Journal. 2020."
---
A short intro paragraph about getting ready.

## Research the person
Read their recent papers before you go.

### Their clinical work
Look at the clinic they run.

### Their career path
<!-- topic: strategic-career-questions -->
Note the moves they made.

## Say thank you
<!-- topic: follow-up -->
Send a note the same day.

### Report back later
Tell them what you did with the advice.
"""


def test_chunks_keep_heading_path_front_matter_and_effective_topic():
    chunks = parse_document(DOC, "knowledge/prep.md")
    by_heading = {c.heading: c for c in chunks}
    assert list(by_heading) == ["", "Research the person", "Research the person > Their clinical work",
                                "Research the person > Their career path", "Say thank you",
                                "Say thank you > Report back later"]
    assert by_heading[""].text.startswith("A short intro")
    assert by_heading["Research the person"].topic == "preparing-for-a-meeting"
    assert by_heading["Research the person > Their clinical work"].topic == "preparing-for-a-meeting"
    assert by_heading["Research the person > Their career path"].topic == "strategic-career-questions"
    assert by_heading["Say thank you"].topic == "follow-up"
    # a subsection without its own comment inherits its section's override
    assert by_heading["Say thank you > Report back later"].topic == "follow-up"
    first = by_heading["Research the person"]
    assert first.title == "Preparing for Coffee"
    assert first.roles == ("mentor", "coach") and first.stages == ("resident",)
    assert first.sources == ("Author A. A paper. Journal. 2020.",)
    assert first.source_path == "knowledge/prep.md"
    assert "<!--" not in by_heading["Say thank you"].text
    assert len({c.id for c in chunks}) == len(chunks)


def test_search_text_includes_title_and_heading():
    chunk = parse_document(DOC, "k/prep.md")[1]
    assert chunk.search_text.startswith("Preparing for Coffee: Research the person.")
    assert "recent papers" in chunk.search_text


def test_content_hash_changes_with_text_and_metadata_only():
    a = parse_document(DOC, "k/prep.md")
    b = parse_document(DOC.replace("Send a note the same day.", "Send a note within a day."), "k/prep.md")
    changed = [x.id for x, y in zip(a, b, strict=True) if x.content_hash != y.content_hash]
    assert changed == ["k/prep.md#say-thank-you"]
    c = parse_document(DOC.replace("stages: [resident]", "stages: [fellow]"), "k/prep.md")
    assert all(x.content_hash != y.content_hash for x, y in zip(a, c, strict=True))


def test_long_sections_are_split_with_the_same_heading():
    sentences = " ".join(f"Sentence number {i} says something useful about mentors." for i in range(60))
    doc = f"---\ntitle: T\ntopic: follow-up\n---\n## Long one\n{sentences}\n"
    chunks = parse_document(doc, "k/long.md")
    assert len(chunks) >= 2
    assert all(c.heading == "Long one" and len(c.text.split()) <= MAX_CHUNK_WORDS for c in chunks)
    assert len({c.id for c in chunks}) == len(chunks)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter\n## A\ntext", "front matter"),
        ("---\ntitle: T\ntopic: cooking\n---\n## A\ntext", "unknown topic 'cooking'"),
        ("---\ntopic: follow-up\n---\n## A\ntext", "title"),
        ("---\ntitle: T\ntopic: follow-up\nroles: [boss]\n---\n## A\ntext", "unknown roles"),
        ("---\ntitle: T\ntopic: follow-up\nstages: [intern]\n---\n## A\ntext", "unknown stages"),
        ("---\ntitle: T\ntopic: follow-up\n---\n## A\n<!-- topic: nope -->\ntext", "unknown topic 'nope'"),
        ("---\ntitle: T\ntopic: follow-up\n---\n## A\ntext\n<!-- topic: follow-up -->\n", "directly under"),
        ("---\ntitle: [unclosed\n---\n## A\ntext", "not valid YAML"),
    ],
)
def test_bad_files_raise_a_clear_error_naming_the_file(tmp_path, text, message):
    (tmp_path / "good.md").write_text(DOC, encoding="utf-8")
    (tmp_path / "broken-doc.md").write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        load_chunks(tmp_path)
    assert "broken-doc.md" in str(info.value)
    assert message in str(info.value)


def test_missing_folder_is_a_config_error(tmp_path):
    with pytest.raises(CorpusError, match="MENTORPREP_KNOWLEDGE"):
        load_chunks(tmp_path / "nope")


def test_the_shipped_knowledge_base_parses_with_valid_topics():
    folder = Path(PROJECT_ROOT) / "knowledge"
    chunks = load_chunks(folder)
    assert chunks, "the knowledge folder should not be empty"
    assert {c.topic for c in chunks} <= set(TOPICS)
    assert all(c.title and c.text.strip() for c in chunks)
