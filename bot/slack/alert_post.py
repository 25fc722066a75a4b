"""Alerts in the admin channel: one message per breach, updated in place as it escalates.

    AlertPublisher(poster, channel).run(db, now)

For every breach `bot.alerts` finds (a budget's thresholds this month, an anomalous day):

1. no message yet → post one through `Poster.post_once` (exactly once, metadata and all);
2. the breach has a threshold the message does not show → the one process that wins
   `alert_state.escalate` updates the message in place (`chat.update`) and, unless someone
   snoozed it, notifies in the message's thread ("Escalated: …"), once per threshold;
3. a threshold is recorded as shown on Slack (`alert_state.claim_threshold`) only once Slack
   accepted the post or the update: when `chat.update` fails (a 5xx, a timeout) the escalation
   stays pending, and the next run updates the message again and notifies then;
4. nothing new or pending → nothing is sent. Evaluating every hour costs no Slack call at all.

Acknowledge and Snooze (`bot.slack.listeners.alerts`) re-render the stored body with a new
status line. Without `CLAUDE_USAGE_ALERT_CHANNEL` nothing is posted (and `budget set` says so).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from sqlite_utils import Database

from bot.alerts import THRESHOLDS, anomalies, budget_statuses
from bot.reports.periods import utc_today
from bot.slack.alert_blocks import (
    alert_message,
    anomaly_body,
    budget_body,
    status_line,
    threshold_names,
)
from bot.slack.blocks import Message
from bot.slack.once import Poster
from bot.store import alert_state
from bot.store.alert_state import AlertRow
from bot.store.posts import PostKey

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Breach:
    kind: str
    """`budget` or `anomaly`."""
    scope: str
    period: str
    thresholds: tuple[str, ...]
    body: dict[str, Any]

    @property
    def level(self) -> str:
        return ",".join(self.thresholds)

    @property
    def value(self) -> str:
        """What the buttons carry to find this alert again."""
        return f"{self.kind}|{self.scope}|{self.period}"


def breaches(db: Database, now: datetime) -> list[Breach]:
    today = utc_today(now)
    found = [
        Breach("budget", s.budget.scope, s.month, s.crossed, budget_body(s))
        for s in budget_statuses(db, today)
        if s.crossed
    ]
    for anomaly in anomalies(db, today):
        levels = ("high",) if anomaly.level == "high" else ("high", "severe")
        found.append(Breach("anomaly", "", anomaly.day.isoformat(), levels, anomaly_body(anomaly)))
    return found


def message_for(row: AlertRow, now: datetime) -> Message:
    """The alert as it should look now: stored body, status line, buttons unless acknowledged."""
    status = status_line(
        row.acknowledged_by, row.acknowledged_at, row.snoozed_by, row.snoozed_until, now
    )
    value = f"{row.kind}|{row.scope}|{row.period}"
    return alert_message(row.detail, value, status, open_buttons=row.acknowledged_by is None)


class AlertPublisher:
    def __init__(self, poster: Poster, channel: str | None) -> None:
        self.poster = poster
        self.channel = channel

    def run(self, db: Database, now: datetime) -> list[str]:
        """Evaluate and publish; returns one line per message sent or updated (for logs)."""
        if self.channel is None:
            return []
        done = []
        for breach in breaches(db, now):
            try:
                outcome = self.apply(db, breach, now)
            except Exception:  # one broken alert must not hold up the others
                log.exception("alert %s failed", breach.value)
                continue
            if outcome:
                done.append(f"{breach.kind} {breach.scope or 'org'} {breach.period}: {outcome}")
        for line in done:
            log.info("alert %s", line)
        return done

    def apply(self, db: Database, breach: Breach, now: datetime) -> str | None:
        assert self.channel is not None
        row, posted_now = self._posted(db, breach, now)
        if row is None or row.ts is None or row.channel is None:
            return None  # being posted elsewhere, or Slack refused it: the next run retries
        channel, ts = row.channel, row.ts
        new = [t for t in breach.thresholds if t not in row.shown]
        if new:
            level = ",".join(t for t in (*THRESHOLDS, "high", "severe") if t in {*row.shown, *new})
            if not alert_state.escalate(db, row, level=level, detail=breach.body, now=now):
                return None  # another process escalated it first
            escalated = alert_state.get_alert(db, breach.kind, breach.scope, breach.period)
            assert escalated is not None
            row = escalated
        # What the row shows but Slack does not yet: escalated now, or an update that failed.
        done = alert_state.fired(db, breach.kind, breach.scope, breach.period)
        pending = tuple(t for t in row.shown if t not in done)
        if not pending:
            return "posted" if posted_now else None
        message = message_for(row, now)
        try:
            self.poster.sender.chat_update(
                channel=channel, ts=ts, text=message.text, blocks=message.blocks
            )
        except (SlackApiError, SlackClientError) as exc:
            log.warning("updating alert %s failed (retried next run): %s", breach.value, exc)
            return None
        fresh = [
            t
            for t in pending
            if alert_state.claim_threshold(db, breach.kind, breach.scope, breach.period, t, now=now)
        ]
        if fresh and not row.snoozed(now):
            self._notify(row, f"Escalated: now {threshold_names(tuple(fresh))}.")
        return "escalated to " + threshold_names(pending)

    def _posted(self, db: Database, breach: Breach, now: datetime) -> tuple[AlertRow | None, bool]:
        """The breach's row with its message (posting the first one when there is none), and
        whether this call posted it."""
        assert self.channel is not None
        row = alert_state.get_alert(db, breach.kind, breach.scope, breach.period)
        if row is not None and row.ts is not None:
            return row, False
        alert_state.open_alert(
            db,
            breach.kind,
            breach.scope,
            breach.period,
            level=breach.level,
            channel=self.channel,
            detail=breach.body,
            now=now,
        )
        row = alert_state.get_alert(db, breach.kind, breach.scope, breach.period)
        assert row is not None
        key = PostKey(row.channel or self.channel, f"alert.{breach.kind}", _period_key(breach))
        sent = self.poster.post_once(
            db, key, message_for(row, now), payload={"alert": breach.value}
        )
        if sent.ts is None:
            return None, False
        alert_state.set_message(db, row, sent.ts, now=now)
        for threshold in row.shown:
            alert_state.claim_threshold(
                db, breach.kind, breach.scope, breach.period, threshold, now=now
            )
        posted = alert_state.get_alert(db, breach.kind, breach.scope, breach.period)
        return posted, sent.outcome == "posted"

    def _notify(self, row: AlertRow, text: str) -> None:
        try:
            self.poster.sender.chat_postMessage(
                channel=row.channel or "", thread_ts=row.ts, text=text
            )
        except (SlackApiError, SlackClientError) as exc:
            log.warning("escalation notice for %s failed: %s", row.period, exc)


def _period_key(breach: Breach) -> str:
    return f"{breach.scope or 'org'}/{breach.period}"
