"""Progress of a sync: a rich bar for a person at a terminal, plain log lines for everyone else.

A scheduler, a container or a test captures stderr; a bar there is noise, so the bar is chosen
only when stderr is a TTY. Both sinks receive the same three calls from the sync loop (always on
the writing thread).
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType
from typing import Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.store.plan import Task

log = logging.getLogger("bot.store.sync")


class SyncProgress(Protocol):
    """Told how many tasks a sync has, then about each one as it is written or fails."""

    def start(self, total: int) -> None: ...

    def advance(self, task: Task, outcome: str) -> None: ...

    def finish(self) -> None: ...


class LogProgress:
    """One INFO line per completed task: fine for cron, containers and tests."""

    def __init__(self) -> None:
        self._total = 0
        self._done = 0

    def start(self, total: int) -> None:
        self._total, self._done = total, 0
        log.info("sync: %d tasks planned", total)

    def advance(self, task: Task, outcome: str) -> None:
        self._done += 1
        span = task.start.isoformat()
        if len(task.days) > 1:
            span += f"..{task.days[-1].isoformat()}"
        log.info("sync [%d/%d] %s %s: %s", self._done, self._total, task.dataset, span, outcome)

    def finish(self) -> None:
        log.info("sync: %d/%d tasks done", self._done, self._total)


class RichProgress:
    """A live bar on stderr (only ever chosen when stderr is a terminal)."""

    def __init__(self, console: Console | None = None) -> None:
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

    Log lines need a handler: if the process configured none (a bare CLI run under cron), a plain
    stderr one is attached to the sync's own logger only, so the lines are not silently dropped
    and other libraries (httpx logs every request at INFO) stay quiet.
    """
    if sys.stderr.isatty():
        return RichProgress()
    if not logging.getLogger().handlers and not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    return LogProgress()
