"""Rankings of chat projects, skills and connectors over a period (`ranking`).

The engagement endpoints are stored per day, and a daily `distinct_user_count` cannot be
de-duplicated across days, so a period shows the peak single-day users and the user-days sum
instead of inventing a distinct count. What is ranked on:

    projects    messages sent in the project
    skills      invocations when the organisation reports them, else sessions that used the skill
    connectors  conversations + sessions that used the connector (reported on every surface)

Optional API fields (skill invocations and spend, connector read/write calls) stay None when
no day reported them, so "not available" never shows as 0. When the API reports none of the
preferred measure for the period (a sparse organisation), the ranking falls back to the next one
(finally the user-days sum) and a note says what was ranked on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from sqlite_utils import Database

from bot.reports import coverage, privacy
from bot.reports.periods import Period
from bot.reports.sql import day_list
from bot.reports.types import Delta, Ranking, RankingKind, RankingRow
from bot.store.freshness import read_freshness

_OFFICE = ("excel", "powerpoint", "word", "outlook")


def _nullable_sum(columns: Sequence[str]) -> str:
    """Per-row sum of columns that is NULL only when every column is NULL (so sum() stays NULL)."""
    all_null = " AND ".join(f"[{c}] IS NULL" for c in columns)
    added = " + ".join(f"coalesce([{c}], 0)" for c in columns)
    return f"sum(CASE WHEN {all_null} THEN NULL ELSE {added} END)"


def _sessions(kind: str) -> str:
    thing = "skill" if kind == "skills" else "connector"
    return _nullable_sum(
        [
            f"chat_metrics__distinct_conversation_{thing}_used_count",
            f"claude_code_metrics__distinct_session_{thing}_used_count",
            f"cowork_metrics__distinct_session_{thing}_used_count",
            *(f"office_metrics__{app}__distinct_session_{thing}_used_count" for app in _OFFICE),
        ]
    )


_SELECT = {
    "projects": (
        "chat_projects",
        "project_id",
        "max(project_name)",
        "sum(message_count) AS messages, sum(distinct_conversation_count) AS sessions, "
        "NULL AS invocations, NULL AS spend, NULL AS list_spend",
    ),
    "skills": (
        "skills",
        "skill_name",
        "coalesce(max(skill_display_name), skill_name)",
        f"NULL AS messages, {_sessions('skills')} AS sessions, "
        "sum(invocation_count) AS invocations, "
        "sum(estimated_overage_spend_microcents) AS spend, "
        "sum(attributed_list_price_microcents) AS list_spend",
    ),
    "connectors": (
        "connectors",
        "connector_name",
        "connector_name",
        f"NULL AS messages, {_sessions('connectors')} AS sessions, "
        f"{_nullable_sum(['read_call_count', 'write_call_count', 'unclassified_call_count'])}"
        " AS invocations, NULL AS spend, NULL AS list_spend",
    ),
}


Measure = Literal["messages", "invocations", "sessions", "user_days"]
_MEASURES: dict[str, tuple[Measure, ...]] = {
    "projects": ("messages", "sessions", "user_days"),
    "skills": ("invocations", "sessions", "user_days"),
    "connectors": ("sessions", "invocations", "user_days"),
}
"""What each kind is ranked on, in order of preference (the first one the API reports)."""
_WORDS = {
    "messages": "messages",
    "invocations": "invocations",
    "sessions": "conversations and sessions",
    "user_days": "daily users (summed over the days)",
}


def ranking(
    db: Database,
    kind: RankingKind,
    period: Period,
    *,
    limit: int | None = 10,
    min_group: int | None = None,
) -> Ranking:
    """The top `limit` projects, skills or connectors of `period`, with change vs before.

    `limit=None` ranks every one (exports); the result's `limit` is then the row count.
    `min_group`: rows used by fewer people on their busiest day are left out (a note counts
    them), so a non-admin cannot tell what two colleagues work on (`bot.reports.privacy`)."""
    table = _SELECT[kind][0]
    found = coverage.require(db, table, period, f"{kind} data")
    rows = _aggregate(db, kind, sorted(found.days))
    hidden = 0
    if min_group is not None:
        small = [key for key, row in rows.items() if (row["peak"] or 0) < min_group]
        hidden = len(small)
        for key in small:
            del rows[key]
    ranked_by = next(
        (m for m in _MEASURES[kind] if any(row[m] is not None for row in rows.values())),
        "user_days",
    )
    previous = coverage.aligned(db, table, found, period.previous())
    before = _aggregate(db, kind, previous.days) if previous else None
    scored = sorted(
        ((key, row, row[ranked_by] or 0) for key, row in rows.items()),
        key=lambda item: (-item[2], -(item[1]["user_days"] or 0), item[0]),
    )
    notes = coverage.notes(found, f"{kind} data")
    notes += coverage.comparison_notes(found, previous, f"{kind} data")
    if hidden:
        notes.append(privacy.fold_note(hidden, kind))
    preferred = _MEASURES[kind][0]
    if ranked_by != preferred and rows:
        notes.append(
            f"The Analytics API does not report {_WORDS[preferred]} for these {kind} in this "
            f"period; they are ranked by {_WORDS[ranked_by]}."
        )
    return Ranking(
        period=period,
        freshness=read_freshness(db),
        notes=tuple(notes),
        kind=kind,
        ranked_by=ranked_by,
        limit=len(scored) if limit is None else limit,
        total_count=len(scored),
        rows=tuple(
            RankingRow(
                rank=rank,
                key=key,
                name=row["name"] or key,
                peak_daily_users=row["peak"],
                user_days=row["user_days"],
                messages=row["messages"],
                sessions=row["sessions"],
                invocations=row["invocations"],
                spend_microcents=row["spend"],
                list_spend_microcents=row["list_spend"],
                score=score,
                delta=None
                if before is None
                else Delta.of(score, (before.get(key) or {}).get(ranked_by) or 0),
            )
            for rank, (key, row, score) in enumerate(scored[:limit], start=1)
        ),
    )


def _aggregate(db: Database, kind: str, days: Sequence[date]) -> dict[str, dict[str, Any]]:
    table, key, name, metrics = _SELECT[kind]
    marks, params = day_list(days)
    rows = db.query(
        f"SELECT {key} AS key, {name} AS name, max(distinct_user_count) AS peak, "  # noqa: S608
        f"sum(distinct_user_count) AS user_days, {metrics} "
        f"FROM [{table}] WHERE day IN ({marks}) GROUP BY {key}",
        params,
    )
    return {str(row.pop("key")): row for row in rows}
