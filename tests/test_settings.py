"""Settings precedence and validation."""

from __future__ import annotations

import pytest

from agent.core import ConfigError, load_settings


def test_defaults_to_embedded_model_without_key_or_url():
    assert load_settings().model == "local"


def test_key_or_url_pick_remote_defaults(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert load_settings().model == "openai:gpt-4o-mini"
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_MODEL", "llama3")
    assert load_settings().model == "compat:llama3"


def test_precedence_argument_env_dotenv_default(monkeypatch, tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("MENTORPREP_TIMEOUT=11\nMENTORPREP_MAX_RETRIES=5\n")
    assert load_settings(env_file=env_file).request_timeout == 11
    monkeypatch.setenv("MENTORPREP_TIMEOUT", "22")
    assert load_settings(env_file=env_file).request_timeout == 22
    assert load_settings(env_file=env_file, request_timeout=33).request_timeout == 33
    assert load_settings(env_file=env_file).max_retries == 5
    assert load_settings().chroma_port == 8000


def test_db_path_and_url(monkeypatch, tmp_path):
    monkeypatch.setenv("MENTORPREP_DB", str(tmp_path / "x.db"))
    assert load_settings().db_url == f"sqlite:///{tmp_path / 'x.db'}"
    monkeypatch.setenv("MENTORPREP_DB", "postgresql+psycopg://u@127.0.0.1/db")
    assert load_settings().db_url.startswith("postgresql")


@pytest.mark.parametrize(
    "overrides, fragment",
    [
        ({"model": "openai:gpt-4o"}, "OPENAI_API_KEY"),
        ({"model": "compat:x"}, "OPENAI_BASE_URL"),
        ({"model": "claude"}, "not a model I know"),
        ({"request_timeout": "soon"}, "must be a number"),
        ({"collection": "ab"}, "3 characters"),
        ({"debug": "maybe"}, "1/0"),
        ({"colour": "red"}, "Unknown setting"),
    ],
)
def test_bad_settings_say_how_to_fix(overrides, fragment):
    with pytest.raises(ConfigError, match=fragment):
        load_settings(**overrides)
