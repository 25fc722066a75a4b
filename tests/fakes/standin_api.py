"""An independent stand-in of Anthropic's Claude Enterprise Analytics API, on loopback.

Why a second fake: the bot's simulator and its pydantic models were written from the same
reference, so they agree by construction. This one was written from the reference's prose alone
(/work/shared/analytics-api.md), never from the bot's code, and it serves the *sparsest* answers
that prose allows: optional keys left out, blocks missing, unknown keys added, amounts sometimes
JSON numbers, its own small page sizes with short and empty pages. A client that survives it
relies only on what the reference promises.

Served (all GET, under /v1/organizations/analytics, `x-api-key` required, `anthropic-version`
2023-06-01 if sent; `Authorization: Bearer` is not the guide's and not accepted):
    users, apps/chat/projects, skills, connectors   single-day mode (`date`), `limit`, `page`
    summaries                                       starting_date..ending_date (≤ 31 days)
    user_usage_report, user_cost_report             per-user, `group_by[]` product/model(/cost_type/
                                                    token_type), order_by/order, limit, page
    usage_report, cost_report                       1d buckets, `limit` counts buckets
    plugins, artifacts                              403 permission_error (not enabled)
Plus GET /_standin/requests (no key): {path: count} of every request seen.

Start it with `with start_standin(StandinConfig(...)) as api:` and point a client at
`api.base_url`, or by hand: `python -m tests.fakes.standin_api --port 8766 [--users N]`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

from tests.fakes import standin_engagement as eng
from tests.fakes import standin_reports as rep
from tests.fakes.loopback import LoopbackServer
from tests.fakes.standin_org import EARLIEST, Org, StandinConfig
from tests.fakes.standin_paging import ApiError, Query, bad_request, paginate

__all__ = ["API_PREFIX", "RecordedRequest", "RunningStandin", "StandinConfig", "start_standin"]

API_PREFIX = "/v1/organizations/analytics"
GUIDE_VERSION = "2023-06-01"
"""The only `anthropic-version` the guide documents (a request may also leave it out)."""
Payload = dict[str, Any]


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    """Lower-cased names."""
    status: int


def _engagement_day(query: Query, config: StandinConfig) -> date:
    query.reject(["starting_date", "ending_date"], "(range mode) is not supported by this stand-in")
    query.reject(
        ["filter[]", "group_by[]", "order", "order_by"], "is not supported by this stand-in"
    )
    day = query.day("date")
    if day is None:
        raise bad_request("date is required")
    if day < EARLIEST:
        raise bad_request("date must be on or after 2026-01-01")
    latest = config.latest_engagement_day
    if day > latest:
        raise bad_request(f"date must be on or before {latest.isoformat()}")
    return day


def _summaries(org: Org, query: Query, path: str) -> Payload:
    query.reject(["filter[]"], "is not supported by this stand-in")
    config = org.config
    start = query.day("starting_date")
    if start is None:
        raise bad_request("starting_date is required")
    if start < EARLIEST:
        raise bad_request("starting_date must be on or after 2026-01-01")
    latest = config.latest_engagement_day
    end = query.day("ending_date") or latest + timedelta(days=1)
    if end > config.today:
        raise bad_request(f"ending_date must be on or before {config.today.isoformat()}")
    if end <= start:
        raise bad_request("ending_date must be after starting_date")
    if (end - start).days > 31:
        raise bad_request("ending_date - starting_date must not exceed 31 days")
    return {"summaries": eng.summary_rows(org, start, end, latest)}


def _engagement(rows: Callable[[Org, date], list[Payload]]) -> Callable[[Org, Query, str], Payload]:
    def handle(org: Org, query: Query, path: str) -> Payload:
        day = _engagement_day(query, org.config)
        limit = query.limit(100, 1000)
        page = paginate(
            rows(org, day),
            limit=limit,
            cap=org.config.page_cap,
            page=query.one("page"),
            fingerprint=query.fingerprint(path),
        )
        return {"data": page.items, "next_page": page.next_page}

    return handle


def _per_user(cost: bool) -> Callable[[Org, Query, str], Payload]:
    orderable = (
        ("amount", "list_amount")
        if cost
        else ("total_tokens", "output_tokens", "uncached_input_tokens", "requests")
    )

    def handle(org: Org, query: Query, path: str) -> Payload:
        order_by = query.one("order_by") or orderable[0]
        if order_by not in orderable:
            raise bad_request(f"order_by must be one of {', '.join(orderable)}")
        order = query.one("order") or "desc"
        if order not in ("asc", "desc"):
            raise bad_request("order must be asc or desc")
        exclude = query.one("exclude_deleted_users") or "false"
        if exclude not in ("true", "false"):
            raise bad_request("exclude_deleted_users must be true or false")
        limit = query.limit(20, 1000)
        allowed = rep.COST_GROUPS if cost else rep.USAGE_GROUPS
        req = rep.parse_request(query, org, allowed=allowed, bucketed=False)
        build = rep.user_cost_units if cost else rep.user_usage_units
        units = build(org, req, order_by, order == "desc", exclude == "true")
        page = paginate(
            units,
            limit=limit,
            cap=org.config.page_cap,
            page=query.one("page"),
            fingerprint=query.fingerprint(path),
        )
        return rep.envelope(org, [row for unit in page.items for row in unit], page.next_page)

    return handle


def _bucketed(cost: bool) -> Callable[[Org, Query, str], Payload]:
    def handle(org: Org, query: Query, path: str) -> Payload:
        query.reject(["order", "order_by"], "is not supported on bucketed reports")
        limit = query.limit(7, 31)
        allowed = rep.COST_GROUPS if cost else rep.USAGE_GROUPS
        req = rep.parse_request(query, org, allowed=allowed, bucketed=True)
        buckets = rep.cost_buckets(org, req) if cost else rep.usage_buckets(org, req)
        page = paginate(
            buckets,
            limit=limit,
            cap=org.config.page_cap,
            page=query.one("page"),
            fingerprint=query.fingerprint(path),
        )
        return rep.envelope(org, page.items, page.next_page)

    return handle


def _not_enabled(org: Org, query: Query, path: str) -> Payload:
    raise ApiError(403, "permission_error", "this feature is not enabled for the organization")


ROUTES: dict[str, Callable[[Org, Query, str], Payload]] = {
    "/users": _engagement(eng.user_rows),
    "/apps/chat/projects": _engagement(eng.project_rows),
    "/skills": _engagement(eng.skill_rows),
    "/connectors": _engagement(eng.connector_rows),
    "/summaries": _summaries,
    "/user_usage_report": _per_user(cost=False),
    "/user_cost_report": _per_user(cost=True),
    "/usage_report": _bucketed(cost=False),
    "/cost_report": _bucketed(cost=True),
    "/plugins": _not_enabled,
    "/artifacts": _not_enabled,
}


class RunningStandin:
    """A started stand-in; also a context manager that stops it on exit."""

    def __init__(self, config: StandinConfig, host: str = "127.0.0.1", port: int = 0) -> None:
        self._org = Org(config)
        self._lock = threading.Lock()
        self._records: list[RecordedRequest] = []
        self._ids = itertools.count(1)
        self._server = LoopbackServer(_handler_for(self), host, port)
        self._server.start()

    def __enter__(self) -> RunningStandin:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def config(self) -> StandinConfig:
        return self._org.config

    @property
    def base_url(self) -> str:
        """Scheme, host and port; the API lives under `API_PREFIX` below it."""
        return self._server.url

    @property
    def org(self) -> Org:
        return self._org

    def set_now(self, now: datetime) -> None:
        """Move the stand-in's clock (the only clock it reads)."""
        self._org = Org(replace(self._org.config, now=now), self._org.people)

    def request_counts(self) -> dict[str, int]:
        with self._lock:
            return dict(Counter(r.path for r in self._records))

    def requests(self, path: str | None = None) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self._records if path is None or r.path == path]

    def stop(self) -> None:
        self._server.stop()

    def serve(self, request: RecordedRequest, raw_query: str) -> tuple[int, Payload]:
        """The answer to one request, as status and JSON body."""
        org = self._org
        try:
            if request.path == "/_standin/requests":
                return 200, self.request_counts()
            if request.headers.get("x-api-key") != org.config.api_key:
                raise ApiError(401, "authentication_error", "invalid x-api-key")
            version = request.headers.get("anthropic-version", GUIDE_VERSION)
            if version != GUIDE_VERSION:
                message = f"anthropic-version: unknown version {version!r}"
                raise ApiError(400, "invalid_request_error", message)
            route = ROUTES.get(request.path.removeprefix(API_PREFIX))
            if not request.path.startswith(API_PREFIX + "/") or route is None:
                raise ApiError(404, "not_found_error", f"no such endpoint: {request.path}")
            return 200, route(org, Query(raw_query), request.path)
        except ApiError as error:
            body = {"type": "error", "error": {"type": error.error_type, "message": error.message}}
            return error.status, body

    def record(self, request: RecordedRequest) -> str:
        with self._lock:
            self._records.append(request)
            return f"req_standin{next(self._ids):014d}"


def _handler_for(standin: RunningStandin) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stall

        def log_message(self, format: str, *args: Any) -> None:
            """Silence the default stderr access log."""

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            pending = RecordedRequest(url.path, Query(url.query).pairs, headers, 0)
            status, body = standin.serve(pending, url.query)
            request_id = standin.record(replace(pending, status=status))
            if status != 200:
                body["request_id"] = request_id
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("request-id", request_id)
            self.end_headers()
            self.wfile.write(payload)

    return Handler


def start_standin(config: StandinConfig | None = None, *, port: int = 0) -> RunningStandin:
    """Serve `config` (defaults: 25 users, seed 7, now 2026-11-20T12:00Z) on 127.0.0.1:`port`."""
    return RunningStandin(config or StandinConfig(), port=port)


def main(argv: list[str] | None = None) -> None:
    """Serve by hand until Ctrl-C, for pointing a real bot at it."""
    parser = argparse.ArgumentParser(prog="python -m tests.fakes.standin_api")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--users", type=int, default=25)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lag-days", type=int, default=3)
    parser.add_argument("--page-cap", type=int, default=7)
    parser.add_argument("--api-key", default="standin-key")
    parser.add_argument("--now", help="fixed clock, RFC 3339 (default: the wall clock at start)")
    args = parser.parse_args(argv)
    now = datetime.fromisoformat(args.now.replace("Z", "+00:00")) if args.now else None
    config = StandinConfig(
        users=args.users,
        seed=args.seed,
        now=(now or datetime.now(UTC)).astimezone(UTC),
        lag_days=args.lag_days,
        page_cap=args.page_cap,
        api_key=args.api_key,
    )
    standin = start_standin(config, port=args.port)
    print(standin.base_url, flush=True)
    print(
        f"CLAUDE_ANALYTICS_BASE_URL={standin.base_url} CLAUDE_ANALYTICS_API_KEY={config.api_key}",
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()


if __name__ == "__main__":
    main()
