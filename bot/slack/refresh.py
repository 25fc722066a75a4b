"""Sync-before-answer: when the store is stale, a command syncs it first ("working on it").

Stale means never synced, or the last sync is older than `max_age`. One sync runs at a time: a
command arriving while another syncs waits for it, then finds the store fresh.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlite_utils import Database

from bot.analytics.client import AnalyticsClient
from bot.config import Settings
from bot.store.freshness import read_freshness
from bot.store.sync import sync

DEFAULT_MAX_AGE = timedelta(hours=6)


def _now() -> datetime:
    return datetime.now(UTC)


class SyncRefresher:
    def __init__(
        self,
        settings: Settings,
        *,
        max_age: timedelta = DEFAULT_MAX_AGE,
        now: Callable[[], datetime] = _now,
        since_days: int = 35,
    ) -> None:
        self.settings = settings
        self.max_age = max_age
        self.now = now
        self.since_days = since_days
        self._lock = threading.Lock()

    def is_stale(self, db: Database, today: date) -> bool:
        last = read_freshness(db).last_sync_at
        return last is None or self.now() - last > self.max_age

    def refresh(self, db: Database, today: date) -> None:
        with self._lock:
            if not self.is_stale(db, today):
                return  # another command synced while this one waited
            moment = self.now().astimezone(UTC)
            with AnalyticsClient.from_settings(self.settings, clock=lambda: moment) as client:
                sync(db, client, now=moment, since=today - timedelta(days=self.since_days))
