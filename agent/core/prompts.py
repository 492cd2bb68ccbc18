"""Prompts are data: Markdown files in `prompts/` with YAML front matter, rendered strictly with Jinja."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from jinja2 import Environment, StrictUndefined
from pydantic import BaseModel, ConfigDict

from agent.core.errors import ConfigError

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"
_JINJA = Environment(undefined=StrictUndefined, keep_trailing_newline=False, autoescape=False)


class Prompt(BaseModel):
    """A versioned prompt template."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    version: int
    description: str
    variables: list[str] = []
    body: str

    def render(self, **values: object) -> str:
        """Render the body; a missing variable is an error, not an empty string."""
        return _JINJA.from_string(self.body).render(**values).strip()


def parse_prompt(text: str, origin: str = "<prompt>") -> Prompt:
    """Parse one prompt file's text."""
    if not text.startswith("---"):
        raise ConfigError(f"{origin}: a prompt file must start with YAML front matter.")
    _, head, body = text.split("---", 2)
    meta = yaml.safe_load(head) or {}
    try:
        return Prompt(body=body.strip(), **meta)
    except Exception as exc:  # pydantic ValidationError; say which file
        raise ConfigError(f"{origin}: invalid prompt front matter: {exc}") from None


@cache
def load_prompt(name: str) -> Prompt:
    """Load `prompts/<name>.md`."""
    path = PROMPTS_DIR / f"{name}.md"
    if not path.exists():
        raise ConfigError(f"Prompt {name!r} not found at {path}.")
    return parse_prompt(path.read_text(encoding="utf-8"), str(path))


def all_prompt_names() -> list[str]:
    """Names of every prompt file."""
    return sorted(p.stem for p in PROMPTS_DIR.glob("*.md"))
