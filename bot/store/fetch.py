"""Fetching one planned task completely, in memory, and turning it into a `Batch` to write.

Runs on the client's worker threads, so it touches no database: it only calls the API (every page
of every window, the largest page size) and flattens. A task is all or nothing — if any page
fails, nothing of it is written — which is what lets the writer promise complete days.

Cost/usage finality: a day is final once it ended more than 30 days before the export watermark
(`data_refreshed_at`) that served it; anything newer may still be revised, and days the watermark
has not passed yet are partial. Several requests serve one batch (pages, grouping sets), so the
earliest watermark among them is the one that counts. Engagement finality is by age: a day
fetched younger than `ENGAGEMENT_REVISION_DAYS` may still be revised by the API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.analytics.client import AnalyticsClient
from bot.analytics.engagement import BULK_LIMIT
from bot.store.flat_json import users_page
from bot.store.flatten import (
    DirectoryEntry,
    FlattenError,
    Row,
    api_path,
    bucket_day,
    bucket_rows,
    engagement_row,
    per_user_row,
    summary_row,
    user_activity_row,
)
from bot.store.freshness import REVISION_WINDOW, engagement_final
from bot.store.plan import Task
from bot.store.schema import (
    DATASETS_ENGAGEMENT,
    GROUPING_COST_TYPE,
    GROUPING_PRODUCT_MODEL,
    GROUPING_TOTAL,
)
from bot.store.writers import Batch

GROUPINGS = {
    "usage_buckets": (GROUPING_TOTAL, GROUPING_PRODUCT_MODEL),
    "cost_buckets": (GROUPING_TOTAL, GROUPING_PRODUCT_MODEL, GROUPING_COST_TYPE),
}
"""Grouping sets fetched (one request series each) for the bucketed datasets, as in schema.py."""


@dataclass(frozen=True)
class Fetched:
    """A complete task: the batch to write and how many HTTP requests (pages) it took."""

    task: Task
    batch: Batch
    requests: int


def fetch_task(client: AnalyticsClient, task: Task, *, today: date) -> Fetched:
    """Every page of `task`, flattened; raises the client's typed errors unchanged. `today`
    (UTC) judges which engagement days are old enough to be final."""
    fetched = _FETCHERS[task.dataset](client, task)
    if task.dataset not in DATASETS_ENGAGEMENT:
        return fetched
    batch = fetched.batch
    final = frozenset(d for d in batch.final_days if engagement_final(d, today))
    return Fetched(fetched.task, replace(batch, final_days=final), fetched.requests)


def is_final(day: date, refreshed: datetime | None) -> bool:
    """Whether a cost/usage day can no longer be revised, judged by the export watermark."""
    if refreshed is None:
        return False
    day_end = datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)
    return refreshed - day_end >= REVISION_WINDOW


@dataclass
class _Flat:
    """One page, already flattened: what a window buffers until its last page arrives (table
    rows, not the parsed JSON, so a 10k-user day is held once, in the form we write)."""

    rows: list[Row]
    directory: list[DirectoryEntry]
    refreshed: datetime | None
    next_page: str | None = None
    has_more: bool | None = None
    """The page's continuation, for pages decoded from bytes (`Paged.decoded_pages`)."""

    @classmethod
    def of(
        cls,
        pairs: Sequence[tuple[Row, DirectoryEntry]],
        refreshed: datetime | None,
        next_page: str | None = None,
        has_more: bool | None = None,
    ) -> _Flat:
        """A page of per-user rows, each with the directory entry it yields."""
        rows = [row for row, _ in pairs]
        return cls(rows, [entry for _, entry in pairs], refreshed, next_page, has_more)


def _flat_pages(paged: Any, flatten_page: Callable[[dict[str, Any]], _Flat]) -> list[_Flat]:
    return list(paged.mapped_pages(flatten_page))


def _collect(pages: Sequence[_Flat]) -> tuple[list[Row], list[DirectoryEntry]]:
    rows = [row for page in pages for row in page.rows]
    directory = [entry for page in pages for entry in page.directory]
    return rows, directory


_BOOKKEEPING = frozenset({"day", "user_id", "email", "is_active", "grouping"})
"""Store columns that are ours (or an identity already recorded under its API name)."""


def _seen(rows: Sequence[Row], extra: Iterable[str] = ()) -> frozenset[str]:
    """The API fields these rows carried, by their API names (see `flatten.api_path`)."""
    columns: set[str] = set().union(*rows) if rows else set()
    return frozenset(api_path(c) for c in columns - _BOOKKEEPING).union(extra)


def _single_day(method: str) -> Callable[[AnalyticsClient, Task], Fetched]:
    def fetch(client: AnalyticsClient, task: Task) -> Fetched:
        (day,) = task.days
        pages = _flat_pages(
            getattr(client, method)(date=day, limit=BULK_LIMIT),
            lambda page: _Flat([engagement_row(day, item) for item in page["data"]], [], None),
        )
        rows, directory = _collect(pages)
        batch = Batch(task.dataset, (day,), rows, frozenset((day,)), None, directory, _seen(rows))
        return Fetched(task, batch, len(pages))

    return fetch


def _users(client: AnalyticsClient, task: Task) -> Fetched:
    """`/users` pages straight from bytes where `flat_json` can prove nothing is lost (most
    pages, and the bulk of a sync), else through the general flattener."""
    (day,) = task.days
    extra: set[str] = set()

    def fast(body: bytes) -> _Flat | None:
        page = users_page(body, day)
        if page is None:
            return None
        extra.update(page.seen)
        return _Flat(page.rows, page.directory, None, page.next_page, page.has_more)

    def general(page: dict[str, Any]) -> _Flat:
        pairs = [user_activity_row(day, item, extra) for item in page["data"]]
        return _Flat.of(pairs, None, page.get("next_page"), page.get("has_more"))

    pages = list(client.users(date=day, limit=BULK_LIMIT).decoded_pages(fast, general))
    rows, directory = _collect(pages)
    batch = Batch(
        task.dataset, (day,), rows, frozenset((day,)), None, directory, _seen(rows, extra)
    )
    return Fetched(task, batch, len(pages))


def _summaries(client: AnalyticsClient, task: Task) -> Fetched:
    days: set[date] = set()

    def flatten_page(page: dict[str, Any]) -> _Flat:
        rows: list[Row] = []
        # Today's envelope is {"data": [...]}, the guide's {"summaries": [...]}.
        items = page["data"] if page.get("data") is not None else page.get("summaries")
        if items is None:
            raise FlattenError("a /summaries answer without data (or summaries)")
        for item in items:
            day, row = summary_row(item)
            if not task.start <= day < task.end:
                raise FlattenError(f"/summaries returned {day}, outside {task.start}..{task.end}")
            rows.append(row)
            days.add(day)
        return _Flat(rows, [], None)

    pages = _flat_pages(
        client.summaries(starting_date=task.start, ending_date=task.end), flatten_page
    )
    rows, _ = _collect(pages)
    # Only days the API actually returned are recorded: a day it skipped is not "final and
    # empty" (every day has a summary), so it stays unrecorded and the next sync asks again.
    seen = _seen(rows, ("starting_at", "ending_at") if rows else ())
    batch = Batch(task.dataset, tuple(sorted(days)), rows, frozenset(days), None, (), seen)
    return Fetched(task, batch, len(pages))


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _per_user(method: str) -> Callable[[AnalyticsClient, Task], Fetched]:
    def fetch(client: AnalyticsClient, task: Task) -> Fetched:
        (day,) = task.days
        paged = getattr(client, method)(
            starting_at=_instant(day),
            ending_at=_instant(day + timedelta(days=1)),
            group_by=["product", "model"],
            limit=BULK_LIMIT,
        )
        extra: set[str] = set()

        def flatten_page(page: dict[str, Any]) -> _Flat:
            pairs = [per_user_row(day, item, extra) for item in page["data"]]
            return _Flat.of(pairs, page.get("data_refreshed_at"))

        pages = _flat_pages(paged, flatten_page)
        rows, directory = _collect(pages)
        refreshed = _watermark(pages)
        final = frozenset(d for d in task.days if is_final(d, refreshed))
        batch = Batch(
            task.dataset, task.days, rows, final, refreshed, directory, _seen(rows, extra)
        )
        return Fetched(task, batch, len(pages))

    return fetch


def _bucketed(method: str) -> Callable[[AnalyticsClient, Task], Fetched]:
    def fetch(client: AnalyticsClient, task: Task) -> Fetched:
        all_pages: list[_Flat] = []
        extra: set[str] = set()
        for grouping in GROUPINGS[task.dataset]:
            paged = getattr(client, method)(
                starting_at=_instant(task.start),
                ending_at=_instant(task.end),
                bucket_width="1d",
                group_by=[k for k in grouping.split(",") if k] or None,
            )

            def flatten_page(page: dict[str, Any], grouping: str = grouping) -> _Flat:
                rows: list[Row] = []
                for bucket in page["data"]:
                    day = bucket_day(bucket)
                    if not task.start <= day < task.end:
                        raise FlattenError(f"{method} returned a bucket for {day}, outside {task}")
                    rows.extend(bucket_rows(task.dataset, grouping, bucket, extra))
                return _Flat(rows, [], page.get("data_refreshed_at"))

            all_pages.extend(_flat_pages(paged, flatten_page))
        rows, _ = _collect(all_pages)
        refreshed = _watermark(all_pages)
        final = frozenset(d for d in task.days if is_final(d, refreshed))
        batch = Batch(task.dataset, task.days, rows, final, refreshed, (), _seen(rows, extra))
        return Fetched(task, batch, len(all_pages))

    return fetch


def _watermark(pages: Sequence[_Flat]) -> datetime | None:
    """The earliest watermark among the pages; None when any page lacks one (an export we
    cannot date cannot make a day final)."""
    marks = [p.refreshed for p in pages]
    known = [m for m in marks if m is not None]
    if not marks or len(known) < len(marks):
        return None
    return min(known).astimezone(UTC)


_FETCHERS: dict[str, Callable[[AnalyticsClient, Task], Fetched]] = {
    "users": _users,
    "chat_projects": _single_day("chat_projects"),
    "projects": _single_day("projects"),
    "skills": _single_day("skills"),
    "connectors": _single_day("connectors"),
    "summaries": _summaries,
    "user_usage": _per_user("user_usage_report"),
    "user_cost": _per_user("user_cost_report"),
    "usage_buckets": _bucketed("usage_report"),
    "cost_buckets": _bucketed("cost_report"),
}
