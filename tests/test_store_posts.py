"""The exactly-once ledger: one claim wins, leases expire, skips and forced attempts."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.store import posts
from bot.store.posts import PostKey
from bot.store.schema import open_store

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=10)
KEY = PostKey("C0DIGEST01", "daily", "2026-11-19")


def test_exactly_one_claim_wins_across_connections(tmp_path: Path) -> None:
    path = str(tmp_path / "store.db")
    open_store(path).close()
    start = threading.Barrier(8)
    won: list[str] = []

    def contend(name: str) -> None:
        db = open_store(path)
        start.wait()
        if posts.claim(db, KEY, owner=name, now=NOW, lease=LEASE):
            won.append(name)
        db.close()

    threads = [threading.Thread(target=contend, args=(f"p{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(won) == 1
    row = posts.get_post(open_store(path), KEY)
    assert row is not None
    assert (row.state, row.owner) == ("claimed", won[0])


def test_a_lease_can_be_taken_over_only_once_it_ran_out() -> None:
    db = open_store(":memory:")
    assert posts.claim(db, KEY, owner="a", now=NOW, lease=LEASE)
    seen = posts.get_post(db, KEY)
    assert seen is not None
    assert not posts.take_over(db, seen, owner="b", now=NOW + timedelta(minutes=9), lease=LEASE)
    later = NOW + timedelta(minutes=11)
    assert posts.take_over(db, seen, owner="b", now=later, lease=LEASE)
    # A second taker that read the same (now stale) row loses.
    assert not posts.take_over(db, seen, owner="c", now=later, lease=LEASE)
    row = posts.get_post(db, KEY)
    assert row is not None
    assert row.owner == "b"


def test_posted_rows_are_never_claimed_or_taken_again() -> None:
    db = open_store(":memory:")
    assert posts.claim(db, KEY, owner="a", now=NOW, lease=LEASE)
    posts.mark_posted(db, KEY, ts="1.000001", now=NOW)
    assert not posts.claim(db, KEY, owner="b", now=NOW, lease=LEASE)
    row = posts.get_post(db, KEY)
    assert row is not None
    assert (row.state, row.ts) == ("posted", "1.000001")
    assert not posts.take_over(db, row, owner="b", now=NOW + timedelta(days=1), lease=LEASE)
    # Follow-ups: the holder renews; another only after the lease ran out.
    assert posts.hold(db, KEY, owner="a", now=NOW, lease=LEASE)
    assert not posts.hold(db, KEY, owner="b", now=NOW + timedelta(minutes=5), lease=LEASE)
    assert posts.hold(db, KEY, owner="b", now=NOW + timedelta(minutes=11), lease=LEASE)
    posts.mark_done(db, KEY, now=NOW)
    row = posts.get_post(db, KEY)
    assert row is not None
    assert row.state == "done"


def test_refusals_retry_then_give_up() -> None:
    db = open_store(":memory:")
    assert posts.claim(db, KEY, owner="a", now=NOW, lease=LEASE)
    for attempt in range(1, posts.MAX_TRIES + 1):
        state = posts.record_failure(
            db, KEY, owner="a", now=NOW, retry_after=LEASE, note="not_in_channel"
        )
        assert state == ("failed" if attempt == posts.MAX_TRIES else "claimed")
    row = posts.get_post(db, KEY)
    assert row is not None
    assert (row.tries, row.note) == (posts.MAX_TRIES, "not_in_channel")


def test_skips_are_recorded_once_and_forced_posts_take_the_next_attempt() -> None:
    db = open_store(":memory:")
    assert posts.record_skip(db, KEY, now=NOW, note="missed by 300 min")
    assert not posts.record_skip(db, KEY, now=NOW, note="missed by 301 min")
    forced = posts.next_attempt(db, KEY)
    assert forced == PostKey(KEY.channel, KEY.kind, KEY.period, 1)
    assert forced.claim_id == "C0DIGEST01/daily/2026-11-19/1"
    assert posts.claim(db, forced, owner="a", now=NOW, lease=LEASE)
    assert posts.next_attempt(db, KEY).attempt == 2
    latest = posts.latest_attempt(db, KEY)
    assert latest is not None
    assert latest.key == forced
