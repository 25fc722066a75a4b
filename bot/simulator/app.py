"""The Starlette application serving the simulated Analytics API.

Every request passes, in order: counting (`/_sim/requests`), a request id, latency injection,
authentication (401/403), the `anthropic-version` check, rate limiting (429 + Retry-After),
failure injection (500/503/529), then the endpoint handler, which runs in a worker thread so a
slow query never blocks the loop. Errors use Anthropic's envelope; every response carries a
`request-id` header.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from pydantic_core import to_json
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.simulator.artifacts import artifacts_endpoint
from bot.simulator.auth import authenticate
from bot.simulator.breakdowns import breakdown_endpoint
from bot.simulator.config import SimConfig
from bot.simulator.context import RequestContext
from bot.simulator.cost_reports import bucketed_endpoint, per_user_endpoint
from bot.simulator.errors import ApiError
from bot.simulator.session_projects import projects_endpoint
from bot.simulator.sparse import sparsify
from bot.simulator.state import SimState
from bot.simulator.summaries import summaries_endpoint
from bot.simulator.users import users_endpoint

_log = logging.getLogger(__name__)
PREFIX = "/v1/organizations/analytics"
Handler = Callable[[RequestContext, list[tuple[str, str]]], dict[str, Any]]
HANDLERS: dict[str, Handler] = {
    f"{PREFIX}/users": users_endpoint,
    f"{PREFIX}/summaries": summaries_endpoint,
    f"{PREFIX}/apps/chat/projects": partial(breakdown_endpoint, kind="projects"),
    f"{PREFIX}/skills": partial(breakdown_endpoint, kind="skills"),
    f"{PREFIX}/connectors": partial(breakdown_endpoint, kind="connectors"),
    f"{PREFIX}/plugins": partial(breakdown_endpoint, kind="plugins"),
    f"{PREFIX}/artifacts": artifacts_endpoint,
    f"{PREFIX}/projects": projects_endpoint,
    f"{PREFIX}/user_usage_report": partial(per_user_endpoint, is_cost=False),
    f"{PREFIX}/user_cost_report": partial(per_user_endpoint, is_cost=True),
    f"{PREFIX}/usage_report": partial(bucketed_endpoint, is_cost=False),
    f"{PREFIX}/cost_report": partial(bucketed_endpoint, is_cost=True),
}


def _json(
    body: Any, status: int, request_id: str, headers: dict[str, str] | None = None
) -> Response:
    data = to_json(body)  # Rust: the same compact bytes as json.dumps, three times faster
    all_headers = {"request-id": request_id, **(headers or {})}
    return Response(data, status_code=status, media_type="application/json", headers=all_headers)


def _error(exc: ApiError, request_id: str) -> Response:
    return _json(exc.body(request_id), exc.status, request_id, exc.headers)


def _answer(handler: Handler, ctx: RequestContext, items: list[tuple[str, str]]) -> dict[str, Any]:
    """The endpoint's body, thinned by sparse mode (one post-processing step, same thread)."""
    body = handler(ctx, items)
    if ctx.config.sparse:
        sparsify(body, ctx.path.removeprefix(PREFIX + "/"), items, ctx.config.seed)
    return body


async def _api(request: Request) -> Response:
    state: SimState = request.app.state.sim
    path = request.url.path
    request_id = state.count(path)
    if state.config.latency_ms:
        await asyncio.sleep(state.config.latency_ms / 1000)
    try:
        handler = HANDLERS.get(path)
        if handler is None:
            raise ApiError(404, f"Not found: {path} is not an Analytics API endpoint")
        if request.method != "GET":
            raise ApiError(405, f"Method {request.method} not allowed; every endpoint is GET")
        key = authenticate(request.headers, state.config.auth, state.config.api_key)
        if key.endswith("-noscope"):
            raise ApiError(403, "this API key does not have the read:analytics scope")
        wait = state.rate_limited(key)
        if wait is not None:
            raise ApiError(
                429,
                "rate limit exceeded; retry after the Retry-After delay",
                {"retry-after": str(wait)},
            )
        failure = state.injected_failure()
        if failure is not None:
            kind = "overloaded" if failure == 529 else "internal server error"
            raise ApiError(failure, f"simulated {kind} (fail_rate)")
        ctx = RequestContext(state.org, state.config, state.now(), path)
        items = list(request.query_params.multi_items())
        body = await run_in_threadpool(_answer, handler, ctx, items)
    except ApiError as exc:
        return _error(exc, request_id)
    except Exception:  # a simulator bug must still answer like the API would
        _log.exception("simulator handler failed for %s", path)
        return _error(ApiError(500, "internal error in the simulator"), request_id)
    return _json(body, 200, request_id)


async def _sim_requests(request: Request) -> Response:
    state: SimState = request.app.state.sim
    return _json(state.counts(), 200, "req_sim")


async def _sim_reset(request: Request) -> Response:
    state: SimState = request.app.state.sim
    state.reset_counts()
    return _json({"reset": True}, 200, "req_sim")


def create_app(config: SimConfig, state: SimState | None = None) -> Starlette:
    """The ASGI app; pass `state` to share the clock and counters with a RunningSimulator."""
    app = Starlette(
        routes=[
            Route("/_sim/requests", _sim_requests, methods=["GET"]),
            Route("/_sim/reset-counts", _sim_reset, methods=["POST"]),
            Route("/{path:path}", _api, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        ]
    )
    app.state.sim = state if state is not None else SimState(config)
    return app
