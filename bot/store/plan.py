"""What a sync must fetch: the day ranges the API allows and the ledger still lacks.

Engagement days are planned when missing, and while revisable (fetched younger than
`freshness.ENGAGEMENT_REVISION_DAYS`: today's API revises them "by a few percent over the
following days") at most once per UTC day: a day already fetched today is skipped as unchanged
unless `refetch_revisable`. Older days are final (and, with `refetch_empty`, days the API once
answered with no rows are planned again: a 200 with an empty day may be a pipeline hiccup on
Anthropic's side). How far engagement reaches is the API's latest available day, passed in as
`engagement_last` (`bot.store.latest`), else yesterday.

Cost/usage days are planned when missing or not yet final (`final = 0`: inside the 30-day
revision window, or partial) — unless the caller passes the export
watermark that dataset's endpoint serves now (`unchanged_at`, see watermark.py) and the day was
fetched under that export or a newer one: the API would return the same numbers, so such a day is
skipped as unchanged. Its `final` flag stays as stored, which is right: finality is judged by the
watermark, and that has not moved.

A revisable day is planned until it is final even when it lies before `since`: a caller syncing
"the last 35 days" must not strand a day fetched while revisable outside every later plan, where
it would stay "revisable" for ever. The planner only reads the ledger; it never talks to the API.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlite_utils import Database

from bot.analytics.windows import (
    FIRST_DAY,
    MAX_LOOKBACK_DAYS,
    MAX_WINDOW_DAYS,
    latest_engagement_day,
)
from bot.errors import InputError
from bot.store.schema import DATASETS, DATASETS_COST, DATASETS_ENGAGEMENT

DEFAULT_LOOKBACK_DAYS = 90
"""With no `since`, a sync reaches this far back (never before 2026-01-01)."""
WINDOWED = frozenset({"summaries", "usage_buckets", "cost_buckets"})
"""Datasets fetched over ≤31-day ranges; the others are fetched one day per request series."""


class UnknownDatasetError(InputError):
    """`--only` named a dataset the store does not have."""


@dataclass(frozen=True, order=True)
class Task:
    """One unit of fetching and writing: `dataset` over the days `[start, end)`."""

    dataset: str
    start: date
    end: date

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(_days(self.start, self.end - timedelta(days=1)))


@dataclass(frozen=True)
class DayRange:
    """Inclusive first/last day one family of datasets covers in this sync."""

    first: date
    last: date


@dataclass(frozen=True)
class Plan:
    tasks: tuple[Task, ...]
    engagement: DayRange | None
    cost: DayRange | None
    skipped_final: dict[str, int] = field(default_factory=dict)
    """Days inside the range that the ledger already holds as final, per dataset."""
    skipped_unchanged: dict[str, int] = field(default_factory=dict)
    """Revisable days not re-fetched: for cost/usage, the export that served them is still
    current; for engagement, they were already fetched today."""


def check_datasets(only: Collection[str] | None) -> tuple[str, ...]:
    """The datasets to sync, in schema order; unknown names are a usage error listing valid ones."""
    if only is None:
        return DATASETS
    unknown = sorted(set(only) - set(DATASETS))
    if unknown:
        raise UnknownDatasetError(
            f"Unknown dataset {', '.join(unknown)}; choose from: {', '.join(DATASETS)}."
        )
    return tuple(d for d in DATASETS if d in set(only))


def day_ranges(
    *, now: datetime, since: date | None, until: date | None
) -> tuple[DayRange | None, DayRange | None]:
    """(engagement range, cost range) for this sync, clamped to what the API serves."""
    now = now.astimezone(UTC)
    today = now.date()
    if since is not None and until is not None and since > until:
        raise InputError(f"--since {since} is after --until {until}.")
    oldest = max(FIRST_DAY, today - timedelta(days=MAX_LOOKBACK_DAYS))
    first = max(since or today - timedelta(days=DEFAULT_LOOKBACK_DAYS), oldest)
    # `starting_at` must lie within 365 days of now: day D's midnight, not just its date.
    cost_oldest = _ceil_day(now - timedelta(days=MAX_LOOKBACK_DAYS))
    engagement_last = latest_engagement_day(today)
    cost_last = today
    if until is not None:
        engagement_last, cost_last = min(until, engagement_last), min(until, cost_last)
    engagement = DayRange(first, engagement_last) if first <= engagement_last else None
    cost_first = max(first, cost_oldest)
    cost = DayRange(cost_first, cost_last) if cost_first <= cost_last else None
    return engagement, cost


def make_plan(
    db: Database,
    *,
    now: datetime,
    since: date | None = None,
    until: date | None = None,
    only: Collection[str] | None = None,
    engagement_last: date | None = None,
    unchanged_at: Mapping[str, datetime] | None = None,
    refetch_empty: bool = False,
    refetch_revisable: bool = False,
) -> Plan:
    """Tasks for every planned dataset-day, windowed datasets grouped in ≤31-day runs.

    `unchanged_at`: per cost/usage dataset, the watermark its endpoint serves now; revisable days
    fetched under it (or a newer one) are skipped. A dataset without one (no probe, or it failed)
    re-fetches every revisable day. `refetch_empty`: engagement days stored with no rows are
    fetched again.
    """
    datasets = check_datasets(only)
    engagement, cost = day_ranges(now=now, since=since, until=until)
    if engagement is not None and engagement_last is not None:
        last = min(engagement.last, engagement_last)
        engagement = DayRange(engagement.first, last) if engagement.first <= last else None
    final = _final_days(db, keep_empty=not refetch_empty)
    current = _unchanged_days(db, unchanged_at or {})
    if not refetch_revisable:
        for dataset, fetched in _fetched_today(db, now.astimezone(UTC).date()).items():
            current.setdefault(dataset, set()).update(fetched)
    stranded = _revisable_days(db)
    tasks: list[Task] = []
    skipped: dict[str, int] = {}
    unchanged: dict[str, int] = {}
    for dataset in datasets:
        span = engagement if dataset in DATASETS_ENGAGEMENT else cost
        skipped[dataset] = unchanged[dataset] = 0
        if span is None:
            continue
        days = list(_days(span.first, span.last))
        families = day_ranges(now=now, since=FIRST_DAY, until=None)
        oldest = families[1] if dataset in DATASETS_COST else families[0]
        older = {
            d for d in stranded.get(dataset, set())
            if oldest is not None and oldest.first <= d < span.first
        }  # fmt: skip
        days = sorted(older) + days
        needed = [d for d in days if d not in final.get(dataset, set())]
        skipped[dataset] = len(days) - len(needed)
        fresh = current.get(dataset, set())
        unchanged[dataset] = sum(1 for d in needed if d in fresh)
        needed = [d for d in needed if d not in fresh]
        width = MAX_WINDOW_DAYS if dataset in WINDOWED else 1
        tasks.extend(Task(dataset, a, b) for a, b in _windows(needed, width))
    # Newest days first, datasets interleaved: an interrupted first sync of a long backlog still
    # leaves the recent days every report asks about, and requests spread across endpoints.
    order = {name: i for i, name in enumerate(DATASETS)}
    tasks.sort(key=lambda t: (-t.start.toordinal(), order[t.dataset]))
    return Plan(tuple(tasks), engagement, cost, skipped, unchanged)


def _final_days(db: Database, *, keep_empty: bool = True) -> dict[str, set[date]]:
    """Days no sync needs again; with `keep_empty=False`, empty engagement days are not final."""
    out: dict[str, set[date]] = {}
    rows = db.execute("SELECT dataset, day, row_count FROM sync_ledger WHERE final = 1")
    for dataset, day, count in rows:
        if not keep_empty and count == 0 and dataset in DATASETS_ENGAGEMENT:
            continue
        out.setdefault(dataset, set()).add(date.fromisoformat(day))
    return out


def _revisable_days(db: Database) -> dict[str, set[date]]:
    out: dict[str, set[date]] = {}
    for dataset, day in db.execute("SELECT dataset, day FROM sync_ledger WHERE final = 0"):
        out.setdefault(dataset, set()).add(date.fromisoformat(day))
    return out


def _fetched_today(db: Database, today: date) -> dict[str, set[date]]:
    """Revisable engagement days already fetched on `today` (UTC): a revision lands at most once
    a day, so fetching them again today would only spend requests."""
    marks = ",".join("?" * len(DATASETS_ENGAGEMENT))
    rows = db.execute(
        f"SELECT dataset, day, fetched_at FROM sync_ledger WHERE final = 0 "  # noqa: S608
        f"AND dataset IN ({marks})",
        DATASETS_ENGAGEMENT,
    )
    out: dict[str, set[date]] = {}
    for dataset, day, fetched_at in rows:
        if _instant(fetched_at).astimezone(UTC).date() == today:
            out.setdefault(dataset, set()).add(date.fromisoformat(day))
    return out


def _unchanged_days(db: Database, watermarks: Mapping[str, datetime]) -> dict[str, set[date]]:
    """Revisable cost/usage days whose stored watermark is their endpoint's current one or newer.

    Compared as datetimes, not strings: the ledger's text is whatever `writers._iso` produced.
    """
    out: dict[str, set[date]] = {}
    if not watermarks:
        return out
    rows = db.execute(
        "SELECT dataset, day, data_refreshed_at FROM sync_ledger "
        "WHERE final = 0 AND data_refreshed_at IS NOT NULL"
    )
    for dataset, day, refreshed in rows:
        mark = watermarks.get(dataset)
        if mark is not None and _instant(refreshed) >= mark:
            out.setdefault(dataset, set()).add(date.fromisoformat(day))
    return out


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _windows(days: Iterable[date], width: int) -> Iterator[tuple[date, date]]:
    """Runs of consecutive days, cut into `[start, end)` windows of at most `width` days."""
    start: date | None = None
    prev: date | None = None
    for day in sorted(days):
        if (
            start is None
            or prev is None
            or day != prev + timedelta(days=1)
            or ((day - start).days >= width)
        ):
            if start is not None and prev is not None:
                yield start, prev + timedelta(days=1)
            start = day
        prev = day
    if start is not None and prev is not None:
        yield start, prev + timedelta(days=1)


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _ceil_day(moment: datetime) -> date:
    midnight = datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    return moment.date() if moment == midnight else moment.date() + timedelta(days=1)
