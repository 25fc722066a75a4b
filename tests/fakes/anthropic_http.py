"""HTTP plumbing of the fake Anthropic API: JSON answers, and SSE streams written with chunked
transfer encoding (one chunk per event, flushed), over keep-alive HTTP/1.1 like the real API."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

from tests.fakes.anthropic_wire import error_body

__all__ = ["COUNT_TOKENS_PATH", "MESSAGES_PATH", "MODELS_PATH", "Answer", "handler_for"]

MESSAGES_PATH = "/v1/messages"
COUNT_TOKENS_PATH = "/v1/messages/count_tokens"
MODELS_PATH = "/v1/models/"
"""GET /v1/models/{model_id} (the SDK's `models.retrieve`)."""


@dataclass
class Answer:
    """What to send back: a JSON payload, or SSE events (then status is 200)."""

    status: int
    payload: dict[str, Any] | None = None
    events: list[bytes] | None = None
    headers: dict[str, str] = field(default_factory=dict)


def handler_for(
    handle: Callable[[str, dict[str, str], bytes], Answer],
) -> type[BaseHTTPRequestHandler]:
    """A request handler class that answers the Messages paths and `GET /v1/models/{id}`
    through `handle`."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Silence the default stderr access log."""

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            path = urlsplit(self.path).path
            if path not in (MESSAGES_PATH, COUNT_TOKENS_PATH):
                self._json(404, error_body("not_found_error", f"Not found: {path}", ""), {})
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            answer = handle(path, headers, raw)
            if answer.events is not None:
                self._stream(answer.events, answer.headers)
            else:
                self._json(answer.status, answer.payload or {}, answer.headers)

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if not path.startswith(MODELS_PATH):
                self._json(404, error_body("not_found_error", f"Not found: {self.path}", ""), {})
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            answer = handle(path, headers, b"")
            self._json(answer.status, answer.payload or {}, answer.headers)

        def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str]) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, events: Iterable[bytes], headers: dict[str, str]) -> None:
            """SSE over chunked transfer encoding, one chunk per event, flushed as it goes."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            try:
                for event in _chunked(events):
                    self.wfile.write(event)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client stopped reading: fine for a stream

    return Handler


def _chunked(events: Iterable[bytes]) -> Iterator[bytes]:
    for event in events:
        yield f"{len(event):x}\r\n".encode() + event + b"\r\n"
    yield b"0\r\n\r\n"
