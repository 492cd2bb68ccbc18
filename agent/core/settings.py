"""Settings resolve as: explicit argument, then environment (and `.env`), then default."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from dotenv import dotenv_values

from agent.core.errors import ConfigError
from agent.core.ratelimit import DEFAULT_RATE_LIMIT, parse_rate_limit

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# setting name -> (environment variable, default). Every entry is documented in README.md and .env.example.
_ENV = {
    "model": ("MENTORPREP_MODEL", ""),
    "openai_api_key": ("OPENAI_API_KEY", ""),
    "openai_base_url": ("OPENAI_BASE_URL", ""),
    "openai_model": ("OPENAI_MODEL", "gpt-4o-mini"),
    "request_timeout": ("MENTORPREP_TIMEOUT", "30"),
    "max_retries": ("MENTORPREP_MAX_RETRIES", "2"),
    "local_model_path": ("MENTORPREP_LOCAL_MODEL", ""),
    "local_threads": ("MENTORPREP_THREADS", "2"),
    "local_ctx": ("MENTORPREP_CTX", "4096"),
    "db_url": ("MENTORPREP_DB", ""),
    "data_dir": ("MENTORPREP_DATA", str(PROJECT_ROOT / "data")),
    "knowledge_dir": ("MENTORPREP_KNOWLEDGE", str(PROJECT_ROOT / "knowledge")),
    "chroma_path": ("CHROMA_PATH", ""),
    "chroma_host": ("CHROMA_HOST", ""),
    "chroma_port": ("CHROMA_PORT", "8000"),
    "collection": ("MENTORPREP_COLLECTION", "mentorprep"),
    "redact_remote": ("MENTORPREP_REDACT", "1"),
    "debug": ("MENTORPREP_DEBUG", "0"),
    "rate_limit": ("MENTORPREP_RATE_LIMIT", DEFAULT_RATE_LIMIT),
}


@dataclass(frozen=True)
class Settings:
    """Everything configurable in MentorPrep. Build it with :func:`load_settings`."""

    model: str
    openai_api_key: str
    openai_base_url: str
    openai_model: str
    request_timeout: float
    max_retries: int
    local_model_path: str
    local_threads: int
    local_ctx: int
    db_url: str
    data_dir: Path
    knowledge_dir: Path
    chroma_path: Path
    chroma_host: str | None
    chroma_port: int
    collection: str
    redact_remote: bool
    debug: bool
    rate_limit: str = DEFAULT_RATE_LIMIT  # chat turns per user, e.g. "30/min"; "0" turns the limit off
    project_root: Path = PROJECT_ROOT

    def describe_backend(self) -> str:
        """Human-readable backend description for the sidebar (never includes the key)."""
        if self.model == "local":
            return "Embedded SmolLM2-135M-Instruct (on this machine)"
        if self.model == "fake":
            return "Scripted test model"
        if self.model.startswith("compat:"):
            return f"OpenAI-compatible server at {self.openai_base_url} ({self.model[7:]})"
        return f"OpenAI ({self.model.split(':', 1)[1]})"


def _default_model(values: dict[str, str]) -> str:
    if values["openai_base_url"]:
        return f"compat:{values['openai_model']}"
    if values["openai_api_key"]:
        return f"openai:{values['openai_model']}"
    return "local"


def _as_bool(name: str, raw: str) -> bool:
    lowered = str(raw).strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{name} must be 1/0 or true/false, not {raw!r}.")


def _as_number(name: str, raw: str, kind: type) -> float | int:
    try:
        value = kind(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"{_ENV[name][0]} must be a number, not {raw!r}.") from None
    if value <= 0 and name != "max_retries":
        raise ConfigError(f"{_ENV[name][0]} must be positive, not {raw!r}.")
    return value


def load_settings(env_file: str | Path | None = None, **overrides: object) -> Settings:
    """Build Settings from explicit overrides, then the environment and `.env`, then defaults.

    Args:
        env_file: path of a dotenv file; defaults to `.env` in the project root (ignored if missing).
        **overrides: any Settings field; ``None`` values are ignored.

    Raises:
        ConfigError: a value is malformed or a setting is unknown; the message says how to fix it.
    """
    unknown = set(overrides) - {f.name for f in fields(Settings)}
    if unknown:
        raise ConfigError(f"Unknown setting(s): {', '.join(sorted(unknown))}.")
    dotenv_path = Path(env_file) if env_file else PROJECT_ROOT / ".env"
    file_values = {k: v for k, v in dotenv_values(dotenv_path).items() if v is not None}
    raw: dict[str, str] = {}
    for name, (var, default) in _ENV.items():
        if overrides.get(name) is not None:
            raw[name] = overrides[name]  # type: ignore[assignment]
        elif os.environ.get(var, "") != "":
            raw[name] = os.environ[var]
        elif file_values.get(var, "") != "":
            raw[name] = file_values[var]
        else:
            raw[name] = default
    model = str(raw["model"]).strip() or _default_model(raw)
    if len(str(raw["collection"])) < 3:
        raise ConfigError("MENTORPREP_COLLECTION needs at least 3 characters (a Chroma rule).")
    _check_model(model, raw)
    parse_rate_limit(str(raw["rate_limit"]))  # fail at start-up, with an example, rather than on the first turn
    data_dir = Path(raw["data_dir"])
    db_url = str(raw["db_url"]) or f"sqlite:///{data_dir / 'mentorprep.db'}"
    if "://" not in db_url:
        db_url = f"sqlite:///{Path(db_url).expanduser()}"
    return Settings(
        model=model,
        openai_api_key=str(raw["openai_api_key"]),
        openai_base_url=str(raw["openai_base_url"]),
        openai_model=str(raw["openai_model"]),
        request_timeout=float(_as_number("request_timeout", raw["request_timeout"], float)),
        max_retries=int(_as_number("max_retries", raw["max_retries"], int)),
        local_model_path=str(raw["local_model_path"]),
        local_threads=int(_as_number("local_threads", raw["local_threads"], int)),
        local_ctx=int(_as_number("local_ctx", raw["local_ctx"], int)),
        db_url=db_url,
        data_dir=data_dir,
        knowledge_dir=Path(raw["knowledge_dir"]),
        chroma_path=Path(raw["chroma_path"]) if raw["chroma_path"] else data_dir / "chroma",
        chroma_host=str(raw["chroma_host"]) or None,
        chroma_port=int(_as_number("chroma_port", raw["chroma_port"], int)),
        collection=str(raw["collection"]),
        redact_remote=_as_bool("MENTORPREP_REDACT", raw["redact_remote"]),
        debug=_as_bool("MENTORPREP_DEBUG", raw["debug"]),
        rate_limit=str(raw["rate_limit"]).strip(),
    )


def _check_model(model: str, raw: dict[str, str]) -> None:
    if model in {"local", "fake"}:
        return
    prefix, _, name = model.partition(":")
    if prefix not in {"openai", "compat"} or not name:
        raise ConfigError(
            f"MENTORPREP_MODEL={model!r} is not a model I know. Use 'local', 'openai:<model>' "
            "(needs OPENAI_API_KEY) or 'compat:<model>' (needs OPENAI_BASE_URL)."
        )
    if prefix == "openai" and not raw["openai_api_key"]:
        raise ConfigError(
            "No key found - set OPENAI_API_KEY, or leave MENTORPREP_MODEL unset to use the embedded model."
        )
    if prefix == "compat" and not raw["openai_base_url"]:
        raise ConfigError(
            "No server address - set OPENAI_BASE_URL (e.g. http://127.0.0.1:11434/v1), "
            "or leave MENTORPREP_MODEL unset to use the embedded model."
        )
