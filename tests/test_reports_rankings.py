"""Projects, skills and connectors rankings: scores, optional fields, peak users, deltas."""

from __future__ import annotations

import pytest

from bot.reports.coverage import NoDataError
from bot.reports.periods import parse_period
from bot.reports.rankings import ranking
from tests.report_factories import TODAY, StoreBuilder, d, days, mc

WEEK = parse_period("2026-11-15..2026-11-21", today=TODAY)


def test_projects_rank_by_messages_with_peak_users_and_delta() -> None:
    s = StoreBuilder()
    s.project(
        d("2026-11-15"),
        "p1",
        "Sales",
        distinct_user_count=4,
        message_count=10,
        distinct_conversation_count=2,
    )
    s.project(
        d("2026-11-16"),
        "p1",
        "Sales",
        distinct_user_count=6,
        message_count=5,
        distinct_conversation_count=1,
    )
    s.project(d("2026-11-16"), "p2", "=HYPERLINK()", distinct_user_count=9, message_count=30)
    s.project(d("2026-11-10"), "p1", "Sales", distinct_user_count=1, message_count=5)
    s.synced("chat_projects", *days("2026-11-08", "2026-11-21"))
    result = ranking(s.db, "projects", WEEK, limit=5)
    assert (result.kind, result.ranked_by, result.total_count) == ("projects", "messages", 2)
    p2, p1 = result.rows
    assert (p2.key, p2.score, p2.peak_daily_users, p2.sessions) == ("p2", 30, 9, None)
    assert (p1.rank, p1.name, p1.score, p1.peak_daily_users, p1.user_days) == (
        2,
        "Sales",
        15,
        6,
        10,
    )
    assert p1.sessions == 3
    assert p1.delta is not None
    assert (p1.delta.previous, p1.delta.change) == (5, 10)
    assert p2.delta is not None
    assert (p2.delta.previous, p2.delta.percent) == (0, None)
    assert ranking(s.db, "projects", WEEK, limit=1).more_count == 1


def test_skills_use_invocations_when_reported_and_keep_spend() -> None:
    s = StoreBuilder()
    s.skill(
        d("2026-11-15"),
        "pdf",
        distinct_user_count=3,
        invocation_count=12,
        chat_metrics__distinct_conversation_skill_used_count=2,
        claude_code_metrics__distinct_session_skill_used_count=None,
        estimated_overage_spend_microcents=mc("1.5"),
    )
    s.skill(
        d("2026-11-15"),
        "skill_01x",
        skill_display_name="Brand voice",
        distinct_user_count=9,
        invocation_count=4,
    )
    result = ranking(s.db, "skills", WEEK)
    assert result.ranked_by == "invocations"
    assert [(r.key, r.name, r.score) for r in result.rows] == [
        ("pdf", "pdf", 12),
        ("skill_01x", "Brand voice", 4),
    ]
    pdf = result.rows[0]
    assert (pdf.sessions, pdf.spend_microcents, pdf.list_spend_microcents) == (2, mc("1.5"), None)
    assert result.rows[1].sessions is None
    assert pdf.delta is None  # previous week never synced
    assert any("previous period" in n for n in result.notes)


def test_skills_fall_back_to_sessions_without_invocations() -> None:
    s = StoreBuilder()
    s.skill(
        d("2026-11-15"),
        "a",
        distinct_user_count=1,
        cowork_metrics__distinct_session_skill_used_count=5,
    )
    s.skill(
        d("2026-11-15"),
        "b",
        distinct_user_count=1,
        chat_metrics__distinct_conversation_skill_used_count=7,
    )
    result = ranking(s.db, "skills", WEEK)
    assert result.ranked_by == "sessions"
    assert [(r.key, r.score, r.invocations) for r in result.rows] == [
        ("b", 7, None),
        ("a", 5, None),
    ]
    assert any("ranked by conversations and sessions" in n for n in result.notes)


def test_connectors_sessions_and_optional_call_split() -> None:
    s = StoreBuilder()
    s.connector(
        d("2026-11-15"),
        "github",
        distinct_user_count=2,
        claude_code_metrics__distinct_session_connector_used_count=4,
        office_metrics__word__distinct_session_connector_used_count=1,
        read_call_count=10,
        write_call_count=2,
        unclassified_call_count=0,
    )
    s.connector(
        d("2026-11-16"),
        "github",
        distinct_user_count=1,
        chat_metrics__distinct_conversation_connector_used_count=2,
    )
    s.connector(
        d("2026-11-15"),
        "atlassian",
        distinct_user_count=5,
        chat_metrics__distinct_conversation_connector_used_count=1,
    )
    result = ranking(s.db, "connectors", WEEK)
    github, atlassian = result.rows
    assert (github.score, github.invocations, github.peak_daily_users, github.user_days) == (
        7,
        12,
        2,
        3,
    )
    assert (atlassian.score, atlassian.invocations) == (1, None)


def test_unsynced_ranking_raises() -> None:
    with pytest.raises(NoDataError, match="No connectors data has been synced yet"):
        ranking(StoreBuilder().db, "connectors", WEEK)
