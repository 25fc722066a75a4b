"""Socket mode: the same app behind slack_bolt's SocketModeHandler, driven over a real WebSocket
by a fake Socket Mode endpoint. Envelopes are acked at once; answers go through response_url."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.slack.app import build_app
from bot.store.schema import open_store
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_env import ADMIN, NOW, USER, make_settings
from tests.fakes.socket_mode import FakeSocketMode

pytest_plugins = ["tests.fakes.slack_fixtures"]

APP_TOKEN = "xapp-1-A0FAKE-123-abc"


@pytest.fixture
def socket_env(synced_store_path: Path) -> Iterator[tuple[FakeSlack, FakeSocketMode]]:
    with FakeSlack() as fake, FakeSocketMode() as socket_mode:
        fake.state.socket_url = socket_mode.url
        fake.add_user(USER, "someone@example.com")
        settings = make_settings(fake, slack_signing_secret=None, slack_app_token=APP_TOKEN)
        app = build_app(
            settings, open_store(str(synced_store_path)), now=lambda: NOW, socket_mode=True
        )
        # No auto-reconnect: at teardown the fake hangs up first, as Slack ends a session.
        handler = SocketModeHandler(app, APP_TOKEN, auto_reconnect_enabled=False)
        handler.connect()  # type: ignore[no-untyped-call]
        try:
            yield fake, socket_mode
        finally:
            socket_mode.hang_up()
            handler.close()  # type: ignore[no-untyped-call]


def command_envelope(
    envelope_id: str, text: str, user_id: str, response_url: str
) -> dict[str, object]:
    return {
        "envelope_id": envelope_id,
        "type": "slash_commands",
        "accepts_response_payload": True,
        "payload": {
            "team_id": "T0FAKE0001",
            "channel_id": "C0GENERAL1",
            "user_id": user_id,
            "command": "/claude-usage",
            "text": text,
            "api_app_id": "A0FAKE0001",
            "response_url": response_url,
            "trigger_id": f"trigger-{envelope_id}",
        },
    }


def test_slash_command_over_socket_mode(socket_env: tuple[FakeSlack, FakeSocketMode]) -> None:
    fake, socket_mode = socket_env
    socket_mode.send_envelope(
        command_envelope("env-1", "adoption 7d", USER, fake.response_url("s1"))
    )
    assert socket_mode.wait_ack("env-1")["envelope_id"] == "env-1"
    (reply,) = fake.wait_for("response", where=lambda r: r.path.endswith("/s1"))
    assert "Adoption" in reply.text
    (opened,) = fake.requests("apps.connections.open")
    assert opened.headers["authorization"] == f"Bearer {APP_TOKEN}"


def test_refusals_and_retries_over_socket_mode(
    socket_env: tuple[FakeSlack, FakeSocketMode],
) -> None:
    fake, socket_mode = socket_env
    socket_mode.send_envelope(
        command_envelope("env-2", "top-spenders", USER, fake.response_url("s2"))
    )
    socket_mode.wait_ack("env-2")
    (reply,) = fake.wait_for("response", where=lambda r: r.path.endswith("/s2"))
    assert "limited to Claude usage admins" in reply.text
    event = {
        "envelope_id": "env-3",
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": 0,
        "retry_reason": "",
        "payload": {
            "type": "event_callback",
            "team_id": "T0FAKE0001",
            "event_id": "Ev0SOCKET",
            "event": {"type": "app_home_opened", "user": ADMIN, "channel": "D0", "tab": "home"},
        },
    }
    socket_mode.send_envelope(event)
    socket_mode.wait_ack("env-3")
    socket_mode.send_envelope({**event, "envelope_id": "env-4", "retry_attempt": 1})
    socket_mode.wait_ack("env-4")
    fake.wait_for("views.publish")
    socket_mode.send_envelope(command_envelope("env-5", "help", ADMIN, fake.response_url("s5")))
    socket_mode.wait_ack("env-5")
    fake.wait_for("response", where=lambda r: r.path.endswith("/s5"))
    assert len(fake.requests("views.publish")) == 1  # the retried event was dropped
