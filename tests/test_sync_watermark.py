"""Skipping revisable cost/usage days while the API's export watermark has not moved.

The simulator's `data_refreshed_at` is the last 4-hourly export at or before its clock, and its
numbers change only with that export: so a sync at the same clock must spend exactly one probe
request, and a sync after the watermark moved must re-fetch every revisable day and again match the
simulator's ground truth to the micro-cent.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlite_utils import Database

from bot.analytics.client import AnalyticsClient
from bot.analytics.errors import ApiUnavailableError, AuthenticationError
from bot.simulator.server import RunningSimulator
from bot.store.run import render_report
from bot.store.schema import DATASETS_COST, open_store
from bot.store.sync import sync
from tests.test_sync import (
    COST_ENDPOINTS,
    HISTORY_DAYS,
    NOW,
    PREFIX,
    MakeSim,
    assert_cost_finality,
    assert_matches_simulator,
    client_for,
    engagement_requests,
    ledger,
    run,
    served,
)

PER_USER = (PREFIX + "user_usage_report", PREFIX + "user_cost_report")


@pytest.fixture
def sim(make_simulator: MakeSim) -> RunningSimulator:
    return make_simulator(users=40, days=HISTORY_DAYS, now=NOW)


@pytest.fixture
def db() -> Iterator[Database]:
    store = open_store(":memory:")
    yield store
    store.close()


def _revisable(db: Database, dataset: str = "user_cost") -> set[str]:
    return {day for (d, day), (final, _) in ledger(db).items() if d == dataset and not final}


def test_unchanged_export_costs_one_probe_and_no_per_user_request(
    db: Database, sim: RunningSimulator
) -> None:
    run(db, sim, NOW)
    before = ledger(db)
    sim.reset_counts()
    report = run(db, sim, NOW + timedelta(hours=1))  # 13:00: still the 12:00 export
    assert report.ok, report.failures
    counts = served(sim)
    assert all(counts.get(path, 0) == 1 for path in PER_USER)  # the probes, no page
    assert engagement_requests(sim) == 1  # "which day is your latest?", nothing else
    # One probe per endpoint, and the latest-day question.
    assert counts == {**{PREFIX + e: 1 for e in COST_ENDPOINTS}, PREFIX + "users": 1}
    assert report.data_refreshed_at == sim.org.watermark(NOW)
    assert ledger(db) == before
    assert_matches_simulator(db, sim, NOW)
    text = render_report(report)
    assert "skipped (unchanged)" in text
    assert f"{4 * len(_revisable(db))} revisable days not re-fetched" in text
    assert "12 revisable activity days not re-fetched: already fetched today" in text


def test_a_moved_watermark_refetches_the_revisable_days_exactly(
    db: Database, sim: RunningSimulator
) -> None:
    run(db, sim, NOW)
    revisable = _revisable(db)
    later = NOW + timedelta(hours=5)  # the 16:00 export
    assert sim.org.watermark(later) > sim.org.watermark(NOW)
    sim.set_now(later)
    sim.reset_counts()
    report = run(db, sim, later)
    assert report.ok, report.failures
    counts = served(sim)
    assert counts.get(PREFIX + "user_cost_report") == 1 + len(revisable)  # probe + days
    assert counts.get(PREFIX + "user_usage_report") == 1 + len(revisable)
    assert counts.get(PREFIX + "cost_report") == 1 + 3  # probe + one window × three groupings
    assert counts.get(PREFIX + "usage_report") == 1 + 2
    assert engagement_requests(sim) == 1  # the latest-day question; the same UTC day
    for name in DATASETS_COST:
        assert report.datasets[name].days_fetched == len(revisable), name
        assert report.datasets[name].days_skipped_unchanged == 0, name
    assert assert_matches_simulator(db, sim, later) > 0
    assert_cost_finality(db, sim, later)
    marks = {refreshed for (refreshed,) in db.execute(
        "SELECT DISTINCT data_refreshed_at FROM sync_ledger WHERE final = 0 "
        "AND dataset IN ('user_cost', 'user_usage', 'cost_buckets', 'usage_buckets')"
    )}  # fmt: skip
    assert marks == {"2026-11-20T16:00:00Z"}


def test_a_day_turning_final_is_fetched_under_the_new_watermark(
    db: Database, sim: RunningSimulator
) -> None:
    """Never flip `final` without a fetch: the next day past 30 days is re-fetched, then final."""
    run(db, sim, NOW)
    oldest = min(_revisable(db))
    later = NOW + timedelta(days=1)
    sim.set_now(later)
    report = run(db, sim, later)
    assert report.ok, report.failures
    assert ledger(db)[("user_cost", oldest)][0] == 1
    assert report.datasets["user_cost"].days_final == 1
    assert_matches_simulator(db, sim, later)
    assert_cost_finality(db, sim, later)


def test_refetch_revisable_ignores_the_watermark(db: Database, sim: RunningSimulator) -> None:
    run(db, sim, NOW)
    revisable = _revisable(db)
    sim.reset_counts()
    report = run(db, sim, NOW, refetch_revisable=True, only=DATASETS_COST)
    assert report.ok
    counts = served(sim)
    assert counts == {
        PREFIX + "user_cost_report": len(revisable),
        PREFIX + "user_usage_report": len(revisable),
        PREFIX + "cost_report": 3,
        PREFIX + "usage_report": 2,
    }
    assert report.probe_requests == 0
    assert_matches_simulator(db, sim, NOW)


def test_a_failed_probe_falls_back_to_refetching(
    db: Database, sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(db, sim, NOW)
    revisable = _revisable(db)
    real = AnalyticsClient.cost_report

    def flaky(self: AnalyticsClient, **kwargs: Any) -> Any:
        if kwargs.get("limit") == 1:  # the probe only
            raise ApiUnavailableError("simulated outage", attempts=5, status=503)
        return real(self, **kwargs)

    monkeypatch.setattr(AnalyticsClient, "cost_report", flaky)
    sim.reset_counts()
    report = run(db, sim, NOW)
    assert report.ok, report.failures
    # Each endpoint is probed on its own: only cost_report's days fall back to a re-fetch.
    assert set(report.probed_watermarks) == {"usage_buckets", "user_cost", "user_usage"}
    assert report.datasets["cost_buckets"].days_fetched == len(revisable)
    assert report.datasets["user_cost"].days_fetched == 0
    assert report.datasets["user_cost"].days_skipped_unchanged == len(revisable)
    assert served(sim).get(PREFIX + "user_cost_report") == 1  # the probe alone
    assert_matches_simulator(db, sim, NOW)


def test_an_authentication_error_on_the_probe_aborts(db: Database, sim: RunningSimulator) -> None:
    run(db, sim, NOW)
    before = ledger(db)
    with client_for(sim, NOW, key="not-the-key") as client, pytest.raises(AuthenticationError):
        sync(db, client, now=NOW, since=sim.org.start)
    assert ledger(db) == before


def test_first_sync_and_engagement_only_syncs_send_no_watermark_probe(
    db: Database, sim: RunningSimulator
) -> None:
    """No watermark probe where nothing revisable could be spared; engagement syncs ask only
    which day is the API's latest (one request)."""
    report = run(db, sim, NOW, only=["user_cost"])
    assert report.probe_requests == 0
    again = run(db, sim, NOW, only=["users"])
    assert again.probed_watermarks == {}
    assert again.probe_requests == 1
    once_more = run(db, sim, NOW, only=["users"])
    assert once_more.requests == 1  # the day's revisable days were fetched already today
