"""Every piece of text in a chat message that a model receives, rewritten by one function.

A tool-calling conversation carries user text in more places than ``content``: the arguments of the tool calls
an AI message made (``tool_calls``, and the provider's own copy in ``additional_kwargs``), and the tool results
that come back as ``ToolMessage`` content. Redaction must reach all of them, so they are walked here, once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage

Rewrite = Callable[[str], str]


def rewrite_message(message: BaseMessage, rewrite: Rewrite) -> BaseMessage:
    """A copy of ``message`` with ``rewrite`` applied to its content and to every tool-call argument."""
    changes: dict[str, Any] = {"content": _content(message.content, rewrite)}
    if message.additional_kwargs:
        changes["additional_kwargs"] = _provider_fields(message.additional_kwargs, rewrite)
    if isinstance(message, AIMessage):
        if message.tool_calls:
            changes["tool_calls"] = [{**call, "args": _value(call.get("args"), rewrite)}
                                     for call in message.tool_calls]
        if message.invalid_tool_calls:
            changes["invalid_tool_calls"] = [{**call, "args": _value(call.get("args"), rewrite)}
                                             for call in message.invalid_tool_calls]
        if isinstance(message, AIMessageChunk) and message.tool_call_chunks:
            changes["tool_call_chunks"] = [{**chunk, "args": _value(chunk.get("args"), rewrite)}
                                           for chunk in message.tool_call_chunks]
    return message.model_copy(update=changes)


def _content(content: Any, rewrite: Rewrite) -> Any:
    if isinstance(content, str):
        return rewrite(content)
    if isinstance(content, list):  # multimodal content: rewrite the text parts, keep the rest
        out = []
        for part in content:
            if isinstance(part, str):
                out.append(rewrite(part))
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                out.append({**part, "text": rewrite(part["text"])})
            elif isinstance(part, dict) and part.get("type") == "tool_use" and "input" in part:
                out.append({**part, "input": _value(part["input"], rewrite)})  # Anthropic-style tool calls
            else:
                out.append(part)
        return out
    return content


def _value(value: Any, rewrite: Rewrite) -> Any:
    """Rewrite every string inside plain data (tool-call arguments); keys and other values stay."""
    if isinstance(value, str):
        return rewrite(value)
    if isinstance(value, list):
        return [_value(v, rewrite) for v in value]
    if isinstance(value, dict):
        return {k: _value(v, rewrite) for k, v in value.items()}
    return value


def _arguments(arguments: Any, rewrite: Rewrite) -> Any:
    """A provider's JSON-encoded arguments: rewrite inside the JSON, or the whole string if it is not JSON."""
    if not isinstance(arguments, str):
        return _value(arguments, rewrite)
    try:
        parsed = json.loads(arguments)
    except ValueError:
        return rewrite(arguments)
    return json.dumps(_value(parsed, rewrite), ensure_ascii=False)


def _provider_fields(kwargs: dict[str, Any], rewrite: Rewrite) -> dict[str, Any]:
    out = dict(kwargs)
    if isinstance(kwargs.get("tool_calls"), list):
        out["tool_calls"] = [
            {**call, "function": {**call["function"],
                                  "arguments": _arguments(call["function"].get("arguments"), rewrite)}}
            if isinstance(call, dict) and isinstance(call.get("function"), dict) else call
            for call in kwargs["tool_calls"]
        ]
    if isinstance(kwargs.get("function_call"), dict):
        call = kwargs["function_call"]
        out["function_call"] = {**call, "arguments": _arguments(call.get("arguments"), rewrite)}
    return out
