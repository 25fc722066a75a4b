"""Response models: documented examples parse, new fields are kept, money is exact Decimal."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from bot.analytics.model_base import quote_money
from bot.analytics.models import (
    Actor,
    ConnectorUsage,
    CostBucket,
    DailySummary,
    EngagementPage,
    ReportPage,
    SkillUsage,
    SummariesResponse,
    UserActivity,
    UserCostRow,
)
from bot.analytics.row_dicts import dict_adapter

OFFICE_APP = {
    "message_count": 0,
    "distinct_session_count": 0,
    "skills_used_count": 0,
    "distinct_skills_used_count": 0,
    "connectors_used_count": 0,
    "distinct_connectors_used_count": 0,
}
USER_ROW: dict[str, Any] = {
    "user": {"id": "user_01", "email_address": "ada@example.com"},
    "chat_metrics": {
        "message_count": 41,
        "thinking_message_count": 6,
        "distinct_conversation_count": 7,
        "distinct_projects_created_count": 0,
        "distinct_projects_used_count": 2,
        "distinct_files_uploaded_count": 3,
        "distinct_artifacts_created_count": 1,
        "distinct_shared_artifacts_viewed_count": 0,
        "shared_conversations_viewed_count": 1,
        "distinct_skills_used_count": 1,
        "connectors_used_count": 4,
        "distinct_connectors_used_count": 2,
    },
    "claude_code_metrics": {
        "core_metrics": {
            "commit_count": 5,
            "pull_request_count": 1,
            "distinct_session_count": 3,
            "lines_of_code": {"added_count": 612, "removed_count": 148},
        },
        "tool_actions": {
            name: {"accepted_count": 1, "rejected_count": 0}
            for name in ("edit_tool", "multi_edit_tool", "notebook_edit_tool", "write_tool")
        },
    },
    "cowork_metrics": {
        "message_count": 0,
        "action_count": 0,
        "dispatch_turn_count": 0,
        "distinct_session_count": 0,
        "skills_used_count": 0,
        "distinct_skills_used_count": 0,
        "connectors_used_count": 0,
        "distinct_connectors_used_count": 0,
        "plugins_used_count": None,
        "file_edit_count": None,
    },
    "office_metrics": {app: OFFICE_APP for app in ("excel", "powerpoint", "word", "outlook")},
    "design_metrics": {
        "message_count": 0,
        "distinct_session_count": 0,
        "distinct_projects_created_count": 0,
        "distinct_projects_used_count": 0,
    },
    "web_search_count": 9,
    "last_activity_date": "2026-03-02",
}


def test_user_row_parses_and_gated_fields_are_none_not_zero() -> None:
    page = EngagementPage[UserActivity].model_validate({"data": [USER_ROW], "next_page": "abc"})
    row = page.rows[0]
    assert row.user is not None
    assert row.user.email_address == "ada@example.com"
    code, cowork = row.claude_code_metrics, row.cowork_metrics
    assert code is not None
    assert code.core_metrics is not None
    assert code.core_metrics.lines_of_code is not None
    assert code.core_metrics.lines_of_code.added_count == 612
    assert cowork is not None
    assert cowork.file_edit_count is None
    assert cowork.sessions_with_file_edits_count is None  # key absent
    assert row.science_metrics is None
    assert page.next_page == "abc"


def test_unknown_fields_are_tolerated_and_kept() -> None:
    payload = {
        **USER_ROW,
        "brand_new_metric": 3,
        "chat_metrics": {**USER_ROW["chat_metrics"], "voice_message_count": 2},
    }
    row = UserActivity.model_validate(payload)
    assert row.model_extra == {"brand_new_metric": 3}
    assert row.chat_metrics is not None
    assert row.chat_metrics.model_extra == {"voice_message_count": 2}
    assert row.model_dump(mode="json", exclude_unset=True)["brand_new_metric"] == 3


def test_a_missing_metric_block_or_counter_is_not_reported_never_an_error() -> None:
    payload = {k: v for k, v in USER_ROW.items() if k not in ("chat_metrics", "office_metrics")}
    payload["claude_code_metrics"] = {"core_metrics": {"commit_count": 2}}
    row = UserActivity.model_validate(payload)
    assert row.chat_metrics is None
    assert row.office_metrics is None
    assert row.claude_code_metrics is not None
    assert row.claude_code_metrics.tool_actions is None
    assert row.claude_code_metrics.core_metrics is not None
    assert row.claude_code_metrics.core_metrics.lines_of_code is None
    assert row.claude_code_metrics.core_metrics.commit_count == 2


@pytest.mark.parametrize(
    ("model", "payload", "field"),
    [
        (UserActivity, {"chat_metrics": {"message_count": 1}}, "user"),
        (UserActivity, {"user": {"email_address": "a@x.com"}}, "id"),
        (SkillUsage, {"distinct_user_count": 2}, "skill_name"),
        (UserCostRow, {"amount": "1", "actor": {"email": "a@x.com"}}, "user_id"),
        (UserCostRow, {"actor": {"user_id": "user_1"}}, "amount"),
        (DailySummary, {"daily_active_user_count": 3}, "starting_at"),
    ],
)
def test_only_what_identifies_a_row_is_required(
    model: type[Any], payload: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError, match=field):
        model.model_validate(payload)


def test_summary_per_product_keys_are_optional() -> None:
    base = {
        "starting_at": "2026-03-01T00:00:00Z",
        "ending_at": "2026-03-02T00:00:00Z",
        "daily_active_user_count": 412,
        "weekly_active_user_count": 958,
        "monthly_active_user_count": 1187,
        "assigned_seat_count": None,
        "pending_invite_count": None,
        "daily_adoption_rate": None,
        "weekly_adoption_rate": None,
        "monthly_adoption_rate": None,
        "cowork_daily_active_user_count": 18,
        "cowork_weekly_active_user_count": 61,
        "cowork_monthly_active_user_count": 140,
    }
    day = DailySummary.model_validate(base)
    assert day.chat_daily_active_user_count is None
    assert day.assigned_seat_count is None
    enabled = DailySummary.model_validate({**base, "chat_daily_active_user_count": 890})
    assert enabled.chat_daily_active_user_count == 890


def test_money_is_exact_decimal_above_ten_million_dollars() -> None:
    row = UserCostRow.model_validate(
        {
            "actor": {
                "type": "user_actor",
                "user_id": "user_01",
                "email": None,
                "name": "Deleted User",
                "deleted": True,
            },
            "amount": "1234567890.123456",
            "list_amount": "2000000000.000000",
            "currency": "USD",
            "requests": None,
        }
    )
    assert row.amount == Decimal("1234567890.123456")  # $12,345,678.90…
    assert row.amount / 100 > Decimal("10000000")
    assert row.actor.deleted
    assert row.actor.email is None
    assert row.model_dump(mode="json")["amount"] == "1234567890.123456"


@pytest.mark.parametrize("bad", [41280.0, "not-a-number", "NaN", None, True])
def test_money_rejects_floats_and_non_decimal_strings(bad: object) -> None:
    with pytest.raises(ValidationError):
        CostBucket.model_validate(
            {
                "starting_at": "2026-03-01T00:00:00Z",
                "ending_at": "2026-03-02T00:00:00Z",
                "results": [{"amount": bad, "list_amount": "1.0", "currency": "USD"}],
            }
        )


def test_report_page_and_skill_spend() -> None:
    page = ReportPage[CostBucket].model_validate(
        {
            "data": [],
            "has_more": False,
            "next_page": None,
            "data_refreshed_at": "2026-03-08T04:00:00Z",
            "organization_id": "org_1",
        }
    )
    assert page.data_refreshed_at is not None
    assert page.data_refreshed_at.isoformat() == "2026-03-08T04:00:00+00:00"
    skill = SkillUsage.model_validate(
        {
            "skill_name": "pdf",
            "distinct_user_count": 2,
            "cowork_metrics": {"distinct_session_skill_used_count": 0},
            "office_metrics": {
                a: {"distinct_session_skill_used_count": 0}
                for a in ("excel", "powerpoint", "word", "outlook")
            },
            "estimated_overage_spend": "12.500000",
            "attributed_list_price": None,
        }
    )
    assert skill.estimated_overage_spend == Decimal("12.5")
    assert skill.attributed_list_price is None
    assert skill.invocation_count is None


def test_money_sent_as_a_json_number_is_parsed_from_its_text_exactly() -> None:
    """A float would turn 12345678901234567.123456 into 12345678901234568: the client quotes
    the number's text before parsing, so every digit survives."""
    body = (
        b'{"data": [{"starting_at": "2026-03-01T00:00:00Z", "ending_at": "2026-03-02T00:00:00Z",'
        b' "results": [{"amount": 12345678901234567.123456, "list_amount": 41280.5},'
        b' {"amount": 1999}]}], "has_more": false}'
    )
    with pytest.raises(ValidationError, match="decimal string"):
        ReportPage[CostBucket].model_validate_json(body)  # unquoted: refused, never a float
    page = ReportPage[CostBucket].model_validate_json(quote_money(body))
    first, second = page.data[0].results
    assert first.amount == Decimal("12345678901234567.123456")
    assert first.list_amount == Decimal("41280.5")
    assert second.amount == Decimal(1999)
    assert second.list_amount is None
    assert page.data_refreshed_at is None  # absent watermark: tolerated
    rows = dict_adapter(ReportPage[CostBucket]).validate_json(quote_money(body))
    assert rows["data"][0]["results"][0]["amount"] == Decimal("12345678901234567.123456")


def test_quote_money_leaves_strings_and_other_numbers_alone() -> None:
    body = (
        b'{"name": "x\\"amount\\": 5", "amount": "5.0", "requests": 3, '
        b'"estimated_overage_spend": 250}'
    )
    assert quote_money(body) == body.replace(b": 250", b': "250"')


SUMMARY = {
    "starting_at": "2026-03-01T00:00:00Z",
    "ending_at": "2026-03-02T00:00:00Z",
    "daily_active_user_count": 412,
    "weekly_active_user_count": 958,
    "monthly_active_user_count": 1187,
    "cowork_daily_active_user_count": 18,
    "cowork_weekly_active_user_count": 61,
    "cowork_monthly_active_user_count": 140,
}


@pytest.mark.parametrize(
    "body",
    [
        {"data": [SUMMARY], "next_page": None},  # today's API (SDK 2.17)
        {"summaries": [SUMMARY]},  # the original guide
    ],
    ids=["data", "summaries"],
)
def test_summaries_read_either_envelope(body: dict[str, Any]) -> None:
    """Today's `/summaries` is `{"data": [...], "next_page": null}` like every other list;
    the guide's `{"summaries": [...]}`. Read strictly, today's body used to fail (`summaries:
    Field required`) and adoption showed nothing."""
    page = SummariesResponse.model_validate_json(json.dumps(body))
    assert [row.daily_active_user_count for row in page.rows] == [412]
    assert page.next_page is None
    assert dict_adapter(SummariesResponse).validate_json(json.dumps(body))
    with pytest.raises(ValidationError, match="data"):
        SummariesResponse.model_validate_json(json.dumps({"days": [SUMMARY]}))


def test_todays_new_fields_are_read() -> None:
    """Chat and Cowork unified, Claude Tag, artifacts created in Claude Code and Cowork, a
    connector's display name, the new actives, the actor's `email_address`."""
    row = UserActivity.model_validate(
        {
            **USER_ROW,
            "user": {**USER_ROW["user"], "type": "user"},
            "chat_cowork_unified_metrics": {"chat": {"message_count": 5}, "sessions": {}},
            "claude_tag_metrics": {"active_day_count": 1, "active_message_count": 2},
        }
    )
    assert row.chat_cowork_unified_metrics is not None
    assert row.chat_cowork_unified_metrics.chat is not None
    assert row.chat_cowork_unified_metrics.chat.message_count == 5
    assert row.claude_tag_metrics is not None
    assert row.claude_tag_metrics.active_message_count == 2
    assert row.model_extra == {}  # nothing today's API sends is "unknown" any more
    summary = DailySummary.model_validate({**SUMMARY, "claude_tag_daily_active_user_count": 9})
    assert summary.claude_tag_daily_active_user_count == 9
    actor = Actor.model_validate({"user_id": "u", "email_address": "a@b.c", "type": "user_actor"})
    assert actor.address == "a@b.c"
    assert Actor.model_validate({"user_id": "u", "email": "a@b.c"}).address == "a@b.c"
    connector = ConnectorUsage.model_validate(
        {"connector_name": "mcpsrv_01x", "connector_display_name": "Salesforce"}
    )
    assert connector.connector_display_name == "Salesforce"
