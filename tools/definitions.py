"""Every tool Claude may call, as data: name, description, input model and who may use it.

    report tools   one per `/claude-usage` report, generated from its command model
                   (`tools.report_tools`); they read the local store: instant and compact
    api_* tools    one per Analytics API endpoint, generated from the client's signatures
                   (`tools.api_tools`); live, for what the store does not hold
    sql            admin-only read-only SELECT over the store (`tools.sql_tool`)

`tools_for(asker, …)` is the access rule's first half: a member (non-admin) is offered only
organisation-level tools and their own usage. Handlers (`tools.handlers`) are the second half:
they refuse a per-user call from a member even if the model makes one anyway.

Descriptions teach the data rules, because Claude reads them before every call: UTC days, the
three-day engagement delay, 31-day windows, 30-day revisions, "not reported" vs zero, billed
vs list price. `tool_params` marks the last tool with `cache_control`, so the whole tool list
is one cached prefix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from anthropic.types import ToolParam
from pydantic import BaseModel, ConfigDict, Field

from bot.reports.command_models import (
    AdoptionCommand,
    CompareCommand,
    FinanceCommand,
    RankingCommand,
    SpendCommand,
    StatusCommand,
    TokensCommand,
    TopSpendersCommand,
    UserCommand,
)
from tools.api_tools import METHODS, endpoint_input_model
from tools.report_tools import (
    NO_PREVIOUS,
    PERSON,
    Asker,
    ReportTool,
    compare_periods,
    person_target,
)

Kind = Literal["report", "api", "sql"]
STORE = " Reads the local store (instant)."
MONEY = " Spend is billed (post-discount); list price is pre-discount."

REPORTS: tuple[ReportTool, ...] = (
    ReportTool("top_spenders", TopSpendersCommand,
               "Who spent most in a period: seat users ranked by billed spend (or list price), "
               "with shares, change vs the previous period, the total of all people and the "
               "organisation total incl. API keys." + MONEY + STORE, admin_only=True),
    ReportTool("spend", SpendCommand,
               "Organisation spend per UTC day and in total, vs the previous period, optionally "
               "by product, model or cost-type (incl. API-key traffic)." + MONEY + STORE,
               admin_only=False),
    ReportTool("tokens", TokensCommand,
               "Organisation tokens and requests per day and in total, vs the previous period, "
               "optionally by product, model or token-type." + STORE, admin_only=False),
    ReportTool("adoption", AdoptionCommand,
               "Active users: DAU/WAU/MAU, seats and utilisation, per-product actives, new, "
               "returning and lapsed users (Chat and Cowork unified and Claude in Slack count). "
               "Activity arrives about a day late and may be revised for a few days." + STORE,
               admin_only=False),
    ReportTool("projects", RankingCommand, "Top projects by messages (the new projects and "
               "classic chat projects, each labelled), with change vs the previous period, and "
               "artifacts created." + STORE, admin_only=False,
               fixed={"name": "projects"}),
    ReportTool("skills", RankingCommand, "Most used skills by invocations (or sessions), with "
               "change vs the previous period." + STORE, admin_only=False,
               fixed={"name": "skills"}),
    ReportTool("connectors", RankingCommand, "Most used connectors (MCP) by tool calls or "
               "sessions, with change vs the previous period." + STORE, admin_only=False,
               fixed={"name": "connectors"}),
    ReportTool("user_usage", UserCommand, "One person's spend, tokens and activity (chat, "
               "Claude Code, Cowork, Office, Design) in a period, their rank among spenders and "
               "change vs the previous period." + STORE, admin_only=True,
               fields={"person": PERSON, "target": None}, convert=person_target),
    ReportTool("my_usage", UserCommand, "The asker's own spend, tokens and activity in a "
               "period, with change vs the previous period." + STORE, admin_only=False,
               fields={"target": None}, convert=person_target),
    ReportTool("compare", CompareCommand, "Two periods side by side: spend, tokens, actives, "
               "new/returning/lapsed users and the people whose spend moved most." + STORE,
               admin_only=True, fields=NO_PREVIOUS, convert=compare_periods),
    ReportTool("finance", FinanceCommand, "Month to date vs the same days last month, the "
               "month's projection, yesterday vs its 7-day average, idle seats." + STORE,
               admin_only=False),
    ReportTool("data_status", StatusCommand, "How fresh the store is: per dataset the days "
               "held, final vs revisable days, and the last sync. Call it when freshness "
               "matters to the answer.", admin_only=False),
)  # fmt: skip

API_RULES = " Live API call (slower than reports); you get totals and the top rows, not pages."
ENGAGEMENT = (
    " UTC days, each published about a day after it ends (the API names its latest day when "
    "asked for a newer one) and revisable for a few days; not reported (null) is not zero."
)
COST = (
    " Appears within 4–24 h, revisable for 30 days; at most 31 days per request (split for "
    "you); from 2026-01-01, at most 365 days back. amount = billed, list_amount = list price."
)
API_DESCRIPTIONS: dict[str, str] = {
    "users": "Per-user activity (messages, Claude Code sessions/commits/PRs/lines, Cowork, "
    "Chat and Cowork unified, Claude in Slack, Office, Design, web searches) for one day "
    "(date) or a range." + ENGAGEMENT,
    "summaries": "Organisation DAU/WAU/MAU, seats, invites and adoption rates per day, and "
    "per-product actives (incl. Chat and Cowork unified, Claude in Slack) when enabled."
    + ENGAGEMENT,
    "chat_projects": "Classic claude.ai chat projects: users, conversations and messages."
    + ENGAGEMENT,
    "projects": "Projects of the new projects experience (chan_…): users, sessions, messages, "
    "estimated spend; 404 where the organisation does not have them." + ENGAGEMENT,
    "skills": "Skills: users, sessions per surface, invocations, estimated spend." + ENGAGEMENT,
    "connectors": "Connectors (MCP): users, sessions per surface, read/write calls." + ENGAGEMENT,
    "plugins": "Plugins (Cowork, Claude Code): users, installs, invocations." + ENGAGEMENT,
    "artifacts": "Artifacts created per type for one day (date only)." + ENGAGEMENT,
    "user_usage_report": "Tokens per user (optionally grouped) over a period." + COST,
    "user_cost_report": "USD spend per user (optionally grouped, incl. cost_type/token_type) "
    "over a period." + COST,
    "usage_report": "Organisation tokens in time buckets, optionally grouped." + COST,
    "cost_report": "Organisation USD spend in time buckets, optionally grouped (product, "
    "model, cost_type, token_type, …); includes API-key traffic." + COST,
}


class SqlInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sql: str = Field(..., description="One SQLite SELECT statement.")


SQL_DESCRIPTION = (
    "Admin only. One read-only SQLite SELECT over the store, for questions no report covers "
    "(e.g. which connectors the top spenders use). At most 200 rows and 2 s; filter on `day` "
    "(TEXT YYYY-MM-DD, UTC). Money columns are integer micro-cents (1e-8 dollars): name an "
    "aggregate …_microcents (e.g. SUM(amount_microcents) AS spend_microcents) and it is shown in "
    "dollars. NULL = not reported. user_* tables are per user per day by product and model; "
    "*_buckets hold org totals per day in grouping sets (grouping '' = the total, "
    "'product,model', 'cost_type,token_type'); directory maps user_id to email/name; "
    "user_activity.is_active marks an active day. Tables:\n"
)


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    input_model: type[BaseModel]
    kind: Kind
    admin_only: bool
    report: ReportTool | None = None

    def param(self) -> ToolParam:
        schema = _clean(self.input_model.model_json_schema())
        return {"name": self.name, "description": self.description, "input_schema": schema}


def _clean(node: Any) -> Any:
    """The JSON schema without what Claude does not need: pydantic's `title`s, and the
    `anyOf [X, null]` + `default: null` of optional fields (left out means None already)."""
    if isinstance(node, list):
        return [_clean(item) for item in node]
    if not isinstance(node, dict):
        return node
    branches = node.get("anyOf")
    if isinstance(branches, list) and len(branches) == 2 and {"type": "null"} in branches:
        kept = next(b for b in branches if b != {"type": "null"})
        node = {**{k: v for k, v in node.items() if k != "anyOf"}, **kept}
        if node.get("default", 0) is None:
            node.pop("default")
    return {k: _clean(v) for k, v in node.items() if k != "title" or isinstance(v, dict)}


def all_tools(*, sql_schema: str | None = None) -> list[ToolSpec]:
    """Every tool there is, in the order Claude sees them (reports, then api_*, then sql)."""
    specs = [
        ToolSpec(r.name, r.description, r.input_model, "report", r.admin_only, r) for r in REPORTS
    ]
    for tool, method in METHODS.items():
        # Raw rows are admin-only: a member sees groups of five or more people (reports fold
        # smaller ones, `bot.reports.privacy`), which raw engagement or cost rows cannot promise.
        description = "Admin only. " + API_DESCRIPTIONS[method] + API_RULES
        specs.append(ToolSpec(tool, description, endpoint_input_model(tool), "api", True))
    if sql_schema:
        specs.append(ToolSpec("sql", SQL_DESCRIPTION + sql_schema, SqlInput, "sql", True))
    return specs


def tools_for(asker: Asker, *, api: bool = True, sql_schema: str | None = None) -> list[ToolSpec]:
    """The tools offered to `asker`: members get no per-user tool (only `my_usage`), admins
    get everything but `my_usage` (`user_usage` takes `me`). `api=False` when no Analytics API
    key is configured; `sql_schema` None when the store is not a file."""
    chosen = []
    for spec in all_tools(sql_schema=sql_schema):
        if spec.admin_only and not asker.is_admin:
            continue
        if spec.name == "my_usage" and asker.is_admin:
            continue
        if spec.kind == "api" and not api:
            continue
        chosen.append(spec)
    return chosen


def tool_params(specs: Sequence[ToolSpec]) -> list[ToolParam]:
    """The `tools` of a request; the last carries the cache breakpoint for the whole list."""
    params = [spec.param() for spec in specs]
    if params:
        params[-1] = {**params[-1], "cache_control": {"type": "ephemeral"}}
    return params
