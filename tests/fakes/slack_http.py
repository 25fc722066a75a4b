"""Run an ASGI app for real (uvicorn on 127.0.0.1, port 0, in a thread) and talk to it as Slack.

`SlackSender` signs every request exactly as Slack does:
    X-Slack-Request-Timestamp: <unix seconds>
    X-Slack-Signature: v0=HMAC_SHA256(signing_secret, "v0:<timestamp>:<raw body>")
and builds the three payload shapes the app receives: slash commands (form), block actions (form
field `payload` holding JSON) and Events API callbacks (JSON).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import socket
import threading
import time
from typing import Any
from urllib.parse import urlencode

import httpx
import uvicorn

TEAM_ID = "T0FAKE0001"


class ServerThread:
    """uvicorn serving `app` on a socket bound before the thread starts, so requests can be sent
    at once (they wait in the listen backlog until the loop accepts them): no readiness polling."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(256)
        config = uvicorn.Config(app, log_level="warning", lifespan="off", ws="none")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.sock.getsockname()[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> ServerThread:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


class SlackSender:
    """Sends signed Slack requests to `base_url + /slack/events`."""

    def __init__(self, base_url: str, secret: str, response_base: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30)
        self.secret = secret
        self.response_base = response_base
        self._ids = itertools.count(1)

    def close(self) -> None:
        self.http.close()

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        secret: str | None = None,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        signed = sign(self.secret if secret is None else secret, body, timestamp)
        all_headers = {"Content-Type": content_type, **signed, **(headers or {})}
        return self.http.post("/slack/events", content=body, headers=all_headers)

    def next_id(self) -> int:
        return next(self._ids)

    def command_body(
        self,
        text: str,
        *,
        user_id: str,
        channel_id: str = "C0GENERAL1",
        trigger_id: str | None = None,
    ) -> tuple[bytes, str]:
        n = self.next_id()
        key = f"cmd{n}"
        form = {
            "token": "deprecated-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "fake-org",
            "channel_id": channel_id,
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": "/claude-usage",
            "text": text,
            "api_app_id": "A0FAKE0001",
            "is_enterprise_install": "false",
            "response_url": f"{self.response_base}/response/{key}",
            "trigger_id": trigger_id or f"{n}.trigger.{time.monotonic_ns()}",
        }
        return urlencode(form).encode(), key

    def command(self, text: str, *, user_id: str, **kwargs: Any) -> tuple[httpx.Response, str]:
        """POST a slash command; returns the HTTP response and the response_url key."""
        body, key = self.command_body(text, user_id=user_id, **kwargs)
        return self.post(body, "application/x-www-form-urlencoded"), key

    def action(
        self,
        value: str,
        *,
        user_id: str,
        action_id: str = "claude_usage.more",
        from_home: bool = False,
        ephemeral: bool = True,
        channel_id: str = "C0GENERAL1",
    ) -> tuple[httpx.Response, str]:
        n = self.next_id()
        key = f"act{n}"
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM_ID, "domain": "fake-org"},
            "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM_ID},
            "api_app_id": "A0FAKE0001",
            "trigger_id": f"{n}.action.{time.monotonic_ns()}",
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "claude_usage_buttons",
                    "value": value,
                    "action_ts": f"{time.time():.6f}",
                    "text": {"type": "plain_text", "text": "Show more"},
                }
            ],
        }
        if from_home:
            payload["container"] = {"type": "view", "view_id": "V0HOME"}
            payload["view"] = {"id": "V0HOME", "type": "home"}
        else:
            payload["container"] = {
                "type": "message",
                "message_ts": "1764000000.000100",
                "channel_id": channel_id,
                "is_ephemeral": ephemeral,
            }
            payload["channel"] = {"id": channel_id, "name": "general"}
            payload["response_url"] = f"{self.response_base}/response/{key}"
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(body, "application/x-www-form-urlencoded"), key

    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> httpx.Response:
        envelope = {
            "token": "deprecated-verification-token",
            "team_id": TEAM_ID,
            "api_app_id": "A0FAKE0001",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{self.next_id():08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": "U0BOT00001", "is_bot": True}],
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(json.dumps(envelope).encode(), "application/json", headers=headers)
