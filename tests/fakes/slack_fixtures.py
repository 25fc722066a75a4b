"""pytest plugin: a whole Slack deployment (see `tests.fakes.slack_env`). Test modules enable
it with `pytest_plugins = ["tests.fakes.slack_fixtures"]`.

    synced_store_path   session: SQLite file synced from a 40-user simulator (Oct 1 → NOW)
    make_slack_env      factory: make_slack_env(refresher=…, store=…, workers=…, **overrides)
                        (overrides: Settings; workers=1 runs lazy listeners in arrival order)
    slack_env           a SlackEnv with default settings
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.analytics.client import AnalyticsClient
from bot.simulator.config import SimConfig
from bot.simulator.server import start_simulator
from bot.slack.app import LAZY_WORKERS
from bot.slack.deps import Refresher
from bot.store.schema import open_store
from bot.store.sync import sync
from tests.fakes.slack_env import NOW, SlackEnv, running_slack_env, top_spender_email


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
    email = top_spender_email(synced_store_path)
    with ExitStack() as stack:

        def make(
            refresher: Refresher | None = None,
            store: Path | None = None,
            workers: int = LAZY_WORKERS,
            **overrides: Any,
        ) -> SlackEnv:
            env = running_slack_env(
                store or synced_store_path,
                user_email=email,
                refresher=refresher,
                workers=workers,
                **overrides,
            )
            return stack.enter_context(env)

        yield make


@pytest.fixture
def slack_env(make_slack_env: Callable[..., SlackEnv]) -> SlackEnv:
    return make_slack_env()
