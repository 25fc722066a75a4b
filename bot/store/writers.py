"""Writing one fetched endpoint-day (or endpoint-window) atomically, with its ledger rows.

The ledger is the store's promise: a `(dataset, day)` row in `sync_ledger` means every row of that
dataset for that day is present and complete, and no ledger row means no rows at all. So a batch's
delete, insert, directory merge and ledger upsert happen in ONE transaction (`db.atomic()`); a
crash at any instant leaves either the previous snapshot of the day or the new one, never a mix.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlite_utils import Database

from bot.store.flatten import DirectoryEntry, Row

log = logging.getLogger(__name__)

TABLES = {
    "users": "user_activity",
    "summaries": "summaries",
    "chat_projects": "chat_projects",
    "projects": "projects",
    "skills": "skills",
    "connectors": "connectors",
    "user_usage": "user_usage",
    "user_cost": "user_cost",
    "usage_buckets": "usage_buckets",
    "cost_buckets": "cost_buckets",
}
"""Dataset name (as in `schema.DATASETS` and the ledger) → table holding its rows."""


@dataclass(frozen=True)
class Batch:
    """Everything one fetch produced, ready to replace `days` of `dataset` in one transaction."""

    dataset: str
    days: tuple[date, ...]
    rows: Sequence[Row]
    final_days: frozenset[date]
    data_refreshed_at: datetime | None = None
    directory: Sequence[DirectoryEntry] = field(default_factory=tuple)
    seen: frozenset[str] = frozenset()
    """The API fields the rows carried (their API names), for drift tracking (`bot.store.drift`)."""


def write_batch(db: Database, batch: Batch, *, fetched_at: datetime) -> int:
    """Replace the batch's days of its dataset and record them in the ledger; returns rows."""
    if not batch.days:
        return 0
    table = TABLES[batch.dataset]
    day_keys = [d.isoformat() for d in batch.days]
    per_day = Counter(str(row["day"]) for row in batch.rows)
    stray = set(per_day) - set(day_keys)
    if stray:
        raise ValueError(f"{batch.dataset}: rows for days outside the batch: {sorted(stray)}")
    refreshed = _iso(batch.data_refreshed_at) if batch.data_refreshed_at else None
    ledger = [
        {
            "dataset": batch.dataset,
            "day": key,
            "fetched_at": _iso(fetched_at),
            "data_refreshed_at": refreshed,
            "final": int(day in batch.final_days),
            "row_count": per_day.get(key, 0),
        }
        for day, key in zip(batch.days, day_keys, strict=True)
    ]
    rows = merge_duplicates(batch.rows, db.table(table).pks, what=batch.dataset)
    with db.atomic():
        marks = ",".join("?" * len(day_keys))
        db.execute(f"DELETE FROM [{table}] WHERE day IN ({marks})", day_keys)  # noqa: S608
        insert_rows(db, table, rows)
        merge_directory(db, batch.directory)
        record_fields(db, batch.dataset, batch.seen, max(day_keys))
        db.table("sync_ledger").upsert_all(ledger, pk=("dataset", "day"))
    return len(rows)


def merge_duplicates(rows: Sequence[Row], key: Sequence[str], *, what: str) -> Sequence[Row]:
    """Rows sharing a primary key merged into one: numbers summed, the first text kept.

    The API has returned the same `skill_name` twice for one day (two skills with one name).
    Refusing the day would fail it on every sync for ever; summing keeps every counted use and
    the day's totals right, at the price of treating the two as one (logged once per batch).
    """
    seen: dict[tuple[object, ...], Row] = {}
    merged = 0
    for row in rows:
        pk = tuple(row.get(k) for k in key)
        first = seen.get(pk)
        if first is None:
            seen[pk] = row
            continue
        merged += 1
        combined = dict(first)
        for column, value in row.items():
            mine = combined.get(column)
            if isinstance(value, int | float) and isinstance(mine, int | float):
                if column not in key:
                    combined[column] = mine + value
            elif mine is None:
                combined[column] = value
        seen[pk] = combined
    if not merged:
        return rows
    log.warning("%s: merged %d rows that repeated a key %s", what, merged, tuple(key))
    return list(seen.values())


_FIELDS_SQL = """
INSERT INTO api_fields (dataset, path, first_seen, last_seen) VALUES (?, ?, ?, ?)
ON CONFLICT (dataset, path) DO UPDATE SET
  first_seen = min(first_seen, excluded.first_seen),
  last_seen = max(last_seen, excluded.last_seen)
"""


def record_fields(db: Database, dataset: str, paths: Iterable[str], day: str) -> None:
    """Note that `dataset`'s rows carried these API fields on `day` (drift tracking)."""
    db.conn.executemany(_FIELDS_SQL, [(dataset, path, day, day) for path in paths])


def insert_rows(db: Database, table: str, rows: Sequence[Row]) -> None:
    """`insert_all(alter=True)` semantics, one prepared statement: new keys become columns first.

    sqlite-utils would split wide rows into many small multi-row INSERTs (SQLite's 999-variable
    limit) and JSON-check every value; with ~90 columns per /users row that made the single
    writing thread, not the API, the bottleneck of a sync. Values are already SQLite scalars here.
    """
    if not rows:
        return
    columns = sorted(set().union(*rows))  # a C-level union: a tenth of a per-key Python loop
    existing = db.table(table).columns_dict
    for column in columns:
        if column not in existing:
            sample = next((r[column] for r in rows if r.get(column) is not None), None)
            kind = type(sample) if isinstance(sample, int | float | bytes) else str
            db.table(table).add_column(column, kind)
    names = ", ".join(_quote(c) for c in columns)
    marks = ", ".join("?" * len(columns))
    db.conn.executemany(
        f"INSERT INTO {_quote(table)} ({names}) VALUES ({marks})",  # noqa: S608
        [tuple(map(row.get, columns)) for row in rows],
    )


_MERGE_SQL = """
INSERT INTO directory (user_id, email, name, deleted, seen_on) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (user_id) DO UPDATE SET
  email = CASE WHEN excluded.seen_on >= coalesce(directory.seen_on, '')
               THEN CASE WHEN excluded.deleted = 1 THEN excluded.email
                         ELSE coalesce(excluded.email, directory.email) END
               WHEN directory.deleted = 1 THEN directory.email
               ELSE coalesce(directory.email, excluded.email) END,
  name = CASE WHEN excluded.seen_on >= coalesce(directory.seen_on, '')
              THEN coalesce(excluded.name, directory.name)
              ELSE coalesce(directory.name, excluded.name) END,
  deleted = CASE WHEN excluded.seen_on >= coalesce(directory.seen_on, '')
                 THEN coalesce(excluded.deleted, directory.deleted)
                 ELSE coalesce(directory.deleted, excluded.deleted) END,
  seen_on = max(excluded.seen_on, coalesce(directory.seen_on, ''))
"""


def merge_directory(db: Database, entries: Iterable[DirectoryEntry]) -> None:
    """Newest sighting wins per field; older sightings only fill fields still unknown.

    `/users` knows emails but not names, the cost actors know names, so neither source may blank
    what the other filled in — with one exception: when the newest sighting says the account is
    deleted and carries no email, the API has withdrawn that address. It is dropped, not kept:
    addresses are reassigned to new hires, and a kept one would resolve the new hire's `user me`
    to the former owner's spend.
    """
    newest: dict[str, DirectoryEntry] = {}
    for entry in sorted(entries, key=lambda e: e.seen_on):
        newest[entry.user_id] = _fill(entry, newest.get(entry.user_id))
    db.conn.executemany(
        _MERGE_SQL,
        [
            (e.user_id, e.email, e.name, None if e.deleted is None else int(e.deleted),
             e.seen_on.isoformat())
            for e in newest.values()
        ],
    )  # fmt: skip


def _fill(new: DirectoryEntry, old: DirectoryEntry | None) -> DirectoryEntry:
    if old is None:
        return new
    withdrawn = new.deleted is True and new.email is None
    return DirectoryEntry(
        new.user_id,
        new.email if new.email is not None or withdrawn else old.email,
        new.name if new.name is not None else old.name,
        new.deleted if new.deleted is not None else old.deleted,
        max(new.seen_on, old.seen_on),
    )


def _quote(identifier: str) -> str:
    """An SQL identifier quoted safely whatever field name the API invents."""
    return '"' + identifier.replace('"', '""') + '"'


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")
