"""Running the simulator: in a background thread for tests and the demo, or blocking for the CLI.

`start_simulator()` binds the socket itself (port 0 = any free port), starts uvicorn on it in a
daemon thread and returns once uvicorn has finished its startup (an event, never a sleep).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from datetime import datetime
from types import TracebackType

import uvicorn

from bot.errors import ClaudeUsageError
from bot.simulator.app import create_app
from bot.simulator.config import SimConfig
from bot.simulator.org import SyntheticOrg
from bot.simulator.state import SimState

_STARTUP_TIMEOUT_S = 30


class _Server(uvicorn.Server):
    """uvicorn.Server that signals when it accepts connections."""

    def __init__(self, config: uvicorn.Config, ready: threading.Event) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self._ready.set()


class RunningSimulator:
    """A simulator serving on `base_url` until `stop()` (or the end of a `with` block)."""

    def __init__(self, config: SimConfig, host: str = "127.0.0.1", port: int = 0) -> None:
        self.config = config
        self._state = SimState(config)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        bound_host, bound_port = self._sock.getsockname()[:2]
        self.base_url = f"http://{bound_host}:{bound_port}"
        app = create_app(config, self._state)
        uv_config = uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="off", ws="none", log_config=None
        )
        self._ready = threading.Event()
        self._server = _Server(uv_config, self._ready)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    @property
    def org(self) -> SyntheticOrg:
        """The synthetic org, for ground truth in tests."""
        return self._state.org

    def now(self) -> datetime:
        return self._state.now()

    def set_now(self, now: datetime) -> None:
        """Move the simulated clock: revisions, freshness and data_refreshed_at follow it."""
        self._state.set_now(now)

    def request_counts(self) -> dict[str, int]:
        return self._state.counts()

    def reset_counts(self) -> None:
        self._state.reset_counts()

    def start(self) -> RunningSimulator:
        self._thread.start()
        if not self._ready.wait(_STARTUP_TIMEOUT_S):
            self.stop()
            raise RuntimeError("simulator did not start")
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self._sock.close()

    def __enter__(self) -> RunningSimulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_simulator(config: SimConfig, host: str = "127.0.0.1", port: int = 0) -> RunningSimulator:
    """Start a simulator in a background thread; returns once it accepts connections."""
    return RunningSimulator(config, host, port).start()


def serve(
    config: SimConfig,
    host: str = "127.0.0.1",
    port: int = 8765,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve in the foreground until interrupted (the `simulate` command).

    The socket is bound before uvicorn starts so `announce` receives the real URL even for port 0.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ClaudeUsageError(
            f"Cannot listen on {host}:{port}: {exc.strerror or exc}. Choose another --port "
            "(0 picks a free one)."
        ) from None
    bound_host, bound_port = sock.getsockname()[:2]
    if announce is not None:
        announce(f"http://{bound_host}:{bound_port}")
    uv_config = uvicorn.Config(
        create_app(config), log_level="info", lifespan="off", ws="none", log_config=None
    )
    try:
        uvicorn.Server(uv_config).run(sockets=[sock])
    finally:
        sock.close()
