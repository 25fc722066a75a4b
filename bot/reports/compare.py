"""Period over period (`compare`): spend, tokens, actives, people movement and biggest movers.

Each metric compares the synced days of the current period with their counterparts in the
previous one (see `coverage.aligned`), so a week whose last days are not published yet is not
shown as a drop. A metric whose dataset is not synced for the current period is None; the
report raises `NoDataError` only when nothing at all is synced for it.

Movers are seat users ranked by the change in their spend (`user_cost`), up and down.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

from sqlite_utils import Database

from bot.reports import coverage
from bot.reports.actives import active_sets
from bot.reports.adoption import average, summary_rows
from bot.reports.coverage import Aligned, Coverage, NoDataError, describe
from bot.reports.people import identities
from bot.reports.periods import Period
from bot.reports.series import spark_average, sparkline
from bot.reports.spend import daily_spend
from bot.reports.sql import per_user
from bot.reports.tokens import daily_tokens
from bot.reports.types import Comparison, Delta, Mover
from bot.store.freshness import read_freshness

MOVERS = 5


def compare(
    db: Database,
    current: Period,
    previous: Period,
    *,
    mode: Literal["week", "month", "period"] = "period",
    movers: int = MOVERS,
) -> Comparison:
    """`current` vs `previous` on every metric whose dataset is synced for `current`."""
    notes: list[str] = []
    cover = {
        name: coverage.coverage(db, name, current)
        for name in ("cost_buckets", "usage_buckets", "summaries", "users", "user_cost")
    }
    if not any(found.any for found in cover.values()):
        raise NoDataError(
            f"Nothing is synced for {describe(current)}, so there is nothing to compare."
        )
    before = {
        name: coverage.aligned(db, name, found, previous) if found.any else None
        for name, found in cover.items()
    }
    for name, what in (("cost_buckets", "spend data"), ("summaries", "adoption data")):
        if cover[name].any:
            notes += coverage.notes(cover[name], what)
            notes += coverage.comparison_notes(cover[name], before[name], what)
        else:
            notes.append(f"No {what} is synced for {describe(current)}.")

    def sides(dataset: str) -> tuple[list[date] | None, list[date] | None]:
        """(current days, previous days) of a dataset; None for a side with nothing synced."""
        now, then = cover[dataset], before[dataset]
        return (sorted(now.days) if now.any else None), (list(then.days) if then else None)

    def spend(days: list[date] | None) -> list[int] | None:
        return None if days is None else [a for _, (a, _) in sorted(daily_spend(db, days).items())]

    def tokens(days: list[date] | None) -> list[int] | None:
        return None if days is None else [t for _, t in sorted(daily_tokens(db, days).items())]

    spend_now, spend_then = map(spend, sides("cost_buckets"))
    tokens_now, tokens_then = map(tokens, sides("usage_buckets"))
    rows_now, rows_then = (summary_rows(db, d) if d else [] for d in sides("summaries"))
    users_now, users_then = sides("users")
    people = active_sets(db, users_now, users_then) if users_now else None
    up, down = _movers(db, cover["user_cost"], before["user_cost"], movers)
    return Comparison(
        period=current,
        freshness=read_freshness(db),
        notes=tuple(notes),
        mode=mode,
        previous=previous,
        spend=_total_delta(spend_now, spend_then),
        tokens=_total_delta(tokens_now, tokens_then),
        dau_avg=_level(rows_now, rows_then, "daily_active_user_count", averaged=True),
        wau=_level(rows_now, rows_then, "weekly_active_user_count"),
        mau=_level(rows_now, rows_then, "monthly_active_user_count"),
        active_users=None if people is None else Delta.of(people.current, people.previous),
        new_users=None if people is None else people.new,
        returning_users=None if people is None else people.returning,
        lapsed_users=None if people is None else people.lapsed,
        movers_up=up,
        movers_down=down,
        spend_sparkline=sparkline(spend_now or []),
        tokens_sparkline=sparkline(tokens_now or []),
        dau_sparkline=_dau_spark(rows_now),
        previous_spend_sparkline=sparkline(spend_then or []),
        previous_tokens_sparkline=sparkline(tokens_then or []),
        previous_dau_sparkline=_dau_spark(rows_then),
    )


def _dau_spark(rows: Sequence[dict[str, object]]) -> tuple[int, ...]:
    values = [r.get("daily_active_user_count") for r in rows]
    return spark_average([v for v in values if isinstance(v, int)])  # unreported days: no bar


def _total_delta(now: Sequence[int] | None, then: Sequence[int] | None) -> Delta | None:
    """Sum of each side; None when the current side is not synced at all."""
    if now is None:
        return None
    return Delta.of(sum(now), None if then is None else sum(then))


def _level(
    now: Sequence[dict[str, object]],
    then: Sequence[dict[str, object]],
    column: str,
    *,
    averaged: bool = False,
) -> Delta | None:
    """Average (DAU) or latest-day value (WAU/MAU, rolling windows) of each side."""

    def value(rows: Sequence[dict[str, object]]) -> float | int | None:
        if not rows:
            return None
        if averaged:
            return average(rows, column)
        latest = rows[-1].get(column)
        return latest if isinstance(latest, int) else None

    current = value(now)
    return None if current is None else Delta.of(current, value(then))


def _movers(
    db: Database, now: Coverage, then: Aligned | None, limit: int
) -> tuple[tuple[Mover, ...], tuple[Mover, ...]]:
    """Seat users with the largest rise and the largest fall in spend."""
    if not now.any or then is None:
        return (), ()
    start = now.period.start.isoformat()
    rows = per_user(
        db,
        (
            "sum(CASE WHEN day >= ? THEN amount_microcents ELSE 0 END)",
            "sum(CASE WHEN day < ? THEN amount_microcents ELSE 0 END)",
        ),
        [*then.days, *now.days],
        sum_params=(start, start),
    )
    changes = [
        (uid, cur, prev, cur - prev)
        for uid, (cur, prev) in rows
        if cur is not None and prev is not None and cur != prev
    ]
    rising = sorted((c for c in changes if c[3] > 0), key=lambda c: (-c[3], c[0]))[:limit]
    falling = sorted((c for c in changes if c[3] < 0), key=lambda c: (c[3], c[0]))[:limit]
    people = identities(db, [c[0] for c in (*rising, *falling)])

    def mover(item: tuple[str, int, int, int]) -> Mover:
        uid, cur, prev, change = item
        who = people[uid]
        return Mover(
            user_id=uid,
            email=who.email,
            name=who.name,
            current_microcents=cur,
            previous_microcents=prev,
            change_microcents=change,
        )

    return tuple(map(mover, rising)), tuple(map(mover, falling))
