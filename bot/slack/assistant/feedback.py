"""👍/👎 under an answer (`claude_ask.feedback.up|down`, value = the question's id) → stored.

One vote per person and question (the later click, by Slack's `action_ts`, replaces the
earlier); the person gets a short ephemeral thank-you. A value that names no question
(forged, or from another store) is ignored.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.assistant.stream import ACTION_FEEDBACK
from bot.slack.deps import Deps
from bot.store.conversations import record_feedback

log = logging.getLogger(__name__)

ACTION_PATTERN = re.compile("^" + re.escape(ACTION_FEEDBACK) + r"\.(up|down)$")
THANKS = {1: "Thanks, glad it helped.", -1: "Thanks for telling me; it was noted."}


def ack_action(ack: Ack) -> None:
    ack()


def register(app: App, deps: Deps) -> None:
    def store_vote(body: dict[str, Any], client: WebClient) -> None:
        action = (body.get("actions") or [{}])[0]
        match = ACTION_PATTERN.match(str(action.get("action_id", "")))
        value = str(action.get("value", ""))
        user_id = str((body.get("user") or {}).get("id", ""))
        if match is None or not value.isdigit() or not user_id:
            return
        vote = 1 if match.group(1) == "up" else -1
        with deps.store.connect() as db:
            if not record_feedback(db, int(value), user_id, vote, _clicked_at(action, deps)):
                return
        channel = (body.get("channel") or {}).get("id")
        thread_ts = (body.get("message") or {}).get("thread_ts")
        if not channel:
            return
        try:
            client.chat_postEphemeral(
                channel=channel, user=user_id, text=THANKS[vote], thread_ts=thread_ts
            )
        except SlackApiError as exc:
            log.info("thank-you not posted: %s", exc.response.get("error"))

    app.action(ACTION_PATTERN)(ack=ack_action, lazy=[store_vote])


def _clicked_at(action: dict[str, Any], deps: Deps) -> datetime:
    """When the person clicked (Slack's `action_ts`), so the later of two clicks wins."""
    try:
        return datetime.fromtimestamp(float(action["action_ts"]), UTC)
    except (KeyError, TypeError, ValueError):
        return deps.now()
