"""`register_listeners(app, deps)`: one module per Slack surface, each with a `register`."""

from __future__ import annotations

from slack_bolt import App

from bot.slack import assistant
from bot.slack.deps import Deps
from bot.slack.listeners import actions, alerts, app_home, commands, dedupe


def register_listeners(app: App, deps: Deps) -> None:
    dedupe.register(app, deps)
    commands.register(app, deps)
    actions.register(app, deps)
    alerts.register(app, deps)
    app_home.register(app, deps)
    assistant.register(app, deps)
