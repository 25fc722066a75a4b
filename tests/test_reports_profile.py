"""One user's profile: lookup by email or id, spend/tokens by product and model, activity sums."""

from __future__ import annotations

from typing import Any

import pytest

from bot.reports.coverage import NoDataError
from bot.reports.periods import parse_period
from bot.reports.profile import UnknownUserError, user_profile
from tests.report_factories import TODAY, StoreBuilder, d, days, mc

WEEK = parse_period("7d", today=TODAY)
CC = "claude_code_metrics__"


@pytest.fixture
def store() -> StoreBuilder:
    s = StoreBuilder().person("u1", "Ada@Example.com", "Ada").person("u2", "bob@x.com", "Bob")
    s.synced("user_cost", *days("2026-11-11", "2026-11-24"))
    s.user_cost(d("2026-11-18"), "u1", "100", list_cents="150", requests=4)
    s.user_cost(
        d("2026-11-19"), "u1", "20", product="claude_code", model="claude-sonnet-5", requests=None
    )
    s.user_cost(d("2026-11-12"), "u1", "60")
    s.user_cost(d("2026-11-18"), "u2", "500")
    s.user_usage(d("2026-11-18"), "u1", uncached=1000, output=200)
    s.user_usage(d("2026-11-19"), "u1", product="claude_code", uncached=10, output=5)
    code: dict[str, Any] = {
        f"{CC}core_metrics__commit_count": 2,
        f"{CC}core_metrics__distinct_session_count": 3,
        f"{CC}core_metrics__lines_of_code__added_count": 120,
        f"{CC}tool_actions__edit_tool__accepted_count": 8,
        f"{CC}tool_actions__edit_tool__rejected_count": 2,
        f"{CC}tool_actions__write_tool__accepted_count": 2,
        "office_metrics__excel__message_count": 0,
    }
    s.activity(
        d("2026-11-18"), "u1", email="ada@example.com", chat_metrics__message_count=7, **code
    )
    s.activity(d("2026-11-19"), "u1", chat_metrics__message_count=3)
    s.activity(d("2026-11-20"), "u1", active=False, chat_metrics__message_count=0)
    s.activity(d("2026-11-02"), "u1", chat_metrics__message_count=1)
    return s


def test_profile_by_email_case_insensitive(store: StoreBuilder) -> None:
    result = user_profile(store.db, WEEK, email="ada@example.COM")
    assert (result.user.user_id, result.user.name, result.user.email) == (
        "u1",
        "Ada",
        "Ada@Example.com",
    )
    assert result.spend_microcents == mc("120")
    assert result.list_spend_microcents == mc("170")
    assert result.requests == 4
    assert {r.key: r.value for r in result.spend_by_product} == {
        "chat": mc("100"),
        "claude_code": mc("20"),
    }
    assert {r.key: r.value for r in result.spend_by_model} == {
        "claude-opus-5": mc("100"),
        "claude-sonnet-5": mc("20"),
    }
    assert result.tokens == 1215
    assert [r.key for r in result.tokens_by_product] == ["chat", "claude_code"]
    assert (result.spend_rank, result.spenders) == (2, 2)


def test_activity_sums_and_not_available(store: StoreBuilder) -> None:
    result = user_profile(store.db, WEEK, user_id="u1")
    assert result.chat.messages == 10
    assert result.chat.conversations is None  # never reported → not available, not 0
    code = result.claude_code
    assert (code.commits, code.sessions, code.lines_added, code.pull_requests) == (2, 3, 120, None)
    assert (code.tool_accepted, code.tool_rejected) == (10, 2)
    assert code.acceptance_rate_pct == pytest.approx(10 / 12 * 100)
    assert result.office[0].app == "excel"
    assert result.office[0].messages == 0
    assert result.cowork.file_edits is None
    assert result.active_days == 2
    assert (result.first_seen, result.last_seen) == (d("2026-11-02"), d("2026-11-19"))


def test_changes_vs_previous_period(store: StoreBuilder) -> None:
    result = user_profile(store.db, WEEK, email="ada@example.com")
    assert result.spend_change is not None
    assert (result.spend_change.previous, result.spend_change.change) == (mc("60"), mc("60"))
    assert result.spend_change.percent == pytest.approx(100.0)
    # usage and activity for the previous week were never synced → no comparison
    assert result.tokens_change is not None
    assert result.tokens_change.previous is None
    assert result.active_days_change is not None
    assert result.active_days_change.previous is None


def test_unknown_user_and_no_data(store: StoreBuilder) -> None:
    with pytest.raises(UnknownUserError, match=r"nobody@x\.com does not appear"):
        user_profile(store.db, WEEK, email="nobody@x.com")
    with pytest.raises(NoDataError, match="No per-user data is synced"):
        user_profile(store.db, parse_period("2026-10-01", today=TODAY), email="bob@x.com")


def test_user_without_spend_shows_none_rank(store: StoreBuilder) -> None:
    store.person("u3", "cy@x.com", None)
    result = user_profile(store.db, WEEK, email="cy@x.com")
    assert result.spend_microcents == 0
    assert (result.spend_rank, result.spenders) == (None, None)
    assert result.chat.messages is None
