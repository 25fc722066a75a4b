"""Adoption: latest levels, averages, utilisation, optional per-product counts, people movement."""

from __future__ import annotations

import pytest

from bot.reports.adoption import adoption
from bot.reports.coverage import NoDataError
from bot.reports.export import export_rows
from bot.reports.periods import parse_period
from tests.report_factories import TODAY, StoreBuilder, d, days

PERIOD = parse_period("2026-11-15..2026-11-21", today=TODAY)


@pytest.fixture
def store() -> StoreBuilder:
    s = StoreBuilder()
    for n, day in enumerate(days("2026-11-15", "2026-11-21")):
        s.summary(day, dau=10 + n, wau=40 + n, mau=80 + n, seats=100, pending_invite_count=2)
    for day in days("2026-11-08", "2026-11-14"):
        s.summary(day, dau=8, wau=30, mau=70, seats=100)
    # people: a, b active now; b, c active before → new a, returning b, lapsed c
    s.activity(d("2026-11-16"), "a", email="a@x.com")
    s.activity(d("2026-11-20"), "b", email="b@x.com")
    s.activity(d("2026-11-10"), "b", email="b@x.com")
    s.activity(d("2026-11-09"), "c", email="c@x.com")
    s.activity(d("2026-11-17"), "d", email="d@x.com", active=False)
    s.synced("users", *days("2026-11-08", "2026-11-21"))
    return s


def test_levels_averages_and_utilisation(store: StoreBuilder) -> None:
    result = adoption(store.db, PERIOD)
    assert result.latest_day == d("2026-11-21")
    assert (result.dau, result.wau, result.mau, result.seats) == (16, 46, 86, 100)
    assert result.pending_invites == 2
    assert result.dau_avg == pytest.approx(13.0)
    assert result.mau_avg == pytest.approx(83.0)
    assert result.utilisation_pct == pytest.approx(86.0)
    assert [p.value for p in result.points] == [10, 11, 12, 13, 14, 15, 16]
    assert result.sparkline == (10, 11, 12, 13, 14, 15, 16)
    assert result.dau_change is not None
    assert (result.dau_change.previous, result.dau_change.change) == (8, 5)
    assert result.mau_change is not None
    assert result.mau_change.previous == 70


def test_people_movement(store: StoreBuilder) -> None:
    result = adoption(store.db, PERIOD)
    assert (result.active_users, result.new_users, result.returning_users, result.lapsed_users) == (
        2,
        1,
        1,
        1,
    )


def test_per_product_counts_are_optional(store: StoreBuilder) -> None:
    result = adoption(store.db, PERIOD)
    assert [p.product for p in result.products] == ["cowork"]
    assert any("not reported for: Claude chat, Claude Code" in n for n in result.notes)
    store.db.execute(
        "UPDATE summaries SET chat_daily_active_user_count = 9 WHERE day = '2026-11-21'"
    )
    result = adoption(store.db, PERIOD)
    chat = next(p for p in result.products if p.product == "chat")
    assert (chat.daily, chat.weekly, chat.daily_avg, chat.label) == (9, None, 9.0, "Claude chat")


def test_missing_seats_and_people_are_none_not_zero() -> None:
    s = StoreBuilder().summary(d("2026-11-21"), dau=3, wau=4, mau=5, seats=None)
    result = adoption(s.db, parse_period("2026-11-21", today=TODAY))
    assert (result.seats, result.utilisation_pct) == (None, None)
    assert (result.active_users, result.new_users, result.lapsed_users) == (None, None, None)
    assert result.dau_change is not None
    assert result.dau_change.previous is None
    assert any("utilisation is not available" in n for n in result.notes)


def test_partial_period_compares_like_for_like(store: StoreBuilder) -> None:
    # Engagement lags: asking for 7d on Nov 25 covers Nov 18–21 only.
    result = adoption(store.db, parse_period("7d", today=TODAY))
    assert result.latest_day == d("2026-11-21")
    assert any("available through Nov 21, 2026 only; 3 days" in n for n in result.notes)
    # Nov 18–21 align with Nov 11–14 (DAU 8). Active now: b (Nov 20); a (Nov 16) is outside.
    # b's earlier activity (Nov 10) is outside the aligned days too, so b counts as new.
    assert result.dau_change is not None
    assert result.dau_change.previous == 8
    assert (result.new_users, result.returning_users, result.lapsed_users) == (1, 0, 0)


def test_period_after_data_raises() -> None:
    s = StoreBuilder().summary(d("2026-11-01"), dau=1, wau=1, mau=1)
    with pytest.raises(NoDataError, match="yet: the store has adoption data through Nov 1, 2026"):
        adoption(s.db, parse_period("yesterday", today=TODAY))


def test_a_day_without_dau_is_no_point_not_a_zero(store: StoreBuilder) -> None:
    """The API left DAU out for one day: charts and exports must show a gap, never 0."""
    store.db.execute("UPDATE summaries SET daily_active_user_count = NULL WHERE day = '2026-11-18'")
    result = adoption(store.db, PERIOD)
    assert d("2026-11-18") not in {p.day for p in result.points}
    assert all(p.value > 0 for p in result.points)
    assert len(result.points) == 6
    assert result.dau_avg == pytest.approx((10 + 11 + 12 + 14 + 15 + 16) / 6)
    header, rows = export_rows(result)
    assert ("2026-11-18", "0") not in [tuple(r[:2]) for r in rows]
    assert "2026-11-18" not in [r[0] for r in rows]
    assert header[0] == "day"
