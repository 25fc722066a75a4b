"""Digest subscriptions (table `digest_subscriptions`, m020): which channel gets which digest, when.

One subscription per (channel, kind): subscribing again changes its time, zone or options. The
time is a wall-clock time in an IANA zone (`09:00 Europe/Berlin`), so it follows daylight saving
time; `bot.digest.schedule` turns it into UTC instants. Weekly digests post on `weekday`
(0 = Monday). `with_people` (names in the digest) is set only by admins (`bot.slack.manage`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Literal

from sqlite_utils import Database

from bot.store.runs import parse_ts

DigestKind = Literal["daily", "weekly"]
KINDS: tuple[DigestKind, ...] = ("daily", "weekly")
DEFAULT_TIME = time(9, 0)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Subscription:
    channel: str
    kind: DigestKind
    at: time
    tz: str
    weekday: int = 0
    """Weekly digests only: 0 = Monday … 6 = Sunday."""
    with_people: bool = False
    product: str | None = None
    created_by: str | None = None
    created_at: datetime | None = None

    def when(self) -> str:
        """`daily at 09:00 Europe/Berlin`, `weekly on Monday at 09:00 UTC`."""
        day = f" on {WEEKDAYS[self.weekday]}" if self.kind == "weekly" else ""
        return f"{self.kind}{day} at {self.at:%H:%M} {self.tz}"


def save_subscription(db: Database, sub: Subscription, *, now: datetime) -> bool:
    """Create or replace the channel's subscription of that kind; True when it is new."""
    existed = get_subscription(db, sub.channel, sub.kind) is not None
    with db.atomic():
        db.execute(
            "INSERT OR REPLACE INTO digest_subscriptions (channel, kind, at, tz, weekday, "
            "with_people, product, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sub.channel,
                sub.kind,
                f"{sub.at:%H:%M}",
                sub.tz,
                sub.weekday,
                int(sub.with_people),
                sub.product or "",
                sub.created_by,
                (sub.created_at or now).isoformat(),
            ),
        )
    return not existed


def delete_subscriptions(db: Database, channel: str, kind: DigestKind | None) -> list[str]:
    """Remove the channel's subscription of `kind` (all kinds when None); the kinds removed."""
    kinds = [s.kind for s in list_subscriptions(db, channel) if kind is None or s.kind == kind]
    with db.atomic():
        for gone in kinds:
            db.execute(
                "DELETE FROM digest_subscriptions WHERE channel = ? AND kind = ?", (channel, gone)
            )
    return list(kinds)


def get_subscription(db: Database, channel: str, kind: str) -> Subscription | None:
    found = [s for s in list_subscriptions(db, channel) if s.kind == kind]
    return found[0] if found else None


def list_subscriptions(db: Database, channel: str | None = None) -> list[Subscription]:
    sql = "SELECT channel, kind, at, tz, weekday, with_people, product, created_by, created_at "
    sql += "FROM digest_subscriptions"
    params: tuple[str, ...] = ()
    if channel is not None:
        sql += " WHERE channel = ?"
        params = (channel,)
    rows = db.execute(sql + " ORDER BY channel, kind", params).fetchall()
    return [
        Subscription(
            channel=channel_id,
            kind="weekly" if kind == "weekly" else "daily",
            at=time.fromisoformat(at),
            tz=tz,
            weekday=int(weekday),
            with_people=bool(with_people),
            product=product or None,
            created_by=created_by,
            created_at=parse_ts(created_at) if created_at else None,
        )
        for channel_id, kind, at, tz, weekday, with_people, product, created_by, created_at in rows
    ]
