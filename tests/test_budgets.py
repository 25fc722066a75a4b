"""Budget forecasts: exact Decimal arithmetic on micro-cents, the same rule as `finance`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from bot.budgets import Budget, clear_budget, forecast, list_budgets, percent_of, set_budget
from bot.reports.finance import finance
from bot.store.schema import open_store
from tests.report_factories import StoreBuilder, d, days, mc


def test_run_rate_is_exact_and_rounds_once_half_up() -> None:
    # $1,000.00 + 1 micro-cent over 7 complete days of a 30-day month:
    # (100_000_000_001 / 7) × 30 = 428_571_428_575.714… → 428_571_428_576.
    result = forecast(mc("100000.000001"), date(2026, 11, 7))
    assert result.daily_rate == Decimal(100_000_000_001) / 7
    assert result.month_end_microcents == 428_571_428_576
    assert (result.complete_days, result.days_in_month) == (7, 30)
    assert result.basis == "the month's run rate over 7 complete days"


def test_a_young_month_uses_the_trailing_rate() -> None:
    # Day 2 of a 31-day month: $50 so far, plus 29 days at the trailing $20/day.
    result = forecast(mc("5000"), date(2026, 12, 2), trailing_daily=mc("2000"))
    assert result.month_end_microcents == mc("5000") + 29 * mc("2000")
    assert result.daily_rate == Decimal(mc("2000"))
    assert "trailing 28-day average ($20.00/day) for the 29 days left" in result.basis
    # Without a trailing rate even a young month can only run-rate.
    assert forecast(mc("5000"), date(2026, 12, 2)).month_end_microcents == mc("77500")


def test_forecast_matches_finance_projection() -> None:
    s = StoreBuilder()
    for n, day in enumerate(days("2026-10-01", "2026-11-24")):
        s.cost(day, f"{1000 + 37 * n}.123457")
    result = finance(s.db, today=d("2026-11-25"))
    assert result.mtd is not None
    ours = forecast(int(result.mtd.current), d("2026-11-24"))
    assert ours.month_end_microcents == result.projected_month_microcents


def test_percent_is_decimal_and_budgets_are_stored() -> None:
    assert percent_of(mc("20000"), mc("25000")) == Decimal("80.0")
    assert percent_of(1, 3) == Decimal("33.3")
    assert percent_of(2, 3) == Decimal("66.7")
    assert percent_of(5, 0) == Decimal(0)
    db = open_store(":memory:")
    now = datetime(2026, 11, 20, tzinfo=UTC)
    set_budget(db, Budget(scope="", amount_microcents=mc("2500000"), set_by="U1"), now=now)
    set_budget(db, Budget(scope="claude_code", amount_microcents=mc("1000000")), now=now)
    set_budget(db, Budget(scope="", amount_microcents=mc("3000000"), set_by="U2"), now=now)
    budgets = list_budgets(db)
    assert [(b.scope, b.amount_microcents, b.label) for b in budgets] == [
        ("", mc("3000000"), "Organisation"),
        ("claude_code", mc("1000000"), "Claude Code"),
    ]
    assert clear_budget(db, "claude_code")
    assert not clear_budget(db, "claude_code")
