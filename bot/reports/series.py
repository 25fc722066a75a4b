"""Turning per-day values and keyed totals into the shapes results carry: sparklines and slices.

A sparkline always has at most 7 points whatever the period's length, so a chart or a unicode
sparkline renders the same for `7d` and `last-month`: the days are cut into 7 near-equal
consecutive buckets (the first buckets take the extra days) and each bucket is summed, or
averaged for level metrics such as DAU, where a sum over days would mean nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from sqlite_utils import Database

from bot.reports import privacy
from bot.reports.labels import BOTH_UNATTRIBUTED_NOTE, OTHER_KEY, label_for
from bot.reports.types import BreakdownRow
from bot.store.schema import NONE_KEY

SPARK_POINTS = 7


def buckets(count: int, points: int = SPARK_POINTS) -> list[tuple[int, int]]:
    """`[start, end)` index ranges cutting `count` items into at most `points` near-equal runs."""
    if count <= 0:
        return []
    parts = min(points, count)
    size, extra = divmod(count, parts)
    out: list[tuple[int, int]] = []
    start = 0
    for index in range(parts):
        end = start + size + (1 if index < extra else 0)
        out.append((start, end))
        start = end
    return out


def sparkline(values: Sequence[int], points: int = SPARK_POINTS) -> tuple[int, ...]:
    """Sums of consecutive runs of `values` (money, tokens): exact integers."""
    return tuple(sum(values[a:b]) for a, b in buckets(len(values), points))


def spark_average(values: Sequence[int | float], points: int = SPARK_POINTS) -> tuple[int, ...]:
    """Rounded averages of consecutive runs (DAU and other levels)."""
    return tuple(round(sum(values[a:b]) / (b - a)) for a, b in buckets(len(values), points))


def share_pct(part: int, whole: int) -> float | None:
    """`part` as a percent of `whole`; None when `whole` is 0 (a share of nothing is undefined)."""
    return None if whole == 0 else part / whole * 100


def breakdown(
    kind: str,
    values: Mapping[str, int],
    whole: int,
    previous: Mapping[str, int] | None = None,
) -> tuple[BreakdownRow, ...]:
    """Slices largest first (ties by key), each with its share of `whole` and previous value.
    A slice of nothing is no slice: zero rows are left out."""
    ordered = sorted(
        ((key, value) for key, value in values.items() if value), key=lambda i: (-i[1], i[0])
    )
    return tuple(
        BreakdownRow(
            key=key,
            label=label_for(kind, key),
            value=value,
            share_pct=share_pct(value, whole),
            previous=None if previous is None else previous.get(key, 0),
        )
        for key, value in ordered
    )


def parts_with_other(
    rows: Iterable[tuple[str, str, int]], days: Sequence[date], totals: Mapping[date, int]
) -> dict[date, dict[str, int]]:
    """Grouped `(day, key, value)` rows as per-day breakdowns; what they miss of each day's total
    becomes `(other)`, since the bucketed endpoints itemise at most 100 groups a day."""
    parts: dict[date, dict[str, int]] = {day: {} for day in days}
    for day_text, key, value in rows:
        parts[date.fromisoformat(day_text)][key] = int(value)
    for day, day_parts in parts.items():
        rest = totals.get(day, 0) - sum(day_parts.values())
        if rest > 0:
            day_parts[OTHER_KEY] = rest
    return parts


def sum_parts(parts: Mapping[date, Mapping[str, int]]) -> dict[str, int]:
    """Per-day breakdowns added up over the days."""
    out: dict[str, int] = {}
    for day_parts in parts.values():
        for key, value in day_parts.items():
            out[key] = out.get(key, 0) + value
    return out


Parts = dict[date, dict[str, int]]


def grouped_slices(
    db: Database,
    people_table: str,
    by: str,
    what: str,
    days: Sequence[date],
    parts: Parts,
    before_parts: Parts | None,
    total: int,
    min_group: int | None,
) -> tuple[Parts, tuple[BreakdownRow, ...], list[str]]:
    """A bucketed report's per-product or per-model breakdown as the reader may see it: slices
    behind fewer than `min_group` people folded (members; `people_table` counts them), then the
    notes on what the API did not itemise or attribute. `what` is "spend" or "usage"."""
    notes: list[str] = []
    if min_group is not None and by in ("product", "model"):
        parts, before_parts, note = privacy.fold_small(
            db, people_table, by, days, parts, before_parts, min_group
        )
        notes += [note] if note else []
    before = sum_parts(before_parts) if before_parts is not None else None
    summed = sum_parts(parts)
    if OTHER_KEY in summed:
        notes.append(
            f"Some {what} is not itemised by the API (it returns at most 100 groups a day); "
            "it is shown as “Other (not itemised)”."
        )
    if by == "product" and summed.get("other") and summed.get(NONE_KEY):
        notes.append(BOTH_UNATTRIBUTED_NOTE)
    return parts, breakdown(by, summed, total, before), notes
