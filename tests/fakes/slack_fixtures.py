"""pytest plugin: a whole Slack deployment (see `tests.fakes.slack_env`). Test modules enable
it with `pytest_plugins = ["tests.fakes.slack_fixtures"]`.

    synced_store_path   session: SQLite file synced from a 40-user simulator (Oct 1 → NOW)
    make_slack_env      factory: make_slack_env(refresher=…, store=…, workers=…, **overrides)
                        (overrides: Settings; workers=1 runs lazy listeners in arrival order)
    slack_env           a SlackEnv with default settings
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.analytics.client import AnalyticsClient
from bot.simulator.config import SimConfig
from bot.simulator.server import start_simulator
from bot.slack.app import LAZY_WORKERS, build_app
from bot.slack.deps import Refresher
from bot.slack.http import create_http_app
from bot.store.schema import open_store
from bot.store.sync import sync
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_env import (
    ADMIN,
    ADMIN_GROUP,
    GROUP_ADMIN,
    NOW,
    SECRET,
    STRANGER,
    USER,
    SlackEnv,
    make_settings,
    top_spender_email,
)
from tests.fakes.slack_http import ServerThread, SlackSender


@pytest.fixture(scope="session")
def synced_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("slack-store") / "store.db"
    db = open_store(str(path))
    config = SimConfig(seed=7, users=40, days=120, now=NOW)
    with (
        start_simulator(config) as sim,
        AnalyticsClient(
            base_url=sim.base_url, api_key=SecretStr("demo-key"), clock=lambda: NOW
        ) as client,
    ):
        report = sync(db, client, now=NOW, since=date(2026, 10, 1))
    assert report.ok
    db.close()
    return path


@pytest.fixture
def make_slack_env(
    synced_store_path: Path,
) -> Iterator[Callable[..., SlackEnv]]:
    """Factory: `make_slack_env(refresher=…, store=…, **overrides)`; everything stops at
    teardown. `store` is a SQLite file of the test's own (default: the shared synced store,
    which must then only be read)."""
    stack: list[Any] = []
    email = top_spender_email(synced_store_path)

    def make(
        refresher: Refresher | None = None,
        store: Path | None = None,
        workers: int = LAZY_WORKERS,
        **overrides: Any,
    ) -> SlackEnv:
        fake = FakeSlack().__enter__()
        stack.append(fake)
        fake.add_user(ADMIN, "admin@example.com", name="admin")
        fake.add_user(GROUP_ADMIN, "group.admin@example.com", name="groupadmin")
        fake.add_user(USER, email.upper(), name="someone")
        fake.add_user(STRANGER, "stranger@elsewhere.example", name="stranger")
        fake.set_usergroup(ADMIN_GROUP, [GROUP_ADMIN])
        path = store or synced_store_path
        settings = make_settings(fake, db_path=path, **overrides)
        db = open_store(str(path))
        app = build_app(settings, db, now=lambda: NOW, refresher=refresher, workers=workers)
        server = ServerThread(create_http_app(app)).__enter__()
        stack.append(server)
        sender = SlackSender(server.url, SECRET, fake.base_url)
        stack.append(sender)
        return SlackEnv(fake, sender, settings, app, path, email)

    yield make
    for item in reversed(stack):
        if isinstance(item, SlackSender):
            item.close()
        else:
            item.__exit__(None, None, None)


@pytest.fixture
def slack_env(make_slack_env: Callable[..., SlackEnv]) -> SlackEnv:
    return make_slack_env()
