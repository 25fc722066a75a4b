"""DM memory, question records and sync runs older than the retention period are pruned daily by
the scheduler; usage data, the last good sync and the failure streak after it are kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from slack_sdk import WebClient
from sqlite_utils import Database

from bot.config import Settings
from bot.scheduler import serve_scheduler
from bot.store.conversations import (
    QuestionRecord,
    load_history,
    note_thread,
    record_feedback,
    record_question,
    remember,
)
from bot.store.prune import prune
from bot.store.runs import finish_run, run_history, start_run
from bot.store.schema import open_store
from tests.test_store_migrations import OLD_STORES, load_dump

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
KEEP = timedelta(days=90)


def fill(db: Database, now: datetime) -> None:
    """Two threads and questions, one older than 90 days; five sync runs around the cut-off."""
    old, recent = now - timedelta(days=120), now - timedelta(days=10)
    note_thread(db, "D1:old", user_id="U1", channel="D1", at=old)
    remember(db, "D1:old", "who spent most?", "Ada.", at=old)
    note_thread(db, "D1:new", user_id="U1", channel="D1", at=old)  # opened long ago, still used
    remember(db, "D1:new", "an old question", "an old answer", at=old)
    remember(db, "D1:new", "and now?", "Grace.", at=recent)
    for at in (old, recent):
        question = record_question(
            db,
            QuestionRecord(thread="D1:x", user_id="U1", asked_at=at, mode="fallback",
                           outcome="answered"),
        )  # fmt: skip
        record_feedback(db, question, "U1", 1, at)
    for days, outcome in ((200, "ok"), (150, "failed"), (100, "ok"), (95, "failed"), (5, "failed")):
        at = now - timedelta(days=days)
        run = start_run(db, at)
        finish_run(db, run, finished_at=at, outcome=outcome,  # type: ignore[arg-type]
                   error_kind=None if outcome == "ok" else "unavailable")  # fmt: skip


def test_prune_forgets_what_is_older_than_the_retention(tmp_path: Path) -> None:
    db = open_store(str(tmp_path / "store.db"))
    try:
        fill(db, NOW)
        before = run_history(db)
        pruned = prune(db, now=NOW, keep=KEEP)
        assert (pruned.turns, pruned.threads, pruned.questions, pruned.runs) == (4, 1, 1, 2)
        assert load_history(db, "D1:old") == []
        assert [t.text for t in load_history(db, "D1:new")] == ["and now?", "Grace."]
        assert [r[0] for r in db.execute("SELECT thread FROM ask_threads")] == ["D1:new"]
        assert db.execute("SELECT count(*) FROM ask_feedback").fetchone() == (1,)
        # The last good run (100 days ago) and the failures after it stay: the back-off and the
        # one-off notices count from them.
        kept = [r[0] for r in db.execute("SELECT outcome FROM sync_runs ORDER BY id")]
        assert kept == ["ok", "failed", "failed"]
        assert run_history(db) == before
        assert prune(db, now=NOW, keep=KEEP).sentence() == (
            "pruned 0 remembered turns, 0 threads, 0 questions and 0 sync runs"
        )
    finally:
        db.close()


@pytest.mark.parametrize("dump", OLD_STORES, ids=lambda p: p.stem)
def test_what_an_older_release_stored_is_pruned_too(dump: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    load_dump(dump, path)
    db = open_store(str(path))
    try:
        pruned = prune(db, now=NOW, keep=KEEP)
        assert (pruned.turns, pruned.threads, pruned.questions) == (2, 1, 1)
        assert load_history(db, "D0FIXTURE:1.000") == []
        assert len(load_history(db, "D0FIXTURE:2.000")) == 2
    finally:
        db.close()


def test_the_scheduler_prunes_daily(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    now = datetime.now(UTC)
    db = open_store(str(path))
    fill(db, now)
    db.close()
    settings = Settings(db_path=path, retention_days=90)
    scheduler = serve_scheduler(settings, WebClient(token="xoxb-unused"))
    scheduler.start()
    try:
        job = scheduler.job("prune")
        assert str(job.trigger) == "cron[hour='3', minute='41']"
        job.func()  # what APScheduler runs at 03:41 UTC
    finally:
        scheduler.shutdown()
    db = open_store(str(path))
    try:
        assert db.execute("SELECT count(*) FROM ask_turns").fetchone() == (2,)
        assert db.execute("SELECT count(*) FROM sync_runs").fetchone() == (3,)
    finally:
        db.close()


def test_retention_cannot_drop_below_the_asking_cost_window() -> None:
    assert Settings().retention_days == 90
    with pytest.raises(ValidationError):
        Settings(retention_days=30)
