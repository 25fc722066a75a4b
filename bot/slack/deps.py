"""What every listener needs, built once by `build_app` and passed down (no globals, no env).

Deps.settings     the Settings the app was built from
Deps.store        per-thread store connections (listeners run on worker threads)
Deps.directory    who is who: admins (with the user group) and emails, from Slack (or the
                  terminal console's own user, `bot.console.identity`)
Deps.refresher    optional background refresher (a stale store answers at once and syncs behind)
Deps.seen         retry/duplicate filter for Slack deliveries
Deps.now          the clock (tests pin it)
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol

from sqlite_utils import Database

from bot.config import Settings
from bot.reports.periods import utc_today
from bot.slack.auth import Identities


class Refresher(Protocol):
    """Keeps the store fresh in the background (see `bot.slack.refresh.SyncRefresher`)."""

    @property
    def running(self) -> bool: ...

    def refresh_in_background(self, db: Database) -> str:
        """Start a sync if one is due; returns "fresh", "started", "running" or "backing_off"."""
        ...

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no sync runs (True) or the timeout passes (False)."""
        ...


class StoreAccess:
    """One `Database` per thread on the same SQLite file (sqlite3 connections are thread-bound).

    An in-memory or already thread-safe `Database` is shared behind a lock instead.
    """

    def __init__(self, db: Database, opener: Callable[[str], Database] | None = None) -> None:
        self._given = db
        self._path = _file_of(db)
        self._opener = opener or _open
        self._local = threading.local()
        self._lock = threading.RLock()

    @contextmanager
    def connect(self) -> Iterator[Database]:
        if self._path is None:
            with self._lock:
                yield self._given
            return
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._opener(self._path)
            self._local.db = db
        yield db


def _file_of(db: Database) -> str | None:
    try:
        rows = db.execute("PRAGMA database_list").fetchall()
    except sqlite3.ProgrammingError:
        return None
    for _seq, name, path in rows:
        if name == "main" and path:
            return str(path)
    return None


def _open(path: str) -> Database:
    from bot.store.schema import open_store

    return open_store(path)


class SeenFilter:
    """Remembers delivery keys (event_id, trigger_id) for `ttl` seconds: a key seen twice is a
    retry or duplicate and must not produce a second answer."""

    def __init__(self, ttl: float = 900.0, limit: int = 50_000) -> None:
        self.ttl, self.limit = ttl, limit
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, key: str, now: float | None = None) -> bool:
        at = time.monotonic() if now is None else now
        with self._lock:
            while self._seen and (
                len(self._seen) >= self.limit or at - next(iter(self._seen.values())) > self.ttl
            ):
                self._seen.popitem(last=False)
            if key in self._seen:
                return False
            self._seen[key] = at
            return True


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Deps:
    settings: Settings
    store: StoreAccess
    directory: Identities
    refresher: Refresher | None = None
    now: Callable[[], datetime] = utc_now
    seen: SeenFilter = field(default_factory=SeenFilter)

    def today(self) -> date:
        """The current UTC day: reports count the API's UTC days whatever `CLAUDE_USAGE_TZ` is
        (a local "yesterday" east of UTC would otherwise include a day still filling in)."""
        return utc_today(self.now())
