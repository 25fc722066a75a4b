"""`api_state`: what the Analytics API told us about itself, read and written (no API calls).

Kept apart from `bot.store.latest` (which asks the API) so `status` can show it without loading
the client. Keys: `LATEST_DAY` (the latest available engagement day the API named) and
`PROJECTS` ("present"/"absent": whether `/projects` exists for this organisation), each with
when it was learned.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlite_utils import Database

LATEST_DAY = "engagement_latest_day"
PROJECTS = "projects_endpoint"
"""`"absent"` when `/projects` answered 404; the row's `learned_at` says when."""


def remember(db: Database, key: str, value: str, learned_at: datetime) -> None:
    with db.atomic():
        db.table("api_state").upsert(
            {"key": key, "value": value, "learned_at": _iso(learned_at)}, pk="key"
        )


def recall(db: Database, key: str) -> tuple[str, datetime] | None:
    """(value, when it was learned), or None if the API never told us."""
    if "api_state" not in db.table_names():
        return None
    row = db.execute("SELECT value, learned_at FROM api_state WHERE key = ?", (key,)).fetchone()
    if row is None:
        return None
    return row[0], datetime.fromisoformat(row[1].replace("Z", "+00:00"))


def remembered_latest(db: Database) -> tuple[date, datetime] | None:
    """The latest available engagement day the API last named, and when it named it."""
    found = recall(db, LATEST_DAY)
    return None if found is None else (date.fromisoformat(found[0]), found[1])


def projects_absent(db: Database, now: datetime) -> bool:
    """Whether `/projects` answered 404 earlier today (UTC): not worth asking again yet."""
    found = recall(db, PROJECTS)
    if found is None or found[0] != "absent":
        return False
    return found[1].astimezone(UTC).date() == now.astimezone(UTC).date()


def note_projects(db: Database, now: datetime, *, present: bool) -> None:
    remember(db, PROJECTS, "present" if present else "absent", now)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
