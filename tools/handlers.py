"""Tool name → result: every tool call becomes a bounded JSON result, never an exception.

`run_tool(name, input, ctx)` validates the input with the tool's own model, applies the access
rule in code (a member asking for per-user data is refused here even when the model was never
offered the tool: a prompt injection can make the model ask, not make the handler answer),
runs the report, endpoint or query, and returns a `ToolOutcome`: the JSON content (≤ 4 KB,
`tools.compact.bounded`), whether it is an error, and one line for "How I got this".

Errors come back as `is_error` results holding one sentence Claude can act on: the period
grammar, "before 2026-01-01", "not available yet (latest day …)", a refused SQL statement.
Unexpected failures are logged with their traceback and reported as a generic sentence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlite_utils import Database

from bot.analytics.client import AnalyticsClient
from bot.config import Settings
from bot.errors import ClaudeUsageError
from bot.reports import access
from bot.reports.command_models import ReportCommand, UserCommand
from bot.reports.dispatch import run_report
from bot.reports.types import StatusReport
from bot.store.freshness import read_freshness
from tools.api_tools import call_endpoint, endpoint_input_model
from tools.compact import Json, bounded
from tools.compact_reports import compact_report
from tools.definitions import SqlInput, ToolSpec, all_tools
from tools.report_tools import Asker
from tools.sql_tool import run_select

log = logging.getLogger(__name__)

PER_USER_REFUSAL = (
    "Refused: this needs per-user data, which only Claude usage admins may see. Answer with "
    "organisation-level figures or the asker's own usage (my_usage) instead, and tell the asker "
    "that per-user figures are for admins."
)
GENERIC_FAILURE = "The tool failed on our side (logged); try another tool or a narrower question."


@dataclass
class ToolContext:
    """What a tool call may use: the store, the day, the asker and the configured clients."""

    db: Database
    today: date
    now: datetime
    asker: Asker
    settings: Settings
    db_path: str | None = None
    analytics: Callable[[], AnalyticsClient] | None = None
    """Opens a client for the live API; None when no Analytics API key is configured."""
    specs: dict[str, ToolSpec] = field(default_factory=dict)
    """The tools offered for this question (empty: every tool); others are refused."""


@dataclass(frozen=True)
class ToolOutcome:
    name: str
    input: Mapping[str, Any]
    content: str
    is_error: bool
    summary: str


def run_tool(name: str, raw: Mapping[str, Any], ctx: ToolContext) -> ToolOutcome:
    """One tool call, whatever happens (see the module docstring)."""
    known = _CATALOGUE.get(name)
    spec = ctx.specs.get(name) if ctx.specs else known
    try:
        if known is not None and known.admin_only and not ctx.asker.is_admin:
            return _error(name, raw, PER_USER_REFUSAL)  # offered or not: the rule is here
        if spec is None:
            return _error(name, raw, f"There is no tool named {name!r} here; use a listed tool.")
        if spec.kind == "report":
            payload = _report(spec, raw, ctx)
        elif spec.kind == "api":
            payload = _api(name, raw, ctx)
        else:
            payload = _sql(raw, ctx)
    except _Refused as exc:
        return _error(name, raw, str(exc))
    except ValidationError as exc:
        return _error(name, raw, _invalid(exc))
    except ClaudeUsageError as exc:
        return _error(name, raw, str(exc))
    except Exception:
        log.exception("tool %s failed on %r", name, dict(raw))
        return _error(name, raw, GENERIC_FAILURE)
    content = bounded({"tool": name, **payload})
    return ToolOutcome(name, raw, content, False, _summary(name, raw, payload))


_CATALOGUE = {spec.name: spec for spec in all_tools(sql_schema="(see the tool description)")}
"""Every tool there is: a call to a tool that was not offered is still judged by its rule."""


class _Refused(Exception):
    """A call the asker may not make, caught before anything runs."""


def _error(name: str, raw: Mapping[str, Any], sentence: str) -> ToolOutcome:
    content = bounded({"tool": name, "error": sentence})
    return ToolOutcome(name, raw, content, True, f"{name}: error: {sentence}")


def _invalid(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors()[:3]:
        where = ".".join(str(part) for part in error["loc"]) or "input"
        problems.append(f"{where}: {error['msg']}")
    return "Invalid input — " + "; ".join(problems) + "."


def _report(spec: ToolSpec, raw: Mapping[str, Any], ctx: ToolContext) -> Json:
    assert spec.report is not None
    command = spec.report.command(raw, today=ctx.today, asker=ctx.asker)
    command = _authorized(command, ctx.asker)
    result = run_report(
        command, ctx.db, today=ctx.today, seat_price_cents=ctx.settings.seat_price_cents
    )
    if isinstance(result, StatusReport) and not ctx.asker.is_admin:
        result = result.for_everyone()
    return compact_report(result)


def _authorized(command: ReportCommand, asker: Asker) -> ReportCommand:
    """The access rule again, on the command itself (`bot.reports.access`): `me` is the asker's
    email, and a member sees only their own living account and organisation-level reports."""
    try:
        return access.authorize(command, asker, lambda user: _me(user, asker))
    except access.Refused:
        raise _Refused(PER_USER_REFUSAL) from None


def _me(command: UserCommand, asker: Asker) -> UserCommand:
    if not command.target.me:
        return command
    if asker.email is None:
        raise _Refused(
            "I don't know the asker's email address, so I can't match them to Claude "
            "usage; tell them to ask an admin."
        )
    return command.with_email(asker.email)


def _api(name: str, raw: Mapping[str, Any], ctx: ToolContext) -> Json:
    values = endpoint_input_model(name).model_validate(dict(raw)).model_dump()
    if not ctx.asker.is_admin and values.get("user_ids"):
        raise _Refused(PER_USER_REFUSAL)
    if ctx.analytics is None:
        raise _Refused(
            "The live Analytics API is not configured here (no CLAUDE_ANALYTICS_API_KEY); use "
            "the report tools, which read the local store."
        )
    with ctx.analytics() as client:
        return call_endpoint(name, values, client, admin=ctx.asker.is_admin)


def _sql(raw: Mapping[str, Any], ctx: ToolContext) -> Json:
    query = SqlInput.model_validate(dict(raw))
    if ctx.db_path is None:
        raise _Refused("The SQL tool needs a store file; use the report tools.")
    result = run_select(ctx.db_path, query.sql)
    return {**result, "freshness": read_freshness(ctx.db).sentence()}


_HEADLINES: dict[str, tuple[str, ...]] = {
    "top_spenders": ("total_of_people", "people_with_spend"),
    "spend": ("total", "change"),
    "tokens": ("total_tokens", "change"),
    "adoption": ("dau", "mau", "active_users"),
    "projects": ("count",),
    "skills": ("count",),
    "connectors": ("count",),
    "user": ("spend", "tokens"),
    "compare": ("spend",),
    "finance": ("month_to_date", "projected_month"),
    "status": (),
}


def _summary(name: str, raw: Mapping[str, Any], payload: Json) -> str:
    """`spend(period=last-week) · Nov 9 – Nov 15, 2026 · total $1,234.00`: one line per call."""
    args = ", ".join(f"{k}={v}" for k, v in raw.items() if v not in (None, "", []))
    parts = [f"{name}({args})"]
    period = payload.get("period")
    if isinstance(period, dict):
        parts.append(f"{period['start']}..{period['end']}")
    for key in _HEADLINES.get(str(payload.get("report", "")), ()):
        parts.append(f"{key.replace('_', ' ')} {_short(payload.get(key))}")
    for key in ("total", "people", "rows_fetched", "row_count"):
        if "report" not in payload and key in payload:
            parts.append(f"{key.replace('_', ' ')} {_short(payload[key])}")
    return " · ".join(parts)


def _short(value: object) -> str:
    if isinstance(value, dict):
        if "now" in value:
            return f"{value['now']} (was {value['before']})"
        partly = set(value.get("partly_reported", ()))
        shown = [(k, v) for k, v in value.items() if k != "partly_reported"][:3]
        return ", ".join(
            f"{k.replace('_', ' ')} {v}" + (" (partly reported)" if k in partly else "")
            for k, v in shown
        )
    return str(value)
