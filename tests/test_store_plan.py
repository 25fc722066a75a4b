"""The sync planner: date ranges the API allows, and only what the ledger lacks or may change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlite_utils import Database

from bot.errors import InputError
from bot.store.plan import Task, check_datasets, day_ranges, make_plan
from bot.store.schema import DATASETS, open_store

NOW = datetime(2026, 3, 15, 12, 30, tzinfo=UTC)


@pytest.fixture
def db() -> Database:
    return open_store(":memory:")


def test_default_range_is_ninety_days_but_never_before_2026() -> None:
    engagement, cost = day_ranges(now=NOW, since=None, until=None)
    assert engagement is not None
    assert cost is not None
    assert engagement.first == date(2026, 1, 1)
    assert engagement.last == date(2026, 3, 14)  # yesterday: the API names what it really has
    assert cost.first == date(2026, 1, 1)
    assert cost.last == date(2026, 3, 15)  # today: partial, stored as revisable
    later = datetime(2026, 11, 25, 9, tzinfo=UTC)
    engagement, _ = day_ranges(now=later, since=None, until=None)
    assert engagement is not None
    assert engagement.first == date(2026, 8, 27)


def test_cost_days_stay_within_365_days_of_now() -> None:
    now = datetime(2027, 6, 1, 9, tzinfo=UTC)
    engagement, cost = day_ranges(now=now, since=date(2026, 1, 1), until=None)
    assert engagement is not None
    assert cost is not None
    assert engagement.first == date(2026, 6, 1)
    # 2026-06-01T00:00 is 365 days + 9 h before now: the API would reject it.
    assert cost.first == date(2026, 6, 2)


def test_until_caps_both_families_and_since_after_until_is_an_input_error() -> None:
    engagement, cost = day_ranges(now=NOW, since=date(2026, 3, 1), until=date(2026, 3, 5))
    assert engagement is not None
    assert cost is not None
    assert (engagement.first, engagement.last) == (date(2026, 3, 1), date(2026, 3, 5))
    assert (cost.first, cost.last) == (date(2026, 3, 1), date(2026, 3, 5))
    with pytest.raises(InputError):
        day_ranges(now=NOW, since=date(2026, 3, 5), until=date(2026, 3, 1))


def test_unknown_dataset_lists_the_valid_ones() -> None:
    with pytest.raises(InputError) as caught:
        check_datasets(["users", "nope"])
    assert caught.value.exit_code == 2
    assert "nope" in str(caught.value)
    for name in DATASETS:
        assert name in str(caught.value)
    assert check_datasets(["user_cost", "users"]) == ("users", "user_cost")


def test_windowed_datasets_are_cut_at_31_days_and_others_per_day(db: Database) -> None:
    plan = make_plan(db, now=NOW, since=date(2026, 1, 1), until=None)
    summaries = sorted(t for t in plan.tasks if t.dataset == "summaries")
    assert summaries == [
        Task("summaries", date(2026, 1, 1), date(2026, 2, 1)),
        Task("summaries", date(2026, 2, 1), date(2026, 3, 4)),
        Task("summaries", date(2026, 3, 4), date(2026, 3, 15)),
    ]
    users = [t for t in plan.tasks if t.dataset == "users"]
    assert len(users) == 73
    capped = make_plan(
        db, now=NOW, since=date(2026, 1, 1), until=None, engagement_last=date(2026, 3, 12)
    )
    assert max(t.end for t in capped.tasks if t.dataset == "summaries") == date(2026, 3, 13)
    assert all(len(t.days) == 1 for t in users)
    cost = sorted(t for t in plan.tasks if t.dataset == "cost_buckets")
    assert cost[-1].end == date(2026, 3, 16)
    assert sum(len(t.days) for t in cost) == 74


def test_ledger_days_are_skipped_when_final_and_refetched_when_revisable(db: Database) -> None:
    def ledger(dataset: str, day: date, final: int) -> dict[str, object]:
        return {
            "dataset": dataset,
            "day": day.isoformat(),
            "fetched_at": "x",
            "final": final,
            "row_count": 0,
        }

    start = date(2026, 3, 1)
    rows = [ledger("summaries", start + timedelta(days=i), 1) for i in range(14)]
    rows += [ledger("user_cost", start + timedelta(days=i), int(i < 5)) for i in range(15)]
    db.table("sync_ledger").insert_all(rows)
    plan = make_plan(db, now=NOW, since=start, until=None, only=["summaries", "user_cost"])
    assert [t for t in plan.tasks if t.dataset == "summaries"] == []
    assert plan.skipped_final["summaries"] == 14
    cost_days = sorted(t.start for t in plan.tasks if t.dataset == "user_cost")
    assert cost_days == [start + timedelta(days=i) for i in range(5, 15)]
    assert plan.skipped_final["user_cost"] == 5


def test_gaps_split_windows(db: Database) -> None:
    db.table("sync_ledger").insert(
        {
            "dataset": "cost_buckets",
            "day": "2026-03-05",
            "fetched_at": "x",
            "final": 1,
            "row_count": 0,
        }
    )
    plan = make_plan(db, now=NOW, since=date(2026, 3, 1), until=None, only=["cost_buckets"])
    assert sorted(plan.tasks) == [
        Task("cost_buckets", date(2026, 3, 1), date(2026, 3, 5)),
        Task("cost_buckets", date(2026, 3, 6), date(2026, 3, 16)),
    ]


def test_newest_days_come_first_with_datasets_interleaved(db: Database) -> None:
    plan = make_plan(db, now=NOW, since=date(2026, 3, 1), until=None, only=["users", "user_cost"])
    assert plan.tasks[:1] == (Task("user_cost", date(2026, 3, 15), date(2026, 3, 16)),)
    assert plan.tasks[1:3] == (
        Task("users", date(2026, 3, 14), date(2026, 3, 15)),
        Task("user_cost", date(2026, 3, 14), date(2026, 3, 15)),
    )


def test_revisable_days_fetched_under_the_current_export_are_skipped(db: Database) -> None:
    """Stored watermark ≥ the probe's: skip; older, or none recorded: re-fetch; final: skip."""
    mark = datetime(2026, 3, 15, 12, tzinfo=UTC)
    start = date(2026, 3, 10)

    def row(i: int, refreshed: str | None, final: int = 0) -> dict[str, object]:
        return {
            "dataset": "cost_buckets",
            "day": (start + timedelta(days=i)).isoformat(),
            "fetched_at": "x",
            "data_refreshed_at": refreshed,
            "final": final,
            "row_count": 0,
        }

    db.table("sync_ledger").insert_all(
        [
            row(0, "2026-03-15T12:00:00Z"),  # the current export: unchanged
            row(1, "2026-03-15T16:00:00Z"),  # newer than the probe saw: unchanged too
            row(2, "2026-03-15T08:00:00Z"),  # an older export: re-fetch
            row(3, None),  # no watermark recorded: re-fetch
            row(4, "2026-03-15T12:00:00Z", final=1),
            {**row(0, None), "dataset": "summaries", "final": 1},  # engagement: untouched
        ]
    )
    only = ["summaries", "cost_buckets"]
    marks = {"cost_buckets": mark}
    plan = make_plan(db, now=NOW, since=start, until=None, only=only, unchanged_at=marks)
    assert sorted(t for t in plan.tasks if t.dataset == "cost_buckets") == [
        Task("cost_buckets", date(2026, 3, 12), date(2026, 3, 14)),
        Task("cost_buckets", date(2026, 3, 15), date(2026, 3, 16)),
    ]
    assert plan.skipped_unchanged == {"summaries": 0, "cost_buckets": 2}
    assert plan.skipped_final == {"summaries": 1, "cost_buckets": 1}
    without = make_plan(db, now=NOW, since=start, until=None, only=only)
    assert sum(len(t.days) for t in without.tasks if t.dataset == "cost_buckets") == 5
    assert without.skipped_unchanged == {"summaries": 0, "cost_buckets": 0}


def _ledger_row(dataset: str, day: date, *, final: int, rows: int = 3) -> dict[str, object]:
    at = "2026-02-01T00:00:00Z"
    return {"dataset": dataset, "day": day.isoformat(), "fetched_at": at,
            "data_refreshed_at": at, "final": final, "row_count": rows}  # fmt: skip


def test_a_revisable_day_before_since_is_planned_until_final(db: Database) -> None:
    """A day fetched while revisable and then left behind by a shorter `since` (the Slack
    refresher syncs 35 days) used to fall out of every plan and stay revisable for ever."""
    old = date(2026, 1, 20)
    db.table("sync_ledger").insert_all(
        [
            _ledger_row("user_cost", old, final=0),
            _ledger_row("user_cost", date(2026, 1, 21), final=1),
        ]
    )
    plan = make_plan(db, now=NOW, since=date(2026, 3, 10), until=None, only=["user_cost"])
    planned = {day for task in plan.tasks for day in task.days}
    assert old in planned
    assert date(2026, 1, 21) not in planned  # final days stay skipped
    assert min(planned) == old
    engagement = make_plan(db, now=NOW, since=date(2026, 3, 10), until=None, only=["users"])
    assert min(day for task in engagement.tasks for day in task.days) == date(2026, 3, 10)


def test_refetch_empty_replans_engagement_days_stored_with_no_rows(db: Database) -> None:
    empty, full = date(2026, 3, 1), date(2026, 3, 2)
    db.table("sync_ledger").insert_all(
        [_ledger_row("skills", empty, final=1, rows=0), _ledger_row("skills", full, final=1)]
    )
    span = {"since": empty, "until": full, "only": ["skills"]}
    assert make_plan(db, now=NOW, **span).tasks == ()  # type: ignore[arg-type]
    again = make_plan(db, now=NOW, refetch_empty=True, **span)  # type: ignore[arg-type]
    assert again.tasks == (Task("skills", empty, full),)


def test_revisable_engagement_days_are_planned_once_a_utc_day(db: Database) -> None:
    """Today's API revises engagement days over the following days: a day stored revisable is
    fetched again, but not twice on one UTC day (unless `refetch_revisable`), and a final one
    not at all."""
    rows = [
        {**_ledger_row("users", date(2026, 3, 14), final=0), "fetched_at": "2026-03-15T08:00:00Z"},
        {**_ledger_row("users", date(2026, 3, 13), final=0), "fetched_at": "2026-03-14T23:00:00Z"},
        {**_ledger_row("users", date(2026, 3, 12), final=1), "fetched_at": "2026-03-15T08:00:00Z"},
        _ledger_row("users", date(2026, 1, 20), final=0),  # left behind by a shorter `since`
    ]
    db.table("sync_ledger").insert_all(rows)
    plan = make_plan(db, now=NOW, since=date(2026, 3, 12), until=None, only=["users"])
    assert {day for task in plan.tasks for day in task.days} == {
        date(2026, 3, 13),
        date(2026, 1, 20),
    }
    assert plan.skipped_unchanged["users"] == 1
    assert plan.skipped_final["users"] == 1
    forced = make_plan(
        db, now=NOW, since=date(2026, 3, 12), until=None, only=["users"], refetch_revisable=True
    )
    assert {day for task in forced.tasks for day in task.days} == {
        date(2026, 3, 14),
        date(2026, 3, 13),
        date(2026, 1, 20),
    }
