"""What a PostgreSQL deployment adds: URL forms, several app processes starting at once, server restarts.

The store's behaviour itself is tested on both backends in test_store.py, test_export.py, test_durability.py
and test_concurrency.py; this file covers what only a server has.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from agent.core import PROJECT_ROOT, Store
from agent.core.store import normalise_url
from tests.pgserver import Cluster, require_postgres, shared_cluster

STARTER = r"""
import sys
from agent.core.store import Store

store = Store(sys.argv[1])
print(store.for_user(sys.argv[2]).create_session("started"), flush=True)
"""


def test_plain_postgres_urls_use_the_psycopg_driver():
    assert normalise_url("postgres://u:p@db/x") == "postgresql+psycopg://u:p@db/x"
    assert normalise_url("postgresql://u:p@db/x") == "postgresql+psycopg://u:p@db/x"
    assert normalise_url("postgresql+psycopg://u:p@db/x") == "postgresql+psycopg://u:p@db/x"
    assert normalise_url("sqlite:///data/x.db") == "sqlite:///data/x.db"


@pytest.mark.postgres
def test_several_app_processes_can_start_on_an_empty_database_at_once():
    cluster = shared_cluster()
    with cluster.schema() as schema:
        url = cluster.url(schema)
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
        procs = [subprocess.Popen([sys.executable, "-c", STARTER, url, f"user-{n}"], cwd=PROJECT_ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(3)]
        results = [p.communicate(timeout=120) for p in procs]
        assert all(p.returncode == 0 for p in procs), [err[-800:] for _, err in results]
        store = Store(url)
        for n, (out, _) in enumerate(results):
            assert [s["id"] for s in store.for_user(f"user-{n}").list_sessions()] == [out.strip()]
        store.close()


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_the_store_carries_on_after_the_database_server_restarts():
    cluster = Cluster(require_postgres(), max_connections=20).start()  # its own server: this test restarts it
    try:
        mine = Store(cluster.url()).for_user("dana")
        sid = mine.create_session("Before the restart")
        mine.add_message(sid, "user", "first")
        cluster.stop_server()
        cluster.start()
        mine.add_message(sid, "user", "second")  # pooled connections died with the server; new ones are made
        assert [m["content"] for m in mine.list_messages(sid)] == ["first", "second"]
    finally:
        cluster.stop()
