"""Results that are not reports of usage: store status, help text, and CSV exports.

`bot.reports.types` re-exports all of them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from bot.reports.values import Model, Report
from bot.store.conversations import AskingCost


class DatasetStatus(Model):
    dataset: str
    first_day: date | None
    last_day: date | None
    days: int
    final_days: int
    revisable_days: int
    rows: int
    last_fetched_at: datetime | None


class SyncHealth(Model):
    """How syncing is going, from `sync_runs` (see `bot.store.runs`)."""

    last_ok_at: datetime | None = None
    """The last sync that brought the store up to date, whatever it wrote."""
    last_attempt_at: datetime | None = None
    last_outcome: str | None = None
    """ok, partial, failed or running."""
    consecutive_failures: int = 0
    error_kind: str | None = None
    """credentials, unavailable or other: the newest failure since the last good sync."""
    error: str | None = None
    """That failure's sentence (admins only: it may be a credential problem)."""


class FieldDrift(Model):
    """Where this organisation's API differs from the reference, for one dataset."""

    dataset: str
    not_sent: tuple[str, ...]
    """Documented fields no synced row carried: reports show them as "—" (not reported)."""
    undocumented: tuple[str, ...]
    """Fields the rows carried that the reference does not name (stored, not yet reported)."""


class StatusReport(Report):
    """`period` spans every synced day (today alone when nothing is synced)."""

    kind: Literal["status"] = "status"
    datasets: tuple[DatasetStatus, ...]
    sync: SyncHealth = SyncHealth()
    drift: tuple[FieldDrift, ...] = ()
    asking: AskingCost | None = None
    """What asking Claude in DMs cost lately (admins only); None when nobody asked yet."""

    def for_everyone(self) -> StatusReport:
        """Without failure details or the cost of asking: admins-only information."""
        return self.model_copy(
            update={
                "sync": self.sync.model_copy(
                    update={"error": None, "error_kind": None, "consecutive_failures": 0}
                ),
                "asking": None,
            }
        )


class HelpResult(Model):
    kind: Literal["help"] = "help"
    text: str
    topic: str | None = None


class Export(Report):
    """A report flattened to CSV-ready rows; see `bot.reports.export` for the money format."""

    kind: Literal["export"] = "export"
    report: str
    filename: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
