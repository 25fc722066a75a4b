"""Who a user id is: email and name from `directory`, falling back to `/users` activity rows.

Cost actors carry names but lose the email of deleted users; `/users` rows carry emails but no
names. The sync merges both into `directory`; this module only reads it, in one query per batch.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from bot.reports.types import UserIdentity


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


def find_user(
    db: Database,
    *,
    email: str | None = None,
    user_id: str | None = None,
    living_only: bool = False,
) -> str | None:
    """The one account an email (case-insensitive) or a user id names; None when unknown.

    An address can belong to several accounts over time (a deleted user's address reassigned to
    a new hire), so an email resolves to exactly one: a non-deleted account before a deleted
    one, then the one seen most recently, then the smallest id (deterministic). `living_only`
    (a Slack identity: `me`, a mention) never resolves to a deleted account: a person asking
    about themselves is alive, and must never be shown a former owner's spend.
    """
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
    candidates = db.execute(
        "SELECT user_id, coalesce(deleted, 0), coalesce(seen_on, '') FROM directory "
        "WHERE lower(email) = lower(?)",
        (email,),
    ).fetchall()
    if not candidates:
        # Older stores, or an account only ever seen in /users rows: their per-day emails.
        candidates = db.execute(
            "SELECT a.user_id, coalesce(d.deleted, 0), max(a.day) FROM user_activity a "
            "LEFT JOIN directory d USING (user_id) WHERE lower(a.email) = lower(?) "
            "GROUP BY a.user_id",
            (email,),
        ).fetchall()
    ranked = sorted(
        (bool(deleted), str(seen), str(uid))
        for uid, deleted, seen in candidates
        if not (living_only and deleted)
    )
    if not ranked:
        return None
    # Not deleted first; among equals the newest sighting, then the smallest id.
    best_deleted = ranked[0][0]
    same = [c for c in ranked if c[0] == best_deleted]
    newest = max(c[1] for c in same)
    return min(c[2] for c in same if c[1] == newest)
