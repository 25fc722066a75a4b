"""HTTP mode: a Starlette app with `POST /slack/events` (Bolt's Starlette adapter), `/healthz` and
`/readyz`; and the thread a uvicorn server runs in, for both modes.

Bolt's sync `App.dispatch` blocks, so it runs in Starlette's thread pool rather than on the event
loop: one slow request (e.g. the first `auth.test`) never holds up the acks of the others.

Socket mode has no events endpoint, but a container still needs its probes: `serve` runs
`create_health_app()` on `PORT` beside the socket, so the Dockerfile's check works in both modes.

    GET /healthz   liveness: 200 while the process serves HTTP (`HealthSource.live`)
    GET /readyz    readiness: 200 when it can do its job, else 503, with what is wrong
                   (`HealthSource.ready`; see `bot.service.health`)

Every request runs with a log id (`req-…`, see `bot.logging_setup`), which Bolt's lazy listeners
inherit; the probes themselves are never logged.
"""

from __future__ import annotations

import socket
import threading
from typing import Any, Protocol

import uvicorn
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.logging_setup import LOG_ID, new_log_id

EVENTS_PATH = "/slack/events"


class HealthSource(Protocol):
    def live(self) -> dict[str, Any]:
        """What `/healthz` shows; it answers 200 whenever the process can answer at all."""
        ...

    def ready(self) -> tuple[bool, dict[str, Any]]:
        """Whether `/readyz` answers 200 (else 503), and the JSON it shows."""
        ...


class _AlwaysReady:
    def live(self) -> dict[str, Any]:
        return {"ok": True}

    def ready(self) -> tuple[bool, dict[str, Any]]:
        return True, {"ready": True}


class LogIdMiddleware:
    """Gives each HTTP request its own log id for everything it logs, uvicorn's line included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = LOG_ID.set(new_log_id("req"))
        try:
            await self.app(scope, receive, send)
        finally:
            LOG_ID.reset(token)


def _probes(health: HealthSource | None) -> list[Route]:
    source = health or _AlwaysReady()

    async def healthz(request: Request) -> Response:
        return JSONResponse(source.live())

    async def readyz(request: Request) -> Response:
        ready, body = await run_in_threadpool(source.ready)  # it reads the store
        return JSONResponse(body, status_code=200 if ready else 503)

    return [Route("/healthz", healthz, methods=["GET"]), Route("/readyz", readyz, methods=["GET"])]


def create_http_app(bolt_app: App, *, health: HealthSource | None = None) -> Starlette:
    async def events(request: Request) -> Response:
        body = await request.body()
        bolt_response = await run_in_threadpool(bolt_app.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    return Starlette(
        routes=[Route(EVENTS_PATH, events, methods=["POST"]), *_probes(health)],
        middleware=[Middleware(LogIdMiddleware)],
    )


def create_health_app(*, health: HealthSource | None = None) -> Starlette:
    """Only the probes: what socket mode serves on `PORT`."""
    return Starlette(routes=_probes(health), middleware=[Middleware(LogIdMiddleware)])


class _Server(uvicorn.Server):
    """uvicorn.Server that says when it accepts connections (an event, never a sleep)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.started_event = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.started_event.set()


class ServerThread:
    """uvicorn serving `app` on `port` in a thread, stopped with `stop()`.

    The socket is bound here, so a port already in use fails `serve` at once with the OS error.
    Off the main thread uvicorn installs no signal handlers: `serve` owns SIGTERM and SIGINT
    (`bot.service.shutdown`) and stops this server in its turn. Its loggers go to the process's
    one configuration (`log_config=None`); `access_log` adds a line per request (probes aside).
    """

    def __init__(
        self,
        app: Starlette,
        port: int,
        *,
        host: str = "0.0.0.0",
        access_log: bool = True,
        graceful_seconds: float = 5.0,
    ) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._sock.bind((host, port))
        except OSError:
            self._sock.close()
            raise
        self._sock.listen(128)  # connections wait in the backlog until uvicorn accepts
        config = uvicorn.Config(
            app,
            log_config=None,
            log_level="info" if access_log else "warning",
            access_log=access_log,
            lifespan="off",
            ws="none",
            timeout_graceful_shutdown=int(graceful_seconds),
        )
        self._server = _Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name="http", daemon=True
        )

    def start(self, timeout: float = 30.0) -> ServerThread:
        self._thread.start()
        if not self._server.started_event.wait(timeout):
            raise RuntimeError("the HTTP server did not start")
        return self

    def stop(self, timeout: float | None = None) -> bool:
        """Stop accepting, let requests in flight finish, close; True if it ended in time."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._sock.close()
        return not self._thread.is_alive()
