"""End to end: sync a small simulated org over HTTP, then check reports against its ground truth.

The simulator computes every cost line from (seed, user, day) independently of the HTTP layer,
so totals summed here from `sim.org` are a check of the whole chain: API → client → sync →
store → report, to the micro-cent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr
from sqlite_utils import Database

from bot.analytics.client import AnalyticsClient
from bot.analytics.retry import RetryPolicy
from bot.reports.adoption import adoption
from bot.reports.periods import parse_period
from bot.reports.spend import spend_series, top_spenders
from bot.simulator.config import SimConfig
from bot.simulator.server import RunningSimulator, start_simulator
from bot.simulator.spend import NON_SEAT
from bot.store.money import cents_to_microcents
from bot.store.schema import open_store
from bot.store.sync import sync

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture(scope="module", params=[False, True], ids=["today", "legacy"])
def synced(request: pytest.FixtureRequest) -> Iterator[tuple[Database, RunningSimulator]]:
    """One small org (30 users, 30 days), synced once per API shape: today's (the SDK's types)
    and the original guide's (`--legacy`)."""
    config = SimConfig(seed=11, users=30, days=30, now=NOW, legacy=request.param)
    with start_simulator(config) as sim:
        db = open_store(":memory:")
        client = AnalyticsClient(
            base_url=sim.base_url,
            api_key=SecretStr(sim.config.api_key),
            retry=RetryPolicy(wait=False, max_attempts=5),
            clock=lambda: NOW,
        )
        with client:
            report = sync(db, client, now=NOW, since=sim.org.start)
        assert report.ok, report.failures
        yield db, sim
        db.close()


def truth(sim: RunningSimulator, period_text: str, pick: Callable[[int], bool]) -> dict[int, int]:
    """Micro-cents per simulator user index (NON_SEAT included) over a period, at NOW."""
    period = parse_period(period_text, today=TODAY)
    totals: dict[int, int] = defaultdict(int)
    for day in period.each_day():
        for line, counts in sim.org.cost_rows(day, NOW):
            if pick(line.user):
                totals[line.user] += cents_to_microcents(sim.org.line_money(line, counts)[0])
    return totals


def test_org_spend_matches_simulator(synced: tuple[Database, RunningSimulator]) -> None:
    db, sim = synced
    result = spend_series(db, parse_period("7d", today=TODAY), by="product")
    assert result.total_microcents == sum(truth(sim, "7d", lambda _: True).values())
    assert sum(row.value for row in result.breakdown) == result.total_microcents


def test_top_spenders_match_simulator(synced: tuple[Database, RunningSimulator]) -> None:
    db, sim = synced
    per_user = truth(sim, "7d", lambda user: user != NON_SEAT)
    result = top_spenders(db, parse_period("7d", today=TODAY), limit=3)
    assert result.total_microcents == sum(per_user.values())
    assert result.total_count == sum(1 for amount in per_user.values() if amount)
    ids = {u.index: u.user_id for u in sim.org.users()}
    ranked = sorted(per_user.items(), key=lambda item: (-item[1], ids[item[0]]))[:3]
    assert [(r.user_id, r.amount_microcents) for r in result.rows] == [
        (ids[index], amount) for index, amount in ranked
    ]
    assert result.org_total_microcents is not None
    assert result.org_total_microcents >= result.total_microcents


def test_adoption_latest_dau_matches_simulator(synced: tuple[Database, RunningSimulator]) -> None:
    """DAU for yesterday's UTC day when the API has it (today's API: a day late); the guide's
    API lags three days, and the answer says the rest is not available yet."""
    db, sim = synced
    result = adoption(db, parse_period("7d", today=TODAY))
    assert result.latest_day is not None
    assert result.dau == sim.org.summary_counts(result.latest_day)["daily"]
    if sim.config.legacy:
        assert result.latest_day == TODAY - timedelta(days=3)
        assert any("not available yet" in note for note in result.notes)
    else:
        assert result.latest_day == TODAY - timedelta(days=1)  # yesterday
        assert not any("not available yet" in note for note in result.notes)
