"""Every sync attempt, recorded apart from the rows it wrote (table `sync_runs`, migration m003).

The ledger says which days are stored; it cannot say that a sync ran and found nothing new, or
that it failed. Without that, "last synced" was the newest ledger write, so an unchanged export
or an outage left the store looking stale for ever and every reader synced again. Runs answer
three questions the ledger cannot:

* when the store was last brought up to date (`last_ok`), whatever that sync wrote;
* whether syncing is failing right now, and how often in a row (`consecutive_failures`), which
  the refresher turns into a growing back-off instead of hammering a broken API;
* what the last failure was (`last_failure`), shown to admins in `status`.

Outcomes: `running` (started, not finished: a crash or a sync in progress), `ok`, `partial` (it
finished but some days failed and will be retried), `failed` (it stopped: a revoked key, or
the API failing every request) and `stopped` (the service was shutting down: whole days written
until then are kept; neither a success nor a failure, so it starts no back-off). Error kinds:
`credentials` (401/403: a person must act), `unavailable` (5xx, timeouts, rate limits) and
`other`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlite_utils import Database

Outcome = Literal["running", "ok", "partial", "failed", "stopped"]
ErrorKind = Literal["credentials", "unavailable", "other"]
SUCCESSFUL: tuple[Outcome, ...] = ("ok", "partial")


@dataclass(frozen=True)
class SyncRun:
    id: int
    started_at: datetime
    finished_at: datetime | None
    outcome: Outcome
    error_kind: ErrorKind | None
    error: str | None
    requests: int
    rows_written: int

    @property
    def at(self) -> datetime:
        """When the run ended (or started, while it has not ended)."""
        return self.finished_at or self.started_at


@dataclass(frozen=True)
class RunHistory:
    last_ok: SyncRun | None
    """The newest run that brought the store up to date (`ok` or `partial`)."""
    last_failure: SyncRun | None
    """The newest `failed` run after `last_ok` (None when syncing works)."""
    consecutive_failures: int
    """`failed` runs since `last_ok`; the refresher backs off on this."""
    first_failure: SyncRun | None
    """The first run of the current failure streak: it names the episode for one-off notices."""


def start_run(db: Database, started_at: datetime) -> int:
    """Record that a sync has started; returns the id `finish_run` completes."""
    with db.atomic():
        cursor = db.execute(
            "INSERT INTO sync_runs (started_at, outcome, requests, rows_written) "
            "VALUES (?, 'running', 0, 0)",
            (_iso(started_at),),
        )
    return int(cursor.lastrowid or 0)


def finish_run(
    db: Database,
    run_id: int,
    *,
    finished_at: datetime,
    outcome: Outcome,
    requests: int = 0,
    rows_written: int = 0,
    error_kind: ErrorKind | None = None,
    error: str | None = None,
) -> None:
    with db.atomic():
        db.execute(
            "UPDATE sync_runs SET finished_at = ?, outcome = ?, error_kind = ?, error = ?, "
            "requests = ?, rows_written = ? WHERE id = ?",
            (_iso(finished_at), outcome, error_kind, error, requests, rows_written, run_id),
        )


def run_history(db: Database) -> RunHistory:
    """The last good run and the failure streak after it (two small indexed reads)."""
    if "sync_runs" not in db.table_names():
        return RunHistory(None, None, 0, None)
    ok_row = db.execute(
        f"SELECT * FROM sync_runs WHERE outcome IN {SUCCESSFUL!r} ORDER BY id DESC LIMIT 1"  # noqa: S608
    ).fetchone()
    last_ok = _run(ok_row) if ok_row else None
    after = last_ok.id if last_ok else 0
    failures = [
        _run(row)
        for row in db.execute(
            "SELECT * FROM sync_runs WHERE outcome = 'failed' AND id > ? ORDER BY id", (after,)
        ).fetchall()
    ]
    return RunHistory(
        last_ok=last_ok,
        last_failure=failures[-1] if failures else None,
        consecutive_failures=len(failures),
        first_failure=failures[0] if failures else None,
    )


def _run(row: tuple[object, ...]) -> SyncRun:
    id_, started, finished, outcome, kind, error, requests, rows = row
    return SyncRun(
        id=int(str(id_)),
        started_at=parse_ts(str(started)),
        finished_at=parse_ts(str(finished)) if finished else None,
        outcome=outcome,  # type: ignore[arg-type]
        error_kind=kind,  # type: ignore[arg-type]
        error=str(error) if error is not None else None,
        requests=int(str(requests or 0)),
        rows_written=int(str(rows or 0)),
    )


def parse_ts(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def claim_notice(db: Database, kind: str, episode: str, at: datetime) -> bool:
    """True exactly once per (kind, episode), across threads, processes and restarts."""
    with db.atomic():
        cursor = db.execute(
            "INSERT OR IGNORE INTO notices (kind, episode, sent_at) VALUES (?, ?, ?)",
            (kind, episode, _iso(at)),
        )
    return cursor.rowcount == 1
