"""`/claude-usage …`: ack at once (nothing but the ack runs before Slack gets its 200), then answer
from a lazy listener through `respond` (the command's response_url)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.slack.answer import answer, slack_text
from bot.slack.blocks import Message
from bot.slack.deliver import Respond, respond_message, via_respond
from bot.slack.deps import Deps

COMMAND = "/claude-usage"


def ack_command(ack: Ack) -> None:
    ack()


def register(app: App, deps: Deps) -> None:
    def answer_command(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        user_id = str(body.get("user_id", ""))
        sent_progress = False

        def progress(message: Message) -> None:
            nonlocal sent_progress
            respond_message(respond, message, response_type="ephemeral", replace_original=False)
            sent_progress = True

        result = answer(
            deps,
            user_id=user_id,
            channel_id=body.get("channel_id"),
            text=slack_text(str(body.get("text", ""))),
            progress=progress,
        )
        via_respond(respond, client, user_id, result, replace_original=sent_progress)

    app.command(COMMAND)(ack=ack_command, lazy=[answer_command])
