"""Who a user id is: email and name from `directory`, falling back to `/users` activity rows.

Cost actors carry names but lose the email of deleted users; `/users` rows carry emails but no
names. The sync merges both into `directory`; this module only reads it, in one query per batch.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from bot.reports.profile_types import UserIdentity


def identities(db: Database, user_ids: Iterable[str]) -> dict[str, UserIdentity]:
    wanted = sorted(set(user_ids))
    found: dict[str, UserIdentity] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = db.execute(
            f"SELECT user_id, email, name, deleted FROM directory WHERE user_id IN ({marks})",  # noqa: S608
            chunk,
        ).fetchall()
        for user_id, email, name, deleted in rows:
            found[user_id] = UserIdentity(
                user_id=user_id, email=email, name=name, deleted=bool(deleted)
            )
    return {uid: found.get(uid, UserIdentity(user_id=uid, email=None, name=None)) for uid in wanted}


def find_user(db: Database, *, email: str | None = None, user_id: str | None = None) -> str | None:
    """The user id for an email (case-insensitive) or a known user id; None when unknown."""
    if user_id is not None:
        for table in ("directory", "user_cost", "user_activity"):
            row = db.execute(
                f"SELECT user_id FROM [{table}] WHERE user_id = ? LIMIT 1",  # noqa: S608
                (user_id,),
            ).fetchone()
            if row:
                return str(row[0])
        return None
    if email is None:
        return None
    row = db.execute(
        "SELECT user_id FROM directory WHERE lower(email) = lower(?) LIMIT 1", (email,)
    ).fetchone()
    if row is None:
        row = db.execute(
            "SELECT user_id FROM user_activity WHERE lower(email) = lower(?) "
            "ORDER BY day DESC LIMIT 1",
            (email,),
        ).fetchone()
    return str(row[0]) if row else None
