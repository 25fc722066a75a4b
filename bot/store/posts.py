"""Exactly-once posts: a message is claimed in the store before it is sent and marked after.

Table `posts` (m020), one row per (channel, kind, period, attempt):

    claimed   a process holds the lease (`owner`, `lease_until`) and is sending, or died trying
    posted    the message exists in Slack (`ts`); follow-ups such as chart uploads may be pending
    done      everything was sent
    skipped   a scheduled run missed by more than its grace period, deliberately never sent
    failed    Slack refused it `MAX_TRIES` times (an archived channel, a removed bot)

The row's primary key is the claim: SQLite lets exactly one `INSERT` win, across threads and
processes on the same file. Only the lease holder sends. A lease that runs out means its holder
died (or hangs), and another process may take it over, but only after looking in Slack for the
message the dead holder might have sent (`bot.slack.once`): the post carries metadata naming
`PostKey.claim_id`, so a crash between sending and marking never leads to a second post.

`attempt` 0 is the scheduled post; a forced re-post (`digest run --force`) takes the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlite_utils import Database

from bot.store.runs import parse_ts

State = Literal["claimed", "posted", "done", "skipped", "failed"]
MAX_TRIES = 3
"""Sends Slack refused before a claim is given up as `failed`."""


@dataclass(frozen=True)
class PostKey:
    channel: str
    kind: str
    """`daily`, `weekly`, or an alert kind (`alert.budget`, `alert.anomaly`)."""
    period: str
    """What the post is about: a day, a week's Monday, a month (`2026-11`), a breach."""
    attempt: int = 0

    @property
    def claim_id(self) -> str:
        """The id carried in the message metadata, by which a restarted process finds it."""
        return f"{self.channel}/{self.kind}/{self.period}/{self.attempt}"


@dataclass(frozen=True)
class PostRow:
    key: PostKey
    state: State
    owner: str | None
    claimed_at: datetime
    lease_until: datetime | None
    ts: str | None
    tries: int
    note: str | None

    def lease_expired(self, now: datetime) -> bool:
        return self.lease_until is None or self.lease_until <= now


def _iso(value: datetime) -> str:
    """Fixed-width UTC text, so SQLite compares leases as strings in time order."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_WHERE = "channel = ? AND kind = ? AND period = ? AND attempt = ?"


def _params(key: PostKey) -> tuple[str, str, str, int]:
    return key.channel, key.kind, key.period, key.attempt


def get_post(db: Database, key: PostKey) -> PostRow | None:
    row = db.execute(
        "SELECT state, owner, claimed_at, lease_until, ts, coalesce(tries, 0), note "  # noqa: S608
        f"FROM posts WHERE {_WHERE}",
        _params(key),
    ).fetchone()
    if row is None:
        return None
    state, owner, claimed, lease, ts, tries, note = row
    return PostRow(
        key=key,
        state=state,
        owner=owner,
        claimed_at=parse_ts(claimed),
        lease_until=parse_ts(lease) if lease else None,
        ts=ts,
        tries=int(tries),
        note=note,
    )


def claim(db: Database, key: PostKey, *, owner: str, now: datetime, lease: timedelta) -> bool:
    """True for exactly one caller per key: the one that may send."""
    with db.atomic():
        cursor = db.execute(
            "INSERT OR IGNORE INTO posts (channel, kind, period, attempt, state, owner, "
            "claimed_at, lease_until, tries) VALUES (?, ?, ?, ?, 'claimed', ?, ?, ?, 0)",
            (*_params(key), owner, _iso(now), _iso(now + lease)),
        )
    return cursor.rowcount == 1


def take_over(db: Database, seen: PostRow, *, owner: str, now: datetime, lease: timedelta) -> bool:
    """Take an expired claim as it was `seen`; False when someone else changed it first."""
    if not seen.lease_expired(now) or seen.state != "claimed":
        return False
    with db.atomic():
        cursor = db.execute(
            "UPDATE posts SET owner = ?, lease_until = ? "  # noqa: S608
            f"WHERE {_WHERE} AND state = 'claimed' AND owner IS ? AND lease_until IS ?",
            (
                owner,
                _iso(now + lease),
                *_params(seen.key),
                seen.owner,
                None if seen.lease_until is None else _iso(seen.lease_until),
            ),
        )
    return cursor.rowcount == 1


def mark_posted(db: Database, key: PostKey, *, ts: str, now: datetime) -> None:
    """The message exists: whoever holds the claim, it must never be sent again."""
    with db.atomic():
        db.execute(
            f"UPDATE posts SET state = 'posted', ts = ?, posted_at = ? WHERE {_WHERE} "  # noqa: S608
            "AND state IN ('claimed', 'failed')",
            (ts, _iso(now), *_params(key)),
        )


def mark_done(db: Database, key: PostKey, *, now: datetime) -> None:
    with db.atomic():
        db.execute(
            f"UPDATE posts SET state = 'done', done_at = ? WHERE {_WHERE}",  # noqa: S608
            (_iso(now), *_params(key)),
        )


def hold(db: Database, key: PostKey, *, owner: str, now: datetime, lease: timedelta) -> bool:
    """Renew the lease of a posted row to do its follow-ups (charts); False if another has it."""
    with db.atomic():
        cursor = db.execute(
            "UPDATE posts SET owner = ?, lease_until = ? "  # noqa: S608
            f"WHERE {_WHERE} AND state = 'posted' AND (owner IS ? OR lease_until IS NULL "
            "OR lease_until <= ?)",
            (owner, _iso(now + lease), *_params(key), owner, _iso(now)),
        )
    return cursor.rowcount == 1


def record_failure(
    db: Database, key: PostKey, *, owner: str, now: datetime, retry_after: timedelta, note: str
) -> State:
    """Slack refused the send: retry after `retry_after`, or give up after `MAX_TRIES`."""
    with db.atomic():
        db.execute(
            "UPDATE posts SET tries = coalesce(tries, 0) + 1, note = ?, lease_until = ?, "  # noqa: S608
            f"state = CASE WHEN coalesce(tries, 0) + 1 >= ? THEN 'failed' ELSE state END "
            f"WHERE {_WHERE} AND owner IS ? AND state = 'claimed'",
            (note, _iso(now + retry_after), MAX_TRIES, *_params(key), owner),
        )
    row = get_post(db, key)
    return "failed" if row is None else row.state


def record_skip(db: Database, key: PostKey, *, now: datetime, note: str) -> bool:
    """Mark a missed run as deliberately skipped; True the first time (so it is logged once)."""
    with db.atomic():
        cursor = db.execute(
            "INSERT OR IGNORE INTO posts (channel, kind, period, attempt, state, claimed_at, "
            "note, tries) VALUES (?, ?, ?, ?, 'skipped', ?, ?, 0)",
            (*_params(key), _iso(now), note),
        )
    return cursor.rowcount == 1


def next_attempt(db: Database, key: PostKey) -> PostKey:
    """The key of a forced re-post: one attempt after the highest so far."""
    row = db.execute(
        "SELECT max(attempt) FROM posts WHERE channel = ? AND kind = ? AND period = ?",
        (key.channel, key.kind, key.period),
    ).fetchone()
    highest = row[0] if row and row[0] is not None else -1
    return PostKey(key.channel, key.kind, key.period, int(highest) + 1)


def latest_attempt(db: Database, key: PostKey) -> PostRow | None:
    """The most recent attempt of a post (for a forced one, the newest re-post)."""
    row = db.execute(
        "SELECT max(attempt) FROM posts WHERE channel = ? AND kind = ? AND period = ?",
        (key.channel, key.kind, key.period),
    ).fetchone()
    if not row or row[0] is None:
        return None
    return get_post(db, PostKey(key.channel, key.kind, key.period, int(row[0])))
