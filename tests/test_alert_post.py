"""Alert messages through the fake Slack Web API: one message per breach, updated in place,
re-fired only when it escalates; an injected simulator spike alerts once; Acknowledge/Snooze
through the real app with signed requests."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from slack_sdk import WebClient
from sqlite_utils import Database

from bot.alerts import anomalies
from bot.analytics.client import AnalyticsClient
from bot.budgets import Budget, set_budget
from bot.slack.alert_blocks import ACTION_ACK, ACTION_SNOOZE
from bot.slack.alert_post import AlertPublisher
from bot.slack.once import Poster
from bot.store import alert_state
from bot.store.schema import open_store
from bot.store.sync import sync
from tests.fakes.slack_api import FakeSlack, Recorded
from tests.fakes.slack_env import ADMIN, NOW, USER, SlackEnv
from tests.report_factories import days, mc

pytest_plugins = ["tests.fakes.slack_fixtures"]

ALERTS = "C0ALERTS01"
SPIKE = date(2026, 11, 16)  # a Monday


def dumps(blocks: object) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T12:17:30+00:00")


def publisher(fake: FakeSlack, now: Callable[[], datetime], owner: str = "serve") -> AlertPublisher:
    client = WebClient(token="xoxb-test-token", base_url=fake.api_url, timeout=10)
    return AlertPublisher(Poster(client, owner, now=now), ALERTS)


def top_level(fake: FakeSlack) -> list[Recorded]:
    return [
        r
        for r in fake.requests("chat.postMessage")
        if r.body.get("channel") == ALERTS and not r.body.get("thread_ts")
    ]


def replies(fake: FakeSlack) -> list[Recorded]:
    return [r for r in fake.requests("chat.postMessage") if r.body.get("thread_ts")]


def budget_store(path: Path) -> Database:
    db = open_store(str(path))
    for day in days("2026-10-01", "2026-11-30"):
        db.table("cost_buckets").insert(
            {"day": day.isoformat(), "grouping": "", "product": "", "model": "", "cost_type": "",
             "token_type": "", "amount_microcents": mc("10000"), "list_amount_microcents": 0},
        )  # fmt: skip
        db.table("sync_ledger").insert(
            {"dataset": "cost_buckets", "day": day.isoformat(), "fetched_at": "x", "final": 0,
             "row_count": 1},
        )  # fmt: skip
    set_budget(db, Budget(scope="", amount_microcents=mc("250000")), now=NOW)
    return db


def test_a_budget_crossing_is_one_message_updated_not_three(tmp_path: Path) -> None:
    db = budget_store(tmp_path / "store.db")
    clock = [at("2026-11-08")]
    with FakeSlack() as fake:
        fake.state.clock = lambda: clock[0].timestamp()
        alerts = publisher(fake, lambda: clock[0])
        assert alerts.run(db, clock[0]) == ["budget org 2026-11: posted"]  # forecast 120 %
        assert alerts.run(db, clock[0]) == []  # the same hour again: nothing at all
        for day in ("2026-11-14", "2026-11-21", "2026-11-26", "2026-11-27"):
            clock[0] = at(day)
            alerts.run(db, clock[0])
        (post,) = top_level(fake)
        updates = fake.requests("chat.update")
        assert len(updates) == 3  # 50 %, 80 %, 100 %: the same message each time
        assert {u.body["ts"] for u in updates} == {fake.messages(ALERTS)[0]["ts"]}
        assert post.text.startswith("Claude budget (Organisation, November)")
        notices = [r.text for r in replies(fake)]
        assert notices == ["Escalated: now 50%.", "Escalated: now 80%.", "Escalated: now 100%."]
        (message,) = fake.messages(ALERTS)
        text = dumps(message["blocks"])
        assert "100.0% of the $2,500.00 budget spent" in text
        assert "Crossed: 50% · 80% · forecast over 100% · 100%" in text


def test_a_snoozed_alert_updates_without_a_notice(tmp_path: Path) -> None:
    db = budget_store(tmp_path / "store.db")
    clock = [at("2026-11-14")]
    with FakeSlack() as fake:
        fake.state.clock = lambda: clock[0].timestamp()
        alerts = publisher(fake, lambda: clock[0])
        alerts.run(db, clock[0])
        row = alert_state.get_alert(db, "budget", "", "2026-11")
        assert row is not None
        alert_state.snooze(db, row, user=ADMIN, until=clock[0] + timedelta(days=10), now=clock[0])
        clock[0] = at("2026-11-21")
        assert alerts.run(db, clock[0]) == ["budget org 2026-11: escalated to 80%"]
        assert len(fake.requests("chat.update")) == 1
        assert replies(fake) == []
        assert ":zzz: Snoozed by" in dumps(fake.messages(ALERTS)[0]["blocks"])


def test_an_escalation_slack_failed_to_show_is_sent_on_the_next_run(tmp_path: Path) -> None:
    db = budget_store(tmp_path / "store.db")
    clock = [at("2026-11-14")]
    with FakeSlack() as fake:
        fake.state.clock = lambda: clock[0].timestamp()
        alerts = publisher(fake, lambda: clock[0])
        assert alerts.run(db, clock[0]) == ["budget org 2026-11: posted"]  # 50 % and forecast
        clock[0] = at("2026-11-21")  # 80 %: Slack's edge answers 503 once, then recovers
        fake.server_error("chat.update", times=1, status=503)
        assert alerts.run(db, clock[0]) == []
        assert len(fake.requests("chat.update")) == 1
        assert "80.0% of the" not in dumps(fake.messages(ALERTS)[0]["blocks"])
        assert replies(fake) == []
        clock[0] = at("2026-11-21").replace(hour=13)  # the next hourly run
        assert alerts.run(db, clock[0]) == ["budget org 2026-11: escalated to 80%"]
        assert "80.0% of the $2,500.00 budget spent" in dumps(fake.messages(ALERTS)[0]["blocks"])
        assert [r.text for r in replies(fake)] == ["Escalated: now 80%."]
        assert alerts.run(db, clock[0]) == []  # shown and told once: nothing more
        assert len(fake.requests("chat.update")) == 2


@pytest.fixture(scope="module")
def spiked_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Cost data of a 40-user simulator whose Monday Nov 16 is 5× its usual spend."""
    from bot.simulator.config import SimConfig
    from bot.simulator.server import start_simulator

    path = tmp_path_factory.mktemp("spike") / "store.db"
    db = open_store(str(path))
    config = SimConfig(seed=7, users=40, days=120, now=NOW, spikes=((SPIKE, 5),))
    with (
        start_simulator(config) as sim,
        AnalyticsClient(
            base_url=sim.base_url, api_key=SecretStr("demo-key"), clock=lambda: NOW
        ) as client,
    ):
        report = sync(db, client, now=NOW, since=date(2026, 9, 15), only=["cost_buckets"])
    assert report.ok
    db.close()
    return path


def test_an_injected_spike_is_one_anomaly_alert_and_the_days_around_it_none(
    spiked_store: Path,
) -> None:
    db = open_store(str(spiked_store))
    clock = [at("2026-11-10")]
    with FakeSlack() as fake:
        fake.state.clock = lambda: clock[0].timestamp()
        alerts = publisher(fake, lambda: clock[0])
        # Every day from a week before the spike to the day the store ends.
        for offset in range(11):
            clock[0] = at("2026-11-10") + timedelta(days=offset)
            alerts.run(db, clock[0])
        (post,) = top_level(fake)
        assert "Claude spend anomaly on Nov 16, 2026" in post.text
        assert fake.requests("chat.update") == []
        body = dumps(post.blocks)
        assert "median of the previous 4 Mondays" in body
        assert "Rule: a day is flagged when its spend is at least 3× the median" in body
    rows = list(db.query("SELECT kind, period, level FROM alerts"))
    assert rows == [{"kind": "anomaly", "period": "2026-11-16", "level": "high,severe"}]


def test_the_unspiked_organisation_has_no_anomaly_in_that_fortnight(
    synced_store_path: Path,
) -> None:
    db = open_store(str(synced_store_path))
    assert anomalies(db, date(2026, 11, 20), lookback=14) == []


def test_acknowledge_and_snooze_through_the_app(
    make_slack_env: Callable[..., SlackEnv], tmp_path: Path
) -> None:
    path = tmp_path / "store.db"
    budget_store(path).close()
    env = make_slack_env(store=path, alert_channel=ALERTS)
    db = open_store(str(path))
    AlertPublisher(Poster(env.app.client, "serve", now=lambda: NOW), ALERTS).run(db, NOW)
    value = "budget||2026-11"
    response, key = env.sender.action(value, user_id=USER, action_id=ACTION_ACK, ephemeral=False)
    assert response.status_code == 200
    (refused,) = env.responses(key)
    assert "Handling alerts is limited to Claude usage admins" in refused.text
    env.sender.action(value, user_id=ADMIN, action_id=ACTION_SNOOZE, ephemeral=False)
    (update,) = env.fake.wait_for("chat.update")
    assert update.body["channel"] == ALERTS
    assert f":zzz: Snoozed by <@{ADMIN}> until Nov 21 12:00 UTC" in dumps(update.blocks)
    assert any(b["type"] == "actions" for b in update.blocks)  # still open: buttons stay
    env.sender.action(value, user_id=ADMIN, action_id=ACTION_ACK, ephemeral=False)
    updates = env.fake.wait_for("chat.update", 2)
    assert f":white_check_mark: Acknowledged by <@{ADMIN}>" in dumps(updates[-1].blocks)
    assert all(b["type"] != "actions" for b in updates[-1].blocks)  # handled: no buttons
    assert len(top_level(env.fake)) == 1


def test_without_an_alert_channel_nothing_is_posted(tmp_path: Path) -> None:
    db = budget_store(tmp_path / "store.db")
    with FakeSlack() as fake:
        client = WebClient(token="xoxb-test-token", base_url=fake.api_url)
        assert AlertPublisher(Poster(client, "x"), None).run(db, at("2026-11-27")) == []
        assert fake.requests() == []
