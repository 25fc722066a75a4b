"""Finance: MTD vs the same days of last month, yesterday vs its trailing week, idle seats."""

from __future__ import annotations

from datetime import date

import pytest

from bot.reports.coverage import NoDataError
from bot.reports.finance import finance
from tests.report_factories import TODAY, StoreBuilder, d, days, mc


@pytest.fixture
def store() -> StoreBuilder:
    s = StoreBuilder()
    for day in days("2026-11-01", "2026-11-22"):
        s.cost(day, "10")
    s.cost(d("2026-11-23"), "11").cost(d("2026-11-24"), "31")
    for day in days("2026-10-01", "2026-10-24"):
        s.cost(day, "5")
    for day in days("2026-10-25", "2026-10-31"):
        s.cost(day, "100")  # after the same point of last month: must not count
    s.summary(d("2026-11-21"), dau=40, wau=70, mau=80, seats=100)
    return s


def test_month_to_date_vs_same_point_last_month(store: StoreBuilder) -> None:
    result = finance(store.db, today=TODAY, seat_price_cents=3000)
    assert (result.period.start, result.period.end) == (d("2026-11-01"), d("2026-11-24"))
    assert result.mtd is not None
    assert (result.mtd.current, result.mtd.previous) == (mc("262"), mc("120"))
    assert result.mtd_previous_period is not None
    assert (result.mtd_previous_period.start, result.mtd_previous_period.end) == (
        d("2026-10-01"),
        d("2026-10-24"),
    )
    assert result.projected_month_microcents == mc("327.5")  # 262 / 24 × 30


def test_yesterday_vs_trailing_average(store: StoreBuilder) -> None:
    result = finance(store.db, today=TODAY)
    assert (result.yesterday_day, result.yesterday_microcents) == (d("2026-11-24"), mc("31"))
    # Nov 17–23: 6 × 10 + 11 = 71 cents over 7 days = 10.142857… cents, rounded to a micro-cent.
    assert result.trailing_avg_microcents == 10_142_857
    assert result.yesterday_vs_avg is not None
    assert result.yesterday_vs_avg.change == mc("31") - 10_142_857


def test_idle_seats_costed_only_with_a_price(store: StoreBuilder) -> None:
    priced = finance(store.db, today=TODAY, seat_price_cents=3000)
    assert (priced.seats, priced.mau, priced.idle_seats) == (100, 80, 20)
    assert priced.idle_seat_cost_microcents == mc("60000")  # 20 seats × $30
    unpriced = finance(store.db, today=TODAY)
    assert (unpriced.idle_seats, unpriced.idle_seat_cost_microcents) == (20, None)
    assert any("seat price" in n for n in unpriced.notes)


def test_month_end_clipping_and_missing_yesterday() -> None:
    s = StoreBuilder()
    for day in days("2026-02-01", "2026-02-28"):
        s.cost(day, "1")
    for day in days("2026-03-01", "2026-03-30"):
        s.cost(day, "2")
    result = finance(s.db, today=date(2026, 3, 31))
    # Through Mar 30: February has only 28 days, so the comparison is all of February.
    assert result.mtd is not None
    assert (result.mtd.current, result.mtd.previous) == (
        mc("60"),
        mc("28"),
    )
    assert result.yesterday_day == date(2026, 3, 30)
    result = finance(s.db, today=date(2026, 4, 2))
    assert result.mtd is None
    assert any("No spend is synced yet for this month" in n for n in result.notes)
    assert result.yesterday_day == date(2026, 3, 30)
    assert any("not synced yet; showing Mar 30, 2026" in n for n in result.notes)
    assert result.seats is None
    assert result.idle_seats is None


def test_today_is_left_out_of_month_to_date(store: StoreBuilder) -> None:
    store.cost(d("2026-11-25"), "1000")
    result = finance(store.db, today=TODAY)
    assert result.period.end == d("2026-11-24")
    assert result.mtd is not None
    assert result.mtd.current == mc("262")
    first = finance(store.db, today=date(2026, 11, 1))  # only today, still coming in
    assert first.mtd is None
    assert first.projected_month_microcents is None
    assert any("November has no complete day yet" in n for n in first.notes)
    assert first.yesterday_day == date(2026, 10, 31)


def test_no_spend_at_all_raises() -> None:
    with pytest.raises(NoDataError, match="No spend data has been synced yet"):
        finance(StoreBuilder().db, today=TODAY)


def test_a_young_month_projects_from_the_trailing_rate_and_says_so() -> None:
    """On the 2nd, one day run-rated over 30 days is a guess: the trailing 28-day rate (here
    $10/day) is steadier, and the note gives the basis and the other figure."""
    s = StoreBuilder()
    for day in days("2026-10-04", "2026-10-31"):
        s.cost(day, "1000")  # $10 a day
    s.cost(d("2026-11-01"), "5000")  # a $50 first day
    s.cost(d("2026-11-02"), "1")  # today, still coming in: never counted
    result = finance(s.db, today=date(2026, 11, 2))
    assert result.mtd is not None
    assert result.mtd.current == mc("5000")
    # Trailing 28 days ending Nov 1: 27 × $10 + $50 = $320 → $11.428571/day (rounded).
    daily = (27 * mc("1000") + mc("5000") + 14) // 28
    assert result.projected_month_microcents == mc("5000") + daily * 29
    assert result.alternative_projection_microcents == mc("5000") * 30  # the run rate
    assert result.projection_basis is not None
    assert "only 1 complete day" in result.projection_basis
    assert "its own run rate would give $1,500.00" in result.projection_basis


def test_an_older_month_uses_its_own_run_rate(store: StoreBuilder) -> None:
    result = finance(store.db, today=TODAY)
    assert result.projection_basis is not None
    assert result.projection_basis.startswith("Projection: the month's run rate over 24 complete")
