"""What deserves an alert: budget thresholds and forecasts, and the anomaly rule, by hand."""

from __future__ import annotations

from decimal import Decimal

from bot.alerts import ANOMALY_RULE, anomalies, budget_status
from bot.budgets import Budget
from bot.slack.alert_blocks import anomaly_body
from tests.report_factories import StoreBuilder, d, days, mc


def month_of_spend() -> StoreBuilder:
    s = StoreBuilder()
    for day in days("2026-10-01", "2026-11-30"):
        s.cost(day, "10000")  # $100 a day
        s.cost(day, "2500", product="claude_code", model="claude-opus-5")
    return s


def test_thresholds_crossed_by_spend_and_by_forecast() -> None:
    s = month_of_spend()
    org = Budget(scope="", amount_microcents=mc("250000"))  # $2,500 for November
    early = budget_status(s.db, org, d("2026-11-08"))
    # 7 complete days: $700 = 28 %; run rate $100 × 30 = $3,000 = 120 % → forecast only.
    assert (early.through, early.spent_microcents) == (d("2026-11-07"), mc("70000"))
    assert early.spent_pct == Decimal("28.0")
    assert early.forecast is not None
    assert early.forecast.month_end_microcents == mc("300000")
    assert early.forecast_pct == Decimal("120.0")
    assert early.crossed == ("forecast",)
    assert budget_status(s.db, org, d("2026-11-14")).crossed == ("50", "forecast")
    assert budget_status(s.db, org, d("2026-11-21")).crossed == ("50", "80", "forecast")
    late = budget_status(s.db, org, d("2026-11-26"))
    assert late.spent_pct == Decimal("100.0")
    assert late.crossed == ("50", "80", "forecast", "100")
    # A product budget counts that product only: $25/day against $1,000.
    code = budget_status(s.db, Budget("claude_code", mc("100000")), d("2026-11-21"))
    assert (code.spent_microcents, code.spent_pct) == (mc("50000"), Decimal("50.0"))
    assert code.crossed == ("50",)
    # The 1st has no complete day: nothing is crossed.
    first = budget_status(s.db, org, d("2026-11-01"))
    assert (first.through, first.crossed) == (None, ())


def test_anomaly_rule_median_of_the_same_weekday() -> None:
    s = StoreBuilder()
    for day in days("2026-10-01", "2026-11-19"):
        s.cost(day, "10000")
    # Thursdays before Nov 19: Oct 29 odd ($900), Nov 5 and Nov 12 normal, Oct 22 normal.
    s.db.execute("DELETE FROM cost_buckets WHERE day IN ('2026-10-29', '2026-11-19')")
    s.cost(d("2026-10-29"), "90000")
    s.cost(d("2026-11-19"), "35000")  # 3.5× the $100 median: high
    (found,) = anomalies(s.db, d("2026-11-20"))
    assert found.day == d("2026-11-19")
    assert (found.amount_microcents, found.baseline_microcents) == (mc("35000"), mc("10000"))
    assert found.baseline_days == (
        d("2026-10-22"),
        d("2026-10-29"),
        d("2026-11-05"),
        d("2026-11-12"),
    )
    assert (found.ratio, found.level) == (Decimal("3.5"), "high")
    s.db.execute(
        "UPDATE cost_buckets SET amount_microcents = ? WHERE day = '2026-11-19'", (mc("50000"),)
    )
    assert anomalies(s.db, d("2026-11-20"))[0].level == "severe"
    s.db.execute(
        "UPDATE cost_buckets SET amount_microcents = ? WHERE day = '2026-11-19'", (mc("29000"),)
    )
    assert anomalies(s.db, d("2026-11-20")) == []  # 2.9×: not flagged


def test_a_quiet_day_growing_a_little_is_not_an_anomaly() -> None:
    s = StoreBuilder()
    for day in days("2026-10-01", "2026-11-19"):
        weekend = day.weekday() >= 5
        s.cost(day, "200" if weekend else "10000")  # $2 on weekends, $100 on weekdays
    s.db.execute(
        "UPDATE cost_buckets SET amount_microcents = ? WHERE day = '2026-11-15'", (mc("900"),)
    )
    # Sunday Nov 15: 4.5× its median, but $7 above it is far less than half an average day.
    assert anomalies(s.db, d("2026-11-20")) == []


def test_a_spike_over_a_zero_median_is_severe_and_says_what_flagged_it() -> None:
    s = StoreBuilder()
    for day in days("2026-10-01", "2026-11-19"):
        s.cost(day, "0" if day.weekday() == 6 else "10000")  # nothing on Sundays, $100 otherwise
    s.db.execute(
        "UPDATE cost_buckets SET amount_microcents = ? WHERE day = '2026-11-15'", (mc("6000"),)
    )
    # Sunday Nov 15: $60 over a $0 median, more than half an average day (about $86) above it.
    (found,) = anomalies(s.db, d("2026-11-20"))
    assert (found.day, found.baseline_microcents, found.ratio) == (d("2026-11-15"), 0, None)
    assert found.level == "severe"  # any spend is more than 5× nothing
    section = anomaly_body(found)["blocks"][0]["text"]["text"]
    assert "(severe)" in section
    assert "*$60.00* spent that UTC day, where the previous 4 Sundays had a median of $0.00" in (
        section
    )
    assert "spent that UTC day: the median" not in section
    assert "at least half an average day above it (an average day of the 4 weeks before is $" in (
        section
    )
    assert "(over a $0 median, any flagged day)" in ANOMALY_RULE
    s.db.execute(
        "UPDATE cost_buckets SET amount_microcents = ? WHERE day = '2026-11-15'", (mc("3000"),)
    )
    assert anomalies(s.db, d("2026-11-20")) == []  # $30: less than half an average day above $0
