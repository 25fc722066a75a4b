"""Sync progress: log lines when nobody watches a terminal, a rich bar when somebody does."""

from __future__ import annotations

import io
import logging
from datetime import date

import pytest
from rich.console import Console

from bot.store.plan import Task
from bot.store.progress import LogProgress, RichProgress, auto_progress

TASK = Task("summaries", date(2026, 3, 1), date(2026, 3, 4))


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_log_progress_is_a_few_lines_not_one_per_task(caplog: pytest.LogCaptureFixture) -> None:
    """374 tasks used to print 374 lines into a pipe; now at most one per tenth, ≥ 5 s apart."""
    caplog.set_level(logging.INFO, logger="bot.store.sync")
    clock = Clock()
    sink = LogProgress(every=5.0, clock=clock)
    sink.start(374)
    for _ in range(374):
        clock.now += 0.1  # 37 s in all
        sink.advance(TASK, "3 rows")
    sink.finish()
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0] == "sync: 374 tasks planned"
    assert lines[-1] == "sync: 374/374 tasks done"
    assert 3 <= len(lines) <= 12
    assert lines[1].startswith("sync: ")
    assert "%)" in lines[1]


def test_a_fast_sync_prints_only_the_plan_and_the_summary(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.store.sync")
    sink = LogProgress(every=5.0, clock=Clock())  # the clock never moves: all within 5 s
    sink.start(50)
    for _ in range(50):
        sink.advance(TASK, "3 rows")
    sink.finish()
    assert [r.getMessage() for r in caplog.records] == [
        "sync: 50 tasks planned",
        "sync: 50/50 tasks done",
    ]


def test_rich_progress_draws_on_a_terminal() -> None:
    out = io.StringIO()
    sink = RichProgress(Console(file=out, force_terminal=True, width=100))
    sink.start(1)
    sink.advance(TASK, "3 rows")
    sink.finish()
    assert "1/1" in out.getvalue()


def test_without_a_terminal_progress_is_log_lines() -> None:
    # pytest captures stderr, so it is not a TTY here: exactly the cron/container case.
    assert isinstance(auto_progress(), LogProgress)
