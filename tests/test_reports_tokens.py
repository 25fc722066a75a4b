"""Token series: totals from the ungrouped buckets, token-type and product breakdowns, change."""

from __future__ import annotations

import pytest

from bot.reports.coverage import NoDataError
from bot.reports.periods import parse_period
from bot.reports.tokens import token_series
from tests.report_factories import TODAY, StoreBuilder, d

WEEK = parse_period("7d", today=TODAY)


@pytest.fixture
def store() -> StoreBuilder:
    s = StoreBuilder()
    s.usage(
        d("2026-11-18"),
        uncached=100,
        cache_read=1000,
        cache_5m=10,
        cache_1h=5,
        output=50,
        requests=3,
    )
    s.usage(d("2026-11-19"), uncached=200, output=100, requests=4)
    s.usage(d("2026-11-18"), product="chat", model="claude-opus-5", uncached=60, output=30)
    s.usage(
        d("2026-11-18"), product="claude_code", model="claude-opus-5", cache_read=1000, output=20
    )
    s.usage(d("2026-11-11"), uncached=500, requests=1)  # previous period, aligned with Nov 18
    s.synced("usage_buckets", *[d(f"2026-11-{n}") for n in (20, 21, 22, 23, 24)])
    return s


def test_totals_points_requests(store: StoreBuilder) -> None:
    result = token_series(store.db, WEEK)
    assert result.total_tokens == 1165 + 300
    assert result.requests == 7
    assert [p.value for p in result.points] == [1165, 300, 0, 0, 0, 0, 0]
    assert result.sparkline == (1165, 300, 0, 0, 0, 0, 0)
    assert result.previous_total_tokens == 500
    assert result.change.change == 965
    assert result.change.percent == pytest.approx(193.0)
    assert result.breakdown == ()


def test_by_token_type(store: StoreBuilder) -> None:
    result = token_series(store.db, WEEK, by="token-type")
    assert {r.key: r.value for r in result.breakdown} == {
        "cache_read_input_tokens": 1000,
        "uncached_input_tokens": 300,
        "output_tokens": 150,
        "cache_creation.ephemeral_5m_input_tokens": 10,
        "cache_creation.ephemeral_1h_input_tokens": 5,
    }
    assert result.breakdown[0].label == "Cache reads"
    assert sum(r.value for r in result.breakdown) == result.total_tokens
    assert result.breakdown[1].previous == 500


def test_by_product_shows_unitemised_rest_as_other(store: StoreBuilder) -> None:
    result = token_series(store.db, WEEK, by="product")
    # Nov 18: 1165 total, chat 90 + code 1020 = 1110 → 55 other; Nov 19: 300 other.
    assert {r.key: r.value for r in result.breakdown} == {
        "claude_code": 1020,
        "(other)": 355,
        "chat": 90,
    }
    assert any("not itemised" in n for n in result.notes)


def test_unsynced_period_raises() -> None:
    with pytest.raises(NoDataError, match="No token usage has been synced yet"):
        token_series(StoreBuilder().db, WEEK)
