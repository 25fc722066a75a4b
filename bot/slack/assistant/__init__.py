"""Asking in Slack: DMs and the AI assistant panel, one listener per file (as in Slack's
assistant template), all answering through `asking.Asking`.

    dm.py                 `message.im`: a question in a DM (or an assistant thread) → answer
    thread_started.py     `assistant_thread_started`: a greeting and prompts fit for the role
    context_changed.py    `assistant_thread_context_changed`: remember the channel in view
    feedback.py           👍/👎 on an answer → stored with the question
    stream.py, asking.py  the streamed answer, and the question → answer flow
"""

from __future__ import annotations

from slack_bolt import App

from bot.slack.assistant import context_changed, dm, feedback, thread_started
from bot.slack.assistant.asking import Asking
from bot.slack.deps import Deps


def register(app: App, deps: Deps, asking: Asking | None = None) -> None:
    """Register every asking listener; `asking` defaults to one built from the settings."""
    asking = asking or Asking(deps)
    dm.register(app, deps, asking)
    thread_started.register(app, deps)
    context_changed.register(app, deps)
    feedback.register(app, deps)
