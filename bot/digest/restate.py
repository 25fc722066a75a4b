"""Restatements: telling a channel when spend it was given has since been revised.

The API revises cost days for 30 days (late usage, reconciliation), and a re-sync picks the new
numbers up. A digest that said "Nov 28: $1,204.10" would otherwise be silently contradicted by
the next answer. So each posted digest stores what it reported per day (`digest_reported`,
per channel and scope: the organisation, or one product), and the next digest compares those
days with the store: a day that moved by at least `MIN_PERCENT` % and `MIN_MICROCENTS` is said
once ("Nov 28 restated from $1,204.10 to $1,311.55"), and the stored figure becomes the new one.
Smaller drifts accumulate until they matter; days past the revision window are final.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from sqlite_utils import Database

from bot.digest.model import Restatement
from bot.digest.sections import scope_spend
from bot.store.freshness import REVISION_WINDOW
from bot.store.money import MICROCENTS_PER_DOLLAR

MIN_PERCENT = 2
MIN_MICROCENTS = MICROCENTS_PER_DOLLAR
"""A restatement is worth a line when it moved by at least 2 % and at least $1."""


def restatements(
    db: Database, channel: str, product: str | None, *, before: date
) -> tuple[Restatement, ...]:
    """Days this channel was told about (before `before`) whose spend has changed since."""
    since = before - REVISION_WINDOW - timedelta(days=1)
    rows = db.execute(
        "SELECT day, amount_microcents FROM digest_reported WHERE channel = ? AND scope = ? "
        "AND day >= ? AND day < ? ORDER BY day",
        (channel, product or "", since.isoformat(), before.isoformat()),
    ).fetchall()
    told = {date.fromisoformat(day): int(amount) for day, amount in rows}
    now = scope_spend(db, sorted(told), product)
    found = []
    for day, reported in told.items():
        current = now.get(day)
        if current is None:
            continue
        moved = abs(current - reported)
        if moved >= MIN_MICROCENTS and moved * 100 >= abs(reported) * MIN_PERCENT:
            found.append(Restatement(day=day, reported_microcents=reported, now_microcents=current))
    return tuple(found)


def remember(
    db: Database,
    channel: str,
    product: str | None,
    reported: Mapping[date, int],
    restated: tuple[Restatement, ...],
    *,
    now: datetime,
) -> None:
    """After a post: what the channel now knows per day (reported days and restated ones)."""
    figures = {r.day: r.now_microcents for r in restated} | dict(reported)
    with db.atomic():
        for day, amount in figures.items():
            db.execute(
                "INSERT OR REPLACE INTO digest_reported (channel, scope, day, "
                "amount_microcents, reported_at) VALUES (?, ?, ?, ?, ?)",
                (channel, product or "", day.isoformat(), amount, now.isoformat()),
            )
