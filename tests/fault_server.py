"""A stand-in for an OpenAI-compatible ``/v1/chat/completions`` server that fails on purpose.

Runs in a thread on 127.0.0.1 (port 0), answers streaming (SSE) and non-streaming requests, and records
every request it receives. Modes:

- ``ok``: a normal reply.
- ``hang``: say nothing for ``hang`` seconds (longer than the client's timeout), then reply.
- ``stall``: send the headers and a few chunks, then say nothing for ``hang`` seconds.
- ``drop``: send ``drop_after`` chunks, then close the socket in the middle of the reply.
- ``401`` / ``500``: an OpenAI-style JSON error with that status.
- ``429``: rate limited, with ``Retry-After: <retry_after>``.
- ``garbage``: status 200 with a non-JSON body, or a broken SSE event when streaming.

``recover_after=n`` serves the fault to the first n requests only, then replies normally.

Usage::

    with FaultServer("429", retry_after=1) as server:
        settings = load_settings(openai_base_url=server.base_url)
        ...
        assert server.count == 3
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODES = ("ok", "hang", "stall", "drop", "401", "429", "500", "garbage")
_ERRORS = {
    401: ("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"),
    429: ("Rate limit reached for requests.", "rate_limit_error", "rate_limit_exceeded"),
    500: ("The server had an error while processing your request.", "server_error", None),
}


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it."""

    at: float  # time.monotonic() when the body had been read
    path: str
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class FaultServer:
    """Context manager running the fake server; change ``mode`` at any time between requests."""

    def __init__(self, mode: str = "ok", *, reply: str = "Bring two specific questions and listen well.",
                 hang: float = 30.0, retry_after: float = 1.0, drop_after: int = 3,
                 echo_auth: bool = False, recover_after: int | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
        self.mode = mode
        self.reply = reply
        self.hang = hang
        self.retry_after = retry_after
        self.drop_after = drop_after
        self.echo_auth = echo_auth  # 401 body repeats the Authorization header, as careless servers do
        self.recover_after = recover_after  # serve the fault this many times, then reply normally
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ------------------------------------------------------------------------------------------
    def __enter__(self) -> FaultServer:
        handler = type("Handler", (_Handler,), {"fault": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop serving and release any request that is deliberately hanging."""
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # ---- what tests read ------------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._server is not None, "use FaultServer as a context manager"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def count(self) -> int:
        """Number of chat-completion requests received."""
        return len(self.chat_requests)

    @property
    def chat_requests(self) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path.endswith("/chat/completions")]

    @property
    def times(self) -> list[float]:
        return [r.at for r in self.chat_requests]

    def gaps(self) -> list[float]:
        """Seconds between consecutive chat requests (the client's retry backoff)."""
        t = self.times
        return [b - a for a, b in zip(t, t[1:], strict=False)]

    def bodies(self) -> list[str]:
        """Raw request bodies, for checking what a client actually sent."""
        with self._lock:
            return [r.body for r in self.requests]

    def _record(self, item: Recorded) -> None:
        with self._lock:
            self.requests.append(item)

    def _wait(self, seconds: float) -> bool:
        """Sleep unless the server is closing; True if it is closing."""
        return self._stop.wait(seconds)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # chunked SSE, so a dropped socket is detectably incomplete
    fault: FaultServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
        return

    def do_GET(self) -> None:
        self._record(b"")
        if self.path.rstrip("/").endswith("/models"):
            self._json(200, {"object": "list", "data": [{"id": "test", "object": "model", "owned_by": "test"}]})
        else:
            self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._record(raw)
        try:
            payload = json.loads(raw or b"{}")
        except ValueError:
            payload = {}
        stream = bool(payload.get("stream"))
        mode = self.fault.mode
        if self.fault.recover_after is not None and self.fault.count > self.fault.recover_after:
            mode = "ok"
        try:
            self._respond(mode, stream, str(payload.get("model", "test")))
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True  # the client gave up first (timeouts): nothing to do

    def _record(self, raw: bytes) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.fault._record(Recorded(time.monotonic(), self.path, headers, raw.decode("utf-8", "replace")))

    # ---- responses ----------------------------------------------------------------------------------------------
    def _respond(self, mode: str, stream: bool, model: str) -> None:
        fault = self.fault
        if mode in ("401", "429", "500"):
            status = int(mode)
            message, kind, code = _ERRORS[status]
            if status == 401 and fault.echo_auth:
                message = f"{message} You sent: {self.headers.get('Authorization', '')}"
            extra = {"Retry-After": f"{fault.retry_after:g}"} if status == 429 else {}
            self._json(status, {"error": {"message": message, "type": kind, "code": code}}, extra)
            return
        if mode == "hang" and fault._wait(fault.hang):
            return
        if mode == "garbage":
            if stream:
                self._start_sse()
                self._chunk(b'data: {"id": "x", "choices": [{"delta": {"content": "Hel\n\n')
                self._end_chunks()
            else:
                body = b"<html><body>502 Bad Gateway (proxy)</body></html>"
                self._raw(200, body, "application/json")
            return
        if not stream:
            self._json(200, _completion(model, fault.reply))
            return
        pieces = _pieces(fault.reply)
        self._start_sse()
        for i, piece in enumerate(pieces):
            if mode == "drop" and i == fault.drop_after:
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)  # mid-reply, without the closing chunk
                return
            if mode == "stall" and i == fault.drop_after:
                fault._wait(fault.hang)
                return
            self._event(_chunk(model, piece))
        self._event(_chunk(model, "", finish="stop"))
        self._chunk(b"data: [DONE]\n\n")
        self._end_chunks()

    def _json(self, status: int, obj: dict, headers: dict[str, str] | None = None) -> None:
        self._raw(status, json.dumps(obj).encode(), "application/json", headers)

    def _raw(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _start_sse(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _event(self, obj: dict) -> None:
        self._chunk(f"data: {json.dumps(obj)}\n\n".encode())

    def _end_chunks(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def _pieces(text: str) -> list[str]:
    words = text.split(" ")
    return [w if i == 0 else " " + w for i, w in enumerate(words)]


def _chunk(model: str, piece: str, finish: str | None = None) -> dict:
    delta = {"role": "assistant", "content": piece} if piece else {}
    return {"id": "chatcmpl-fault", "object": "chat.completion.chunk", "created": 0, "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def _completion(model: str, text: str) -> dict:
    return {"id": "chatcmpl-fault", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
