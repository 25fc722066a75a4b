"""A stale store during an outage or with a revoked key: readers are answered from the store at
once, syncing backs off, admins hear about the key once, non-admins never see a credential error.

Before the fix, every command on a stale store synced first behind one lock: during an outage a
non-admin's `adoption 7d` took 94 s and 370 requests, the next command repeated it, and a 401
propagated to every reader.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.analytics.retry import RetryPolicy
from bot.config import Settings
from bot.simulator.server import RunningSimulator
from bot.slack.refresh import Backoff, SyncRefresher
from bot.store.runs import run_history
from bot.store.schema import open_store
from tests.fakes.slack_env import ADMIN, GROUP_ADMIN, NOW, USER, SlackEnv

pytest_plugins = ["tests.fakes.slack_fixtures"]

STALE = NOW + timedelta(hours=7)  # the fixture store's last good sync was at NOW


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Stale:
    env: SlackEnv
    refresher: SyncRefresher
    sim: RunningSimulator
    clock: Clock
    store: Path


@pytest.fixture
def make_stale(
    make_slack_env: Callable[..., SlackEnv],
    make_simulator: Callable[..., RunningSimulator],
    synced_store_path: Path,
    tmp_path: Path,
) -> Callable[..., Stale]:
    def make(*, key: str = "demo-key", **sim: object) -> Stale:
        store = tmp_path / "store.db"
        shutil.copy(synced_store_path, store)
        simulator = make_simulator(**sim)
        clock = Clock(STALE)
        settings = Settings(
            analytics_base_url=simulator.base_url, analytics_api_key=SecretStr(key), db_path=store
        )
        refresher = SyncRefresher(
            settings, now=clock, retry=RetryPolicy(wait=False), backoff=Backoff()
        )
        env = make_slack_env(store=store, refresher=refresher)
        return Stale(env, refresher, simulator, clock, store)

    return make


def _timed_ask(env: SlackEnv, words: str, user: str) -> tuple[float, str]:
    started = time.perf_counter()
    reply = env.ask(words, user)
    return time.perf_counter() - started, reply.text + str(reply.blocks)


def _requests(sim: RunningSimulator) -> int:
    return sum(sim.request_counts().values())


def test_an_outage_never_makes_a_reader_wait_and_syncing_backs_off(
    make_stale: Callable[..., Stale],
) -> None:
    stale = make_stale(fail_rate=1.0)
    took, answer = _timed_ask(stale.env, "adoption 7d", USER)
    assert took < 1.0, f"answered after {took:.2f}s"
    assert "Adoption" in answer
    assert "Data (UTC days): activity through" in answer
    assert stale.refresher.wait(30)  # the background sync gave up by itself
    with open_store(str(stale.store)) as db:
        history = run_history(db)
    assert history.consecutive_failures == 1
    assert history.last_failure is not None
    assert history.last_failure.error_kind == "unavailable"
    spent = _requests(stale.sim)
    assert spent < 100, f"{spent} requests spent on an outage"  # it stopped early
    took, answer = _timed_ask(stale.env, "adoption 7d", USER)
    assert took < 1.0
    assert not stale.refresher.running  # backing off: no second sync
    assert _requests(stale.sim) == spent
    assert "unavailable" not in answer
    stale.clock.now += timedelta(minutes=2)  # past the first back-off: one more attempt
    stale.env.ask("spend 7d", USER)
    assert stale.refresher.wait(30)
    assert _requests(stale.sim) > spent


def test_a_revoked_key_is_told_to_admins_once_and_never_to_others(
    make_stale: Callable[..., Stale],
) -> None:
    stale = make_stale(key="revoked-key")
    took, answer = _timed_ask(stale.env, "adoption 7d", USER)
    assert took < 1.0
    assert "Adoption" in answer
    assert stale.refresher.wait(30)
    fake = stale.env.fake
    admins = (ADMIN, "UADMIN0002", GROUP_ADMIN)  # configured, and through the user group
    dms = fake.wait_for("chat.postMessage", len(admins))
    assert {r.body["channel"] for r in dms} == {"D" + a[1:] for a in admins}
    assert all("rejected our key" in r.text for r in dms)
    assert all("CLAUDE_ANALYTICS_API_KEY" in r.text for r in dms)
    for words in ("adoption 7d", "status", "spend 7d"):
        _, answer = _timed_ask(stale.env, words, USER)
        for secret in ("401", "rejected", "revoked", "credential", "x-api-key"):
            assert secret not in answer, (words, secret)
    _, status = _timed_ask(stale.env, "status", ADMIN)
    assert "401" in status  # admins see why the data stopped getting fresher
    stale.clock.now += timedelta(hours=2)  # another failed attempt, same episode
    stale.env.ask("adoption 7d", USER)
    assert stale.refresher.wait(30)
    with open_store(str(stale.store)) as db:
        assert run_history(db).consecutive_failures == 2
    assert len(fake.requests("chat.postMessage")) == len(admins)  # not told twice
