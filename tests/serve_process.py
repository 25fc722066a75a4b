"""`claude-usage serve` as a real process for tests: started as a session leader (as PID 1 is in
a container: nothing but our own handling may stop it), its JSON log read line by line, its
probes polled with a deadline, and stopped with a signal.

A child that is not PID 1 dies of an unhandled SIGTERM by the default action (exit code -15) in
no time, which would pass for a quick stop; only exit code 0 proves `serve` handled the signal.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    process: subprocess.Popen[str]
    port: int
    lines: list[str] = field(default_factory=list)
    ended: threading.Event = field(default_factory=threading.Event)
    """Set once the whole of stderr has been read (the process has exited)."""
    _queue: queue.Queue[str] = field(default_factory=queue.Queue)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_line(self, text: str, timeout: float = 60.0) -> str:
        """The first stderr line containing `text` (raises if the process ends or time runs out)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no line with {text!r}; got:\n" + "\n".join(self.lines[-30:]))
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                continue
            assert "Traceback" not in line, "\n".join(self.lines[-30:])
            if text in line:
                return line
            if line == "":  # end of output: the process has exited
                raise AssertionError("serve exited; last lines:\n" + "\n".join(self.lines[-30:]))

    def poll(
        self, path: str, until: Callable[[httpx.Response], bool], timeout: float = 30.0
    ) -> httpx.Response:
        """GET `path` until `until(response)` holds; returns that response (a polled condition
        with a deadline, not a fixed sleep)."""
        deadline = time.monotonic() + timeout
        last: httpx.Response | None = None
        while time.monotonic() < deadline:
            try:
                last = httpx.get(self.url(path), timeout=5)
            except httpx.TransportError:
                last = None
            if last is not None and until(last):
                return last
            time.sleep(0.05)  # polling interval only; the condition is what we wait for
        body = last.text if last is not None else "no answer"
        raise TimeoutError(f"{path} never matched in {timeout} s; last: {body}")

    def stop(self, signum: signal.Signals = signal.SIGTERM, timeout: float = 30.0) -> float:
        """Send `signum`, wait for the exit; returns the seconds it took (then waits until every
        line it wrote has been read)."""
        started = time.monotonic()
        self.process.send_signal(signum)
        self.process.wait(timeout=timeout)
        took = time.monotonic() - started
        assert self.ended.wait(timeout), "stderr was not read to its end"
        return took

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines if line.startswith("{")]


def start_serve(env: dict[str, str], cwd: Path) -> Served:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        cwd=cwd,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "CLAUDE_USAGE_LOG_FORMAT": "json",
            **env,
        },
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    served = Served(process, int(env["PORT"]))
    stream = process.stderr
    assert stream is not None

    def pump() -> None:
        for line in stream:
            served.lines.append(line.rstrip("\n"))
            served._queue.put(line.rstrip("\n"))
        served._queue.put("")
        stream.close()
        served.ended.set()

    threading.Thread(target=pump, daemon=True).start()
    return served


def kill(served: Served) -> None:
    """Teardown: end a `serve` a failed test left running (its own process id only)."""
    if served.process.poll() is None:
        served.process.kill()
        served.process.wait(timeout=30)
