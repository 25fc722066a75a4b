"""What `/healthz` and `/readyz` say: a health check that tells the truth (issue 23).

Liveness (`/healthz`) is only "the process answers HTTP". An orchestrator restarts a container
whose liveness fails, so nothing that a restart cannot fix belongs there (a Slack or API outage
would otherwise restart a healthy bot in a loop).

Readiness (`/readyz`) is 200 only when the bot can do its job, else 503:

    store      the SQLite file opens read-only and answers (each probe opens its own connection)
    scheduler  APScheduler's thread runs (digests, alerts, pruning)
    slack      socket mode: connected and answering pings (`SocketLink.state`); in HTTP mode
               Slack calls us, so there is nothing to check
    stopping   false: after SIGTERM the bot turns unready at once

Either way the body says what an operator asks next: when the store last synced and how long
ago, the last error a sync got from the API, the data's watermark (`data_refreshed_at`) and how
far activity and spend reach.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from bot.service.socket import SocketLink
from bot.store.access import read_only
from bot.store.freshness import read_freshness
from bot.store.runs import run_history

ERROR_CHARS = 300
"""The last API error is cut to this length: enough to act on, not a page of HTML."""


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class Health:
    """The probes' answers for one `serve` process (see the module docstring)."""

    mode: Literal["socket", "http"]
    store_path: str
    scheduler_alive: Callable[[], bool]
    link: SocketLink | None = None
    sync_running: Callable[[], bool] = lambda: False
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    stopping: threading.Event = field(default_factory=threading.Event)

    def live(self) -> dict[str, Any]:
        return {"ok": True, "mode": self.mode}

    def ready(self) -> tuple[bool, dict[str, Any]]:
        now = self.now()
        store_ok, store = self._store(now)
        scheduler = "running" if self.scheduler_alive() else "stopped"
        slack: dict[str, Any] = {"state": "http"}
        if self.link is not None:
            status = self.link.state()
            slack = {"state": status.state, "last_pong_seconds": status.last_pong_seconds}
        stopping = self.stopping.is_set()
        ready = (
            store_ok
            and scheduler == "running"
            and slack["state"] in ("connected", "http")
            and not stopping
        )
        body = {
            "ready": ready,
            "mode": self.mode,
            "checks": {
                "store": "ok" if store_ok else f"error: {store.get('error')}",
                "scheduler": scheduler,
                "slack": slack["state"],
                "stopping": stopping,
            },
            "slack": slack,
            "sync": {**store.get("sync", {}), "running": self.sync_running()},
            "data": store.get("data", {}),
        }
        return ready, body

    def _store(self, now: datetime) -> tuple[bool, dict[str, Any]]:
        try:
            with read_only(self.store_path) as db:
                fresh = read_freshness(db)
                history = run_history(db)
                last_error = db.execute(
                    "SELECT coalesce(finished_at, started_at), error_kind, error FROM sync_runs "
                    "WHERE error IS NOT NULL ORDER BY id DESC LIMIT 1"
                ).fetchone()
        except sqlite3.Error as exc:
            return False, {"error": f"cannot open {self.store_path}: {exc}"}
        last = fresh.last_sync_at
        sync: dict[str, Any] = {
            "last_ok_at": _iso(last),
            "last_ok_age_seconds": None if last is None else int((now - last).total_seconds()),
            "failing": history.consecutive_failures,
            "last_error": None,
        }
        if last_error is not None:
            at, kind, message = last_error
            sync["last_error"] = {"at": at, "kind": kind, "message": str(message)[:ERROR_CHARS]}
        data = {
            "watermark": _iso(fresh.data_refreshed_at),
            "activity_through": _iso_day(fresh.engagement_through),
            "spend_through": _iso_day(fresh.cost_through),
        }
        return True, {"sync": sync, "data": data}


def _iso_day(value: Any) -> str | None:
    return None if value is None else str(value)
