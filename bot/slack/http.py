"""HTTP mode: a Starlette app with `POST /slack/events` (Bolt's Starlette adapter) and `/healthz`.

Bolt's sync `App.dispatch` blocks, so it runs in Starlette's thread pool rather than on the event
loop: one slow request (e.g. the first `auth.test`) never holds up the acks of the others.

Socket mode has no events endpoint, but a container still needs a health check: `serve` runs
`create_health_app()` on `PORT` beside the socket (see `start_health_server`), so the Dockerfile's
check works in both modes.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from typing import Any

import uvicorn
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

EVENTS_PATH = "/slack/events"


HealthInfo = Callable[[], dict[str, Any]]


def _healthz(info: HealthInfo | None) -> Route:
    async def healthz(request: Request) -> Response:
        return JSONResponse({"ok": True, **(info() if info else {})})

    return Route("/healthz", healthz, methods=["GET"])


def create_http_app(bolt_app: App, *, info: HealthInfo | None = None) -> Starlette:
    async def events(request: Request) -> Response:
        body = await request.body()
        bolt_response = await run_in_threadpool(bolt_app.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    return Starlette(routes=[Route(EVENTS_PATH, events, methods=["POST"]), _healthz(info)])


def create_health_app(*, info: HealthInfo | None = None) -> Starlette:
    """Only `GET /healthz`: the liveness endpoint of socket mode."""
    return Starlette(routes=[_healthz(info)])


def start_health_server(
    port: int, *, host: str = "0.0.0.0", info: HealthInfo | None = None
) -> threading.Thread:
    """Serve `/healthz` on `port` in a daemon thread (socket mode); the socket is bound here, so
    a port already in use fails `serve` at once with the OS error instead of later, silently."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)  # connections wait in the backlog until uvicorn accepts: no start-up race
    config = uvicorn.Config(
        create_health_app(info=info), log_level="warning", lifespan="off", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="healthz", daemon=True
    )
    thread.start()
    return thread
