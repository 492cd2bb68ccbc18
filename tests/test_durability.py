"""Killing the app mid-write loses no committed message and leaves the database intact.

A real child process appends numbered messages through `agent.core.store.Store` as fast as it can and prints each
id only after its commit returns. The test SIGKILLs it mid-stream (no cleanup, no atexit, a transaction very
likely in flight), then checks every acknowledged message is on disk and SQLite reports no damage. Several
rounds run on one file, so each round also proves the next process recovers the journal and carries on.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys

import pytest

from agent.core import PROJECT_ROOT, Store

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


def _run_and_kill(url: str, session: str, first: int, kill_after: int) -> tuple[str, dict[int, int]]:
    """Start a writer, SIGKILL it after ``kill_after`` acknowledgements; return (session, {id: n})."""
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
        os.kill(proc.pid, signal.SIGKILL)
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
    assert proc.returncode == -signal.SIGKILL
    return session, acked


def _check_intact(path: str) -> None:
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()


@pytest.mark.timeout(180)
def test_sigkill_mid_write_loses_no_acknowledged_message(tmp_path):
    path = str(tmp_path / "durability.db")
    url = f"sqlite:///{path}"
    session, acked, first = "", {}, 0
    for kill_after in (40, 150, 7, 300):  # different moments in the write loop
        session, new = _run_and_kill(url, session, first, kill_after)
        assert len(new) >= kill_after
        acked.update(new)
        _check_intact(path)
        # Resume after what is on disk, as the app would: a commit may have landed after the last ack.
        first = max(m["meta"]["n"] for m in Store(url).list_messages(session)) + 1

    stored = {m["id"]: m for m in Store(url).list_messages(session)}
    missing = sorted(set(acked) - set(stored))
    assert not missing, f"{len(missing)} acknowledged messages lost, e.g. ids {missing[:5]}"
    for mid, n in acked.items():
        assert stored[mid]["content"] == f"message {n}" and stored[mid]["meta"] == {"n": n}
    # Nothing half-written: every row is whole, numbers are unique, and at most one unacknowledged
    # message per kill (committed but killed before it could print) is present.
    numbers = [m["meta"]["n"] for m in stored.values()]
    assert len(numbers) == len(set(numbers))
    assert len(stored) - len(acked) <= 4
    _check_intact(path)


def test_store_opens_cleanly_after_a_crash_and_keeps_writing(tmp_path):
    path = str(tmp_path / "again.db")
    url = f"sqlite:///{path}"
    session, acked = _run_and_kill(url, "", 0, 25)
    store = Store(url)
    mid = store.add_message(session, "assistant", "still here")
    messages = store.list_messages(session)
    assert messages[-1]["id"] == mid and messages[-1]["content"] == "still here"
    assert set(acked) <= {m["id"] for m in messages}
    _check_intact(path)
