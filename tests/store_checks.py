"""What a consistent store looks like from outside: SQLite's own check passes, and every day in
the ledger has exactly its rows (none of a day without a ledger row). Used after a process was
stopped or copied mid-write."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.store.writers import TABLES


def assert_store_consistent(path: Path) -> list[str]:
    """Whole days only; returns the sync runs' outcomes, oldest first (for the caller to check)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # One read transaction: every SELECT below sees the same snapshot, so a day a running
        # sync commits between two of them is not mistaken for rows without their ledger row.
        conn.execute("BEGIN")
        ledger = {
            (dataset, day): rows
            for dataset, day, rows in conn.execute(
                "SELECT dataset, day, row_count FROM sync_ledger"
            )
        }
        for dataset, table in TABLES.items():
            stored = dict(conn.execute(f"SELECT day, count(*) FROM [{table}] GROUP BY day"))  # noqa: S608
            days = {day for (d, day) in ledger if d == dataset}
            assert set(stored) <= days, f"{dataset}: rows of a day without its ledger row"
            for day in days:
                assert stored.get(day, 0) == ledger[dataset, day], (dataset, day)
        outcomes = [row[0] for row in conn.execute("SELECT outcome FROM sync_runs ORDER BY id")]
        conn.execute("COMMIT")
        return outcomes
    finally:
        conn.close()
