"""A whole Slack deployment for tests: a store synced from the simulator, the fake Slack Web API,
the real HTTP app (uvicorn in a thread) and a signed-request sender.

    synced_store_path   session fixture: SQLite file synced from a 40-user simulator (Oct 1 → now)
    slack_env           function fixture: `SlackEnv` with everything above running
    running_slack_env   the same as a context manager, for any store (fixtures and tours use it)

Slack identities in the fake workspace:
    ADMIN       in CLAUDE_USAGE_ADMINS
    GROUP_ADMIN admin through the admin user group (usergroups.users.list)
    USER        not an admin; Slack email = a real user of the org (the top spender)
    STRANGER    not an admin; email unknown to Claude
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from slack_bolt import App

from bot.config import Settings
from bot.slack.app import LAZY_WORKERS, build_app
from bot.slack.deps import Refresher
from bot.slack.http import create_http_app
from bot.store.schema import open_store
from tests.fakes.slack_api import FakeSlack, Recorded
from tests.fakes.slack_http import ServerThread, SlackSender

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
ADMIN = "UADMIN0001"
GROUP_ADMIN = "UGROUPADM1"
USER = "UUSER00001"
STRANGER = "USTRANGER1"
ADMIN_GROUP = "S0ADMINS01"
DIGEST_CHANNEL = "C0DIGEST01"
GENERAL = "C0GENERAL1"
HOSTILE = ("<!channel>", "<!here>", "*bold*", "_it_", "<@U123ABC>", "<https://evil.example|click>")


def top_spender_email(path: Path) -> str:
    """The email of the biggest spender of the last 7 complete days (a real org member)."""
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "SELECT d.email FROM user_cost c JOIN directory d USING (user_id) "
            "WHERE c.day BETWEEN '2026-11-13' AND '2026-11-19' AND d.email IS NOT NULL "
            "GROUP BY c.user_id ORDER BY sum(c.amount_microcents) DESC LIMIT 1"
        ).fetchone()
    return str(row[0])


@dataclass
class SlackEnv:
    fake: FakeSlack
    sender: SlackSender
    settings: Settings
    app: App
    store_path: Path
    user_email: str

    def ask(self, text: str, user_id: str = ADMIN, *, answers: int = 1, **kwargs: Any) -> Recorded:
        """Send `/claude-usage text` and return the last of `answers` respond() payloads."""
        response, key = self.sender.command(text, user_id=user_id, **kwargs)
        assert response.status_code == 200, response.text
        return self.responses(key, answers)[-1]

    def responses(self, key: str, count: int = 1) -> list[Recorded]:
        return self.fake.wait_for("response", count, where=lambda r: r.path.endswith("/" + key))

    def sent_strings(self) -> Iterator[str]:
        """Every string value in every body the app sent to Slack, files aside (a CSV is not
        mrkdwn: it keeps names exactly as the API sent them)."""

        def walk(node: Any) -> Iterator[str]:
            if isinstance(node, str):
                try:
                    parsed = json.loads(node)
                except ValueError:
                    yield node
                    return
                if isinstance(parsed, dict | list):
                    yield from walk(parsed)
                else:
                    yield node
            elif isinstance(node, dict):
                for value in node.values():
                    yield from walk(value)
            elif isinstance(node, list):
                for value in node:
                    yield from walk(value)

        for request in self.fake.requests():
            if request.method != "upload":
                yield from walk(request.body)


def make_settings(fake: FakeSlack, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test-token",
        "slack_signing_secret": SECRET,
        "slack_api_url": fake.api_url,
        "admins": f"{ADMIN},UADMIN0002",
        "admin_usergroup": ADMIN_GROUP,
        "digest_channels": DIGEST_CHANNEL,
        "seat_price_cents": 3000,
        **overrides,
    }
    return Settings(**values)


@contextmanager
def running_slack_env(
    store: Path,
    *,
    user_email: str,
    refresher: Refresher | None = None,
    workers: int = LAZY_WORKERS,
    **overrides: Any,
) -> Iterator[SlackEnv]:
    """The fake workspace (the identities above; USER's Slack email is `user_email`), the app
    on `store` with `make_settings(**overrides)`, served over HTTP; all stopped on exit."""
    with ExitStack() as stack:
        fake = stack.enter_context(FakeSlack())
        fake.add_user(ADMIN, "admin@example.com", name="admin")
        fake.add_user(GROUP_ADMIN, "group.admin@example.com", name="groupadmin")
        fake.add_user(USER, user_email.upper(), name="someone")
        fake.add_user(STRANGER, "stranger@elsewhere.example", name="stranger")
        fake.set_usergroup(ADMIN_GROUP, [GROUP_ADMIN])
        settings = make_settings(fake, db_path=store, **overrides)
        db = open_store(str(store))
        app = build_app(settings, db, now=lambda: NOW, refresher=refresher, workers=workers)
        server = stack.enter_context(ServerThread(create_http_app(app)))
        sender = SlackSender(server.url, SECRET, fake.base_url)
        stack.callback(sender.close)
        yield SlackEnv(fake, sender, settings, app, store, user_email)
