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

from bot.reports.sql import day_list


@dataclass(frozen=True)
class ActiveSets:
    current: int
    previous: int | None
    new: int | None
    returning: int | None
    lapsed: int | None


def active_sets(
    db: Database, current_days: Sequence[date], previous_days: Sequence[date] | None
) -> ActiveSets:
    cur_marks, cur_params = day_list(current_days)
    if not previous_days:
        row = db.execute(
            "SELECT count(DISTINCT user_id) FROM user_activity "  # noqa: S608
            f"WHERE day IN ({cur_marks}) AND is_active = 1",
            cur_params,
        ).fetchone()
        return ActiveSets(current=int(row[0]), previous=None, new=None, returning=None, lapsed=None)
    prev_marks, prev_params = day_list(previous_days)
    current, previous, both = db.execute(
        f"""
        WITH cur AS (SELECT DISTINCT user_id FROM user_activity
                     WHERE day IN ({cur_marks}) AND is_active = 1),
             prev AS (SELECT DISTINCT user_id FROM user_activity
                      WHERE day IN ({prev_marks}) AND is_active = 1)
        SELECT (SELECT count(*) FROM cur), (SELECT count(*) FROM prev),
               (SELECT count(*) FROM cur JOIN prev USING (user_id))
        """,  # noqa: S608 - placeholders only
        (*cur_params, *prev_params),
    ).fetchone()
    return ActiveSets(
        current=current,
        previous=previous,
        new=current - both,
        returning=both,
        lapsed=previous - both,
    )
