"""Stopping `serve` on SIGTERM or SIGINT: in order, within a deadline, exit 0.

In a container `serve` is PID 1, and the kernel drops any signal PID 1 has no handler for: that
is why socket mode sat through every `docker stop` until SIGKILL (Python handles SIGINT only;
uvicorn, in HTTP mode, happened to handle SIGTERM). Rather than a Python handler, which runs
in the middle of whatever the main thread was doing, the two signals are *blocked* in every
thread before the first thread starts (threads inherit the mask) and the main thread takes them
with `sigwait`. The kernel never drops a blocked signal, PID 1 or not (`sig_ignored`: "Blocked
signals are never ignored"), and a signal that arrives during start-up waits its turn.

Then `Stopper` runs the steps of `bot.service.run` one after another, each in a helper thread so
that none can overrun the budget (`SHUTDOWN_SECONDS`, under Docker's default 10 s grace). A step
still running when the budget is spent is abandoned: its threads die with the process, and
SQLite rolls back any transaction they left open (each day of a sync is one transaction, so the
store holds whole days only).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

STOP_SIGNALS = frozenset({signal.SIGTERM, signal.SIGINT})
SHUTDOWN_SECONDS = 8.0


def block_stop_signals() -> None:
    """Keep SIGTERM and SIGINT pending for `wait_for_stop_signal`; call before any thread starts.

    A thread started before this would not inherit the mask, and the kernel may hand it the
    signal, which then kills the process (default action) instead of stopping it.
    """
    if threading.active_count() > 1:
        names = ", ".join(t.name for t in threading.enumerate() if t is not threading.main_thread())
        log.warning("threads started before the stop signals were blocked: %s", names)
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)


def wait_for_stop_signal() -> signal.Signals:
    """Block until SIGTERM or SIGINT arrives (or already has); returns which."""
    return signal.Signals(signal.sigwait(STOP_SIGNALS))


class Stopper:
    """Runs shutdown steps in order within one budget; remembers which did not finish."""

    def __init__(
        self, budget: float = SHUTDOWN_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.clock = clock
        self.started = clock()
        self.deadline = self.started + budget
        self.unfinished: list[str] = []

    def left(self) -> float:
        return max(0.0, self.deadline - self.clock())

    def elapsed(self) -> float:
        return self.clock() - self.started

    def step(self, name: str, action: Callable[[], bool | None]) -> bool:
        """Run `action` until it returns or the budget is spent; True when it finished (an
        action that waits itself may return False: it gave up before its work was done)."""
        done: list[bool] = []

        def run() -> None:
            try:
                done.append(action() is not False)
            except Exception:
                log.exception("shutdown: %s failed", name)
                done.append(True)  # failed, but over: nothing of it is still running

        helper = threading.Thread(target=run, name=f"stop-{name}", daemon=True)
        helper.start()
        helper.join(self.left())
        if helper.is_alive() or done != [True]:
            self.unfinished.append(name)
            log.warning("shutdown: %s did not finish within %.0f s", name, SHUTDOWN_SECONDS)
            return False
        return True
