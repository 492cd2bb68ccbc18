"""A throwaway PostgreSQL server for the store's tests, started from Debian's (or any local) server binaries.

One cluster is started per test run, on 127.0.0.1 at a free port, in a temporary folder, with a random
password; it is stopped when the run ends. Each test gets its own schema (through ``search_path`` in the URL),
so tests never see each other's rows. As root, the server runs as the ``postgres`` user (``runuser``).

Environment:
    MENTORPREP_PG_TESTS: ``1`` makes a missing or broken server an error (CI sets it); ``0`` skips the
        PostgreSQL tests; unset, they run when the binaries are found and skip with the reason otherwise.
    MENTORPREP_PG_BIN: the folder with ``initdb`` and ``pg_ctl`` (default: ``initdb`` on PATH, or the newest
        ``/usr/lib/postgresql/*/bin``).
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
_lock = threading.Lock()
_shared: Cluster | None = None
_problem: str | None = None


def pg_bindir() -> Path | None:
    """Where initdb and pg_ctl are, or None."""
    explicit = os.environ.get("MENTORPREP_PG_BIN")
    if explicit:
        return Path(explicit) if (Path(explicit) / "initdb").exists() else None
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
                   if p.parts[-3].isdigit() else 0)
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster in a temporary folder, listening on 127.0.0.1 only."""

    def __init__(self, bindir: Path, *, max_connections: int = 200) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="mentorprep-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = _free_port()
        self.password = secrets.token_urlsafe(18)
        self.max_connections = max_connections
        self._as_postgres = os.geteuid() == 0  # the server refuses to run as root
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_postgres else []
        done = subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr.strip()[-1500:]}\n{self.log_tail()}")
        return done

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-1500:] if self.log.exists() else ""

    def start(self) -> Cluster:
        """initdb on first start, then start the server and wait until it accepts connections."""
        if not self.data.exists():
            pwfile = self.root / "pw"
            pwfile.write_text(self.password + "\n")
            if self._as_postgres:
                shutil.chown(pwfile, "postgres", "postgres")
            self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-E", "UTF8",
                      "--no-locale", "-A", "scram-sha-256", f"--pwfile={pwfile}", "--no-sync")
            pwfile.unlink()
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
                   f"-c max_connections={self.max_connections} -c fsync=on -c synchronous_commit=on")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", options, "start")
        return self

    def stop_server(self) -> None:
        """Stop the server cleanly (open connections are closed); the data stays for the next start."""
        if (self.data / "postmaster.pid").exists():
            try:
                self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
            except (RuntimeError, subprocess.TimeoutExpired):
                self.crash()

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        self.stop_server()
        shutil.rmtree(self.root, ignore_errors=True)

    def crash(self) -> None:
        """SIGKILL the server and every process it started, as a power cut or OOM kill would."""
        pidfile = self.data / "postmaster.pid"
        if not pidfile.exists():
            return
        postmaster = int(pidfile.read_text().split()[0])
        children = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _parent(p) == postmaster]
        for pid in (postmaster, *children):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 30
        while any(Path(f"/proc/{pid}").exists() for pid in (postmaster, *children)) and time.monotonic() < deadline:
            if all(_parent(Path(f"/proc/{pid}")) is None for pid in (postmaster, *children)) \
                    and deadline - time.monotonic() < 25:
                # Dead but not yet reaped by whoever adopted them: the server would take the zombie's pid in
                # postmaster.pid for a live server, so remove the lock file as a reboot would.
                pidfile.unlink(missing_ok=True)
                break
            time.sleep(0.05)

    def url(self, schema: str | None = None, database: str = "postgres") -> str:
        """A SQLAlchemy URL; with ``schema``, every connection works inside that schema."""
        base = f"postgresql+psycopg://postgres:{quote(self.password)}@127.0.0.1:{self.port}/{database}"
        return base + (f"?options={quote(f'-csearch_path={schema}')}" if schema else "")

    def execute(self, sql: str) -> list[tuple]:
        """Run one statement as the superuser (autocommit) and return its rows."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", password=self.password,
                             dbname="postgres", autocommit=True, connect_timeout=10) as conn:
            cur = conn.execute(sql)
            return cur.fetchall() if cur.description else []

    @contextmanager
    def schema(self) -> Iterator[str]:
        """A fresh, empty schema for one test; dropped afterwards."""
        name = "t_" + secrets.token_hex(6)
        self.execute(f"CREATE SCHEMA {name}")
        try:
            yield name
        finally:
            self.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def _parent(proc: Path) -> int | None:
    try:
        for line in (proc / "status").read_text().splitlines():
            if line.startswith("State:") and "Z" in line.split()[1]:
                return None  # a zombie holds no resources
            if line.startswith("PPid:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, ValueError):
        return None
    return None


def _unavailable(reason: str) -> None:
    if os.environ.get("MENTORPREP_PG_TESTS") == "1":
        pytest.fail(f"MENTORPREP_PG_TESTS=1 but PostgreSQL is not usable: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


def require_postgres() -> Path:
    """The server binaries' folder, or skip (fail under MENTORPREP_PG_TESTS=1) saying what is missing."""
    if os.environ.get("MENTORPREP_PG_TESTS") == "0":
        pytest.skip("PostgreSQL tests skipped: MENTORPREP_PG_TESTS=0")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("the psycopg driver is not installed (pip install -e '.[postgres]')")
    bindir = pg_bindir()
    if bindir is None:
        _unavailable("no initdb found (apt-get install postgresql, or set MENTORPREP_PG_BIN)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        _unavailable("running as root needs runuser to start the server as the postgres user")
    return bindir


def shared_cluster() -> Cluster:
    """The cluster shared by every PostgreSQL test in this run, started on first use."""
    global _shared, _problem
    bindir = require_postgres()
    with _lock:
        if _shared is None and _problem is None:
            cluster = Cluster(bindir)
            try:
                _shared = cluster.start()
                atexit.register(cluster.stop)
            except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
                cluster.stop()
                _problem = f"the test server did not start: {exc}"
    if _problem:
        _unavailable(_problem)
    return _shared


@contextmanager
def backend_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database URL for ``backend`` ("sqlite" or "postgresql") that no other test shares."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    cluster = shared_cluster()
    with cluster.schema() as schema:
        yield cluster.url(schema)
