"""Distinct active users over a set of days, and who is new, returning or lapsed between two.

Summaries give DAU/WAU/MAU, but only per-user rows (`user_activity`, `is_active = 1`) can tell
*which* people were active, so movement between periods is computed here:

    new        active in the current days, not in the previous ones (includes people coming back)
    returning  active in both
    lapsed     active in the previous days, not in the current ones

so `current = new + returning` and `previous = returning + lapsed`. Both sides use the days the
caller passes (synced, aligned days), so an unpublished tail does not turn into fake lapses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from bot.reports.sql import day_range, users_cte


@dataclass(frozen=True)
class ActiveSets:
    current: int
    previous: int | None
    new: int | None
    returning: int | None
    lapsed: int | None


_ACTIVE = (
    "EXISTS (SELECT 1 FROM user_activity WHERE user_id = users.id AND {days} AND is_active = 1)"
)


def active_sets(
    db: Database, current_days: Sequence[date], previous_days: Sequence[date] | None
) -> ActiveSets:
    """Counted per user id (see `bot.reports.sql`): active on some current day, some previous
    day, or both. Without previous days only `current` is known."""
    if not current_days:
        return ActiveSets(current=0, previous=None, new=None, returning=None, lapsed=None)
    cur_range, cur_params = day_range(current_days)
    prev, prev_params = "0", list[str]()
    if previous_days:
        prev_range, prev_params = day_range(previous_days)
        prev = _ACTIVE.format(days=prev_range)
    current, previous, both = db.execute(
        f"""
        WITH RECURSIVE {users_cte("user_activity")}, flags AS MATERIALIZED (
            SELECT {_ACTIVE.format(days=cur_range)} AS cur, {prev} AS prev
            FROM users WHERE id IS NOT NULL
        )
        SELECT coalesce(sum(cur), 0), coalesce(sum(prev), 0), coalesce(sum(cur AND prev), 0)
        FROM flags
        """,  # noqa: S608 - placeholders only
        (*cur_params, *prev_params),
    ).fetchone()
    if not previous_days:
        return ActiveSets(current=current, previous=None, new=None, returning=None, lapsed=None)
    return ActiveSets(
        current=current,
        previous=previous,
        new=current - both,
        returning=both,
        lapsed=previous - both,
    )
