"""Security hygiene: no secrets in the repository, local-only defaults, pinned dependencies, quiet logs."""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import subprocess
import tomllib

import pytest
from langchain_core.messages import HumanMessage
from packaging.requirements import Requirement

from agent.core import (
    PROJECT_ROOT,
    BackendError,
    RedactSecrets,
    configure_logging,
    load_settings,
    make_chat_model,
    stream_text,
    text_for_log,
)
from tests.fault_server import FaultServer

# Built at run time so this file never contains a key-shaped string itself.
FAKE_KEY = "sk-" + "proj-" + "Zq8Rw3" * 6
OTHER_KEY = "gsk" + "_" + "Pq7Lm2" * 6
SECRET_PATTERNS = {
    "OpenAI-style key": r"\bsk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{20,}",
    "AWS access key": r"\bAKIA[0-9A-Z]{16}\b",
    "GitHub token": r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})",
    "Slack token": r"\bxox[abposr]-[A-Za-z0-9-]{10,}",
    "Google API key": r"\bAIza[0-9A-Za-z_-]{35}\b",
    "Hugging Face token": r"\bhf_[A-Za-z0-9]{30,}\b",
    "private key": r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY-----",
    "assigned secret": r"(?i)\b(?:api[_-]?key|secret[_-]?key|access[_-]?token|password)\s*[:=]\s*[\"']"
                       r"[A-Za-z0-9_/+=-]{24,}[\"']",
}
# Obvious fakes in tests and docs ("sk-test", "your-key-here") are fine.
ALLOWED = re.compile(r"(?i)test|fake|dummy|example|placeholder|your|xxxx|not-needed|redacted|\.\.\.")


def _git(*args: str) -> subprocess.CompletedProcess:
    if shutil.which("git") is None or not (PROJECT_ROOT / ".git").exists():
        pytest.skip("needs the git checkout")
    return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)


def _secrets_in(text: str) -> list[tuple[str, str]]:
    found = []
    for label, pattern in SECRET_PATTERNS.items():
        for m in re.finditer(pattern, text):
            if not ALLOWED.search(m.group()):
                found.append((label, m.group()[:12] + "…"))
    return found


def test_no_secrets_in_tracked_files():
    files = [f for f in _git("ls-files", "-z").stdout.split("\0") if f]
    assert files
    leaks = []
    for name in files:
        path = PROJECT_ROOT / name
        if not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary
        leaks += [(name, *hit) for hit in _secrets_in(text)]
    assert not leaks, f"key-like strings in tracked files: {leaks}"


def test_no_secrets_anywhere_in_history():
    """A key committed once and deleted later is still leaked: scan every change ever made."""
    history = _git("log", "-p", "--all", "--no-color", "--no-ext-diff").stdout
    leaks = [hit for line in history.splitlines() if line.startswith("+") for hit in _secrets_in(line)]
    assert not leaks, f"key-like strings in git history: {leaks}"


def test_the_detector_catches_a_real_looking_key():
    assert _secrets_in(f"OPENAI_API_KEY={FAKE_KEY}")
    assert not _secrets_in("OPENAI_API_KEY=sk-test-not-a-real-key-at-all")


def test_env_files_and_local_data_are_ignored_and_untracked():
    assert _git("check-ignore", "-q", ".env").returncode == 0
    assert _git("check-ignore", "-q", "data/mentorprep.db").returncode == 0
    tracked = _git("ls-files").stdout.split()
    assert ".env" not in tracked
    example = (PROJECT_ROOT / ".env.example").read_text()
    assert re.search(r"(?m)^OPENAI_API_KEY=\s*$", example), ".env.example must not carry a key"


def test_make_run_binds_localhost_without_telemetry_by_default():
    if shutil.which("make") is None:
        pytest.skip("needs make")
    dry = subprocess.run(["make", "-n", "run"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    line = next(x for x in dry.stdout.splitlines() if "streamlit run" in x)
    env = {k: v for k, v in os.environ.items() if k not in ("MENTORPREP_HOST", "MENTORPREP_PORT")}
    # Let the shell expand ${MENTORPREP_HOST:-...} exactly as `make run` would, with the variable unset.
    args = subprocess.run(["bash", "-c", f'set -- {line.split("streamlit", 1)[1]}; printf "%s\\n" "$@"'],
                          capture_output=True, text=True, env=env, timeout=30).stdout.split("\n")
    assert args[args.index("--server.address") + 1] == "127.0.0.1"
    assert args[args.index("--browser.gatherUsageStats") + 1] == "false"
    config = PROJECT_ROOT / ".streamlit" / "config.toml"
    if config.exists():
        server = tomllib.loads(config.read_text()).get("server", {})
        assert server.get("address", "127.0.0.1") in ("127.0.0.1", "localhost")


def test_every_dependency_has_a_version_range():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    deps = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        deps += extra
    assert deps
    loose = []
    for dep in deps:
        specs = Requirement(dep).specifier
        ops = {s.operator for s in specs}
        pinned = bool(ops & {"==", "===", "~="})
        bounded = bool(ops & {">=", ">"}) and bool(ops & {"<", "<="})
        if not (pinned or bounded):
            loose.append(dep)
    assert not loose, f"dependencies without a version range: {loose}"


# ---- logs ---------------------------------------------------------------------------------------------------
@pytest.fixture
def log_output():
    """Configure logging as the app does and return a function giving what its handler wrote."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    noisy = {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "openai", "urllib3")}
    buffers: list[io.StringIO] = []

    def configure(debug: bool):
        root.handlers = [h for h in root.handlers if not any(isinstance(f, RedactSecrets) for f in h.filters)]
        configure_logging(load_settings(debug=debug))
        handler = next(h for h in root.handlers if any(isinstance(f, RedactSecrets) for f in h.filters))
        buffer = io.StringIO()
        handler.setStream(buffer)
        buffers.append(buffer)
        return buffer

    yield configure
    root.handlers, root.level = saved
    for name, level in noisy.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.parametrize("debug", [False, True])
def test_keys_are_masked_in_every_log_line(log_output, debug):
    out = log_output(debug)
    for name in ("", "agent.guidance.grounded", "openai", "httpx"):
        logger = logging.getLogger(name)
        logger.warning("calling with key %s", FAKE_KEY)
        logger.error("Authorization: Bearer %s", OTHER_KEY)
        logger.warning(f"url https://api.example.invalid/v1?api_key={OTHER_KEY}")
    text = out.getvalue()
    assert text.count("[secret]") >= 12
    assert FAKE_KEY not in text and OTHER_KEY not in text


def test_message_text_is_logged_only_in_debug_mode():
    question = "How do I tell Dr. Okafor I want a different research project?"
    assert question not in text_for_log(question, debug=False)
    assert text_for_log(question, debug=False) == f"<{len(question)} chars>"
    assert text_for_log(question, debug=True) == question


def test_http_client_logs_stay_quiet_unless_debug(log_output):
    log_output(False)
    assert logging.getLogger().level == logging.WARNING
    assert all(logging.getLogger(n).level == logging.WARNING for n in ("httpx", "httpcore", "openai"))
    log_output(True)
    assert logging.getLogger().level == logging.DEBUG


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("key", [FAKE_KEY, OTHER_KEY], ids=["sk-key", "other-key"])
def test_a_failing_remote_call_leaks_neither_key_nor_message(log_output, debug, key):
    """A 401 whose body repeats the key, retried 500s: nothing in logs or on screen shows the key."""
    out = log_output(debug)
    message = "my private phrase: violet-heron-42"
    for mode in ("401", "500"):
        with FaultServer(mode, echo_auth=True) as server:
            settings = load_settings(openai_base_url=server.base_url, openai_api_key=key, max_retries=1,
                                     request_timeout=2, debug=debug)
            with pytest.raises(BackendError) as info:
                list(stream_text(make_chat_model("compat:test", settings), [HumanMessage(message)]))
        assert server.requests[0].headers["authorization"] == f"Bearer {key}"  # the key really was in play
        assert key not in info.value.user_message() and key not in str(info.value)
    text = out.getvalue()
    assert text, "the failure should have been logged"
    assert key not in text
    if not debug:
        assert "violet-heron" not in text
