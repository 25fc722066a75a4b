"""Socket mode: Bolt's `SocketModeHandler`, with a log id per envelope and an honest link state.

The SDK's `is_connected()` only says a socket object exists. When Slack's side goes away without
a close frame (a network cut, a load balancer dropping the connection) the socket lingers and
`is_connected()` stays true until the SDK's own check gives up on it: 4 ping intervals without a
pong. Readiness must not wait that long, so `state()` also looks at when a pong last came back:
older than `STALE_PINGS` ping intervals is `stale` (not ready), and the SDK reconnects soon
after. The ping interval is `CLAUDE_USAGE_SLACK_PING_SECONDS` (default 5 s: a dead link is seen
within about 15–20 s and replaced within about 25 s; Bolt's own default is 10 s).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.logging_setup import log_context

STALE_PINGS = 3
LinkState = Literal["connected", "stale", "disconnected", "closed"]


@dataclass(frozen=True)
class LinkStatus:
    state: LinkState
    last_pong_seconds: float | None
    """Seconds since the ping that the latest pong answered was sent (None: no pong yet)."""


class _Handler(SocketModeHandler):
    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        with log_context(f"env-{req.envelope_id}"):
            super().handle(client, req)


class SocketLink:
    """The Bolt app's socket-mode connection: `connect()`, `state()`, `close()`."""

    def __init__(self, app: App, app_token: str, *, ping_interval: float) -> None:
        self.ping_interval = ping_interval
        self.handler = _Handler(app, app_token, ping_interval=ping_interval)
        self._seen: dict[str, float] = {}
        """The session `state()` saw without a pong, and when (wall clock, as the SDK's)."""

    @property
    def stale_after(self) -> float:
        return STALE_PINGS * self.ping_interval

    def connect(self) -> None:
        """Open the connection (raises the Web API's error if Slack refuses the app token)."""
        self.handler.connect()  # type: ignore[no-untyped-call]

    def close(self) -> None:
        """Disconnect and stop the SDK's threads; envelopes being handled finish first."""
        self.handler.close()  # type: ignore[no-untyped-call]

    def state(self, now: float | None = None) -> LinkStatus:
        at = time.time() if now is None else now
        client = self.handler.client
        session = client.current_session
        if client.closed:
            return LinkStatus("closed", None)
        if session is None or not session.is_active():
            return LinkStatus("disconnected", None)
        pong = session.last_ping_pong_time
        if pong is None:  # a fresh session: measure from when it was first seen
            pong = self._seen.get(session.session_id, at)
            self._seen = {session.session_id: pong}
            age = None
        else:
            age = round(at - pong, 1)
        fresh = at - pong <= self.stale_after
        return LinkStatus("connected" if fresh else "stale", age)
