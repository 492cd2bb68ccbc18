""""Export everything" and "Delete everything about me", on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from agent.core import Store, export_everything
from agent.core.schema import OWNERSHIP, metadata
from tests.pgserver import BACKENDS, backend_url


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    with backend_url(request.param, tmp_path) as url:
        opened = Store(url)
        yield opened
        opened.close()


def _fill(store: Store, user_id: str, marker: str) -> dict[str, int]:
    """Give ``user_id`` a row in every table, each carrying ``marker`` in its text; return how many per table."""
    me = store.for_user(user_id)
    me.save_profile(name=f"Dana {marker}", career_stage="resident", goals=f"GI fellowship {marker}")
    chat = me.create_session(f"Coffee with Dr. Ruiz {marker}")
    me.add_message(chat, "user", f"How do I ask about research? {marker}")
    me.add_message(chat, "assistant", f"Start with their path. {marker}", meta={"citations": [{"n": 1}]})
    me.save_artifact(chat, "prep_sheet", {"markdown": f"# Prep sheet: meeting Dr. Ruiz\n\n## Goal\n\n- {marker}"})
    note = me.save_artifact(chat, "follow_up", {"note": f"Dear Dr. Ruiz, thank you. {marker}"})
    me.update_artifact(note, {"note": f"Dear Dr. Ruiz, thank you - abstract by Friday. {marker}"})
    me.put_artifact(chat, "conversation_state", {"meeting_notes": marker, "turns": 2})
    rehearsal = me.create_session("Rehearsal")
    me.add_message(rehearsal, "persona", f"Tell me about yourself. {marker}", kind="rehearsal")
    me.save_artifact(rehearsal, "rehearsal_debrief", {"debrief": {"checks": [
        {"label": f"Thanked the mentor {marker}", "passed": True}]}})
    mentor = me.add_mentor(f"Dr. Ruiz {marker}", specialty="cardiology", setting="clinical",
                           notes=f"Booked a full hour {marker}", role_estimate={"role": "sponsor"})
    me.add_meeting(mentor, "2026-03-02", goal=f"Ask about the echo lab {marker}", log=f"Went well {marker}")
    me.keep_question(f"What surprised you about cardiology? {marker}", mentor_id=mentor, score=80)
    me.keep_question(f"How did you pick your fellowship? {marker}", score=70)
    return {"profiles": 1, "sessions": 2, "messages": 3, "artifacts": 4, "mentors": 1, "meetings": 1,
            "kept_questions": 2}


def _everything(store: Store) -> str:
    """Every row of every table, as text."""
    with store.engine.connect() as c:
        return json.dumps({name: [dict(r._mapping) for r in c.execute(select(table))]
                           for name, table in metadata.tables.items()}, default=str)


def test_export_holds_every_row_of_the_user_and_nothing_of_anyone_else(store):
    counts = _fill(store, "dana", "MARK-DANA")
    _fill(store, "eli", "MARK-ELI")
    files = export_everything(store.for_user("dana"), now=datetime(2026, 3, 3, 9, 30, tzinfo=UTC))
    assert files.json_name == "mentorprep-export-2026-03-03.json" and files.markdown_name.endswith(".md")
    assert "MARK-ELI" not in files.json_text and "MARK-ELI" not in files.markdown_text

    document = json.loads(files.json_text)
    assert document["format"] == "mentorprep-export" and document["user_id"] == "dana"
    assert {name: len(rows) for name, rows in document["tables"].items()} == counts
    assert set(document["tables"]) == set(OWNERSHIP)  # every table, so nothing a user made is left out
    follow_up = next(a for a in document["tables"]["artifacts"] if a["kind"] == "follow_up")
    assert follow_up["edited"] is True and "abstract by Friday" in follow_up["data"]["note"]
    assert document["tables"]["sessions"][0]["created_at"].endswith("Z")

    md = files.markdown_text
    for expected in ("# MentorPrep: everything about you", "Coffee with Dr. Ruiz MARK-DANA",
                     "> How do I ask about research? MARK-DANA", "**Mentor (rehearsal)**",
                     "**Follow-up note** (edited by you)", "abstract by Friday", "Prep sheet: meeting Dr. Ruiz",
                     "PASS: Thanked the mentor", "### Dr. Ruiz MARK-DANA (cardiology, clinical)",
                     "#### Meeting on 2026-03-02", "Went well MARK-DANA", "## Kept questions (2)",
                     "for Dr. Ruiz MARK-DANA", "**Goals:** GI fellowship MARK-DANA"):
        assert expected in md, expected
    assert "\n# Prep sheet" not in md  # the user's own Markdown is quoted, so it cannot break the outline


def test_an_empty_account_exports_cleanly(store):
    files = export_everything(store.for_user("nobody"))
    assert all(rows == [] for rows in json.loads(files.json_text)["tables"].values())
    assert "## Sessions (0)" in files.markdown_text and "Nothing saved." in files.markdown_text


def test_delete_everything_leaves_no_row_and_no_index_entry_and_spares_everyone_else(store):
    _fill(store, "dana", "MARK-DANA")
    _fill(store, "eli", "MARK-ELI")
    eli_before = store.for_user("eli").export_rows()
    index = {"knowledge-1": None, "dana-note-1": "dana", "dana-note-2": "dana", "eli-note-1": "eli"}

    def forget_index_entries(user_id: str) -> None:
        for key in [k for k, owner in index.items() if owner == user_id]:
            del index[key]

    counts = store.delete_user("dana", forget=[forget_index_entries])
    assert counts == {"messages": 3, "artifacts": 4, "meetings": 1, "kept_questions": 2, "sessions": 2,
                      "mentors": 1, "profiles": 1}
    everything = _everything(store)
    assert "MARK-DANA" not in everything and '"dana"' not in everything  # no row, no text, no id in any table
    assert index == {"knowledge-1": None, "eli-note-1": "eli"}
    assert store.for_user("dana").export_rows() == {name: [] for name in OWNERSHIP}
    assert store.for_user("eli").export_rows() == eli_before
    assert store.delete_user("dana") == dict.fromkeys(counts, 0)  # asking twice is harmless


def test_a_failing_index_cleanup_deletes_nothing_so_the_request_can_be_repeated(store):
    _fill(store, "dana", "MARK-DANA")
    before = store.for_user("dana").export_rows()

    def index_unreachable(user_id: str) -> None:
        raise ConnectionError("search index unreachable")

    with pytest.raises(ConnectionError):
        store.delete_user("dana", forget=[index_unreachable])
    assert store.for_user("dana").export_rows() == before


def test_the_command_line_exports_and_deletes_for_an_administrator(tmp_path, capsys):
    from agent.__main__ import main
    from agent.core import load_settings

    store = Store(load_settings().db_url)
    _fill(store, "00u-dana", "MARK-DANA")
    assert main(["export", "--user", "00u-dana", "--out", str(tmp_path / "out")]) == 0
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert [n.rsplit(".", 1)[1] for n in written] == ["json", "md"]
    assert "MARK-DANA" in (tmp_path / "out" / written[1]).read_text()
    assert main(["delete-user", "--user", "00u-dana"]) == 2  # needs --yes
    assert store.for_user("00u-dana").list_sessions()
    assert main(["delete-user", "--user", "00u-dana", "--yes"]) == 0
    assert "2 sessions" in capsys.readouterr().out
    assert store.for_user("00u-dana").export_rows() == {name: [] for name in OWNERSHIP}


def test_the_your_data_buttons_export_both_files_and_delete_everything_after_a_confirmation(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from agent.core import PROJECT_ROOT, load_settings

    monkeypatch.setenv("MENTORPREP_MODEL", "fake")
    store = Store(load_settings().db_url)
    _fill(store, "local", "MARK-LOCAL")
    _fill(store, "00u-eli", "MARK-ELI")
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception

    at.sidebar.button(key="export-everything").click().run()
    files = at.session_state["account-export"]
    assert "MARK-LOCAL" in files.json_text and "MARK-LOCAL" in files.markdown_text
    assert "MARK-ELI" not in files.json_text + files.markdown_text
    assert [b.label for b in at.sidebar.get("download_button")] == ["Download JSON (every detail)",
                                                                     "Download Markdown (readable)"]

    at.sidebar.button(key="delete-everything").click().run()
    assert "cannot be undone" in at.sidebar.warning[0].value
    assert "MARK-LOCAL" in _everything(store)  # nothing happens before the confirmation
    at.sidebar.button(key="delete-everything-confirm").click().run()
    assert not at.exception
    assert "MARK-LOCAL" not in _everything(store) and "MARK-ELI" in _everything(store)
    rows = store.for_user("local").export_rows()
    assert rows["sessions"] == [{**rows["sessions"][0]}] and rows["sessions"][0]["id"] == at.query_params["session"]
    assert all(rows[name] == [] for name in rows if name != "sessions")  # only the fresh, empty session
    assert "Deleted everything about you" in at.sidebar.success[0].value
    assert at.sidebar.text_input(key="profile-name").value == ""
    assert "account-export" not in at.session_state
