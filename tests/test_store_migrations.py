"""A store written by an older release opens with today's code, migrated, with its data intact.

Each `tests/fixtures/store-<version>.sql` is a dump of a small store made by that release
(`tests/fixtures/make_store_fixture.py`). The checks hold whatever migrations are added later:
nothing is left pending, no row is lost, the migrated schema has every table, column and index
a new store has, and the reports read it.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.budgets import list_budgets
from bot.reports.status import status
from bot.store.conversations import load_history
from bot.store.freshness import read_freshness
from bot.store.schema import migrations, open_store
from bot.store.subscriptions import list_subscriptions

FIXTURES = Path(__file__).resolve().parent / "fixtures"
OLD_STORES = sorted(FIXTURES.glob("store-*.sql"))


def load_dump(dump: Path, path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.executescript(dump.read_text(encoding="utf-8"))
    finally:
        conn.close()


def row_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name != '_sqlite_migrations'"
            )
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
    finally:
        conn.close()


def shape(db: Database) -> tuple[dict[str, set[str]], set[str]]:
    """Columns per table, and index names, of a store."""
    tables = {t: {c.name for c in db.table(t).columns} for t in db.table_names()}
    indexes = {
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    }
    return tables, indexes


def test_there_is_an_old_store_to_migrate() -> None:
    assert [p.name for p in OLD_STORES][:1] == ["store-0.1.0.sql"]


@pytest.mark.parametrize("dump", OLD_STORES, ids=lambda p: p.stem)
def test_an_older_store_is_migrated_and_keeps_its_data(dump: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    load_dump(dump, path)
    before = row_counts(path)
    assert before["user_activity"] > 0  # a store with data in it
    assert before["ask_turns"] > 0

    db = open_store(str(path))
    try:
        assert migrations.pending(db) == []
        after = row_counts(path)
        assert {t: after[t] for t in before} == before  # no row lost by any migration
        fresh = open_store(str(tmp_path / "new.db"))
        try:
            fresh_tables, fresh_indexes = shape(fresh)
        finally:
            fresh.close()
        old_tables, old_indexes = shape(db)
        for table, columns in fresh_tables.items():
            assert table in old_tables, f"{table} missing after migration"
            assert columns <= old_tables[table], f"{table} lacks {columns - old_tables[table]}"
        assert fresh_indexes <= old_indexes

        # What the old release wrote still reads through today's code.
        freshness = read_freshness(db)
        assert freshness.engagement_through == date(2026, 11, 16)
        assert freshness.cost_through is not None
        report = status(db, today=date(2026, 11, 20))
        assert {d.dataset for d in report.datasets if d.rows} >= {"users", "user_cost"}
        assert [s.channel for s in list_subscriptions(db)] == ["C0DIGEST01"]
        assert [b.amount_microcents for b in list_budgets(db)] == [2_500_000_000_000]
        assert [t.text for t in load_history(db, "D0FIXTURE:2.000")] == [
            "and this week?",
            "Grace, so far.",
        ]
    finally:
        db.close()
