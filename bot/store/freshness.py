"""How fresh the store is, read from the sync ledger. Every report carries one of these.

Engagement days arrive a day or so late (how late is the API's to say: `bot.store.latest`) and
today's API may revise them over the following days; cost/usage days stay revisable for 30 days
after the day. So an answer says "activity through Nov 19 (revisable until Nov 21)", "spend
through Nov 20" and "spend revisable until Dec 20". Days are the API's UTC days everywhere (a
local "yesterday" is mapped onto them), and the line says so.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel, ConfigDict
from sqlite_utils import Database

from bot.store.runs import run_history
from bot.store.schema import DATASETS_COST, DATASETS_ENGAGEMENT

REVISION_WINDOW = timedelta(days=30)
ENGAGEMENT_REVISION_DAYS = 3
"""Today's API: engagement values "may be revised by a few percent over the following days".
A day fetched before it is this many days old is stored revisable and fetched again (once per
UTC day) until it is; the older guide's three-day lag makes every day final on first fetch."""


def engagement_final(day: date, today: date) -> bool:
    """Whether an engagement day fetched `today` can no longer be revised."""
    return (today - day).days >= ENGAGEMENT_REVISION_DAYS


class Freshness(BaseModel):
    model_config = ConfigDict(frozen=True)

    engagement_through: date | None = None
    """Latest day of engagement data (users, summaries, …) in the store."""
    engagement_revisable_until: date | None = None
    """The day the newest stored engagement day stops being revisable, when any stored
    engagement day still may be (None: every stored engagement day is final)."""
    cost_through: date | None = None
    """Latest day with cost/usage data in the store (it may be partial: see data_refreshed_at)."""
    data_refreshed_at: datetime | None = None
    """The API's export watermark at the last cost/usage fetch."""
    oldest_revisable_day: date | None = None
    """Cost/usage days on or after this one may still be revised by the API."""
    last_sync_at: datetime | None = None
    """When a sync last brought the store up to date, whether or not it found anything new."""

    @property
    def revisable_until(self) -> date | None:
        """The day the newest cost data stops being revisable."""
        if self.cost_through is None:
            return None
        return self.cost_through + REVISION_WINDOW

    def sentence(self) -> str:
        """One line for the foot of every answer."""
        if self.engagement_through is None and self.cost_through is None:
            return "No data synced yet."
        parts: list[str] = []
        if self.engagement_through is not None:
            activity = f"activity through {_day(self.engagement_through)}"
            if self.engagement_revisable_until is not None:
                activity += f" (revisable until {_short(self.engagement_revisable_until)})"
            parts.append(activity)
        if self.cost_through is not None:
            parts.append(self._spend_through(self.cost_through))
            if self.revisable_until is not None:
                parts.append(f"spend revisable until {_day(self.revisable_until)}")
        text = "Data (UTC days): " + "; ".join(parts)
        if self.last_sync_at is not None:
            text += f" (synced {self.last_sync_at:%b %-d %H:%M} UTC)"
        return text + "."

    def _spend_through(self, last: date) -> str:
        """`spend through Nov 20, 2026`, or `spend up to Nov 20, 2026 12:00 UTC` while the API's
        export watermark has not passed the end of the last synced day (it is partial)."""
        mark = self.data_refreshed_at
        if mark is not None and mark.astimezone(UTC) < datetime.combine(
            last + timedelta(days=1), datetime.min.time(), UTC
        ):
            mark = mark.astimezone(UTC)
            return f"spend up to {_day(mark.date())} {mark:%H:%M} UTC"
        return f"spend through {_day(last)}"


def _day(value: date) -> str:
    return f"{value:%b} {value.day}, {value.year}"


def _short(value: date) -> str:
    return f"{value:%b} {value.day}"


def read_freshness(db: Database) -> Freshness:
    if "sync_ledger" not in db.table_names():
        return Freshness()

    def latest(datasets: tuple[str, ...]) -> date | None:
        marks = ",".join("?" * len(datasets))
        row = db.execute(
            f"SELECT max(day) FROM sync_ledger WHERE dataset IN ({marks})",  # noqa: S608
            datasets,
        ).fetchone()
        return date.fromisoformat(row[0]) if row and row[0] else None

    marks = ",".join("?" * len(DATASETS_COST))
    revisable = db.execute(
        f"SELECT min(day), max(data_refreshed_at) FROM sync_ledger "  # noqa: S608
        f"WHERE final = 0 AND dataset IN ({marks})",
        DATASETS_COST,
    ).fetchone()
    refreshed = db.execute(
        f"SELECT max(data_refreshed_at) FROM sync_ledger WHERE dataset IN ({marks})",  # noqa: S608
        DATASETS_COST,
    ).fetchone()
    marks_e = ",".join("?" * len(DATASETS_ENGAGEMENT))
    moving = db.execute(
        f"SELECT max(day) FROM sync_ledger WHERE final = 0 "  # noqa: S608
        f"AND dataset IN ({marks_e})",
        DATASETS_ENGAGEMENT,
    ).fetchone()
    revisable_until = (
        date.fromisoformat(moving[0]) + timedelta(days=ENGAGEMENT_REVISION_DAYS)
        if moving and moving[0]
        else None
    )
    history = run_history(db)
    if history.last_ok is not None:
        last_sync: datetime | None = history.last_ok.at
    else:
        fetched = db.execute("SELECT max(fetched_at) FROM sync_ledger").fetchone()
        last_sync = _ts(fetched[0] if fetched else None)
    return Freshness(
        engagement_through=latest(DATASETS_ENGAGEMENT),
        engagement_revisable_until=revisable_until,
        cost_through=latest(DATASETS_COST),
        data_refreshed_at=_ts(refreshed[0] if refreshed else None),
        oldest_revisable_day=date.fromisoformat(revisable[0]) if revisable[0] else None,
        last_sync_at=last_sync,
    )


def _ts(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
