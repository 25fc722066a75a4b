"""One delivery, one answer: a global middleware drops Slack retries and duplicates.

Keys: `event_id` for events (Slack retries them with `X-Slack-Retry-Num`), `trigger_id` for slash
commands and block actions. A key seen before gets an empty 200 and nothing else runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.slack.deps import Deps

log = logging.getLogger(__name__)


def delivery_key(body: dict[str, Any]) -> str | None:
    if body.get("event_id"):
        return f"event:{body['event_id']}"
    if body.get("command") and body.get("trigger_id"):
        return f"command:{body['trigger_id']}"
    if body.get("type") == "block_actions" and body.get("trigger_id"):
        return f"action:{body['trigger_id']}"
    return None


def register(app: App, deps: Deps) -> None:
    def drop_duplicates(
        request: BoltRequest,
        response: BoltResponse,
        body: dict[str, Any],
        next: Callable[[], None],
    ) -> BoltResponse:
        key = delivery_key(body)
        if key is None or deps.seen.first_time(key):
            next()
            return response
        retry = (request.headers.get("x-slack-retry-num") or ["0"])[0]
        log.info("dropping duplicate delivery %s (retry %s)", key, retry)
        return BoltResponse(status=200, body="")

    app.middleware(drop_duplicates)
