"""A digest deployment for tests: a store of its own, the fake Slack Web API with a pinned clock,
settings, and schedulers that share that clock (the fixture is in `digest_fixtures`).

    DigestEnv     store + fake Slack + settings; `scheduler(owner)`, `subscribe(...)`
    Clock         a controllable clock: `clock.at(...)`, `clock()` (no sleeping anywhere)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from sqlite_utils import Database

from bot.config import Settings
from bot.scheduler import DigestScheduler, Syncer
from bot.store.schema import open_store
from bot.store.subscriptions import DigestKind, Subscription, save_subscription
from tests.fakes.slack_api import FakeSlack, Recorded
from tests.fakes.slack_env import DIGEST_CHANNEL

CREATED = datetime(2026, 11, 19, 12, tzinfo=UTC)
"""Subscriptions in tests are made the day before NOW, after that day's 09:00."""


@dataclass
class Clock:
    moment: datetime = field(default_factory=lambda: datetime(2026, 11, 20, 12, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.moment

    def at(self, moment: datetime) -> datetime:
        self.moment = moment
        return moment


@dataclass
class DigestEnv:
    fake: FakeSlack
    store_path: Path
    clock: Clock
    settings: Settings

    def db(self) -> Database:
        return open_store(str(self.store_path))

    def client(self) -> WebClient:
        return WebClient(token="xoxb-test-token", base_url=self.fake.api_url, timeout=10)

    def scheduler(self, owner: str, syncer: Syncer | None = None, **kwargs: Any) -> DigestScheduler:
        return DigestScheduler(
            self.settings, self.client(), owner=owner, now=self.clock, syncer=syncer, **kwargs
        )

    def subscribe(
        self,
        kind: DigestKind = "daily",
        at: str = "09:00",
        tz: str = "Europe/Berlin",
        channel: str = DIGEST_CHANNEL,
        created_at: datetime = CREATED,
        **options: Any,
    ) -> Subscription:
        sub = Subscription(
            channel=channel,
            kind=kind,
            at=time.fromisoformat(at),
            tz=tz,
            created_at=created_at,
            **options,
        )
        db = self.db()
        try:
            save_subscription(db, sub, now=created_at)
        finally:
            db.close()
        return sub

    def top_level_posts(self, channel: str = DIGEST_CHANNEL) -> list[Recorded]:
        return [
            r
            for r in self.fake.requests("chat.postMessage")
            if r.body.get("channel") == channel and not r.body.get("thread_ts")
        ]

    def post_rows(self) -> list[dict[str, Any]]:
        db = self.db()
        try:
            return list(db.query("SELECT * FROM posts ORDER BY channel, kind, period, attempt"))
        finally:
            db.close()
