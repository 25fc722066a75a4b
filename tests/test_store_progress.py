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


def test_log_progress_writes_one_line_per_task(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.store.sync")
    sink = LogProgress()
    sink.start(2)
    sink.advance(TASK, "3 rows")
    sink.advance(Task("users", date(2026, 3, 1), date(2026, 3, 2)), "failed")
    sink.finish()
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "sync: 2 tasks planned",
        "sync [1/2] summaries 2026-03-01..2026-03-03: 3 rows",
        "sync [2/2] users 2026-03-01: failed",
        "sync: 2/2 tasks done",
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
