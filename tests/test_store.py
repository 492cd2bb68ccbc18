"""The store, on SQLite and on a real PostgreSQL server: every row belongs to one user and stays theirs."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, text

from agent.core import InputError, Store
from agent.core.schema import OWNERSHIP, metadata
from agent.core.store import NotFound
from tests.pgserver import BACKENDS, backend_url


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    """(backend name, database URL) with an empty database."""
    with backend_url(request.param, tmp_path) as url:
        yield request.param, url


@pytest.fixture
def store(backend):
    opened = Store(backend[1])
    yield opened
    opened.close()


def test_sessions_list_resume_rename_delete(store):
    mine = store.for_user("u1")
    first = mine.create_session("Cardiology coffee")
    second = mine.create_session()
    store.for_user("someone-else").create_session()
    mine.add_message(first, "user", "hello")
    listed = mine.list_sessions()
    assert {s["id"] for s in listed} == {first, second}
    assert listed[0]["id"] == first  # most recently updated first
    assert listed[0]["message_count"] == 1
    mine.rename_session(second, "  Renamed \n title ")
    assert mine.get_session(second)["title"] == "Renamed title"
    assert mine.delete_session(first) is True
    assert mine.get_session(first) is None and mine.list_messages(first) == []
    assert mine.delete_session(first) is False  # deleting twice is harmless


def test_messages_keep_order_meta_and_partial_flag(store):
    mine = store.for_user("u1")
    sid = mine.create_session()
    mine.add_message(sid, "user", "question")
    mine.add_message(sid, "assistant", "half an ans", partial=True, meta={"citations": [{"n": 1}]})
    rows = mine.list_messages(sid)
    assert [r["content"] for r in rows] == ["question", "half an ans"]
    assert rows[1]["partial"] is True and rows[1]["meta"] == {"citations": [{"n": 1}]}
    with pytest.raises(InputError):
        mine.add_message(sid, "robot", "x")


def test_messages_survive_reopening_the_database(backend):
    url = backend[1]
    sid = Store(url).for_user("u1").create_session()
    Store(url).for_user("u1").add_message(sid, "user", "kept across restarts")
    assert Store(url).for_user("u1").list_messages(sid)[0]["content"] == "kept across restarts"


def test_profile_merges_updates(store):
    mine = store.for_user("u1")
    assert mine.get_profile()["name"] == ""
    mine.save_profile(name="Dana", career_stage="resident")
    mine.save_profile(specialty="pediatrics")
    assert mine.get_profile() == {"name": "Dana", "career_stage": "resident", "specialty": "pediatrics",
                                  "goals": "", "interests": ""}
    assert store.for_user("u2").get_profile()["name"] == ""
    with pytest.raises(InputError):
        mine.save_profile(password="x")


def test_mentors_meetings_and_kept_questions(store):
    mine = store.for_user("u1")
    mid = mine.add_mentor("Dr. Lee", specialty="nephrology", setting="clinical")
    mine.update_mentor(mid, role_estimate={"role": "sponsor"}, notes="met at grand rounds")
    assert mine.find_mentor("dr. lee")["role_estimate"] == {"role": "sponsor"}
    meeting = mine.add_meeting(mid, "2026-12-01", goal="ask about fellowship")
    mine.update_meeting(meeting, log="went well")
    assert mine.list_meetings(mid)[0]["log"] == "went well"
    with pytest.raises(InputError):
        mine.add_meeting(mid, "next tuesday")
    with pytest.raises(InputError):
        mine.add_mentor("  ")
    with pytest.raises(InputError):
        mine.add_mentor("Dr. X", setting="moon")
    q = mine.keep_question("What surprised you?", score=80, mentor_id=mid)
    assert mine.keep_question("What surprised you?", score=80, mentor_id=mid) == q  # no duplicates
    mine.keep_question("General one", score=90)
    assert [k["text"] for k in mine.list_kept_questions(mid)] == ["General one", "What surprised you?"]
    assert mine.delete_mentor(mid) is True
    assert mine.list_meetings(mid) == []
    assert len(mine.list_kept_questions()) == 2  # kept questions outlive the mentor


def test_artifacts_keep_versions_the_latest_and_one_slot_kinds(store):
    mine = store.for_user("u1")
    sid = mine.create_session()
    mine.save_artifact(sid, "read_room", {"role": "coach", "scores": {"coach": 0.7}})
    mine.save_artifact(sid, "read_room", {"role": "sponsor"})
    assert [a["data"]["role"] for a in mine.list_artifacts(sid, "read_room")] == ["coach", "sponsor"]
    assert mine.latest_artifact(sid, "read_room")["data"] == {"role": "sponsor"}
    assert mine.latest_artifact(sid, "prep_sheet") is None
    state = mine.put_artifact(sid, "conversation_state", {"turns": 1})
    assert mine.put_artifact(sid, "conversation_state", {"turns": 2}) == state  # one state per session
    assert [a["data"] for a in mine.list_artifacts(sid, "conversation_state")] == [{"turns": 2}]
    assert mine.latest_artifact(sid, "conversation_state")["edited"] is False
    with pytest.raises(InputError):
        mine.save_artifact(sid, "Prep Sheet!", {})


def test_a_follow_up_draft_can_be_reopened_and_edited(backend):
    url = backend[1]
    first_visit = Store(url).for_user("u1")
    sid = first_visit.create_session("After coffee with Dr. Ruiz")
    draft = {"note": "Dear Dr. Ruiz, thank you for your time today.", "used": ["next_step"]}
    aid = first_visit.save_artifact(sid, "follow_up", draft)

    reopened = Store(url).for_user("u1")  # a restart, a new tab, another day
    latest = reopened.latest_artifact(sid, "follow_up")
    assert latest["id"] == aid and latest["data"] == draft and latest["edited"] is False
    edited = dict(draft, note="Dear Dr. Ruiz, thank you - I'll send the abstract by Friday.")
    row = reopened.update_artifact(aid, edited)
    assert row["edited"] is True and row["data"] == edited

    again = Store(url).for_user("u1").latest_artifact(sid, "follow_up")
    assert again["data"]["note"].endswith("abstract by Friday.") and again["edited"] is True
    Store(url).for_user("u1").update_artifact(aid, dict(edited, sent=True), edited=False)
    assert Store(url).for_user("u1").get_artifact(aid)["edited"] is True  # once edited, stays marked
    with pytest.raises(NotFound):
        Store(url).for_user("u2").update_artifact(aid, {"note": "hijacked"})
    assert Store(url).for_user("u1").get_artifact(aid)["data"]["sent"] is True


def test_another_users_ids_reveal_nothing_and_change_nothing(store):
    owner, other = store.for_user("owner"), store.for_user("intruder")
    sid = owner.create_session("Secret title: leaving the programme")
    owner.add_message(sid, "user", "private words")
    aid = owner.save_artifact(sid, "prep_sheet", {"markdown": "# private sheet"})
    mid = owner.add_mentor("Dr. Hidden", notes="private notes")
    meeting = owner.add_meeting(mid, "2026-01-02", log="private log")
    qid = owner.keep_question("A private question?", mentor_id=mid)

    assert other.get_session(sid) is None and other.list_sessions() == []
    assert other.list_messages(sid) == [] and other.list_artifacts(sid) == []
    assert other.get_artifact(aid) is None and other.latest_artifact(sid, "prep_sheet") is None
    assert other.get_mentor(mid) is None and other.list_mentors() == [] and other.list_meetings(mid) == []
    assert other.list_kept_questions() == [] and other.list_kept_questions(mid) == []
    attempts = [
        lambda: other.add_message(sid, "user", "injected"),
        lambda: other.save_artifact(sid, "prep_sheet", {}),
        lambda: other.put_artifact(sid, "conversation_state", {}),
        lambda: other.update_artifact(aid, {}),
        lambda: other.rename_session(sid, "mine now"),
        lambda: other.update_mentor(mid, notes="mine now"),
        lambda: other.add_meeting(mid, "2026-01-03"),
        lambda: other.update_meeting(meeting, log="mine now"),
        lambda: other.keep_question("Attach to their mentor?", mentor_id=mid),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound) as info:
            attempt()
        assert not any(secret in str(info.value) for secret in ("Secret title", "private", "Dr. Hidden"))
    assert other.delete_session(sid) is False and other.delete_mentor(mid) is False
    assert other.delete_meeting(meeting) is False and other.remove_kept_question(qid) is False
    assert other.get_mentor("not-a-number") is None and other.list_meetings("x") == []

    assert owner.get_session(sid)["title"] == "Secret title: leaving the programme"
    assert [m["content"] for m in owner.list_messages(sid)] == ["private words"]
    assert owner.get_artifact(aid)["data"] == {"markdown": "# private sheet"}
    assert owner.get_mentor(mid)["notes"] == "private notes"
    assert owner.list_meetings(mid)[0]["log"] == "private log"
    assert [q["id"] for q in owner.list_kept_questions(mid)] == [qid]
    assert other.export_rows() == {name: [] for name in OWNERSHIP}


def test_the_earlier_api_acts_for_the_local_user_only(store):
    local = store.create_session("local", "Mine")
    theirs = store.create_session("u1", "Theirs")
    store.add_message(local, "user", "hello")
    assert store.get_session(local)["title"] == "Mine" and store.list_messages(local)[0]["content"] == "hello"
    assert store.get_session(theirs) is None and store.list_messages(theirs) == []
    with pytest.raises(NotFound):
        store.add_message(theirs, "user", "injected")
    assert store.get_session(theirs, user_id="u1")["title"] == "Theirs"
    mid = store.add_mentor("u1", "Dr. Lee")
    assert store.get_mentor(mid) is None and store.get_mentor(mid, user_id="u1")["name"] == "Dr. Lee"
    assert [s["id"] for s in store.list_sessions("local")] == [local]


def test_user_ids_must_be_real_strings(store):
    for bad in ("", "   ", None, "x" * 256):
        with pytest.raises(InputError):
            store.for_user(bad)
    long_subject = "auth0|" + "9" * 240  # OpenID subjects may be long
    assert store.for_user(long_subject).get_session(store.for_user(long_subject).create_session())


def test_every_table_says_how_its_rows_belong_to_a_user():
    assert set(OWNERSHIP) == set(metadata.tables), "add new tables to OWNERSHIP and DELETE_ORDER in schema.py"


FIRST_RELEASE = """
    CREATE TABLE sessions (id VARCHAR(36) PRIMARY KEY, user_id VARCHAR(64) NOT NULL, title VARCHAR(200) NOT NULL,
        mode VARCHAR(40) NOT NULL, created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL);
    CREATE TABLE artifacts (id {serial} PRIMARY KEY, session_id VARCHAR(36) NOT NULL
        REFERENCES sessions(id) ON DELETE CASCADE, kind VARCHAR(40) NOT NULL, data JSON NOT NULL,
        created_at TIMESTAMP NOT NULL);
    INSERT INTO sessions VALUES ('s1', 'local', 'Old', 'chat', '2025-01-01 10:00:00', '2025-01-01 10:00:00');
    INSERT INTO artifacts (session_id, kind, data, created_at)
        VALUES ('s1', 'follow_up', '{{"note": "old draft"}}', '2025-01-01 10:00:00')
"""


def test_a_database_from_the_first_release_is_upgraded_in_place(backend):
    name, url = backend
    serial = "INTEGER" if name == "sqlite" else "SERIAL"  # SQLite's INTEGER PRIMARY KEY is its rowid
    engine = create_engine(url)
    with engine.begin() as c:
        for statement in FIRST_RELEASE.format(serial=serial).split(";"):
            c.execute(text(statement))
    engine.dispose()
    store = Store(url)
    mine = store.for_user("local")
    old = mine.latest_artifact("s1", "follow_up")
    assert old["data"] == {"note": "old draft"} and old["edited"] is False
    assert mine.update_artifact(old["id"], {"note": "new draft"})["edited"] is True
    assert mine.save_artifact("s1", "prep_sheet", {"title": "new"}) > old["id"]
    assert mine.list_mentors() == []  # the tables that release lacked were created
    store.close()


def test_concurrent_writers_never_mix_sessions(store):
    users = [store.for_user(f"user{i}") for i in range(20)]
    sids = [u.create_session() for u in users]

    def write(i: int) -> None:
        for j in range(10):
            users[i].add_message(sids[i], "user", f"s{i}-m{j}")

    threads = [threading.Thread(target=write, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, sid in enumerate(sids):
        assert [m["content"] for m in users[i].list_messages(sid)] == [f"s{i}-m{j}" for j in range(10)]
        assert [s["id"] for s in users[i].list_sessions()] == [sid]
