"""Groups, never individuals, for non-admins: slices of fewer than `MIN_GROUP` people are folded.

A non-admin sees organisation-level reports. But a breakdown can still point at a person: if one
engineer is the only Claude Design user, "Claude Design: $412" is that engineer's spend, and a
skill used by two people says what they do. Like GitHub's Copilot metrics (which report a team
only from five members), a report run for a non-admin shows a product, model, project, skill or
connector only when at least `MIN_GROUP` distinct people are behind it; the rest is folded into
one "fewer than 5 people each" slice (or left out of a ranking, with a note saying how many).

The rule is applied where the report is authorised: `bot.slack.auth.authorize` sets
`min_group` on a non-admin's command, and the report functions fold with the helpers here. Counts
of people come from the per-user tables (`user_cost`, `user_usage`); a slice with spend but no
seat user behind it (API-key traffic) counts as fewer than five people.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from sqlite_utils import Database

from bot.reports.sql import day_list

MIN_GROUP = 5
SMALL_KEY = "(small groups)"
SMALL_LABEL = f"Fewer than {MIN_GROUP} people each"


def people_per_key(db: Database, table: str, column: str, days: Iterable[date]) -> dict[str, int]:
    """Distinct seat users per value of `column` (product or model) of `table` over `days`."""
    marks, params = day_list(days)
    rows = db.execute(
        f"SELECT [{column}], count(DISTINCT user_id) FROM [{table}] "  # noqa: S608
        f"WHERE day IN ({marks}) GROUP BY [{column}]",
        params,
    ).fetchall()
    return {str(key): int(count) for key, count in rows}


def small_keys(people: Mapping[str, int], keys: Iterable[str], min_group: int) -> set[str]:
    """The keys behind fewer than `min_group` people (unknown keys count as none)."""
    return {key for key in keys if people.get(key, 0) < min_group}


def fold(parts: Mapping[date, Mapping[str, int]], small: set[str]) -> dict[date, dict[str, int]]:
    """Per-day breakdowns with the small keys added into one `SMALL_KEY` slice."""
    out: dict[date, dict[str, int]] = {}
    for day, values in parts.items():
        kept: dict[str, int] = {}
        for key, value in values.items():
            target = SMALL_KEY if key in small else key
            kept[target] = kept.get(target, 0) + value
        out[day] = kept
    return out


def fold_note(count: int, what: str) -> str:
    things = f"{count} {what}" if count != 1 else f"1 {what.rstrip('s')}"
    verb = "are" if count != 1 else "is"
    return (
        f"{things} used by fewer than {MIN_GROUP} people {verb} not shown on their own, so no "
        "one's use can be singled out (per-person figures are for Claude usage admins)."
    )


Parts = dict[date, dict[str, int]]


def fold_small(
    db: Database,
    table: str,
    column: str,
    days: Iterable[date],
    parts: Parts,
    before: Parts | None,
    min_group: int,
) -> tuple[Parts, Parts | None, str | None]:
    """Fold the slices of fewer than `min_group` people, in this period and the one compared
    with (the same keys, so changes stay like for like); the note says how many were folded."""
    keys = {key for values in parts.values() for key in values}
    small = small_keys(people_per_key(db, table, column, list(days)), keys, min_group)
    if not small:
        return parts, before, None
    noun = "products" if column == "product" else "models"
    folded_before = fold(before, small) if before is not None else None
    return fold(parts, small), folded_before, fold_note(len(small), noun)
