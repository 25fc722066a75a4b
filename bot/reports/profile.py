"""One person's usage (`user_profile`): spend, tokens and activity on every Claude surface.

The person is found by email (case-insensitive, from `directory`, else `/users` rows) or by
Analytics user id. Slack mentions are resolved to an email by the Slack layer before this runs.
Activity counters are summed with SQL `sum()`, which stays NULL when every day was NULL: a
surface the API does not report for the organisation is "not available", never 0. Chat and
Cowork include what today's API counts under Chat and Cowork unified instead (`_both`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from sqlite_utils import Database

from bot.errors import InputError
from bot.reports import coverage
from bot.reports.coverage import NoDataError, describe
from bot.reports.people import find_by_name, find_user, identities
from bot.reports.periods import Period
from bot.reports.series import breakdown
from bot.reports.sql import day_list, per_user
from bot.reports.types import (
    BreakdownRow,
    ChatActivity,
    CodeActivity,
    CoworkActivity,
    Delta,
    DesignActivity,
    OfficeActivity,
    SlackActivity,
    UserProfile,
)
from bot.store.freshness import read_freshness
from bot.store.schema import TOKEN_COLUMNS, USER_ACTIVITY_METRICS

_TOOLS = ("edit_tool", "multi_edit_tool", "notebook_edit_tool", "write_tool")
ROW_TOKENS = (
    "coalesce(total_tokens, " + " + ".join(f"coalesce({c}, 0)" for c in TOKEN_COLUMNS) + ")"
)
"""A row's tokens: the API's `total_tokens`, or the sum of the types it reported when absent."""
_CC = "claude_code_metrics__core_metrics__"
_OFFICE = ("excel", "powerpoint", "word", "outlook")
_UNIFIED_CHAT = "chat_cowork_unified_metrics__chat__"
_UNIFIED_SESSIONS = "chat_cowork_unified_metrics__sessions__"


def _both(activity: dict[str, int | None], *columns: str) -> int | None:
    """The sum of columns that count one thing in two places (chat in `chat_metrics` and in
    Chat and Cowork unified); None only when neither was reported."""
    values = [v for v in (activity.get(c) for c in columns) if v is not None]
    return sum(values) if values else None


class UnknownUserError(InputError):
    """Nobody with that email or id appears in the synced data."""


def user_profile(
    db: Database,
    period: Period,
    *,
    email: str | None = None,
    user_id: str | None = None,
    name: str | None = None,
    living_only: bool = False,
) -> UserProfile:
    """`living_only`: the person was named by a Slack identity, so never a deleted account.
    `name`: a display name, resolved by `find_by_name` (one match, or a "did you mean")."""
    if name is not None:
        uid: str | None = find_by_name(db, name)
    else:
        uid = find_user(db, email=email, user_id=user_id, living_only=living_only)
    if uid is None:
        who = email or user_id or "that person"
        raise UnknownUserError(f"{who} does not appear in the synced Claude usage data.")
    cost_days = coverage.coverage(db, "user_cost", period)
    user_days = coverage.coverage(db, "users", period)
    usage_days = coverage.coverage(db, "user_usage", period)
    if not (cost_days.any or user_days.any or usage_days.any):
        raise NoDataError(f"No per-user data is synced for {describe(period)}.")
    person = identities(db, [uid])[uid]
    if person.email is None:
        row = db.execute(
            "SELECT email FROM user_activity WHERE user_id = ? AND email IS NOT NULL "
            "ORDER BY day DESC LIMIT 1",
            (uid,),
        ).fetchone()
        if row:
            person = person.model_copy(update={"email": row[0]})
    notes: list[str] = []
    prev = period.previous()
    spend = _money(db, uid, sorted(cost_days.days)) if cost_days.any else None
    tokens = _tokens(db, uid, sorted(usage_days.days)) if usage_days.any else None
    activity = _activity(db, uid, sorted(user_days.days)) if user_days.any else {}
    for found, what in ((cost_days, "spend"), (usage_days, "token usage"), (user_days, "activity")):
        notes += (
            coverage.notes(found, what) if found.any else [f"No {what} is synced for this period."]
        )
    prev_cost = coverage.aligned(db, "user_cost", cost_days, prev) if cost_days.any else None
    prev_usage = coverage.aligned(db, "user_usage", usage_days, prev) if usage_days.any else None
    prev_users = coverage.aligned(db, "users", user_days, prev) if user_days.any else None
    seen = db.execute(
        "SELECT min(day), max(day) FROM user_activity WHERE user_id = ? AND is_active = 1", (uid,)
    ).fetchone()
    rank, spenders = _rank(db, cost_days.days, spend[0]) if spend and spend[0] else (None, None)
    return UserProfile(
        period=period,
        freshness=read_freshness(db),
        notes=tuple(notes),
        user=person,
        spend_microcents=spend[0] if spend else None,
        list_spend_microcents=spend[1] if spend else None,
        requests=spend[2] if spend else None,
        tokens=tokens[0] if tokens else None,
        spend_by_product=spend[3] if spend else (),
        spend_by_model=spend[4] if spend else (),
        tokens_by_product=tokens[1] if tokens else (),
        tokens_by_model=tokens[2] if tokens else (),
        chat=_chat(activity),
        claude_code=_code(activity),
        cowork=_cowork(activity),
        office=tuple(
            OfficeActivity(
                app=app,
                messages=activity.get(f"office_metrics__{app}__message_count"),
                sessions=activity.get(f"office_metrics__{app}__distinct_session_count"),
            )
            for app in _OFFICE
        ),
        design=DesignActivity(
            messages=activity.get("design_metrics__message_count"),
            sessions=activity.get("design_metrics__distinct_session_count"),
            projects_created=activity.get("design_metrics__distinct_projects_created_count"),
        ),
        slack=_slack(activity),
        web_searches=activity.get("web_search_count"),
        active_days=activity.get("active_days"),
        first_seen=date.fromisoformat(seen[0]) if seen[0] else None,
        last_seen=date.fromisoformat(seen[1]) if seen[1] else None,
        spend_change=_delta(
            spend[0] if spend else None, prev_cost, lambda d: _money(db, uid, d)[0]
        ),
        tokens_change=_delta(
            tokens[0] if tokens else None, prev_usage, lambda d: _tokens(db, uid, d)[0]
        ),
        active_days_change=_delta(
            activity.get("active_days"), prev_users, lambda d: _activity(db, uid, d)["active_days"]
        ),
        spend_rank=rank,
        spenders=spenders,
    )


def _delta(
    current: int | None,
    previous: coverage.Aligned | None,
    measure: Callable[[Sequence[date]], int | None],
) -> Delta | None:
    if current is None:
        return None
    return Delta.of(current, measure(previous.days) if previous is not None else None)


def _money(
    db: Database, uid: str, days: Sequence[date]
) -> tuple[int, int | None, int | None, tuple[BreakdownRow, ...], tuple[BreakdownRow, ...]]:
    marks, params = day_list(days)
    rows = db.execute(
        "SELECT product, model, sum(amount_microcents), sum(list_amount_microcents), "  # noqa: S608
        f"sum(requests) FROM user_cost WHERE user_id = ? AND day IN ({marks}) "
        "GROUP BY product, model",
        (uid, *params),
    ).fetchall()
    total = sum(row[2] for row in rows)
    listed = [row[3] for row in rows if row[3] is not None]
    requests = [row[4] for row in rows if row[4] is not None]
    by_product: dict[str, int] = {}
    by_model: dict[str, int] = {}
    for product, model, amount, _, _ in rows:
        by_product[product] = by_product.get(product, 0) + amount
        by_model[model] = by_model.get(model, 0) + amount
    return (
        total,
        sum(listed) if listed else None,
        sum(requests) if requests else None,
        breakdown("product", by_product, total),
        breakdown("model", by_model, total),
    )


def _tokens(
    db: Database, uid: str, days: Sequence[date]
) -> tuple[int, tuple[BreakdownRow, ...], tuple[BreakdownRow, ...]]:
    marks, params = day_list(days)
    rows = db.execute(
        f"SELECT product, model, coalesce(sum({ROW_TOKENS}), 0) FROM user_usage "  # noqa: S608
        f"WHERE user_id = ? AND day IN ({marks}) GROUP BY product, model",
        (uid, *params),
    ).fetchall()
    total = sum(row[2] for row in rows)
    by_product: dict[str, int] = {}
    by_model: dict[str, int] = {}
    for product, model, tokens in rows:
        by_product[product] = by_product.get(product, 0) + tokens
        by_model[model] = by_model.get(model, 0) + tokens
    return total, breakdown("product", by_product, total), breakdown("model", by_model, total)


def _activity(db: Database, uid: str, days: Sequence[date]) -> dict[str, int | None]:
    columns = USER_ACTIVITY_METRICS
    marks, params = day_list(days)
    sums = ", ".join(f"sum([{column}])" for column in columns)
    row = db.execute(
        f"SELECT {sums}, coalesce(sum(is_active), 0) FROM user_activity "  # noqa: S608
        f"WHERE user_id = ? AND day IN ({marks})",
        (uid, *params),
    ).fetchone()
    out: dict[str, int | None] = dict(zip(columns, row[:-1], strict=True))
    out["active_days"] = row[-1]
    return out


def _chat(activity: dict[str, int | None]) -> ChatActivity:
    def chat(field: str) -> int | None:
        return _both(activity, f"chat_metrics__{field}", f"{_UNIFIED_CHAT}{field}")

    return ChatActivity(
        messages=chat("message_count"),
        conversations=chat("distinct_conversation_count"),
        projects_used=chat("distinct_projects_used_count"),
        files_uploaded=chat("distinct_files_uploaded_count"),
        artifacts_created=chat("distinct_artifacts_created_count"),
        unified_messages=activity.get(f"{_UNIFIED_CHAT}message_count"),
    )


def _cowork(activity: dict[str, int | None]) -> CoworkActivity:
    def cowork(field: str) -> int | None:
        return _both(activity, f"cowork_metrics__{field}", f"{_UNIFIED_SESSIONS}{field}")

    return CoworkActivity(
        messages=cowork("message_count"),
        sessions=cowork("distinct_session_count"),
        actions=cowork("action_count"),
        dispatch_turns=cowork("dispatch_turn_count"),
        file_edits=cowork("file_edit_count"),
        artifacts_created=cowork("artifacts_created_count"),
    )


def _slack(activity: dict[str, int | None]) -> SlackActivity | None:
    days = activity.get("claude_tag_metrics__active_day_count")
    messages = activity.get("claude_tag_metrics__active_message_count")
    if days is None and messages is None:
        return None
    return SlackActivity(active_days=days, messages=messages)


def _code(activity: dict[str, int | None]) -> CodeActivity:
    def total(kind: str) -> int | None:
        values = [activity.get(f"claude_code_metrics__tool_actions__{t}__{kind}") for t in _TOOLS]
        present = [v for v in values if v is not None]
        return sum(present) if present else None

    accepted, rejected = total("accepted_count"), total("rejected_count")
    proposals = (accepted or 0) + (rejected or 0)
    return CodeActivity(
        sessions=activity.get(f"{_CC}distinct_session_count"),
        commits=activity.get(f"{_CC}commit_count"),
        pull_requests=activity.get(f"{_CC}pull_request_count"),
        lines_added=activity.get(f"{_CC}lines_of_code__added_count"),
        lines_removed=activity.get(f"{_CC}lines_of_code__removed_count"),
        tool_accepted=accepted,
        tool_rejected=rejected,
        acceptance_rate_pct=(accepted or 0) / proposals * 100 if proposals else None,
        artifacts_created=activity.get(f"{_CC}artifacts_created_count"),
    )


def _rank(db: Database, days: Iterable[date], amount: int) -> tuple[int, int]:
    """(rank among seat-user spenders of the days the person's spend covers, spenders)."""
    per = [a for _, (a,) in per_user(db, ("sum(amount_microcents)",), sorted(days))]
    higher = sum(1 for a in per if a is not None and a > amount)
    spenders = sum(1 for a in per if a)
    return higher + 1, spenders
