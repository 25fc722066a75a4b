"""`message.im`: a person writes to the bot (a DM, a thread in it, or the assistant panel).

Acked at once; the answer is a lazy listener's work, threaded under the question (a follow-up in
a thread keeps that thread's context). Only a person's own new messages are questions: edits,
deletions, joins and every bot message (ours included) are ignored, so the bot never answers
itself.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack.answer import slack_text
from bot.slack.assistant.asking import Asking, Question
from bot.slack.deps import Deps


def is_question(event: dict[str, Any]) -> bool:
    return (
        event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("user"))
        and bool(str(event.get("text", "")).strip())
    )


def ack_event(ack: Ack) -> None:
    ack()


def register(app: App, deps: Deps, asking: Asking) -> None:
    def answer_dm(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if not is_question(event):
            return
        question = Question(
            user_id=str(event["user"]),
            channel=str(event["channel"]),
            thread_ts=str(event.get("thread_ts") or event["ts"]),
            text=slack_text(str(event["text"])).strip(),
            team_id=context.team_id,
        )
        asking.answer(client, question)

    app.event("message")(ack=ack_event, lazy=[answer_dm])
