"""A local fake of the Slack Web API, for tests that run the real app against real HTTP.

It binds 127.0.0.1 port 0 in a daemon thread, records every request whole (method name, headers,
parsed body, raw bytes) and answers the methods the app uses with payloads shaped like Slack's:

    auth.test (granted scopes in `x-oauth-scopes`: `state.scopes`, the manifest's by default)
    chat.postMessage  chat.postEphemeral  chat.update  views.publish  users.info
    users.lookupByEmail  usergroups.users.list  conversations.open  files.getUploadURLExternal
    files.completeUploadExternal  apps.connections.open (→ `state.socket_url`, see socket_mode.py)
    assistant.threads.setStatus / setTitle / setSuggestedPrompts  chat.startStream / appendStream /
    stopStream (`streamed_text()` joins what a stream showed)  reactions.add
    conversations.info (`is_member`: see `leave`)  conversations.history (messages the app
    posted to a channel, newest first, with their `metadata` when `include_all_metadata`)
    POST /upload/<file_id>     the upload URL handed out by files.getUploadURLExternal
    POST /response/<id>        a `response_url` (what Bolt's `respond()` posts to)

Tests wait on recorded requests (`wait_for`) with a `threading.Condition` and a timeout: no sleeps.
`latency` delays every answer, to prove the app acks before slow work finishes. Failures:
`fail` (an `ok: false` error from now on), `drop_answer` (the work is done, the answer lost) and
`server_error` (an HTTP 5xx without doing the work, a given number of times).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.loopback import LoopbackServer
from tests.fakes.slack_answers import ANSWERS, BOT_ID, BOT_USER_ID, TEAM_ID, manifest_scopes

__all__ = ["BOT_ID", "BOT_USER_ID", "TEAM_ID", "FakeSlack", "Recorded", "SlackUser"]


@dataclass(frozen=True)
class Recorded:
    """One request the fake received."""

    method: str
    """Web API method (`chat.postMessage`), or `response`/`upload` for those endpoints."""
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    """Query, form and JSON fields merged; JSON-encoded form values (blocks) stay strings."""
    raw: bytes

    def field_json(self, name: str) -> Any:
        """A field that may arrive JSON-encoded inside a form (`blocks`) or as JSON already."""
        value = self.body.get(name)
        return json.loads(value) if isinstance(value, str) else value

    @property
    def blocks(self) -> list[dict[str, Any]]:
        value = self.field_json("blocks")
        return list(value) if value else []

    @property
    def text(self) -> str:
        return str(self.body.get("text", ""))


@dataclass
class SlackUser:
    id: str
    email: str | None
    name: str = "someone"
    real_name: str = "Someone"
    is_bot: bool = False


@dataclass
class _State:
    users: dict[str, SlackUser] = field(default_factory=dict)
    usergroups: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    latency: float = 0.0
    latency_methods: frozenset[str] | None = None
    socket_url: str | None = None
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Top-level messages posted per channel, oldest first (chat.update edits them)."""
    not_member: set[str] = field(default_factory=set)
    drops: dict[str, int] = field(default_factory=dict)
    """Methods answered but whose answer is lost (connection closed), and how many times."""
    outages: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Methods answered with an HTTP error, without doing the work: (status, times left)."""
    clock: Callable[[], float] | None = None
    """Unix time for message ts (tests with a pinned clock); None: a fixed 2025 epoch."""
    scopes: tuple[str, ...] = field(default_factory=manifest_scopes)
    """Scopes the bot token was granted, sent in `auth.test`'s `x-oauth-scopes` header."""


class FakeSlack:
    """Start with `with FakeSlack() as slack:`; point `WebClient(base_url=slack.api_url)` at it."""

    def __init__(self) -> None:
        self.state = _State()
        self._requests: list[Recorded] = []
        self._cond = threading.Condition()
        self._ids = itertools.count(1)
        self._server = LoopbackServer(_handler_for(self))

    # lifecycle ----------------------------------------------------------------------------
    def __enter__(self) -> FakeSlack:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    @property
    def base_url(self) -> str:
        return self._server.url

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, key: str = "r1") -> str:
        return f"{self.base_url}/response/{key}"

    # configuration ------------------------------------------------------------------------
    def add_user(self, user_id: str, email: str | None, name: str = "someone") -> None:
        self.state.users[user_id] = SlackUser(user_id, email, name=name, real_name=name)

    def set_usergroup(self, usergroup_id: str, members: list[str]) -> None:
        self.state.usergroups[usergroup_id] = list(members)

    def fail(self, method: str, error: str) -> None:
        """Answer `method` with `{"ok": false, "error": error}` from now on."""
        self.state.errors[method] = error

    def drop_answer(self, method: str, times: int = 1) -> None:
        """Handle `method` as usual but close the connection instead of answering, `times`
        times: what a client sees when the network breaks after Slack did the work."""
        self.state.drops[method] = times

    def server_error(self, method: str, times: int = 1, status: int = 503) -> None:
        """Answer `method` with HTTP `status` (a text body, as Slack's edge sends) instead of
        doing the work, `times` times, then as usual again: a passing Slack outage."""
        self.state.outages[method] = (status, times)

    def _take_outage(self, method: str) -> int | None:
        with self._cond:
            status, left = self.state.outages.get(method, (0, 0))
            if left <= 0:
                return None
            self.state.outages[method] = (status, left - 1)
            return status

    def _take_drop(self, method: str) -> bool:
        with self._cond:
            left = self.state.drops.get(method, 0)
            if left > 0:
                self.state.drops[method] = left - 1
            return left > 0

    def leave(self, channel: str) -> None:
        """The bot is not a member of `channel` (conversations.info says is_member false)."""
        self.state.not_member.add(channel)

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Top-level messages in `channel`, oldest first, as conversations.history holds them."""
        with self._cond:
            return [dict(m) for m in self.state.messages.get(channel, [])]

    def slow(self, seconds: float, methods: frozenset[str] | None = None) -> None:
        self.state.latency = seconds
        self.state.latency_methods = methods

    # recording ----------------------------------------------------------------------------
    def _record(self, request: Recorded) -> None:
        with self._cond:
            self._requests.append(request)
            self._cond.notify_all()

    def requests(self, method: str | None = None) -> list[Recorded]:
        with self._cond:
            return [r for r in self._requests if method is None or r.method == method]

    def clear(self) -> None:
        with self._cond:
            self._requests.clear()

    def wait_for(
        self,
        method: str,
        count: int = 1,
        *,
        where: Callable[[Recorded], bool] | None = None,
        timeout: float = 10.0,
    ) -> list[Recorded]:
        """Block until `count` matching requests arrived; return them (raise on timeout)."""

        def matching() -> list[Recorded]:
            return [r for r in self._requests if r.method == method and (where is None or where(r))]

        with self._cond:
            if not self._cond.wait_for(lambda: len(matching()) >= count, timeout=timeout):
                seen = [r.method for r in self._requests]
                raise TimeoutError(f"waited {timeout}s for {count}× {method}; saw {seen}")
            return matching()

    def streamed_text(self) -> str:
        """The markdown the chat streams showed (every markdown_text and markdown chunk, in
        order); `clear()` between questions to read one answer."""
        pieces: list[str] = []
        for request in self.requests():
            if request.method not in ("chat.startStream", "chat.appendStream", "chat.stopStream"):
                continue
            if request.body.get("markdown_text"):
                pieces.append(str(request.body["markdown_text"]))
            for chunk in request.field_json("chunks") or []:
                if chunk.get("type") == "markdown_text":
                    pieces.append(str(chunk.get("text", "")))
        return "".join(pieces)

    def all_payload_text(self) -> Iterator[str]:
        """Every recorded body as text, for checks that no unescaped string went out."""
        for request in self.requests():
            yield request.raw.decode("utf-8", "replace")

    # answers ------------------------------------------------------------------------------
    def answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method in self.state.errors:
            return {"ok": False, "error": self.state.errors[method]}
        with self._cond:  # answers may edit the workspace (messages): one at a time
            n = next(self._ids)
            ts = f"{1_764_000_000 + n}.{n:06d}"
            if self.state.clock is not None:  # unique even when the clock stands still
                ts = f"{int(self.state.clock())}.{n:06d}"
            handler = ANSWERS.get(method)
            if handler is None:
                return {"ok": False, "error": "unknown_method"}
            return handler(self, body, n, ts)


def _parse_body(content_type: str, raw: bytes, query: str) -> dict[str, Any]:
    body: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    if "application/json" in content_type and raw:
        parsed = json.loads(raw)
        if isinstance(parsed, dict):
            body.update(parsed)
    elif "application/x-www-form-urlencoded" in content_type and raw:
        body.update(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    return body


def _handler_for(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Silence the default stderr access log."""

        def _reply(
            self,
            status: int,
            payload: bytes,
            content_type: str,
            extra: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def _handle(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            binary = url.path.startswith("/upload/")  # file bytes (PNG), not a form
            body = {} if binary else _parse_body(headers.get("content-type", ""), raw, url.query)
            if url.path.startswith("/api/"):
                method = url.path.removeprefix("/api/")
            elif url.path.startswith("/response/"):
                method = "response"
            elif url.path.startswith("/upload/"):
                method = "upload"
            else:
                self._reply(404, b"not found", "text/plain")
                return
            state = fake.state
            if state.latency and (state.latency_methods is None or method in state.latency_methods):
                time.sleep(state.latency)  # injected server latency, not a test wait
            outage = fake._take_outage(method)
            if outage is not None:
                fake._record(Recorded(method, url.path, headers, body, raw))
                self._reply(outage, b"upstream request timeout", "text/plain")
                return
            if method == "response":
                reply, ctype = b"ok", "text/plain"
            elif method == "upload":
                reply, ctype = f"OK - {len(raw)}".encode(), "text/plain"
            elif not headers.get("authorization", "").startswith(("Bearer xox", "Bearer xapp")):
                reply = json.dumps({"ok": False, "error": "not_authed"}).encode()
                ctype = "application/json; charset=utf-8"
            else:
                reply = json.dumps(fake.answer(method, body)).encode()
                ctype = "application/json; charset=utf-8"
            # Record before replying, so a caller that has its answer also sees the record.
            fake._record(Recorded(method, url.path, headers, body, raw))
            if fake._take_drop(method):
                self.close_connection = True  # the work is done; the answer never arrives
                return
            extra = {"x-oauth-scopes": ",".join(state.scopes)} if method == "auth.test" else {}
            self._reply(200, reply, ctype, extra)

        do_GET = _handle
        do_POST = _handle

    return Handler
