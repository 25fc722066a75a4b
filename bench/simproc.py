"""Benchmark helpers: a simulator in its own process, and timing a command as the user sees it.

Why a process of its own: a simulator in the benchmark's process would share its GIL with the
code under test, and the real API never does. Why "the whole command": what a user waits for is
`claude-usage …` from exec to exit, interpreter start-up and imports included, so contenders are
run as subprocesses and timed from the outside; peak RSS comes from `wait4` on that child.

With `record=True` the simulator also logs every API request it answered (path, query string,
status), served at `GET /_bench/requests`: the exact request list one contender sent, for a
baseline to replay.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.simulator.config import SimConfig

API_PREFIX = "/v1/organizations/analytics/"
LOG_PATH = "/_bench/requests"
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


class Recorder:
    """ASGI wrapper: remembers (path, query string, status) of every API request it passes on."""

    def __init__(self, app: Asgi) -> None:
        self.app = app
        self.log: list[tuple[str, str, int]] = []
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == LOG_PATH:
            with self._lock:
                body = json.dumps(self.log).encode()
            headers = [(b"content-type", b"application/json")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        status = [0]

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        await self.app(scope, receive, watch)
        if scope["path"].startswith(API_PREFIX):
            with self._lock:
                self.log.append((scope["path"], scope["query_string"].decode("latin-1"), status[0]))


def _serve(config_json: str, record: bool, urls: mp.Queue[str], stop: Event) -> None:
    """Child process: uvicorn serving the simulator on a free loopback port until `stop`."""
    import uvicorn

    from bot.simulator.app import create_app

    app: Any = create_app(SimConfig.model_validate_json(config_json))
    if record:
        app = Recorder(app)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    host, port = sock.getsockname()[:2]
    ready = threading.Event()

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            ready.set()

    server = Server(
        uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", ws="none")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    if not ready.wait(300):
        raise SystemExit("simulator did not start")
    urls.put(f"http://{host}:{port}")
    stop.wait()
    server.should_exit = True
    thread.join(timeout=30)


class RemoteSimulator:
    """A simulator in a separate process, reached only over loopback HTTP."""

    def __init__(self, config: SimConfig, *, record: bool = False) -> None:
        ctx = mp.get_context("spawn")
        self.config = config
        self._urls: mp.Queue[str] = ctx.Queue()
        self._stop = ctx.Event()
        self._process = ctx.Process(
            target=_serve,
            args=(config.model_dump_json(), record, self._urls, self._stop),
            daemon=True,
        )
        self._process.start()
        self.base_url = self._urls.get(timeout=300)
        self._http = httpx.Client(base_url=self.base_url, timeout=120)

    def counts(self) -> dict[str, int]:
        """Requests served per endpoint (short name, e.g. `users`, `user_cost_report`)."""
        raw: dict[str, int] = self._http.get("/_sim/requests").json()
        return {path.removeprefix(API_PREFIX): n for path, n in raw.items()}

    def requests(self) -> list[tuple[str, str, int]]:
        """(path, query string, status) of every API request, in arrival order (record=True)."""
        return [(str(p), str(q), int(s)) for p, q, s in self._http.get(LOG_PATH).json()]

    def cpu_seconds(self) -> float:
        """CPU time the simulator process has used (Linux /proc; 0 elsewhere)."""
        try:
            stat = Path(f"/proc/{self._process.pid}/stat").read_text()
        except OSError:
            return 0.0
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def env(self, db_path: Path) -> dict[str, str]:
        """The environment a `claude-usage` child needs to use this simulator and `db_path`."""
        scrubbed = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("CLAUDE_", "ANTHROPIC_", "SLACK_"))
        }
        return {
            **scrubbed,
            "CLAUDE_USAGE_DB": str(db_path),
            "CLAUDE_ANALYTICS_BASE_URL": self.base_url,
            "CLAUDE_ANALYTICS_API_KEY": self.config.api_key,
        }

    def stop(self) -> None:
        self._http.close()
        self._stop.set()
        self._process.join(timeout=30)

    def __enter__(self) -> RemoteSimulator:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


@dataclass(frozen=True)
class Finished:
    """A child command run to completion, measured from outside."""

    seconds: float
    returncode: int
    stdout: str
    stderr: str
    peak_rss_mb: float
    """Peak resident set of the child (ru_maxrss from wait4, KiB on Linux)."""
    cpu_seconds: float


def claude_usage() -> list[str]:
    """The `claude-usage` console script beside this interpreter (what users run), else -m."""
    script = Path(sys.executable).with_name("claude-usage")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def run_child(argv: Sequence[str], env: dict[str, str] | None = None) -> Finished:
    """Run `argv` to completion; wall time from spawn to reaped, plus its own peak RSS and CPU.

    `wait4` on the one pid (not RUSAGE_CHILDREN, which mixes in every child ever reaped, such
    as the simulator processes) gives the figures of exactly this command.
    """
    with open(os.devnull, "rb") as stdin:
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            env=env,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        out, err = _drain(proc)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Finished(
        seconds,
        proc.returncode,
        out,
        err,
        usage.ru_maxrss / 1024,
        usage.ru_utime + usage.ru_stime,
    )


def _drain(proc: subprocess.Popen[bytes]) -> tuple[str, str]:
    """Read both pipes to EOF without reaping the child (communicate() would wait() on it)."""
    chunks: dict[str, list[bytes]] = {"out": [], "err": []}

    def pump(name: str, pipe: Any) -> None:
        for block in iter(lambda: pipe.read(65536), b""):
            chunks[name].append(block)
        pipe.close()

    threads = [
        threading.Thread(target=pump, args=("out", proc.stdout)),
        threading.Thread(target=pump, args=("err", proc.stderr)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return (
        b"".join(chunks["out"]).decode(errors="replace"),
        b"".join(chunks["err"]).decode(errors="replace"),
    )


def own_peak_rss_mb() -> float:
    """This process's peak RSS (for a child reporting its own figure)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
