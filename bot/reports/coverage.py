"""Which days of a period the store actually holds, read from the sync ledger.

The ledger is the store's promise (see `bot.store.writers`): a `(dataset, day)` row means that
day's rows are complete, and no ledger row means the day was never synced. Reports use it to tell
"zero" from "not available":

* a period with no synced day of the report's dataset raises `NoDataError` (an `InputError`:
  the person asked for days we do not have), naming the days we do have;
* a period partly synced returns what exists plus a note naming what is missing;
* comparison periods that were never synced become `None` (shown as "not available"), never 0.

A synced cost/usage day is not necessarily a complete one. The API serves spend up to its export
watermark (`data_refreshed_at`, stored per day in the ledger) and "buckets past it are
incomplete", so a day the watermark had not passed when it was fetched (today, or yesterday in
the first hours of a UTC day) holds only part of its spend. Comparing it with a whole day shows a
fake drop ($0.00, −100 %), and counting it as a complete day bends a projection. The store holds
daily rows only, so the same part of an earlier day cannot be read back; such a day is therefore
*pending*: left out of a period that has complete days (a note says so, and comparisons line up
the complete days only), or, when a period has nothing else, shown on its own as spend *so far*
that is compared with nothing (`Coverage.so_far`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlite_utils import Database

from bot.errors import InputError
from bot.reports.periods import Period, day_label, range_label
from bot.store.schema import DATASETS_COST


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
    pending: frozenset[date] = frozenset()
    """Synced days the API had not finished reporting, left out of `days` (see the module
    docstring); empty when `so_far`."""
    so_far: bool = False
    """Every synced day of the period is incomplete: `days` holds them, as spend so far that
    is never compared."""
    watermark: datetime | None = None
    """How far the API had reported the incomplete days (`pending`, or `days` when `so_far`)."""

    @property
    def any(self) -> bool:
        return bool(self.days)

    @property
    def complete(self) -> bool:
        return len(self.days) == self.period.days and not self.so_far

    @property
    def missing(self) -> list[date]:
        """Days of the period that are not synced at all (incomplete days are not missing)."""
        held = self.days | self.pending
        return [day for day in self.period.each_day() if day not in held]


def coverage(db: Database, dataset: str, period: Period) -> Coverage:
    marks = _synced_marks(db, dataset, period.start, period.end)
    span = db.execute(
        "SELECT min(day), max(day) FROM sync_ledger WHERE dataset = ?", (dataset,)
    ).fetchone()
    done = frozenset(day for day, mark in marks.items() if is_complete(day, mark))
    partial = frozenset(marks) - done
    watermark = max((m for d, m in marks.items() if d in partial and m), default=None)
    return Coverage(
        dataset=dataset,
        period=period,
        days=done or partial,
        first_synced=date.fromisoformat(span[0]) if span[0] else None,
        last_synced=date.fromisoformat(span[1]) if span[1] else None,
        pending=partial if done else frozenset(),
        so_far=bool(partial) and not done,
        watermark=watermark,
    )


def complete_days(db: Database, dataset: str, start: date, end: date) -> frozenset[date]:
    """The synced days from `start` to `end` that are complete (never an incomplete one)."""
    marks = _synced_marks(db, dataset, start, end)
    return frozenset(day for day, mark in marks.items() if is_complete(day, mark))


def is_complete(day: date, mark: datetime | None) -> bool:
    """Whether a day fetched under export watermark `mark` holds all of its data: the mark had
    passed the day's end (UTC). None: an engagement day, complete once it is published."""
    return mark is None or mark >= datetime.combine(day + timedelta(days=1), time(), UTC)


def _synced_marks(
    db: Database, dataset: str, start: date, end: date
) -> dict[date, datetime | None]:
    """Synced day → the export watermark it was fetched under (cost/usage datasets; the fetch
    time when the API sent none), or None for engagement datasets."""
    rows = db.execute(
        "SELECT day, coalesce(data_refreshed_at, fetched_at) FROM sync_ledger "
        "WHERE dataset = ? AND day BETWEEN ? AND ?",
        (dataset, start.isoformat(), end.isoformat()),
    ).fetchall()
    cost = dataset in DATASETS_COST
    return {date.fromisoformat(day): _moment(mark) if cost else None for day, mark in rows}


def _moment(value: str | None) -> datetime | None:
    """The ledger's timestamp; None (nothing known: the day counts as complete, as it always
    did) when it is missing or unreadable."""
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def incomplete_sentence(days: Iterable[date], watermark: datetime | None, what: str) -> str:
    """`Nov 20, 2026 is not complete yet: the API had reported spend data up to Nov 20 12:00
    UTC when the store last synced it` (no full stop: callers finish the sentence)."""
    ordered = sorted(days)
    when = range_label(ordered[0], ordered[-1])
    verb = "is" if len(ordered) == 1 else "are"
    text = f"{when} {verb} not complete yet"
    if watermark is not None:
        mark = watermark.astimezone(UTC)
        text += f": the API had reported {what} up to {mark:%b} {mark.day} {mark:%H:%M} UTC"
        text += " when the store last synced it"
    return text


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
    """Sentences about the days of the period that are not synced or not complete yet (empty
    when every day is there and complete)."""
    if found.so_far:
        return [
            incomplete_sentence(found.days, found.watermark, what)
            + ", so these figures are what was reported so far and are not compared with "
            "complete days."
        ]
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
    if found.pending:
        out.append(
            incomplete_sentence(found.pending, found.watermark, what)
            + ", so it is left out of these figures and their comparison."
        )
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
    """Counterparts in `previous` of `current`'s synced days that are synced and complete; None
    if none, and always None for spend so far (an incomplete day is compared with nothing)."""
    if current.so_far:
        return None
    synced = complete_days(db, dataset, previous.start, previous.end)
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
    if current.so_far:
        return []  # `notes` already says that nothing is compared
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
