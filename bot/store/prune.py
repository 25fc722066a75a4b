"""Forgetting by age: conversation memory and run history older than the retention period.

Thread memory (`ask_turns`, `ask_threads`) holds what people asked in DMs, and `ask_questions` /
`ask_feedback` who asked and what it cost; `sync_runs` gets a row per sync. None of it is usage
data, none of it is needed for long, and all of it grows for ever: the scheduler prunes it daily
(`CLAUDE_USAGE_RETENTION_DAYS`, default 90; at least 31, since `status` totals the asking cost of
the last 30 days). Usage data, digests and alerts are kept: they are the product.

Sync runs are pruned only before the last successful one: the failure streak after it is what
the back-off and the one-off "key rejected" notice are counted from, and the last success is
what "last synced" reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from bot.store.runs import SUCCESSFUL

DEFAULT_RETENTION_DAYS = 90


@dataclass(frozen=True)
class Pruned:
    turns: int
    threads: int
    questions: int
    runs: int

    def sentence(self) -> str:
        return (
            f"pruned {self.turns} remembered turns, {self.threads} threads, {self.questions} "
            f"questions and {self.runs} sync runs"
        )


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def prune(db: Database, *, now: datetime, keep: timedelta) -> Pruned:
    """Delete what is older than `now - keep` (see the module docstring), in one transaction."""
    cutoff = _iso(now - keep)
    ok = f"SELECT max(id) FROM sync_runs WHERE outcome IN {SUCCESSFUL!r}"  # noqa: S608
    with db.atomic():
        turns = db.execute("DELETE FROM ask_turns WHERE at < ?", (cutoff,)).rowcount
        threads = db.execute(
            "DELETE FROM ask_threads WHERE coalesce(updated_at, started_at) < ? "
            "AND thread NOT IN (SELECT thread FROM ask_turns)",
            (cutoff,),
        ).rowcount
        db.execute(
            "DELETE FROM ask_feedback WHERE question_id IN "
            "(SELECT id FROM ask_questions WHERE asked_at < ?)",
            (cutoff,),
        )
        questions = db.execute("DELETE FROM ask_questions WHERE asked_at < ?", (cutoff,)).rowcount
        runs = db.execute(
            f"DELETE FROM sync_runs WHERE coalesce(finished_at, started_at) < ? AND id < ({ok})",  # noqa: S608
            (cutoff,),
        ).rowcount
    return Pruned(turns, threads, questions, runs)
