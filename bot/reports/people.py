"""Who a user id is: email and name from `directory`, falling back to `/users` activity rows.

Cost actors carry names but lose the email of deleted users; `/users` rows carry emails but no
names. The sync merges both into `directory`; this module only reads it, in one query per batch.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from sqlite_utils import Database

from bot.errors import InputError
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


class NameNotFoundError(InputError):
    """No account, or more than one, answers to a display name; the sentence says what to type."""


_PLAIN_NAME = re.compile(r"[^\W\d_][\w .'’-]{0,79}")
_PLAIN_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,5}")
_SHOWN = 5


def find_by_name(db: Database, name: str) -> str:
    """The one account whose display name is `name` (`user "Ada Lovelace"`, admins only).

    Matched case- and space-insensitively: the exact name first, else every typed word as the
    start of a word of the name ("ada" finds Ada Lovelace); a living account before a deleted
    one. One match is the answer; several, or none, raise `NameNotFoundError` naming the
    candidates ("did you mean"). Names shown in that sentence are only plain ones (letters,
    spaces, apostrophes, hyphens), so a name like `<!channel>` never enters it: such a person
    is named by email or user id, which is also what the asker can type to pick them.
    """
    wanted = _fold(name)
    people = [
        (_fold(str(full)), UserIdentity(user_id=uid, email=email, name=full, deleted=bool(gone)))
        for uid, email, full, gone in db.execute(
            "SELECT user_id, email, name, coalesce(deleted, 0) FROM directory "
            "WHERE name IS NOT NULL ORDER BY user_id"
        ).fetchall()
    ]
    words = wanted.split()
    for matches in (
        lambda folded: folded == wanted,
        lambda folded: all(any(w.startswith(t) for w in folded.split()) for t in words),
    ):
        found = [who for folded, who in people if matches(folded)]
        living = [who for who in found if not who.deleted] or found
        if len(living) == 1:
            return living[0].user_id
        if living:
            raise NameNotFoundError(
                f"{len(living)} people match “{name}”: {_choices(living)}; ask again with "
                "the one you mean (its email address, or user id)."
            )
    close = difflib.get_close_matches(wanted, sorted({f for f, _ in people}), n=3, cutoff=0.75)
    near = [who for folded, who in people if folded in close and not who.deleted]
    hint = f" Did you mean {_choices(near)}?" if near else ""
    raise NameNotFoundError(
        f"Nobody called “{name}” appears in the synced Claude usage data.{hint}"
    )


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _choices(people: list[UserIdentity]) -> str:
    """`Ada Lovelace (ada@x.com)`, …: plain names only, each with what picks them out."""
    shown = []
    for who in people[:_SHOWN]:
        key = who.email if who.email and _PLAIN_EMAIL.fullmatch(who.email) else who.user_id
        plain = who.name and _PLAIN_NAME.fullmatch(who.name)
        shown.append(f"{who.name} (`{key}`)" if plain else f"`{key}`")
    more = len(people) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")
