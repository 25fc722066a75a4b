"""One tool per Analytics API endpoint, generated from the client's own method signatures.

`endpoint_input_model` reads `AnalyticsClient.<method>`'s keyword parameters and their types
(dates, RFC 3339 timestamps, lists, literals) into a pydantic model, so the tool's schema, the
validation of what Claude sends and the call are the client's, and cannot drift from it: every
date rule the client enforces (2026-01-01, 365 days back, today − 3 for engagement, 31-day
windows split for cost) answers Claude with the same sentence it gives the CLI.

Left out of the schemas: `limit` and cursors (the handler pages, up to `MAX_ROWS`, and sends
totals instead of pages) and `extra_params`. Timestamps accept a bare date (midnight UTC).
"""

from __future__ import annotations

import datetime as dt
import inspect
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from bot.analytics.cli import ENDPOINTS
from bot.analytics.client import AnalyticsClient
from tools import compact_api
from tools.compact import Json

MAX_ROWS = 5000
"""Rows one call fetches at most; totals then say they are partial (`complete: false`)."""
PER_USER_ENDPOINTS = frozenset({"users", "user_usage_report", "user_cost_report"})
METHODS: Mapping[str, str] = {f"api_{method}": method for method in ENDPOINTS.values()}
"""Tool name → client method: api_users, api_summaries, api_chat_projects, …"""
PATHS: Mapping[str, str] = {method: path for path, method in ENDPOINTS.items()}
_LEFT_OUT = frozenset({"self", "limit", "extra_params"})

PARAM_HELP: Mapping[str, str] = {
    "date": "One UTC day, YYYY-MM-DD (not with starting_date).",
    "starting_date": "First UTC day of a range, YYYY-MM-DD (inclusive).",
    "ending_date": "Day after the range, YYYY-MM-DD (exclusive).",
    "starting_at": "Start, RFC 3339 UTC or YYYY-MM-DD (= midnight UTC); inclusive.",
    "ending_at": "End, RFC 3339 UTC or YYYY-MM-DD; exclusive; default now.",
    "bucket_width": "Bucket size: 1d (default), 1h or 1m.",
    "filters": "filter[] values, e.g. rbac_group_id:rbac_group_01…",
    "group_by": "Dimensions to group by, e.g. product, model, cost_type, token_type.",
    "products": "Only these products (chat, claude_code, cowork, office_agent, …).",
    "models": "Only these model ids.",
    "user_ids": "Only these Analytics user ids (user_…).",
    "order": "asc or desc.",
    "order_by": "Sort field in the API's names (cost: amount, list_amount; usage: total_tokens, "
    "output_tokens, uncached_input_tokens, requests).",
}


def _utc(value: object) -> object:
    """A bare date or a naive timestamp means UTC (the API's days are UTC days)."""
    if isinstance(value, str) and len(value) == 10:
        value = f"{value}T00:00:00Z"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


UtcMoment = Annotated[dt.datetime, BeforeValidator(_utc)]


def _translate(hint: Any) -> Any:
    """A client annotation as a tool field type (Sequence → list, datetime → UTC moment)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return typing.Union[tuple(_translate(arg) for arg in typing.get_args(hint))]  # noqa: UP007
    if hint is dt.datetime:
        return UtcMoment
    if origin in (Sequence, list) or hint is Sequence:
        return Annotated[list[str], Field(max_length=100)]
    return hint


@cache
def endpoint_input_model(tool: str) -> type[BaseModel]:
    method = getattr(AnalyticsClient, METHODS[tool])
    hints = typing.get_type_hints(method)
    spec: dict[str, tuple[Any, Any]] = {}
    for name, param in inspect.signature(method).parameters.items():
        if name in _LEFT_OUT:
            continue
        default = ... if param.default is inspect.Parameter.empty else param.default
        spec[name] = (_translate(hints[name]), Field(default, description=PARAM_HELP.get(name)))
    model: type[BaseModel] = create_model(  # type: ignore[call-overload]
        f"{METHODS[tool]}_input", __config__=ConfigDict(extra="forbid"), **spec
    )
    return model


def _bounded_pages(paged: Any) -> tuple[list[Any], bool]:
    """Pages until `MAX_ROWS` rows (whole windows at a time); True when nothing was left."""
    pages: list[Any] = []
    rows = 0
    iterator: Iterator[Any] = iter(paged.pages())
    for page in iterator:
        pages.append(page)
        rows += len(page.rows)
        if rows >= MAX_ROWS:
            return pages, next(iterator, None) is None
    return pages, True


def call_endpoint(
    tool: str, values: Mapping[str, Any], client: AnalyticsClient, *, admin: bool
) -> Json:
    """Call the endpoint with validated `values`; the compact result (raises the client's
    `ClaudeUsageError`s, which the handler turns into `is_error` results)."""
    method = METHODS[tool]
    arguments = {k: v for k, v in values.items() if v is not None}
    pages, complete = _bounded_pages(getattr(client, method)(**arguments))
    rows = [row for page in pages for row in page.rows]
    refreshed = [p.data_refreshed_at for p in pages if getattr(p, "data_refreshed_at", None)]
    group_by = list(arguments.get("group_by") or [])
    if method == "summaries":
        body = compact_api.summaries(rows)
    elif method in ("user_usage_report", "user_cost_report"):
        body = compact_api.per_user(rows, group_by)
    elif method in ("usage_report", "cost_report"):
        body = compact_api.bucketed(rows, group_by)
    else:
        body = compact_api.engagement(method, rows, admin=admin)
    return {
        "source": f"live Analytics API /{PATHS[method]}",
        "query": {k: _shown(v) for k, v in arguments.items()},
        "complete": complete,
        **({"data_refreshed_at": _shown(max(refreshed))} if refreshed else {}),
        **body,
        **({} if complete else {"note": f"Stopped after {MAX_ROWS} rows; narrow the query."}),
    }


def _shown(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
