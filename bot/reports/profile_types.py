"""The result of `user`: one person's spend, tokens and activity on every Claude surface.

Activity counters are None when the API did not report them for any day of the period (a
product not enabled for the organisation), which is different from 0 (enabled, unused).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from bot.reports.values import BreakdownRow, Delta, Model, Report


class UserIdentity(Model):
    user_id: str
    email: str | None
    name: str | None
    deleted: bool = False


class ChatActivity(Model):
    messages: int | None
    conversations: int | None
    projects_used: int | None
    files_uploaded: int | None
    artifacts_created: int | None


class CodeActivity(Model):
    sessions: int | None
    commits: int | None
    pull_requests: int | None
    lines_added: int | None
    lines_removed: int | None
    tool_accepted: int | None
    tool_rejected: int | None
    acceptance_rate_pct: float | None
    """accepted / (accepted + rejected) × 100 over edit/multi-edit/notebook/write proposals."""


class CoworkActivity(Model):
    messages: int | None
    sessions: int | None
    actions: int | None
    dispatch_turns: int | None
    file_edits: int | None


class OfficeActivity(Model):
    app: str
    """excel, powerpoint, word or outlook."""
    messages: int | None
    sessions: int | None


class DesignActivity(Model):
    messages: int | None
    sessions: int | None
    projects_created: int | None


class UserProfile(Report):
    kind: Literal["user"] = "user"
    user: UserIdentity
    spend_microcents: int | None
    list_spend_microcents: int | None
    requests: int | None
    tokens: int | None
    spend_by_product: tuple[BreakdownRow, ...]
    spend_by_model: tuple[BreakdownRow, ...]
    tokens_by_product: tuple[BreakdownRow, ...]
    tokens_by_model: tuple[BreakdownRow, ...]
    chat: ChatActivity
    claude_code: CodeActivity
    cowork: CoworkActivity
    office: tuple[OfficeActivity, ...]
    design: DesignActivity
    web_searches: int | None
    active_days: int | None
    first_seen: date | None
    """First day active in the whole store (not just this period)."""
    last_seen: date | None
    spend_change: Delta | None
    tokens_change: Delta | None
    active_days_change: Delta | None
    spend_rank: int | None = None
    """1 = the biggest spender of the period among seat users."""
    spenders: int | None = None
