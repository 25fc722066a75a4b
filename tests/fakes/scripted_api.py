"""A loopback HTTP server whose every answer a test scripts, recording each request it receives.

For transport tests that need a server the simulator is not: one that accepts x-api-key but only
a newer `anthropic-version`, one that asks for an hour's `Retry-After`, one that redirects.

    def rule(seen: Seen) -> Answer:
        return 200, {"data": [], "next_page": None}, {}

    with ScriptedApi(rule) as api:
        ... api.base_url ... api.requests[0].headers["x-api-key"] ...
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.loopback import LoopbackServer


@dataclass(frozen=True)
class Seen:
    """One request as received: path, query pairs in order, headers with lower-cased names."""

    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]


Answer = tuple[int, dict[str, Any], dict[str, str]]
"""Status, JSON body, extra response headers."""


class ScriptedApi:
    """Answers every GET with `rule(seen)`; `requests` lists what it received, in order."""

    def __init__(self, rule: Callable[[Seen], Answer]) -> None:
        self.rule = rule
        self._lock = threading.Lock()
        self._seen: list[Seen] = []
        self._server = LoopbackServer(_handler_for(self))

    @property
    def base_url(self) -> str:
        return self._server.url

    @property
    def requests(self) -> list[Seen]:
        with self._lock:
            return list(self._seen)

    def answer(self, seen: Seen) -> Answer:
        with self._lock:
            self._seen.append(seen)
        return self.rule(seen)

    def __enter__(self) -> Self:
        self._server.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.stop()


def _handler_for(api: ScriptedApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            """Silence the default stderr access log."""

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            seen = Seen(url.path, parse_qsl(url.query, keep_blank_values=True), headers)
            status, body, extra = api.answer(seen)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.send_header("request-id", f"req_scripted{len(api.requests):06d}")
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
