"""`app_home_opened` → `views.publish` of the Home tab for that person (after the ack)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.deps import Deps
from bot.slack.home import home_view, load_home

log = logging.getLogger(__name__)


def ack_event(ack: Ack) -> None:
    ack()


def register(app: App, deps: Deps) -> None:
    def publish_home(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user_id = str(event.get("user", ""))
        viewer = deps.directory.viewer(user_id)
        try:
            client.views_publish(user_id=user_id, view=home_view(viewer, load_home(deps, viewer)))
        except SlackApiError as exc:
            log.warning("views.publish for %s failed: %s", user_id, exc.response.get("error"))

    app.event("app_home_opened")(ack=ack_event, lazy=[publish_home])
