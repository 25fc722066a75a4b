"""Engagement revisions: today's API says a day's values "may be revised by a few percent over
the following days". The simulator revises `/users` counters as a pure function of the day's
age, as the cost reports revise theirs (`spend.revise`): late events are missing from a young
day and arrive over `ENGAGEMENT_REVISION_DAYS`, after which the day never changes again.

Who was active does not move (DAU still equals the `/users` rows of the day): only the counts
behind a row grow. Counters under 20 are revised by their exact share (which rounds to nothing
for small ones, so no row loses its evidence of activity); from 20 up, at least one event per
day still to go is missing, so each day of age shows in a small organisation's totals too.
Legacy mode (the older guide: "accurate once available") never revises.
"""

from __future__ import annotations

from typing import Any

from bot.simulator.stable import h64

ENGAGEMENT_REVISION_DAYS = 3
"""A day served at an age below this (in days) may still change; from this age on it is final."""
_NOT_REVISED = frozenset({"active_day_count"})
"""0 or 1 per day: a flag, not a count of events that can arrive late."""


def revision_age(legacy: bool, today: int, day: int) -> int | None:
    """The day's age if its values are still being revised, else None (final)."""
    age = today - day
    if legacy or age >= ENGAGEMENT_REVISION_DAYS:
        return None
    return max(age, 0)


def late_per_mille(seed: int, user: int, day: int) -> int:
    """Share of each of the user-day's counters that arrives late: 0.5% to 5%."""
    return 5 + h64(seed, "engagement-late", user, day) % 46


def revised(tree: dict[str, Any], late: int, age: int) -> dict[str, Any]:
    """A copy of a metric tree as visible `age` days after its day."""
    missing = ENGAGEMENT_REVISION_DAYS - age
    scale = ENGAGEMENT_REVISION_DAYS * 1000
    out: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out[key] = revised(value, late, age)
        elif value.__class__ is int and value > 1 and key not in _NOT_REVISED:
            late_events = value * late * missing
            withheld = late_events // scale
            if value >= 20:
                withheld = max(withheld, missing)
            out[key] = value - withheld
        else:
            out[key] = value
    return out
