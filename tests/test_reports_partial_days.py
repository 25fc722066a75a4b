"""Days the API has not finished reporting: spend so far, never a fake drop or a complete day.

Two stores synced over HTTP from the simulator, whose export watermark (`data_refreshed_at`) is
the last 4-hourly export: the shared one at Fri Nov 20 12:00 UTC (Nov 20 half reported), and
one at Mon Jun 1 02:00 UTC (nothing of Jun 1 reported: today, this week and this month are all
that one day). Expected figures are read from the store's own rows, never typed in.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlite_utils import Database

from bot.alerts import budget_status
from bot.analytics.client import AnalyticsClient
from bot.budgets import Budget
from bot.console.render import blocks_to_text
from bot.digest import DigestSpec, build_digest
from bot.digest.render import digest_text
from bot.digest.schedule import report_period
from bot.reports.commands import parse_command, run_command
from bot.reports.finance import finance
from bot.reports.periods import Period, parse_period
from bot.reports.spend import spend_series
from bot.reports.types import CommandResult, SpendSeries, TokenSeries, TopSpenders
from bot.simulator.config import SimConfig
from bot.simulator.server import start_simulator
from bot.slack.blocks import render
from bot.store.freshness import read_freshness
from bot.store.schema import open_store
from bot.store.sync import sync

pytest_plugins = ["tests.fakes.slack_fixtures"]

NOON_DAY = date(2026, 11, 20)  # the shared store: synced at 12:00 UTC that day
MIDNIGHT = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)  # a Monday and the 1st
MONDAY = MIDNIGHT.date()


@pytest.fixture(scope="module")
def midnight() -> Iterator[Database]:
    """A store synced at 02:00 UTC on Mon Jun 1: the export stops at midnight."""
    with (
        start_simulator(SimConfig(seed=5, users=30, days=60, now=MIDNIGHT)) as sim,
        AnalyticsClient(
            base_url=sim.base_url, api_key=SecretStr("demo-key"), clock=lambda: MIDNIGHT
        ) as client,
    ):
        db = open_store(":memory:")
        assert sync(db, client, now=MIDNIGHT, since=date(2026, 5, 4)).ok
        yield db
        db.close()


@pytest.fixture
def noon(synced_store_path: Path) -> Iterator[Database]:
    db = open_store(str(synced_store_path))
    yield db
    db.close()


def ask(db: Database, words: str, today: date) -> tuple[CommandResult, str]:
    result = run_command(parse_command(words, today=today), db, today=today)
    return result, blocks_to_text(render(result, today=today).blocks)


def org_spend(db: Database, first: date, last: date) -> int:
    """The ungrouped organisation total of the days, straight from the rows."""
    row = db.execute(
        "SELECT coalesce(sum(amount_microcents), 0) FROM cost_buckets WHERE grouping = '' "
        "AND day BETWEEN ? AND ?",
        (first.isoformat(), last.isoformat()),
    ).fetchone()
    return int(row[0])


@pytest.mark.parametrize("words", ["spend today", "spend this-week", "spend mtd", "tokens today"])
def test_a_day_not_reported_yet_is_so_far_not_a_drop(midnight: Database, words: str) -> None:
    result, text = ask(midnight, words, MONDAY)
    assert isinstance(result, SpendSeries | TokenSeries)
    assert (result.period.start, result.period.end) == (MONDAY, MONDAY)
    assert result.change.previous is None  # was the whole of Sun May 31: $0.00, −100 %
    assert result.so_far
    assert "so far" in text
    assert "not complete yet" in text
    assert "−100" not in text
    assert "▼" not in text


def test_top_spenders_today_says_nothing_is_reported_yet(midnight: Database) -> None:
    result, text = ask(midnight, "top-spenders today", MONDAY)
    assert isinstance(result, TopSpenders)
    assert result.rows == ()
    assert "No spend is reported yet." in text
    assert "Nobody has spend" not in text
    assert "No spend in this period" not in text
    assert "Jun 1, 2026 is not complete yet" in text


def test_spend_so_far_is_shown_with_no_comparison(noon: Database) -> None:
    result, text = ask(noon, "spend today", NOON_DAY)
    assert isinstance(result, SpendSeries)
    assert result.total_microcents == org_spend(noon, NOON_DAY, NOON_DAY) > 0
    assert (result.previous_total_microcents, result.change.percent) == (None, None)
    assert "Spend so far" in text
    assert "up to Nov 20 12:00 UTC" in text


def test_a_range_ending_today_leaves_the_partial_day_out_of_figures_and_change(
    noon: Database,
) -> None:
    period = parse_period("2026-11-14..2026-11-20", today=NOON_DAY)
    result = spend_series(noon, period)
    last = NOON_DAY - timedelta(days=1)
    assert [p.day for p in result.points][-1] == last
    assert result.total_microcents == org_spend(noon, date(2026, 11, 14), last)
    # The same six days a week before, not seven against six.
    assert result.previous_total_microcents == org_spend(
        noon, date(2026, 11, 7), date(2026, 11, 12)
    )
    assert any("Nov 20, 2026 is not complete yet" in n for n in result.notes)
    assert not result.so_far


def test_finance_and_budgets_count_complete_days_only(noon: Database) -> None:
    """Read on Sat Nov 21 from a store last synced at noon on Nov 20 (a sync failed since):
    Nov 20 is not yesterday's whole spend, and the month has 19 complete days, not 20."""
    today = NOON_DAY + timedelta(days=1)
    result = finance(noon, today=today)
    assert result.period.end == date(2026, 11, 19)
    assert result.yesterday_day == date(2026, 11, 19)
    assert result.projection_basis is not None
    assert "19 complete days" in result.projection_basis
    assert result.mtd is not None
    assert result.mtd.current == org_spend(noon, date(2026, 11, 1), date(2026, 11, 19))
    assert any("Nov 20, 2026 is not complete yet" in n for n in result.notes)
    status = budget_status(noon, Budget(scope="", amount_microcents=10**12), today)
    assert status.through == date(2026, 11, 19)


def test_a_daily_digest_of_a_partial_day_is_spend_so_far(noon: Database) -> None:
    spec = DigestSpec(
        kind="daily", period=report_period("daily", datetime(2026, 11, 21, 9, tzinfo=UTC))
    )
    assert spec.period.end == NOON_DAY
    digest = build_digest(noon, spec)
    spend = digest.spend
    assert spend.amount_microcents == org_spend(noon, NOON_DAY, NOON_DAY)
    assert spend.so_far
    assert (spend.previous, spend.vs_average) == (None, None)
    assert digest.reported == {}  # so far is not what the channel is told the day cost
    assert digest.movers is None
    assert digest.month is not None
    assert digest.month.through == date(2026, 11, 19)
    assert digest.month.projection_basis is not None
    assert "19 complete days" in digest.month.projection_basis
    lines = digest_text(digest).splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("Spend on Fri Nov 20"))
    assert lines[at].startswith("Spend on Fri Nov 20 so far: $")
    assert "▲" not in lines[at + 1]
    assert "▼" not in lines[at + 1]
    assert lines[at + 1].startswith("Not complete yet")


def test_a_digest_of_a_day_with_nothing_reported_projects_nothing(midnight: Database) -> None:
    spec = DigestSpec(kind="daily", period=Period.between(MONDAY, MONDAY))
    digest = build_digest(midnight, spec)
    assert digest.spend.so_far
    assert digest.spend.previous is None
    assert digest.month is None  # no complete day of June: no month to date, no projection
    text = digest_text(digest)
    assert "−100" not in text
    assert "complete days" not in text


def test_a_weekly_digest_leaves_a_partial_day_out_and_says_so(noon: Database) -> None:
    spec = DigestSpec(
        kind="weekly", period=report_period("weekly", datetime(2026, 11, 23, 9, tzinfo=UTC))
    )
    assert (spec.period.start, spec.period.end) == (date(2026, 11, 16), date(2026, 11, 22))
    digest = build_digest(noon, spec)
    assert digest.spend.amount_microcents == org_spend(noon, date(2026, 11, 16), date(2026, 11, 19))
    assert digest.spend.previous is not None
    assert digest.spend.previous.previous == org_spend(noon, date(2026, 11, 9), date(2026, 11, 12))
    assert NOON_DAY not in digest.reported
    assert any("Nov 20, 2026 is not complete yet" in n for n in digest.notes)


def test_the_freshness_line_says_how_far_spend_is_reported(noon: Database) -> None:
    line = read_freshness(noon).sentence()
    assert "spend up to Nov 20, 2026 12:00 UTC" in line
    assert "spend through Nov 20" not in line
