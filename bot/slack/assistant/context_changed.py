"""`assistant_thread_context_changed`: the person moved to another channel with the panel open.

Only remembered (the system prompt mentions the channel in view); the bot reads no channel.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.slack.deps import Deps
from bot.store.conversations import note_thread


def ack_event(ack: Ack) -> None:
    ack()


def register(app: App, deps: Deps) -> None:
    def remember_context(event: dict[str, Any]) -> None:
        thread = event.get("assistant_thread") or {}
        channel, thread_ts = thread.get("channel_id"), thread.get("thread_ts")
        if not (channel and thread_ts and thread.get("user_id")):
            return
        viewing = (thread.get("context") or {}).get("channel_id")
        with deps.store.connect() as db:
            note_thread(db, f"{channel}:{thread_ts}", user_id=str(thread["user_id"]),
                        channel=str(channel), at=deps.now(), context_channel=viewing)  # fmt: skip

    app.event("assistant_thread_context_changed")(ack=ack_event, lazy=[remember_context])
