"""The store: can this user write where it lives, and which schema does it have?

Looks without changing anything: the file is opened read-only, never created or migrated (that
is `serve`'s and `sync`'s job), so running `doctor` against a production store is safe.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from bot.doctor.model import Finding
from bot.store.access import HINT, access_problem, current_uid, read_only
from bot.store.schema import migrations
from bot.store.subscriptions import list_subscriptions

BACKUP_FIRST = "back it up first with `claude-usage backup PATH`"


def check_store(path: Path) -> list[Finding]:
    problem = access_problem(path)
    if problem is not None:
        return [
            Finding("store", "fail", f"{path}: {problem}", HINT),
            Finding("store schema", "skip", "not checked: the store cannot be opened"),
        ]
    where = Finding("store", "ok", f"{path} is writable by uid {current_uid()}")
    if not path.exists():
        latest = _names()[-1]
        return [where, Finding("store schema", "ok", f"a new store: created at {latest}")]
    try:
        with read_only(path) as db:
            applied = [m.name for m in migrations.applied(db)]
    except sqlite3.Error as exc:
        return [
            where,
            Finding(
                "store schema",
                "fail",
                f"{path} is not a readable SQLite store ({exc})",
                "restore a backup, or point CLAUDE_USAGE_DB at the right file",
            ),
        ]
    return [where, _schema(applied)]


def _names() -> list[str]:
    """Every migration this release has, in order (all of them are pending on an empty store)."""
    return [m.name for m in migrations.pending(Database(memory=True))]


def _schema(applied: list[str]) -> Finding:
    known = _names()
    newer = [name for name in applied if name not in known]
    if newer:
        return Finding(
            "store schema",
            "fail",
            f"written by a newer release (migrations this one does not know: {', '.join(newer)})",
            "run the release that wrote it, or restore a backup made by this one",
        )
    pending = [name for name in known if name not in applied]
    if pending:
        return Finding(
            "store schema",
            "ok",
            f"{len(pending)} migration(s) to apply at the next start ({', '.join(pending)}); "
            f"{BACKUP_FIRST}",
        )
    return Finding("store schema", "ok", f"up to date ({known[-1]}, {len(known)} migrations)")


def subscribed_channels(path: Path) -> list[tuple[str, str]]:
    """(channel, why) for every digest subscription in the store (none if it cannot be read)."""
    if not path.exists():
        return []
    try:
        with read_only(path) as db:
            if "digest_subscriptions" not in db.table_names():
                return []
            return [(s.channel, f"{s.kind} digest") for s in list_subscriptions(db)]
    except sqlite3.Error:
        return []
