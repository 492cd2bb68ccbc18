"""Unit tests for the SQLite store."""

from __future__ import annotations

import threading

import pytest

from agent.core import InputError, Store


def test_sessions_list_resume_rename_delete(store):
    first = store.create_session("u1", "Cardiology coffee")
    second = store.create_session("u1")
    store.create_session("someone-else")
    store.add_message(first, "user", "hello")
    listed = store.list_sessions("u1")
    assert {s["id"] for s in listed} == {first, second}
    assert listed[0]["id"] == first  # most recently updated first
    assert listed[0]["message_count"] == 1
    store.rename_session(second, "  Renamed \n title ")
    assert store.get_session(second)["title"] == "Renamed title"
    store.delete_session(first)
    assert store.get_session(first) is None
    assert store.list_messages(first) == []


def test_messages_keep_order_meta_and_partial_flag(store):
    sid = store.create_session("u1")
    store.add_message(sid, "user", "question")
    store.add_message(sid, "assistant", "half an ans", partial=True, meta={"citations": [{"n": 1}]})
    rows = store.list_messages(sid)
    assert [r["content"] for r in rows] == ["question", "half an ans"]
    assert rows[1]["partial"] is True and rows[1]["meta"] == {"citations": [{"n": 1}]}
    with pytest.raises(InputError):
        store.add_message(sid, "robot", "x")


def test_messages_survive_reopening_the_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    sid = Store(url).create_session("u1")
    Store(url).add_message(sid, "user", "kept across restarts")
    assert Store(url).list_messages(sid)[0]["content"] == "kept across restarts"


def test_profile_merges_updates(store):
    assert store.get_profile("u1")["name"] == ""
    store.save_profile("u1", name="Dana", career_stage="resident")
    store.save_profile("u1", specialty="pediatrics")
    assert store.get_profile("u1") == {"name": "Dana", "career_stage": "resident", "specialty": "pediatrics",
                                       "goals": "", "interests": ""}
    with pytest.raises(InputError):
        store.save_profile("u1", password="x")


def test_mentors_meetings_and_kept_questions(store):
    mid = store.add_mentor("u1", "Dr. Lee", specialty="nephrology", setting="clinical")
    store.update_mentor(mid, role_estimate={"role": "sponsor"}, notes="met at grand rounds")
    assert store.find_mentor("u1", "dr. lee")["role_estimate"] == {"role": "sponsor"}
    meeting = store.add_meeting(mid, "2026-12-01", goal="ask about fellowship")
    store.update_meeting(meeting, log="went well")
    assert store.list_meetings(mid)[0]["log"] == "went well"
    with pytest.raises(InputError):
        store.add_meeting(mid, "next tuesday")
    with pytest.raises(InputError):
        store.add_mentor("u1", "  ")
    with pytest.raises(InputError):
        store.add_mentor("u1", "Dr. X", setting="moon")
    q = store.keep_question("u1", "What surprised you?", score=80, mentor_id=mid)
    assert store.keep_question("u1", "What surprised you?", score=80, mentor_id=mid) == q  # no duplicates
    store.keep_question("u1", "General one", score=90)
    assert [k["text"] for k in store.list_kept_questions("u1", mid)] == ["General one", "What surprised you?"]
    store.delete_mentor(mid)
    assert store.list_meetings(mid) == []
    assert len(store.list_kept_questions("u1")) == 2  # kept questions outlive the mentor


def test_artifacts_round_trip(store):
    sid = store.create_session("u1")
    store.save_artifact(sid, "read_room", {"role": "coach", "scores": {"coach": 0.7}})
    assert store.get_artifacts(sid, "read_room")[0]["data"]["role"] == "coach"


def test_concurrent_writers_never_mix_sessions(store):
    sids = [store.create_session(f"user{i}") for i in range(20)]

    def write(i: int) -> None:
        for j in range(10):
            store.add_message(sids[i], "user", f"s{i}-m{j}")

    threads = [threading.Thread(target=write, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, sid in enumerate(sids):
        assert [m["content"] for m in store.list_messages(sid)] == [f"s{i}-m{j}" for j in range(10)]
