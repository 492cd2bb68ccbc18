"""Every prompt file parses and renders; missing variables are errors."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from agent.core import ConfigError, all_prompt_names, load_prompt, parse_prompt


@pytest.mark.parametrize("name", all_prompt_names())
def test_every_prompt_renders(name):
    prompt = load_prompt(name)
    assert prompt.name == name and prompt.version >= 1
    values = {v: f"<{v}>" for v in prompt.variables}
    assert prompt.render(**values)


def test_missing_variable_is_an_error():
    prompt = parse_prompt("---\nname: t\nversion: 1\ndescription: d\nvariables: [who]\n---\nHello {{ who }}")
    assert prompt.render(who="Dana") == "Hello Dana"
    with pytest.raises(UndefinedError):
        prompt.render()


def test_unknown_front_matter_key_is_rejected():
    with pytest.raises(ConfigError):
        parse_prompt("---\nname: t\nversion: 1\ndescription: d\ncolour: red\n---\nbody")
