"""`claude-usage backup PATH`: a consistent copy of the store, safe while `serve` runs.

Copying the file is not safe while the bot writes: in WAL mode the newest transactions live in
the `-wal` file beside it, and a copy taken mid-write mixes two states. SQLite's online backup API
(`sqlite3.Connection.backup`) copies the pages of one read transaction, a snapshot of a single
moment, while writers carry on (WAL readers never block them). The copy is written under a
temporary name and renamed into place, so PATH is never a half-written backup; it is left in
rollback-journal mode, one self-contained file. Restoring is the reverse: stop `serve`, copy the
backup over the store (`CLAUDE_USAGE_DB`), start `serve` (README, "Backup and restore").
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ClaudeUsageError, InputError
from bot.store.access import read_only


@dataclass(frozen=True)
class Backup:
    path: Path
    bytes: int
    days: int
    """(dataset, day) pairs in the copy's ledger: what it holds, in the store's own unit."""

    def sentence(self, source: Path) -> str:
        return (
            f"Backed up {source} to {self.path} ({self.bytes:,} bytes, {self.days:,} synced days)."
        )


def backup_store(source: Path, target: Path, *, force: bool = False) -> Backup:
    if not source.is_file():
        raise ClaudeUsageError(f"There is no store at {source} to back up (CLAUDE_USAGE_DB).")
    if target.exists() and target.resolve() == source.resolve():
        raise InputError(f"{target} is the store itself; give the backup another path.")
    if target.is_dir():
        raise InputError(f"{target} is a directory; give the backup a file name.")
    if target.exists() and not force:
        raise InputError(f"{target} exists; pass --force to replace it.")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        with read_only(source, timeout=30.0) as db:
            copy = sqlite3.connect(partial)
            try:
                db.conn.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")
                (check,) = copy.execute("PRAGMA quick_check").fetchone()
                days = _days(copy)
            finally:
                copy.close()
        if check != "ok":
            raise ClaudeUsageError(f"The copy of {source} failed SQLite's check ({check}).")
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise ClaudeUsageError(f"Could not back up {source} to {target}: {exc}.") from None
    except OSError as exc:
        raise ClaudeUsageError(f"Could not write {target}: {exc.strerror or exc}.") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return Backup(target, target.stat().st_size, days)


def _days(conn: sqlite3.Connection) -> int:
    try:
        return int(conn.execute("SELECT count(*) FROM sync_ledger").fetchone()[0])
    except sqlite3.OperationalError:  # a store never synced has no ledger yet
        return 0
