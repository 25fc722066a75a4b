"""Token usage over a period (`token_series`), from the bucketed usage report.

Totals come from `usage_buckets` grouping "" (the whole organisation); a token-type breakdown
splits those same rows by column, so it always adds up. Product and model breakdowns come from
the "product,model" grouping, which the API caps at 100 groups a day; whatever that misses of a
day's total is shown as an explicit "(other)" slice.

Every token count may be missing from a row ("not reported"). Totals add what was reported and a
note names the token types the API left out (wholly or on some rows); a type never reported has
no slice at all rather than a 0, and requests are None ("—") when no row carried them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlite_utils import Database

from bot.reports import coverage
from bot.reports.periods import Period
from bot.reports.series import breakdown, grouped_slices, parts_with_other, sparkline, sum_parts
from bot.reports.sql import day_list
from bot.reports.types import BreakdownRow, Delta, SeriesPoint, TokenBreakdown, TokenSeries
from bot.store.freshness import read_freshness
from bot.store.schema import GROUPING_PRODUCT_MODEL, GROUPING_TOTAL, TOKEN_COLUMNS

TOKEN_TYPE_KEYS = {
    "uncached_input_tokens": "uncached_input_tokens",
    "cache_read_input_tokens": "cache_read_input_tokens",
    "cache_creation__ephemeral_5m_input_tokens": "cache_creation.ephemeral_5m_input_tokens",
    "cache_creation__ephemeral_1h_input_tokens": "cache_creation.ephemeral_1h_input_tokens",
    "output_tokens": "output_tokens",
}
"""Store column → the API's `token_type` spelling, used as the breakdown key."""

_SUM_TOKENS = " + ".join(f"coalesce({column}, 0)" for column in TOKEN_COLUMNS)


def token_series(
    db: Database,
    period: Period,
    *,
    by: TokenBreakdown | None = None,
    min_group: int | None = None,
) -> TokenSeries:
    """Organisation tokens per day, total, requests, change vs the previous period, breakdown.
    `min_group`: products or models behind fewer people are folded (`bot.reports.privacy`)."""
    found = coverage.require(db, "usage_buckets", period, "token usage")
    days = sorted(found.days)
    per_day = _daily_columns(db, days)
    totals = {day: sum(columns[: len(TOKEN_COLUMNS)]) for day, columns in per_day.items()}
    total = sum(totals.values())
    previous = coverage.aligned(db, "usage_buckets", found, period.previous())
    previous_total: int | None = None
    previous_totals: dict[date, int] = {}
    before: dict[date, tuple[int, ...]] = {}
    if previous is not None:
        before = _daily_columns(db, previous.days)
        previous_totals = {day: sum(cols[: len(TOKEN_COLUMNS)]) for day, cols in before.items()}
        previous_total = sum(previous_totals.values())
    notes = coverage.notes(found, "token usage")
    notes += coverage.comparison_notes(found, previous, "token usage")
    reported, notes_on_types = _reported(db, days)
    notes += notes_on_types
    parts: dict[date, dict[str, int]] = {}
    slices: tuple[BreakdownRow, ...] = ()
    if by == "token-type":
        parts = {day: _by_column(columns) for day, columns in per_day.items()}
        before_slices = None
        if previous is not None:
            before_slices = sum_parts({d: _by_column(c) for d, c in before.items()})
        slices = breakdown(by, sum_parts(parts), total, before_slices)
    elif by is not None:
        parts = _grouped(db, by, days, totals)
        before_parts = None
        if previous is not None:
            before_parts = _grouped(db, by, previous.days, previous_totals)
        parts, slices, more_notes = grouped_slices(
            db, "user_usage", by, "usage", days, parts, before_parts, total, min_group
        )
        notes += more_notes
    return TokenSeries(
        period=period,
        freshness=read_freshness(db),
        notes=tuple(notes),
        so_far=found.so_far,
        by=by,
        points=tuple(
            SeriesPoint(day=day, value=totals[day], parts=parts.get(day, {})) for day in days
        ),
        breakdown=slices,
        total_tokens=total,
        requests=sum(columns[-1] for columns in per_day.values()) if reported["requests"] else None,
        previous_total_tokens=previous_total,
        change=Delta.of(total, previous_total),
        sparkline=sparkline([totals[day] for day in days]),
    )


def _daily_columns(db: Database, days: Sequence[date]) -> dict[date, tuple[int, ...]]:
    """Per synced day: each token column summed, then requests (zeros for days without rows)."""
    marks, params = day_list(days)
    sums = ", ".join(f"coalesce(sum({column}), 0)" for column in (*TOKEN_COLUMNS, "requests"))
    rows = db.execute(
        f"SELECT day, {sums} FROM usage_buckets "  # noqa: S608
        f"WHERE grouping = ? AND day IN ({marks}) GROUP BY day",
        (GROUPING_TOTAL, *params),
    ).fetchall()
    found = {date.fromisoformat(row[0]): tuple(int(v) for v in row[1:]) for row in rows}
    zero = (0,) * (len(TOKEN_COLUMNS) + 1)
    return {day: found.get(day, zero) for day in days}


def _reported(db: Database, days: Sequence[date]) -> tuple[dict[str, int], list[str]]:
    """Per column, how many of the period's rows carried it; and the notes that follow."""
    marks, params = day_list(days)
    columns = (*TOKEN_COLUMNS, "requests")
    counts = db.execute(
        f"SELECT count(*), {', '.join(f'count({c})' for c in columns)} "  # noqa: S608
        f"FROM usage_buckets WHERE grouping = ? AND day IN ({marks})",
        (GROUPING_TOTAL, *params),
    ).fetchone()
    rows, present = counts[0], dict(zip(columns, counts[1:], strict=True))
    notes: list[str] = []
    if not rows:
        return present, notes
    never = [_TYPE_WORDS[c] for c in TOKEN_COLUMNS if present[c] == 0]
    some = [_TYPE_WORDS[c] for c in TOKEN_COLUMNS if 0 < present[c] < rows]
    if never:
        notes.append(
            f"The Analytics API does not report {_join(never)} tokens for this period; totals "
            "count the token types it reports."
        )
    if some:
        notes.append(f"Some days leave out {_join(some)} tokens; totals count what was reported.")
    return present, notes


_TYPE_WORDS = {
    "uncached_input_tokens": "uncached input",
    "cache_read_input_tokens": "cache-read",
    "cache_creation__ephemeral_5m_input_tokens": "5-minute cache-write",
    "cache_creation__ephemeral_1h_input_tokens": "1-hour cache-write",
    "output_tokens": "output",
}


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def daily_tokens(db: Database, days: Sequence[date]) -> dict[date, int]:
    """Total tokens per synced day (organisation-wide)."""
    return {day: sum(cols[: len(TOKEN_COLUMNS)]) for day, cols in _daily_columns(db, days).items()}


def _by_column(columns: tuple[int, ...]) -> dict[str, int]:
    return {
        TOKEN_TYPE_KEYS[name]: value
        for name, value in zip(TOKEN_COLUMNS, columns, strict=False)
        if value
    }


def _grouped(
    db: Database, by: str, days: Sequence[date], totals: dict[date, int]
) -> dict[date, dict[str, int]]:
    key = "product" if by == "product" else "model"
    marks, params = day_list(days)
    rows = db.execute(
        f"SELECT day, {key}, sum({_SUM_TOKENS}) FROM usage_buckets "  # noqa: S608
        f"WHERE grouping = ? AND day IN ({marks}) GROUP BY day, {key}",
        (GROUPING_PRODUCT_MODEL, *params),
    ).fetchall()
    return parts_with_other(rows, days, totals)
