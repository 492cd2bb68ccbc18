"""Security hygiene: no secrets in the repository, local-only defaults, pinned dependencies, quiet logs,
unguessable session ids, and redaction of everything a tool-calling agent sends to a remote model."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import shutil
import subprocess
import tomllib
import uuid

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from packaging.requirements import Requirement
from pydantic import Field

from agent.core import (
    PROJECT_ROOT,
    BackendError,
    ConfigError,
    RedactingChatModel,
    RedactSecrets,
    Store,
    configure_logging,
    load_settings,
    make_chat_model,
    stream_text,
    text_for_log,
)
from tests.fault_server import FaultServer
from tests.pgserver import BACKENDS, backend_url

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


def test_user_text_reaches_the_logs_only_in_debug_mode(log_output):
    """What the app logs about a turn goes through text_for_log: a length normally, the text only in debug."""
    question = "Should I tell Dr. Okafor about my burnout before the fellowship interview?"
    for debug in (False, True):
        out = log_output(debug)
        logger = logging.getLogger("agent.conversation")
        logger.warning("turn from %s: %s", "user-1", text_for_log(question, debug))
        logger.debug("routing %s", text_for_log(question, debug))
        text = out.getvalue()
        assert (question in text) is debug
        assert f"<{len(question)} chars>" in text or debug


def test_database_passwords_stay_out_of_logs_and_errors(log_output):
    out = log_output(False)
    password = "Pq7Lm2" * 4
    logging.getLogger("sqlalchemy.pool").warning(
        "connection to postgresql+psycopg://mentorprep:%s@db.internal:5432/mentorprep failed", password)
    assert password not in out.getvalue() and "mentorprep:[secret]@db.internal" in out.getvalue()
    # Nothing listens on port 9 of this machine: opening the store fails with a message that hides the password.
    with pytest.raises(ConfigError) as info:
        Store(f"postgresql+psycopg://mentorprep:{password}@127.0.0.1:9/mentorprep?connect_timeout=2")
    assert password not in str(info.value) and "127.0.0.1:9" in str(info.value)


# ---- sessions --------------------------------------------------------------------------------------------
@pytest.fixture(params=BACKENDS)
def any_store(request, tmp_path):
    with backend_url(request.param, tmp_path) as url:
        store = Store(url)
        yield store
        store.close()


def test_session_ids_are_unguessable_and_useless_to_anyone_else(any_store):
    alice, mallory = any_store.for_user("alice"), any_store.for_user("mallory")
    ids = [alice.create_session(f"Alice {n}") for n in range(100)]
    parsed = [uuid.UUID(i) for i in ids]
    assert all(p.version == 4 and p.variant == uuid.RFC_4122 for p in parsed)  # 122 random bits each
    assert len(set(ids)) == len(ids) and ids != sorted(ids)
    bits = "".join(f"{p.int:0128b}" for p in parsed)
    assert 0.45 < bits.count("1") / len(bits) < 0.55  # no visible structure to enumerate
    mallory_sid = mallory.create_session()
    assert all(mallory.get_session(i) is None and mallory.list_messages(i) == [] for i in ids)
    assert [s["id"] for s in mallory.list_sessions()] == [mallory_sid]


# ---- redaction of a tool-calling conversation --------------------------------------------------------------
MRN, DOB = "48213377", "04/12/1958"
PATIENT = f"pt Jane Doe, MRN {MRN}, DOB {DOB}"


def _tool_calling_history() -> list:
    """A conversation in which the user's identifiers reach tool-call arguments and tool results."""
    call = {"name": "sharpen_questions", "id": "call_1", "type": "tool_call",
            "args": {"questions": [f"How do I raise {PATIENT} with my mentor?"], "note": f"MRN {MRN}"}}
    provider_call = {"id": "call_1", "type": "function", "function": {
        "name": "sharpen_questions", "arguments": json.dumps(call["args"])}}
    return [
        SystemMessage("You help doctors prepare for mentor meetings."),
        HumanMessage(f"Sharpen this: how do I raise {PATIENT} with my mentor?"),
        AIMessage("", tool_calls=[call], additional_kwargs={"tool_calls": [provider_call]}),
        ToolMessage(f"TOO OPEN: 'How do I raise {PATIENT} with my mentor?'", tool_call_id="call_1"),
        AIMessage("", additional_kwargs={"function_call": {"name": "keep", "arguments": f"MRN {MRN} (not JSON)"}}),
        HumanMessage("Thanks - and keep the first one."),
    ]


def _leaked(text: str) -> list[str]:
    return [x for x in (MRN, DOB, "Jane Doe") if x in text]


class _Recorder(GenericFakeChatModel):
    """Keeps every message object it is given, whole (tool calls and provider fields included)."""

    seen: list = Field(default_factory=list)

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.seen.append([m.model_dump() for m in messages])
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)


def test_tool_call_arguments_and_tool_results_are_redacted_before_a_model_sees_them():
    inner = _Recorder(messages=iter([AIMessage("Done.")]))
    history = _tool_calling_history()
    RedactingChatModel(inner=inner).invoke(history)
    sent = json.dumps(inner.seen)
    assert not _leaked(sent), sent
    assert _leaked(json.dumps([m.model_dump() for m in history]))  # the caller's own copy is untouched
    ai = inner.seen[0][2]
    assert ai["tool_calls"][0]["args"]["note"] == "MRN [MRN]" and ai["tool_calls"][0]["id"] == "call_1"
    assert "[MRN]" in ai["additional_kwargs"]["tool_calls"][0]["function"]["arguments"]
    assert inner.seen[0][3]["tool_call_id"] == "call_1" and "[PATIENT NAME]" in inner.seen[0][3]["content"]


def test_a_remote_server_never_receives_identifiers_from_a_tool_calling_agent():
    from langchain_openai import ChatOpenAI

    with FaultServer("ok") as server:
        inner = ChatOpenAI(model="test", api_key="not-needed", base_url=server.base_url, max_retries=0, timeout=5)
        RedactingChatModel(inner=inner).invoke(_tool_calling_history())
        assert "".join(stream_text(RedactingChatModel(inner=inner), _tool_calling_history()))
    bodies = server.bodies()
    assert len(bodies) == 2 and not any(_leaked(b) for b in bodies)
    sent = json.loads(bodies[0])["messages"]
    arguments = json.loads(sent[2]["tool_calls"][0]["function"]["arguments"])
    assert arguments["note"] == "MRN [MRN]" and "[PATIENT NAME]" in arguments["questions"][0]
    assert sent[3]["role"] == "tool" and "[MRN]" in sent[3]["content"]
