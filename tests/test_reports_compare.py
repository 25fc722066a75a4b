"""Period over period: deltas, % change with a zero/absent past, people movement, movers."""

from __future__ import annotations

import pytest

from bot.reports.compare import compare
from bot.reports.coverage import NoDataError
from bot.reports.periods import Period, parse_period
from bot.reports.types import Delta
from tests.report_factories import TODAY, StoreBuilder, d, days, mc

NOW = parse_period("last-week", today=TODAY)  # Nov 16–22
BEFORE = Period.between(d("2026-11-09"), d("2026-11-15"))


@pytest.fixture
def store() -> StoreBuilder:
    s = StoreBuilder().person("u1", "ada@x.com", "Ada").person("u2", "bob@x.com", "Bob")
    for n, day in enumerate(days("2026-11-16", "2026-11-22")):
        s.cost(day, "10").summary(day, dau=10, wau=20 + n, mau=50 + n)
    for n, day in enumerate(days("2026-11-09", "2026-11-15")):
        s.cost(day, "5").summary(day, dau=5, wau=10 + n, mau=34 + n)
    s.usage(d("2026-11-16"), uncached=100, output=20)
    s.activity(d("2026-11-17"), "a").activity(d("2026-11-18"), "b")
    s.activity(d("2026-11-10"), "b").activity(d("2026-11-11"), "c")
    s.synced("users", *days("2026-11-09", "2026-11-22"))
    s.synced("user_cost", *days("2026-11-09", "2026-11-22"))
    s.user_cost(d("2026-11-17"), "u1", "100").user_cost(d("2026-11-10"), "u1", "10")
    s.user_cost(d("2026-11-12"), "u2", "50")
    s.user_cost(d("2026-11-18"), "u3", "30").user_cost(d("2026-11-13"), "u3", "30")
    s.user_cost(d("2026-11-20"), "u4", "5")
    return s


def test_deltas(store: StoreBuilder) -> None:
    result = compare(store.db, NOW, BEFORE, mode="week")
    assert (result.mode, result.previous) == ("week", BEFORE)
    assert result.spend == Delta(
        current=mc("70"), previous=mc("35"), change=mc("35"), percent=100.0
    )
    assert result.tokens == Delta(current=120, previous=None, change=None, percent=None)
    assert result.dau_avg == Delta.of(10.0, 5.0)
    assert result.wau == Delta.of(26, 16)
    assert result.mau == Delta.of(56, 40)
    assert result.mau is not None
    assert result.mau.percent == pytest.approx(40.0)
    assert result.spend_sparkline == (mc("10"),) * 7
    assert result.previous_spend_sparkline == (mc("5"),) * 7
    assert result.dau_sparkline == (10,) * 7


def test_people_and_movers(store: StoreBuilder) -> None:
    result = compare(store.db, NOW, BEFORE)
    assert result.active_users == Delta.of(2, 2)
    assert result.active_users is not None
    assert result.active_users.percent == 0.0
    assert (result.new_users, result.returning_users, result.lapsed_users) == (1, 1, 1)
    assert [(m.user_id, m.change_microcents) for m in result.movers_up] == [
        ("u1", mc("90")),
        ("u4", mc("5")),
    ]
    assert [(m.user_id, m.email, m.previous_microcents) for m in result.movers_down] == [
        ("u2", "bob@x.com", mc("50"))
    ]


def test_zero_previous_has_no_percent() -> None:
    s = StoreBuilder().cost(d("2026-11-16"), "10").synced("cost_buckets", d("2026-11-09"))
    one = Period.between(d("2026-11-16"), d("2026-11-16"))
    result = compare(s.db, one, Period.between(d("2026-11-09"), d("2026-11-09")))
    assert result.spend == Delta(current=mc("10"), previous=0, change=mc("10"), percent=None)
    assert (result.dau_avg, result.active_users, result.new_users) == (None, None, None)
    assert (result.movers_up, result.movers_down) == ((), ())
    assert any("No adoption data is synced" in n for n in result.notes)


def test_months_of_different_length_compare_whole_months() -> None:
    s = StoreBuilder()
    for day in days("2026-10-01", "2026-10-31"):
        s.cost(day, "1")
    for day in days("2026-09-01", "2026-09-30"):
        s.cost(day, "1")
    october = parse_period("last-month", today=TODAY)
    september = Period.between(d("2026-09-01"), d("2026-09-30"))
    result = compare(s.db, october, september, mode="month")
    assert result.spend == Delta.of(mc("31"), mc("30"))
    assert not any("partly synced" in n for n in result.notes)


def test_nothing_synced_raises() -> None:
    with pytest.raises(NoDataError, match="Nothing is synced for last week"):
        compare(StoreBuilder().db, NOW, BEFORE)


@pytest.mark.parametrize(
    ("current", "previous", "change", "percent"),
    [(10, 0, 10, None), (10, None, None, None), (0, 10, -10, -100.0), (15, 10, 5, 50.0)],
)
def test_delta_helper(
    current: int, previous: int | None, change: int | None, percent: float | None
) -> None:
    delta = Delta.of(current, previous)
    assert (delta.current, delta.previous, delta.change, delta.percent) == (
        current,
        previous,
        change,
        percent,
    )
