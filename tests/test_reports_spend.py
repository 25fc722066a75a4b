"""Spend reports on hand-built stores: exact micro-cents, ranks, shares, filters, deltas, notes."""

from __future__ import annotations

import pytest

from bot.reports.coverage import NoDataError
from bot.reports.filters import UnknownFilterError
from bot.reports.periods import parse_period
from bot.reports.spend import spend_series, top_spenders
from tests.report_factories import TODAY, StoreBuilder, d, days, mc

WEEK = parse_period("7d", today=TODAY)  # Nov 18 – Nov 24
assert (WEEK.start, WEEK.end) == (d("2026-11-18"), d("2026-11-24"))


@pytest.fixture
def store() -> StoreBuilder:
    s = StoreBuilder()
    s.synced("user_cost", *days("2026-11-11", "2026-11-24"))
    s.person("u1", "ada@example.com", "Ada").person("u2", "bob@example.com", "Bob")
    s.user_cost(d("2026-11-18"), "u1", "100.000000", list_cents="120")
    s.user_cost(d("2026-11-20"), "u1", "50.5", list_cents="60", product="claude_code")
    s.user_cost(d("2026-11-19"), "u2", "200", list_cents="200", requests=7)
    s.user_cost(d("2026-11-24"), "u3", "10", list_cents="300", requests=None)
    s.user_cost(d("2026-11-15"), "u4", "40")  # previous period only
    s.user_cost(d("2026-11-12"), "u1", "100")  # previous period
    return s


def test_top_spenders_ranks_by_amount_with_exact_totals(store: StoreBuilder) -> None:
    result = top_spenders(store.db, WEEK)
    assert [r.user_id for r in result.rows] == ["u2", "u1", "u3"]
    assert [r.rank for r in result.rows] == [1, 2, 3]
    u2, u1, u3 = result.rows
    assert u1.amount_microcents == mc("150.5") == 150_500_000
    assert u1.list_amount_microcents == mc("180")
    assert result.total_microcents == mc("360.5")
    assert result.list_total_microcents == mc("680")
    assert result.total_count == 3
    assert result.more_count == 0
    assert u2.share_pct == pytest.approx(200 / 360.5 * 100)
    assert (u2.email, u2.name, u2.requests) == ("bob@example.com", "Bob", 7)
    assert (u3.email, u3.name, u3.requests) == (None, None, None)


def test_top_spenders_delta_vs_previous_period(store: StoreBuilder) -> None:
    u2, u1, _ = top_spenders(store.db, WEEK).rows
    assert u1.delta is not None
    assert (u1.delta.previous, u1.delta.change) == (mc("100"), mc("50.5"))
    assert u1.delta.percent == pytest.approx(50.5)
    assert u2.delta is not None
    assert (u2.delta.previous, u2.delta.change, u2.delta.percent) == (0, mc("200"), None)


def test_top_spenders_by_list_price_limit_and_more(store: StoreBuilder) -> None:
    result = top_spenders(store.db, WEEK, by_list_price=True, limit=2)
    assert [r.user_id for r in result.rows] == ["u3", "u2"]
    assert result.rows[0].share_pct == pytest.approx(300 / 680 * 100)
    assert (result.limit, result.total_count, result.more_count) == (2, 3, 1)


def test_top_spenders_product_filter(store: StoreBuilder) -> None:
    result = top_spenders(store.db, WEEK, product="claude_code")
    assert [(r.user_id, r.amount_microcents) for r in result.rows] == [("u1", mc("50.5"))]
    assert result.total_microcents == mc("50.5")
    assert result.product == "claude_code"
    store.cost(d("2026-11-18"), "1", product="chat", model="claude-opus-5")
    with pytest.raises(UnknownFilterError, match="`nope` is not a model in the data; use "):
        top_spenders(store.db, WEEK, model="nope")  # not an empty list that reads as $0.00


def test_top_spenders_org_total_and_note(store: StoreBuilder) -> None:
    assert top_spenders(store.db, WEEK).org_total_microcents is None
    store.cost(d("2026-11-18"), "500")
    result = top_spenders(store.db, WEEK)
    assert result.org_total_microcents == mc("500")
    assert any("not tied to a seat" in note for note in result.notes)


def test_top_spenders_by_list_price_compares_with_the_list_price_org_total(
    store: StoreBuilder,
) -> None:
    store.cost(d("2026-11-18"), "500", list_cents="900")
    result = top_spenders(store.db, WEEK, by_list_price=True)
    assert result.org_total_microcents == mc("500")
    assert result.org_list_total_microcents == mc("900")


def test_top_spenders_outside_synced_days_raises(store: StoreBuilder) -> None:
    with pytest.raises(NoDataError, match="through Nov 24, 2026"):
        top_spenders(store.db, parse_period("today", today=TODAY))


@pytest.fixture
def org() -> StoreBuilder:
    s = StoreBuilder()
    for day in days("2026-11-11", "2026-11-17"):
        s.cost(day, "10")
    for day, cents in zip(
        days("2026-11-18", "2026-11-22"), ["100", "0", "50", "25.25", "10"], strict=True
    ):
        s.cost(day, cents, list_cents="200")
    s.synced("cost_buckets", d("2026-11-19"))  # synced, no spend
    return s


def test_spend_series_totals_points_and_partial_week(org: StoreBuilder) -> None:
    result = spend_series(org.db, WEEK)
    assert result.total_microcents == mc("185.25")
    assert result.list_total_microcents == mc("1000")
    assert [p.day for p in result.points] == days("2026-11-18", "2026-11-22")
    assert [p.value for p in result.points] == [mc(c) for c in ["100", "0", "50", "25.25", "10"]]
    assert result.sparkline == tuple(p.value for p in result.points)
    # Only 5 of 7 days are synced: compare with the same 5 days of the week before.
    assert result.previous_total_microcents == mc("50")
    assert result.change.change == mc("135.25")
    assert result.change.percent == pytest.approx(270.5)
    assert any("through Nov 22, 2026 only; 2 days" in note for note in result.notes)


def test_spend_series_by_product_with_other_slice(org: StoreBuilder) -> None:
    org.cost(d("2026-11-18"), "60", product="chat", model="claude-opus-5")
    org.cost(d("2026-11-18"), "30", product="claude_code", model="claude-opus-5")
    org.cost(d("2026-11-20"), "50", product="chat", model="claude-sonnet-5")
    result = spend_series(org.db, WEEK, by="product")
    slices = {row.key: row.value for row in result.breakdown}
    # Nov 18: 100 total, 90 itemised → 10 other; Nov 21/22 not itemised at all → other.
    assert slices == {"chat": mc("110"), "claude_code": mc("30"), "(other)": mc("45.25")}
    assert [row.key for row in result.breakdown] == ["chat", "(other)", "claude_code"]
    assert result.breakdown[0].label == "Claude chat"
    assert result.points[0].parts == {
        "chat": mc("60"),
        "claude_code": mc("30"),
        "(other)": mc("10"),
    }


def test_spend_series_by_cost_type_splits_tokens(org: StoreBuilder) -> None:
    org.cost(d("2026-11-18"), "70", cost_type="tokens", token_type="output_tokens")
    org.cost(d("2026-11-18"), "20", cost_type="tokens", token_type="uncached_input_tokens")
    org.cost(d("2026-11-18"), "10", cost_type="web_search", token_type="(none)")
    result = spend_series(org.db, parse_period("2026-11-18", today=TODAY), by="cost-type")
    assert {r.key: r.value for r in result.breakdown} == {
        "output_tokens": mc("70"),
        "uncached_input_tokens": mc("20"),
        "web_search": mc("10"),
    }
    assert result.change.previous == mc("10")
    assert result.breakdown[0].previous == 0


def test_spend_series_without_previous_period_says_not_available() -> None:
    s = StoreBuilder().cost(d("2026-11-24"), "5")
    result = spend_series(s.db, parse_period("yesterday", today=TODAY))
    assert result.previous_total_microcents is None
    assert (result.change.previous, result.change.percent) == (None, None)
    assert any("previous period" in note for note in result.notes)
