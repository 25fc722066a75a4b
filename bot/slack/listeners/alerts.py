"""Acknowledge / Snooze on alert messages (`claude_usage_alert.*`), admins only.

The button's value names the breach (`kind|scope|period`); the store decides what it is, so a
forged value can at most acknowledge an alert that exists. After the change, the message is
re-rendered from its stored body with the new status line (`chat.update`). Anyone else who
clicks is told, only to them, who can.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.alert_blocks import ACTION_ACK, ACTION_ALERT
from bot.slack.alert_post import message_for
from bot.slack.auth import refusal
from bot.slack.blocks import escape_sentence
from bot.slack.deliver import Respond
from bot.slack.deps import Deps
from bot.store import alert_state

log = logging.getLogger(__name__)

ALERT_ACTIONS = re.compile("^" + re.escape(ACTION_ALERT) + r"\.(ack|snooze)$")
SNOOZE = timedelta(hours=24)


def ack_action(ack: Ack) -> None:
    ack()


def register(app: App, deps: Deps) -> None:
    def handle(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        action = (body.get("actions") or [{}])[0]
        user_id = str((body.get("user") or {}).get("id", ""))
        if user_id not in deps.directory.admins():
            respond(
                text=escape_sentence(refusal("Handling alerts", deps.directory)),
                response_type="ephemeral",
                replace_original=False,
            )
            return
        parts = str(action.get("value", "")).split("|")
        if len(parts) != 3:
            return
        now = deps.now()
        with deps.store.connect() as db:
            row = alert_state.get_alert(db, *parts)
            if row is None or row.ts is None or row.channel is None:
                return
            if action.get("action_id") == ACTION_ACK:
                alert_state.acknowledge(db, row, user=user_id, now=now)
            else:
                alert_state.snooze(db, row, user=user_id, until=now + SNOOZE, now=now)
            changed = alert_state.get_alert(db, *parts)
        assert changed is not None
        message = message_for(changed, now)
        try:
            client.chat_update(
                channel=row.channel, ts=row.ts, text=message.text, blocks=message.blocks
            )
        except SlackApiError as exc:
            log.warning("updating alert %s failed: %s", parts, exc.response.get("error"))

    app.action(ALERT_ACTIONS)(ack=ack_action, lazy=[handle])
