"""Shared fixtures. Every test runs offline: a real call to a non-loopback address fails loudly."""

from __future__ import annotations

import ipaddress
import os
import socket

import pytest

# Libraries that could reach a model hub or telemetry endpoint must stay offline in tests.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

_real_connect = socket.socket.connect
_real_getaddrinfo = socket.getaddrinfo


class RemoteCallBlocked(RuntimeError):
    """Raised when a test tries to reach anything but this machine."""


def _is_local(host: object) -> bool:
    if host in (None, "", "localhost") or not isinstance(host, str):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return host.endswith(".localhost")


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        raise RemoteCallBlocked(f"tests may not reach {address[0]}: real remote model calls are blocked")
    return _real_connect(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if not _is_local(host if isinstance(host, str) else None):
        raise RemoteCallBlocked(f"tests may not resolve {host}: real remote model calls are blocked")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def block_remote_calls(monkeypatch, tmp_path):
    """Fail any real remote call, and isolate settings and data from the developer's machine."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "MENTORPREP_MODEL", "OPENAI_MODEL", "CHROMA_HOST",
                "MENTORPREP_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("MENTORPREP_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("MENTORPREP_DB", f"sqlite:///{tmp_path / 'data' / 'test.db'}")
    # The app's limiter lives for the process, as on a server; tests that check the limit set their own.
    monkeypatch.setenv("MENTORPREP_RATE_LIMIT", "0")
    monkeypatch.setattr("agent.core.settings.PROJECT_ROOT", tmp_path / "no-dotenv", raising=True)
    yield


@pytest.fixture
def settings(tmp_path):
    """Settings pointing at a temporary data folder, with the fake model."""
    from agent.core import load_settings

    return load_settings(model="fake", data_dir=str(tmp_path / "data"))


@pytest.fixture
def store(tmp_path):
    """A fresh SQLite store in a temporary folder."""
    from agent.core import Store

    return Store(f"sqlite:///{tmp_path / 'store.db'}")
