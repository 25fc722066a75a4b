"""`assistant_thread_started`: someone opened the bot in Slack's AI assistant panel.

The thread is recorded (with the channel they were viewing, if any), a one-line greeting is
posted, and the suggested prompts fit the asker's role: an admin gets per-user questions, a
member only what they may ask (their own usage, the organisation's adoption and spend).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.deps import Deps
from bot.store.conversations import note_thread

log = logging.getLogger(__name__)

GREETING = "Ask me about Claude adoption and spend: who uses what, what it costs, what changed."
ADMIN_PROMPTS = (
    ("Top spenders last week", "Who were the top spenders last week?"),
    ("Why did spend change?", "Why did spend change this week compared with last week?"),
    ("Opus this month vs last", "How much did Opus cost us this month vs last month?"),
    ("Claude Code adoption", "Who uses Claude Code the most this month?"),
)
MEMBER_PROMPTS = (
    ("My usage this month", "How much have I used Claude this month?"),
    ("Adoption this month", "How is Claude adoption going this month?"),
    ("Most used skills", "Which skills are used most this month?"),
    ("Spend this month", "How much has the organisation spent this month?"),
)


def prompts_for(is_admin: bool) -> list[dict[str, str]]:
    chosen = ADMIN_PROMPTS if is_admin else MEMBER_PROMPTS
    return [{"title": title, "message": message} for title, message in chosen]


def ack_event(ack: Ack) -> None:
    ack()


def register(app: App, deps: Deps) -> None:
    def start_thread(event: dict[str, Any], client: WebClient) -> None:
        thread = event.get("assistant_thread") or {}
        user_id = str(thread.get("user_id", ""))
        channel = str(thread.get("channel_id", ""))
        thread_ts = str(thread.get("thread_ts", ""))
        if not (user_id and channel and thread_ts):
            return
        viewing = (thread.get("context") or {}).get("channel_id")
        with deps.store.connect() as db:
            note_thread(db, f"{channel}:{thread_ts}", user_id=user_id, channel=channel,
                        at=deps.now(), context_channel=viewing)  # fmt: skip
        is_admin = deps.directory.viewer(user_id).is_admin
        try:
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=GREETING)
            client.assistant_threads_setSuggestedPrompts(
                channel_id=channel, thread_ts=thread_ts, prompts=prompts_for(is_admin)
            )
        except SlackApiError as exc:
            log.warning("starting assistant thread failed: %s", exc.response.get("error"))

    app.event("assistant_thread_started")(ack=ack_event, lazy=[start_thread])
