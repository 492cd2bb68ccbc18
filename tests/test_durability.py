"""Killing the app mid-write loses no committed message and leaves the database intact, on SQLite and PostgreSQL.

A real child process appends numbered messages through `agent.core.store.Store` as fast as it can and prints each
id only after its commit returns. The test SIGKILLs it mid-stream (no cleanup, no atexit, a transaction very
likely in flight), then checks every acknowledged message is stored and the database reports no damage (SQLite's
integrity check; on PostgreSQL, amcheck over every index). Several rounds run on one database, so each round
also proves the next process recovers and carries on. On PostgreSQL the server itself is also SIGKILLed
mid-write and restarted: crash recovery must bring back every commit it acknowledged.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable

import pytest
from sqlalchemy import text

from agent.core import PROJECT_ROOT, Store
from tests.pgserver import BACKENDS, Cluster, backend_url, require_postgres

WRITER = r"""
import sys
from agent.core.store import Store

store = Store(sys.argv[1])
sid = sys.argv[2] or store.create_session("local", "durability")
print("session", sid, flush=True)
n = int(sys.argv[3])
while True:
    mid = store.add_message(sid, "user", f"message {n}", meta={"n": n})
    print(mid, n, flush=True)  # printed only once the commit has returned
    n += 1
"""


def _run_and_kill(url: str, session: str, first: int, kill_after: int,
                  crash: Callable[[], None] | None = None) -> tuple[str, dict[int, int]]:
    """Start a writer; after ``kill_after`` acknowledgements SIGKILL it (or run ``crash``).

    Returns (session, {message id: n}).
    """
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, url, session, str(first)], cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    acked: dict[int, int] = {}
    try:
        header = proc.stdout.readline().split()
        assert header[:1] == ["session"], proc.stderr.read()
        session = header[1]
        while len(acked) < kill_after:
            line = proc.stdout.readline()
            assert line, f"writer died early: {proc.stderr.read()[-2000:]}"
            mid, n = map(int, line.split())
            acked[mid] = n
        if crash is None:
            os.kill(proc.pid, signal.SIGKILL)
        else:
            crash()  # the writer's next commit fails and it exits on its own
        # Lines already in the pipe were printed after their commits too: they count as acknowledged.
        for line in proc.stdout.read().splitlines():
            if len(line.split()) == 2:
                mid, n = map(int, line.split())
                acked[mid] = n
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    if crash is None:
        assert proc.returncode == -signal.SIGKILL
    return session, acked


def _check_intact(url: str) -> None:
    if url.startswith("sqlite"):
        con = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            con.close()
        return
    store = Store(url)
    try:
        with store.engine.begin() as c:
            orphans = c.execute(text("SELECT count(*) FROM messages m LEFT JOIN sessions s ON s.id = m.session_id "
                                     "WHERE s.id IS NULL")).scalar()
            assert orphans == 0
            c.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck SCHEMA public"))
            indexes = c.execute(text("SELECT i.indexrelid FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
                                     "WHERE t.relnamespace = current_schema()::regnamespace")).scalars().all()
            assert indexes
            for oid in indexes:  # raises if an index is corrupt or disagrees with its table
                c.execute(text("SELECT public.bt_index_check(:oid, true)"), {"oid": oid})
    finally:
        store.close()


def _check_kept(url: str, session: str, acked: dict[int, int], kills: int) -> None:
    stored = {m["id"]: m for m in Store(url).list_messages(session)}
    missing = sorted(set(acked) - set(stored))
    assert not missing, f"{len(missing)} acknowledged messages lost, e.g. ids {missing[:5]}"
    for mid, n in acked.items():
        assert stored[mid]["content"] == f"message {n}" and stored[mid]["meta"] == {"n": n}
    # Nothing half-written: every row is whole, numbers are unique, and at most one unacknowledged
    # message per kill (committed but killed before it could print) is present.
    numbers = [m["meta"]["n"] for m in stored.values()]
    assert len(numbers) == len(set(numbers))
    assert len(stored) - len(acked) <= kills


def _resume_after(url: str, session: str) -> int:
    """Resume after what is stored, as the app would: a commit may have landed after the last ack."""
    return max(m["meta"]["n"] for m in Store(url).list_messages(session)) + 1


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path):
    with backend_url(request.param, tmp_path) as database:
        yield database


@pytest.mark.timeout(180)
def test_sigkill_mid_write_loses_no_acknowledged_message(url):
    session, acked, first = "", {}, 0
    for kill_after in (40, 150, 7, 300):  # different moments in the write loop
        session, new = _run_and_kill(url, session, first, kill_after)
        assert len(new) >= kill_after
        acked.update(new)
        _check_intact(url)
        first = _resume_after(url, session)
    _check_kept(url, session, acked, kills=4)
    _check_intact(url)


def test_store_opens_cleanly_after_a_crash_and_keeps_writing(url):
    session, acked = _run_and_kill(url, "", 0, 25)
    store = Store(url)
    mid = store.add_message(session, "assistant", "still here")
    messages = store.list_messages(session)
    assert messages[-1]["id"] == mid and messages[-1]["content"] == "still here"
    assert set(acked) <= {m["id"] for m in messages}
    store.close()
    _check_intact(url)


@pytest.mark.postgres
@pytest.mark.timeout(240)
def test_postgres_server_killed_mid_write_recovers_every_acknowledged_commit():
    cluster = Cluster(require_postgres(), max_connections=20).start()  # its own server: this test kills it
    try:
        url = cluster.url()
        session, acked, first = "", {}, 0
        for kill_after in (60, 200):
            session, new = _run_and_kill(url, session, first, kill_after, crash=cluster.crash)
            assert len(new) >= kill_after
            acked.update(new)
            cluster.start()  # crash recovery replays the write-ahead log
            first = _resume_after(url, session)
        _check_kept(url, session, acked, kills=2)
        _check_intact(url)
        assert "database system was interrupted" in cluster.log_tail() or "redo" in cluster.log.read_text()
    finally:
        cluster.stop()
