"""Rankings of projects, skills and connectors over a period (`ranking`).

Projects are of two experiences, ranked together and told apart by `RankingRow.source`: the new
projects (`/projects`, today's API, where the organisation has them) and classic claude.ai chat
projects (`/apps/chat/projects`). Artifacts created in the period are shown beside them.

The engagement endpoints are stored per day, and a daily `distinct_user_count` cannot be
de-duplicated across days, so a period shows the peak single-day users and the user-days sum
instead of inventing a distinct count. What is ranked on:

    projects    messages sent in the project (conversations or sessions next)
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
from bot.reports.types import ArtifactsCreated, Delta, Ranking, RankingKind, RankingRow
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


_PROJECTS = """
SELECT '{source}' AS source, project_id, project_name, day, distinct_user_count, message_count,
       {sessions} AS sessions, {spend} AS spend, {list_spend} AS list_spend
FROM [{table}] WHERE day IN ({marks})
"""
_PROJECT_SOURCES = (
    ("projects", "distinct_session_count", "estimated_overage_spend_microcents",
     "attributed_list_price_microcents"),
    ("chat_projects", "distinct_conversation_count", "NULL", "NULL"),
)  # fmt: skip
"""Both project tables as one: (table, its sessions column, its spend columns)."""

_SELECT = {
    "projects": (
        "chat_projects",
        "project_id",
        "coalesce(max(project_name), project_id)",
        "sum(message_count) AS messages, sum(sessions) AS sessions, "
        "NULL AS invocations, sum(spend) AS spend, sum(list_spend) AS list_spend",
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
    artifacts = _artifacts(db, sorted(found.days)) if kind == "projects" else None
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
                source=row.get("source"),
            )
            for rank, (key, row, score) in enumerate(scored[:limit], start=1)
        ),
        artifacts=artifacts,
    )


def _aggregate(db: Database, kind: str, days: Sequence[date]) -> dict[str, dict[str, Any]]:
    table, key, name, metrics = _SELECT[kind]
    marks, params = day_list(days)
    source = ""
    if kind == "projects":
        # Both experiences as one table (their ids never collide: chan_… vs claude_proj_…).
        table = "(" + " UNION ALL ".join(
            _PROJECTS.format(source=src, table=src, sessions=s, spend=sp, list_spend=lp,
                             marks=marks)
            for src, s, sp, lp in _PROJECT_SOURCES
        ) + ")"  # fmt: skip
        params = params * len(_PROJECT_SOURCES)
        source = "max(source) AS source, "
    else:
        table = f"[{table}] WHERE day IN ({marks})"
    rows = db.query(
        f"SELECT {key} AS key, {source}{name} AS name, "  # noqa: S608
        f"max(distinct_user_count) AS peak, sum(distinct_user_count) AS user_days, {metrics} "
        f"FROM {table} GROUP BY {key}",
        params,
    )
    return {str(row.pop("key")): row for row in rows}


_ARTIFACTS = {
    "chat": ("chat_metrics__distinct_artifacts_created_count",
             "chat_cowork_unified_metrics__chat__distinct_artifacts_created_count"),
    "claude_code": ("claude_code_metrics__core_metrics__artifacts_created_count",),
    "cowork": ("cowork_metrics__artifacts_created_count",
               "chat_cowork_unified_metrics__sessions__artifacts_created_count"),
}  # fmt: skip
"""Where `/users` counts artifacts created, per surface (Chat and Cowork unified included)."""


def _artifacts(db: Database, days: Sequence[date]) -> ArtifactsCreated | None:
    """Artifacts the organisation created on `days`, from per-user rows (None if not synced or
    not reported at all)."""
    marks, params = day_list(days)
    sums = {
        surface: f"sum({' + '.join(f'coalesce([{c}], 0)' for c in cols)}) AS [{surface}], "
        + " AND ".join(f"count([{c}]) = 0" for c in cols)
        + f" AS [{surface}_missing]"
        for surface, cols in _ARTIFACTS.items()
    }
    row = db.execute(
        f"SELECT {', '.join(sums.values())} FROM user_activity "  # noqa: S608
        f"WHERE day IN ({marks})",
        params,
    ).fetchone()
    values: dict[str, int | None] = {}
    for index, surface in enumerate(_ARTIFACTS):
        total, missing = row[2 * index], row[2 * index + 1]
        values[surface] = None if missing or total is None else int(total)
    if all(v is None for v in values.values()):
        return None
    return ArtifactsCreated(
        total=sum(v for v in values.values() if v is not None),
        chat=values["chat"],
        claude_code=values["claude_code"],
        cowork=values["cowork"],
    )
