"""Results that are not reports of usage: store status, help text, and CSV exports.

`bot.reports.types` re-exports all of them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from bot.reports.values import Model, Report


class DatasetStatus(Model):
    dataset: str
    first_day: date | None
    last_day: date | None
    days: int
    final_days: int
    revisable_days: int
    rows: int
    last_fetched_at: datetime | None


class StatusReport(Report):
    """`period` spans every synced day (today alone when nothing is synced)."""

    kind: Literal["status"] = "status"
    datasets: tuple[DatasetStatus, ...]


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
