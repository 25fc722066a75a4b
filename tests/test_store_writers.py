"""Atomic endpoint-day writes, the directory merge, and migrations on an existing store file."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.store.flatten import DirectoryEntry
from bot.store.schema import open_store
from bot.store.writers import Batch, write_batch

AT = datetime(2026, 3, 15, 12, tzinfo=UTC)
D1, D2 = date(2026, 3, 1), date(2026, 3, 2)


def _cost(day: date, user: str, microcents: int) -> dict[str, object]:
    return {
        "day": day.isoformat(),
        "user_id": user,
        "product": "chat",
        "model": "m",
        "amount_microcents": microcents,
        "list_amount_microcents": microcents,
    }


@pytest.fixture
def db() -> Database:
    return open_store(":memory:")


def _ledger(db: Database) -> list[tuple[str, str, int, int]]:
    return [
        tuple(r)
        for r in db.execute(
            "SELECT dataset, day, final, row_count FROM sync_ledger ORDER BY dataset, day"
        )
    ]


def test_refetching_a_day_replaces_its_rows_and_ledger_row(db: Database) -> None:
    first = Batch("user_cost", (D1, D2), [_cost(D1, "a", 1), _cost(D1, "b", 2)], frozenset())
    assert write_batch(db, first, fetched_at=AT) == 2
    assert _ledger(db) == [("user_cost", "2026-03-01", 0, 2), ("user_cost", "2026-03-02", 0, 0)]
    revised = Batch("user_cost", (D1,), [_cost(D1, "a", 5)], frozenset({D1}), AT)
    write_batch(db, revised, fetched_at=AT)
    rows = list(db.execute("SELECT user_id, amount_microcents FROM user_cost"))
    assert rows == [("a", 5)]
    assert _ledger(db) == [("user_cost", "2026-03-01", 1, 1), ("user_cost", "2026-03-02", 0, 0)]
    (refreshed,) = db.execute("SELECT data_refreshed_at FROM sync_ledger WHERE day = ?", [D1])
    assert refreshed == ("2026-03-15T12:00:00Z",)


def test_a_failing_write_leaves_the_previous_snapshot_whole(db: Database) -> None:
    write_batch(db, Batch("user_cost", (D1,), [_cost(D1, "a", 1)], frozenset()), fetched_at=AT)
    broken = [_cost(D1, "a", 7), {**_cost(D1, "b", 8), "amount_microcents": None}]
    with pytest.raises(Exception, match="NOT NULL"):
        write_batch(db, Batch("user_cost", (D1,), broken, frozenset({D1})), fetched_at=AT)
    assert list(db.execute("SELECT user_id, amount_microcents FROM user_cost")) == [("a", 1)]
    assert _ledger(db) == [("user_cost", "2026-03-01", 0, 1)]


def test_rows_repeating_a_key_are_merged_not_refused(db: Database) -> None:
    """A day with the same skill (or cost group) twice is stored, its counts summed: refusing it
    would fail that day on every sync for ever."""
    skills = [
        {"day": D1.isoformat(), "skill_name": "pdf", "distinct_user_count": 2,
         "invocation_count": 5, "share_status": "private"},
        {"day": D1.isoformat(), "skill_name": "pdf", "distinct_user_count": 1,
         "invocation_count": None, "share_status": "organization"},
        {"day": D1.isoformat(), "skill_name": "xlsx", "distinct_user_count": 4},
    ]  # fmt: skip
    assert write_batch(db, Batch("skills", (D1,), skills, frozenset({D1})), fetched_at=AT) == 2
    rows = list(
        db.execute(
            "SELECT skill_name, distinct_user_count, invocation_count, share_status FROM skills "
            "ORDER BY skill_name"
        )
    )
    assert rows == [("pdf", 3, 5, "private"), ("xlsx", 4, None, None)]
    costs = [_cost(D1, "a", 7), _cost(D1, "a", 8)]
    write_batch(db, Batch("user_cost", (D1,), costs, frozenset({D1})), fetched_at=AT)
    assert list(db.execute("SELECT user_id, amount_microcents FROM user_cost")) == [("a", 15)]


def test_rows_outside_the_batch_days_are_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="outside"):
        write_batch(db, Batch("user_cost", (D1,), [_cost(D2, "a", 1)], frozenset()), fetched_at=AT)
    assert _ledger(db) == []


def test_new_api_fields_become_columns(db: Database) -> None:
    row = {"day": D1.isoformat(), "daily_active_user_count": 3, "shiny_new_count": 4}
    write_batch(db, Batch("summaries", (D1,), [row], frozenset({D1})), fetched_at=AT)
    assert "shiny_new_count" in db["summaries"].columns_dict
    assert list(db.execute("SELECT shiny_new_count FROM summaries")) == [(4,)]


def test_directory_keeps_the_newest_value_and_fills_gaps_from_older_sightings(
    db: Database,
) -> None:
    def write(day: date, entry: DirectoryEntry) -> None:
        write_batch(db, Batch("skills", (day,), [], frozenset({day}), None, [entry]), fetched_at=AT)

    write(D2, DirectoryEntry("u1", "new@example.com", None, None, D2))
    write(D1, DirectoryEntry("u1", "old@example.com", "Ada", False, D1))
    assert db.table("directory").get("u1") == {
        "user_id": "u1",
        "email": "new@example.com",
        "name": "Ada",
        "deleted": 0,
        "seen_on": "2026-03-02",
    }
    later = date(2026, 3, 9)
    write(later, DirectoryEntry("u1", None, "Deleted User", True, later))
    # Deleted, and the API withdrew the address: it is not kept (it may be reassigned).
    assert db.table("directory").get("u1")["email"] is None
    assert db.table("directory").get("u1")["deleted"] == 1
    write(D2, DirectoryEntry("u1", "new@example.com", None, None, D2))  # an older sighting
    assert db.table("directory").get("u1")["email"] is None


def test_opening_an_existing_store_again_keeps_its_data(tmp_path: Path) -> None:
    path = str(tmp_path / "store.db")
    first = open_store(path)
    write_batch(first, Batch("user_cost", (D1,), [_cost(D1, "a", 1)], frozenset()), fetched_at=AT)
    first.close()
    again = open_store(path)
    assert list(again.execute("SELECT user_id FROM user_cost")) == [("a",)]
    assert again.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    applied = list(again.execute("SELECT name FROM _sqlite_migrations"))
    assert applied
    again.close()
    third = open_store(path)
    assert list(third.execute("SELECT name FROM _sqlite_migrations")) == applied
    third.close()


def test_odd_field_names_are_quoted_not_executed(db: Database) -> None:
    odd = 'x"]); DROP TABLE summaries; --'
    row = {"day": D1.isoformat(), odd: 1, "flag": 0.5}
    write_batch(db, Batch("summaries", (D1,), [row], frozenset({D1})), fetched_at=AT)
    assert db.table("summaries").columns_dict[odd] is int
    assert db.table("summaries").columns_dict["flag"] is float
    assert [r[odd] for r in db.table("summaries").rows] == [1]
    assert "summaries" in db.table_names()
