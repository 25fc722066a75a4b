"""The lifecycle of alert messages (tables `alerts` and `alert_fired`, m021).

One row per breach (kind, scope, period): a budget in a month, or an anomalous day. `level` is
the comma-joined set of thresholds its Slack message shows, `ts` the message once posted.
Changes are conditional updates, so when two processes evaluate at once only one of them
escalates a message (`escalate` returns False for the other), and each threshold is notified
once (`claim_threshold`, only after Slack accepted the message showing it: a threshold in
`level` but not yet `fired` is an update still to send). Acknowledging records who; an
escalation re-opens the alert (the new threshold needs a person again). Snoozing silences
escalation notices until a time, while the message itself still updates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.store.runs import parse_ts

_KEY = "kind = ? AND scope = ? AND period = ?"


@dataclass(frozen=True)
class AlertRow:
    kind: str
    scope: str
    period: str
    level: str
    channel: str | None
    ts: str | None
    detail: dict[str, Any]
    """The message body as posted: {"text": …, "blocks": […]} (status and buttons are added)."""
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    snoozed_by: str | None
    snoozed_until: datetime | None

    @property
    def shown(self) -> tuple[str, ...]:
        return tuple(t for t in self.level.split(",") if t)

    def snoozed(self, now: datetime) -> bool:
        return self.snoozed_until is not None and self.snoozed_until > now


def _ts(value: object) -> datetime | None:
    return parse_ts(str(value)) if value else None


def get_alert(db: Database, kind: str, scope: str, period: str) -> AlertRow | None:
    row = db.execute(
        "SELECT level, channel, ts, detail, acknowledged_by, acknowledged_at, snoozed_by, "  # noqa: S608
        f"snoozed_until FROM alerts WHERE {_KEY}",
        (kind, scope, period),
    ).fetchone()
    if row is None:
        return None
    level, channel, ts, detail, ack_by, ack_at, snooze_by, snooze_until = row
    return AlertRow(
        kind=kind,
        scope=scope,
        period=period,
        level=str(level),
        channel=channel,
        ts=ts,
        detail=json.loads(detail) if detail else {},
        acknowledged_by=ack_by,
        acknowledged_at=_ts(ack_at),
        snoozed_by=snooze_by,
        snoozed_until=_ts(snooze_until),
    )


def open_alert(
    db: Database,
    kind: str,
    scope: str,
    period: str,
    *,
    level: str,
    channel: str,
    detail: dict[str, Any],
    now: datetime,
) -> None:
    """Create the breach's row (no message yet) unless it exists."""
    with db.atomic():
        db.execute(
            "INSERT OR IGNORE INTO alerts (kind, scope, period, level, channel, detail, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, scope, period, level, channel, json.dumps(detail), now.isoformat(),
             now.isoformat()),
        )  # fmt: skip


def set_message(db: Database, row: AlertRow, ts: str, *, now: datetime) -> None:
    with db.atomic():
        db.execute(
            f"UPDATE alerts SET ts = ?, updated_at = ? WHERE {_KEY} AND ts IS NULL",  # noqa: S608
            (ts, now.isoformat(), row.kind, row.scope, row.period),
        )


def escalate(
    db: Database, row: AlertRow, *, level: str, detail: dict[str, Any], now: datetime
) -> bool:
    """Show `level` instead of `row.level`; False when another process changed it first.
    An escalation needs a person again, so an acknowledgement is cleared."""
    with db.atomic():
        cursor = db.execute(
            "UPDATE alerts SET level = ?, detail = ?, acknowledged_by = NULL, "  # noqa: S608
            f"acknowledged_at = NULL, updated_at = ? WHERE {_KEY} AND level = ?",
            (level, json.dumps(detail), now.isoformat(), row.kind, row.scope, row.period,
             row.level),
        )  # fmt: skip
    return cursor.rowcount == 1


def acknowledge(db: Database, row: AlertRow, *, user: str, now: datetime) -> None:
    with db.atomic():
        db.execute(
            "UPDATE alerts SET acknowledged_by = ?, acknowledged_at = ?, snoozed_by = NULL, "  # noqa: S608
            f"snoozed_until = NULL, updated_at = ? WHERE {_KEY}",
            (user, now.isoformat(), now.isoformat(), row.kind, row.scope, row.period),
        )


def snooze(db: Database, row: AlertRow, *, user: str, until: datetime, now: datetime) -> None:
    with db.atomic():
        db.execute(
            "UPDATE alerts SET snoozed_by = ?, snoozed_until = ?, updated_at = ? "  # noqa: S608
            f"WHERE {_KEY}",
            (user, until.isoformat(), now.isoformat(), row.kind, row.scope, row.period),
        )


def fired(db: Database, kind: str, scope: str, period: str) -> frozenset[str]:
    """The breach's thresholds Slack already shows (claimed after a post or update it accepted);
    a threshold in `level` but not here is an escalation still to be sent."""
    rows = db.execute(
        f"SELECT threshold FROM alert_fired WHERE {_KEY}",  # noqa: S608
        (kind, scope, period),
    ).fetchall()
    return frozenset(str(threshold) for (threshold,) in rows)


def claim_threshold(
    db: Database, kind: str, scope: str, period: str, threshold: str, *, now: datetime
) -> bool:
    """True exactly once per threshold of a breach: the caller notifies about it."""
    with db.atomic():
        cursor = db.execute(
            "INSERT OR IGNORE INTO alert_fired (kind, scope, period, threshold, fired_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (kind, scope, period, threshold, now.isoformat()),
        )
    return cursor.rowcount == 1
