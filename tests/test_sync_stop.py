"""A sync told to stop (serve got SIGTERM) writes no further day, keeps the whole days it wrote,
and is recorded as `stopped`: neither a success nor a failure, so it starts no back-off."""

from __future__ import annotations

import threading

from bot.store.plan import Task
from bot.store.progress import LogProgress
from bot.store.runs import run_history
from bot.store.schema import open_store
from tests.test_sync import NOW, MakeSim, assert_matches_simulator, ledger, run

STOP_AFTER = 5


class StopAfter(LogProgress):
    """Sets `stop` once `count` tasks are written: the moment SIGTERM would land."""

    def __init__(self, stop: threading.Event, count: int) -> None:
        super().__init__()
        self.stop, self.count, self.done = stop, count, 0

    def advance(self, task: Task, outcome: str) -> None:
        super().advance(task, outcome)
        self.done += 1
        if self.done == self.count:
            self.stop.set()


def test_a_stopped_sync_keeps_whole_days_and_is_recorded_as_stopped(
    make_simulator: MakeSim,
) -> None:
    sim = make_simulator(users=40, days=30, now=NOW, latency_ms=5)
    db = open_store(":memory:")
    try:
        stop = threading.Event()
        report = run(db, sim, NOW, progress=StopAfter(stop, STOP_AFTER), stop=stop)
        assert report.stopped
        assert report.outcome == "stopped"
        written = len(ledger(db))
        assert STOP_AFTER <= written < 100  # the plan was far from done
        assert_matches_simulator(db, sim, NOW)  # whole days, as the API served them
        (outcome, error) = db.execute("SELECT outcome, error FROM sync_runs").fetchone()
        assert (outcome, error) == ("stopped", None)
        history = run_history(db)
        assert (history.last_ok, history.consecutive_failures) == (None, 0)

        resumed = run(db, sim, NOW)  # the next start picks up where it stopped
        assert resumed.ok
        assert len(ledger(db)) > written
        assert_matches_simulator(db, sim, NOW)
    finally:
        db.close()
