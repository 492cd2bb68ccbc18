"""A scripted OpenAI-compatible ``/v1/chat/completions`` server that answers with tool calls, then text.

Runs in a thread on 127.0.0.1 (port 0). Each request that offers tools takes the next step of the script (a
request without tools is a tool's own call to the model, for drafts, and gets a fixed line): a string is a text
reply; a dict ``{"tool": name, "args": {...}}`` (or a list of them) is a reply that calls those tools. Both
streaming (SSE, with tool-call deltas split across chunks) and non-streaming requests are answered, and
every request body is recorded.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ToolServer:
    def __init__(self, script: list[Any]) -> None:
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def __enter__(self) -> ToolServer:
        handler = type("Handler", (_Handler,), {"owner": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def next_step(self, body: dict[str, Any]) -> Any:
        with self._lock:
            self.requests.append(body)
            if not body.get("tools"):
                return "Done."
            return self.script.pop(0) if self.script else "Done."


class _Handler(BaseHTTPRequestHandler):
    owner: ToolServer

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 - the http.server naming
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        step = self.owner.next_step(body)
        calls = [step] if isinstance(step, dict) else step if isinstance(step, list) else []
        text = step if isinstance(step, str) else ""
        tool_calls = [{"id": f"call_{i}", "type": "function",
                       "function": {"name": c["tool"], "arguments": json.dumps(c.get("args", {}))}}
                      for i, c in enumerate(calls)]
        if body.get("stream"):
            self._stream(text, tool_calls)
        else:
            message: dict[str, Any] = {"role": "assistant", "content": text or None}
            if tool_calls:
                message["tool_calls"] = tool_calls
            self._json({"id": "x", "object": "chat.completion", "created": 0, "model": body.get("model", "m"),
                        "choices": [{"index": 0, "message": message,
                                     "finish_reason": "tool_calls" if tool_calls else "stop"}],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})

    def _json(self, data: dict[str, Any]) -> None:
        raw = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _stream(self, text: str, tool_calls: list[dict[str, Any]]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()

        def event(delta: dict[str, Any], finish: str | None = None) -> None:
            chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m",
                     "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()

        event({"role": "assistant", "content": ""})
        for word in text.split(" ") if text else []:
            event({"content": word + " "})
        for i, call in enumerate(tool_calls):
            arguments = call["function"]["arguments"]
            half = len(arguments) // 2
            event({"tool_calls": [{"index": i, "id": call["id"], "type": "function",
                                   "function": {"name": call["function"]["name"], "arguments": arguments[:half]}}]})
            event({"tool_calls": [{"index": i, "function": {"arguments": arguments[half:]}}]})
        event({}, "tool_calls" if tool_calls else "stop")
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
