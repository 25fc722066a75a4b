"""Buttons (`claude_usage.*`): each carries the `/claude-usage` words it runs in its `value`, which
go through the same parse → authorize → report path as typed words.

In an ephemeral answer, navigation buttons (previous/next/more/period) replace it; everything else
answers with a new ephemeral message; on the App Home, answers arrive by DM.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.slack.answer import answer
from bot.slack.blocks import Message
from bot.slack.blocks.message import ACTION_EXPORT, ACTION_PREFIX, ACTION_RUN
from bot.slack.deliver import Respond, respond_message, via_dm, via_respond
from bot.slack.deps import Deps

ACTION_PATTERN = re.compile("^" + re.escape(ACTION_PREFIX))
_NEW_MESSAGE = (ACTION_EXPORT, ACTION_RUN)


def ack_action(ack: Ack) -> None:
    ack()


def register(app: App, deps: Deps) -> None:
    def answer_action(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        action = (body.get("actions") or [{}])[0]
        user_id = str((body.get("user") or {}).get("id", ""))
        channel_id = (body.get("channel") or {}).get("id")
        words = str(action.get("value", ""))
        from_home = (body.get("container") or {}).get("type") == "view"
        if from_home or not body.get("response_url"):
            via_dm(client, user_id, answer(deps, user_id=user_id, channel_id=None, text=words))
            return
        action_id = str(action.get("action_id", ""))
        ephemeral = bool((body.get("container") or {}).get("is_ephemeral"))
        # Only an answer only this person sees is replaced; a shared one stays for everyone.
        replace = ephemeral and not action_id.startswith(_NEW_MESSAGE)

        def progress(message: Message) -> None:
            respond_message(respond, message, response_type="ephemeral", replace_original=replace)

        result = answer(deps, user_id=user_id, channel_id=channel_id, text=words, progress=progress)
        via_respond(respond, client, user_id, result, replace_original=replace)

    app.action(ACTION_PATTERN)(ack=ack_action, lazy=[answer_action])
