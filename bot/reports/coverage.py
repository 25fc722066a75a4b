"""Which days of a period the store actually holds, read from the sync ledger.

The ledger is the store's promise (see `bot.store.writers`): a `(dataset, day)` row means that
day's rows are complete, and no ledger row means the day was never synced. Reports use it to tell
"zero" from "not available":

* a period with no synced day of the report's dataset raises `NoDataError` (an `InputError`:
  the person asked for days we do not have), naming the days we do have;
* a period partly synced returns what exists plus a note naming what is missing;
* comparison periods that were never synced become `None` (shown as "not available"), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from bot.errors import InputError
from bot.reports.periods import Period, day_label, range_label


class NoDataError(InputError):
    """The store has no data at all for the period asked about."""


@dataclass(frozen=True)
class Coverage:
    """Synced days of one dataset inside a period, and the dataset's overall synced span."""

    dataset: str
    period: Period
    days: frozenset[date]
    first_synced: date | None
    last_synced: date | None

    @property
    def any(self) -> bool:
        return bool(self.days)

    @property
    def complete(self) -> bool:
        return len(self.days) == self.period.days

    @property
    def missing(self) -> list[date]:
        return [day for day in self.period.each_day() if day not in self.days]


def coverage(db: Database, dataset: str, period: Period) -> Coverage:
    rows = db.execute(
        "SELECT day FROM sync_ledger WHERE dataset = ? AND day BETWEEN ? AND ?",
        (dataset, period.start.isoformat(), period.end.isoformat()),
    ).fetchall()
    span = db.execute(
        "SELECT min(day), max(day) FROM sync_ledger WHERE dataset = ?", (dataset,)
    ).fetchone()
    return Coverage(
        dataset=dataset,
        period=period,
        days=frozenset(date.fromisoformat(row[0]) for row in rows),
        first_synced=date.fromisoformat(span[0]) if span[0] else None,
        last_synced=date.fromisoformat(span[1]) if span[1] else None,
    )


def require(db: Database, dataset: str, period: Period, what: str) -> Coverage:
    """Coverage of `period`, or `NoDataError` naming the synced span when none of it is synced."""
    found = coverage(db, dataset, period)
    if found.any:
        return found
    asked = describe(period)
    if found.first_synced is None or found.last_synced is None:
        raise NoDataError(f"No {what} has been synced yet, so there is nothing for {asked}.")
    held = range_label(found.first_synced, found.last_synced)
    if period.start > found.last_synced:
        raise NoDataError(
            f"No {what} for {asked} yet: the store has {what} through "
            f"{day_label(found.last_synced)}."
        )
    raise NoDataError(f"No {what} for {asked}: the store has {what} for {held}.")


def notes(found: Coverage, what: str) -> list[str]:
    """Sentences about the days of the period that are not synced (empty when complete)."""
    if found.complete or not found.any:
        return []
    missing = found.missing
    last = max(found.days)
    first = min(found.days)
    trailing = [day for day in missing if day > last]
    leading = [day for day in missing if day < first]
    gaps = len(missing) - len(trailing) - len(leading)
    out: list[str] = []
    if trailing:
        out.append(
            f"{what.capitalize()} is available through {day_label(last)} only; "
            f"{_days(len(trailing))} of {found.period.label} {_is(len(trailing))} not "
            "available yet."
        )
    if leading:
        out.append(
            f"{what.capitalize()} starts on {day_label(first)} in the store; "
            f"{_days(len(leading))} before it {_is(len(leading), past=True)} not synced."
        )
    if gaps:
        inside = f"{_days(gaps).capitalize()} of {what} inside the period"
        out.append(f"{inside} {_is(gaps)} not synced.")
    return out


def previous_or_none(db: Database, dataset: str, period: Period) -> Coverage | None:
    """Coverage of a comparison period, or None when none of it is synced."""
    found = coverage(db, dataset, period)
    return found if found.any else None


def describe(period: Period) -> str:
    """`last 7 days (Nov 18 – Nov 24, 2026)`, or just the dates when the label is the dates."""
    dates = range_label(period.start, period.end)
    return period.label if period.label == dates else f"{period.label} ({dates})"


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def _is(count: int, *, past: bool = False) -> str:
    """The verb that agrees with `_days(count)`."""
    if past:
        return "was" if count == 1 else "were"
    return "is" if count == 1 else "are"


@dataclass(frozen=True)
class Aligned:
    """The previous period's days that line up with the synced days of the current period.

    Comparing a week whose last two days are not published yet with a whole previous week would
    show a fake drop; comparing like with like (day k with day k) does not.
    """

    days: tuple[date, ...]
    wanted: int
    """How many counterpart days there were; `len(days) < wanted` means a partly synced past."""


def aligned(db: Database, dataset: str, current: Coverage, previous: Period) -> Aligned | None:
    """Counterparts in `previous` of `current`'s synced days that are synced; None if none."""
    synced = coverage(db, dataset, previous).days
    if current.complete:
        # A whole current period compares with the whole previous one (months differ in length).
        whole = tuple(sorted(synced))
        return Aligned(days=whole, wanted=previous.days) if whole else None
    wanted = sorted(
        previous.start + (day - current.period.start)
        for day in current.days
        if previous.contains(previous.start + (day - current.period.start))
    )
    days = tuple(day for day in wanted if day in synced)
    return Aligned(days=days, wanted=len(wanted)) if days else None


def comparison_notes(current: Coverage, previous: Aligned | None, what: str) -> list[str]:
    if previous is None:
        return [f"No {what} is synced for the previous period, so there is no change to show."]
    out: list[str] = []
    if not current.complete:
        out.append(
            f"Changes compare the same days of the previous period ({_days(len(previous.days))})."
        )
    if len(previous.days) < previous.wanted:
        out.append(
            f"The previous period's {what} is only partly synced "
            f"({len(previous.days)} of {_days(previous.wanted)}), so the change is approximate."
        )
    return out
