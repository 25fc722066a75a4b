"""App Home: `app_home_opened` publishes KPIs and report buttons; the buttons answer by DM."""

from __future__ import annotations

from typing import Any

import pytest

from bot.console.render import blocks_to_text
from tests.fakes.slack_env import ADMIN, USER, SlackEnv

pytest_plugins = ["tests.fakes.slack_fixtures"]


def open_home(env: SlackEnv, user: str) -> dict[str, Any]:
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME0001", "tab": "home"}
    assert env.sender.event(event).status_code == 200
    (publish,) = env.fake.wait_for("views.publish", where=lambda r: r.body["user_id"] == user)
    view: dict[str, Any] = publish.field_json("view")
    return view


def buttons(view: dict[str, Any]) -> dict[str, str]:
    return {
        e["text"]["text"]: e["value"]
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    }


def test_admin_home_has_kpis_freshness_and_every_report(slack_env: SlackEnv) -> None:
    view = open_home(slack_env, ADMIN)
    assert view["type"] == "home"
    text = blocks_to_text(view["blocks"])
    assert "Spend, last 7 days: $" in text
    assert "vs the 7 days before" in text
    assert "Monthly actives" in text
    assert "Data (UTC days): activity through" in text
    assert buttons(view)["Top spenders"] == "top-spenders 7d"
    assert len(view["blocks"]) <= 100


def test_non_admin_home_has_no_per_user_buttons(slack_env: SlackEnv) -> None:
    view = open_home(slack_env, USER)
    labels = buttons(view)
    assert "Top spenders" not in labels
    assert labels["My usage"] == "user me 30d"
    assert "limited to Claude usage admins" in blocks_to_text(view["blocks"])


def test_other_tabs_publish_nothing(slack_env: SlackEnv) -> None:
    event = {"type": "app_home_opened", "user": ADMIN, "channel": "D0", "tab": "messages"}
    assert slack_env.sender.event(event).status_code == 200
    open_home(slack_env, USER)  # a later event is handled, so the first one was too
    assert [r.body["user_id"] for r in slack_env.fake.requests("views.publish")] == [USER]


@pytest.mark.parametrize(("user", "words"), [(ADMIN, "top-spenders 7d"), (USER, "user me 30d")])
def test_home_buttons_answer_by_dm(slack_env: SlackEnv, user: str, words: str) -> None:
    response, _ = slack_env.sender.action(
        words, user_id=user, action_id="claude_usage.run.home.0", from_home=True
    )
    assert response.status_code == 200
    (post,) = slack_env.fake.wait_for("chat.postMessage")
    assert post.body["channel"] == "D" + user[1:]
    assert "limited to" not in post.text
    assert post.blocks
