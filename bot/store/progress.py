"""Progress of a sync: a rich bar for a person at a terminal, plain log lines for everyone else.

A scheduler, a container or a test captures stderr; a bar there is noise, so the bar is chosen
only when stderr is a TTY. Both sinks receive the same three calls from the sync loop (always on
the writing thread).
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

from bot.store.plan import Task

if TYPE_CHECKING:
    from rich.console import Console

log = logging.getLogger("bot.store.sync")


class SyncProgress(Protocol):
    """Told how many tasks a sync has, then about each one as it is written or fails."""

    def start(self, total: int) -> None: ...

    def advance(self, task: Task, outcome: str) -> None: ...

    def finish(self) -> None: ...


class LogProgress:
    """A few INFO lines for cron, containers and pipes: at most one per tenth of the plan and
    never closer than `every` seconds (a demo sync of 374 tasks once printed 374 lines), then the
    summary. Failures are not throttled: the sync logs each one as a warning itself."""

    def __init__(self, *, every: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._total = 0
        self._done = 0
        self._every = every
        self._clock = clock
        self._last_at = 0.0
        self._last_tenth = 0

    def start(self, total: int) -> None:
        self._total, self._done = total, 0
        self._last_at, self._last_tenth = self._clock(), 0
        log.info("sync: %d tasks planned", total)

    def advance(self, task: Task, outcome: str) -> None:
        self._done += 1
        tenth = self._done * 10 // max(self._total, 1)
        now = self._clock()
        if tenth <= self._last_tenth or now - self._last_at < self._every:
            return
        self._last_tenth, self._last_at = tenth, now
        log.info(
            "sync: %d/%d tasks (%d%%), last %s %s: %s",
            self._done,
            self._total,
            self._done * 100 // max(self._total, 1),
            task.dataset,
            task.start.isoformat(),
            outcome,
        )

    def finish(self) -> None:
        log.info("sync: %d/%d tasks done", self._done, self._total)


class RichProgress:
    """A live bar on stderr (only ever chosen when stderr is a terminal)."""

    def __init__(self, console: Console | None = None) -> None:
        # rich is imported only when somebody watches a terminal (it costs ~50 ms of start-up)
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._bar = Progress(
            TextColumn("[bold]sync[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console or Console(stderr=True),
            transient=True,
        )
        self._id = self._bar.add_task("", total=0, start=False)

    def start(self, total: int) -> None:
        self._bar.start()
        self._bar.update(self._id, total=total)
        self._bar.start_task(self._id)

    def advance(self, task: Task, outcome: str) -> None:
        self._bar.update(self._id, advance=1, description=f"{task.dataset} {task.start}: {outcome}")

    def finish(self) -> None:
        self._bar.stop()

    def __enter__(self) -> RichProgress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._bar.stop()


def auto_progress() -> SyncProgress:
    """The bar when a person is watching stderr, log lines otherwise.

    The lines go through the process's one logging configuration (`bot.logging_setup`, which
    shows warnings and errors of other libraries only: httpx2, under the SDK, logs every request
    at INFO); the sync's own logger is let through at INFO so the lines are not dropped.
    """
    if sys.stderr.isatty():
        return RichProgress()
    log.setLevel(logging.INFO)
    return LogProgress()
