"""API rows → store rows: flattening, money, grouping keys, activity and the directory entry."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.analytics.products import canonical_product
from bot.store.flatten import (
    FlattenError,
    bucket_rows,
    flatten,
    is_active,
    per_user_row,
    summary_row,
    user_activity_row,
)
from bot.store.money import MoneyPrecisionError
from bot.store.schema import NONE_KEY, USER_ACTIVITY_METRICS, open_store

DAY = date(2026, 3, 2)


def _user(
    metrics: dict[str, int] | None = None, last_activity_date: str | None = None
) -> dict[str, object]:
    metrics = metrics or {}
    office = {"message_count": 0, "distinct_session_count": 0, "skills_used_count": 0}
    return {
        "user": {"id": "user_01", "email_address": "ada@example.com"},
        "web_search_count": metrics.get("web", 0),
        "chat_metrics": {"message_count": metrics.get("chat", 0), "thinking_message_count": 0},
        "claude_code_metrics": {
            "core_metrics": {
                "commit_count": metrics.get("commits", 0),
                "lines_of_code": {"added_count": 5, "removed_count": 1},
            },
            "tool_actions": {"edit_tool": {"accepted_count": 3, "rejected_count": 0}},
        },
        "cowork_metrics": {"message_count": 0, "file_edit_count": None},
        "office_metrics": {"excel": office, "word": {**office, "distinct_session_count": 0}},
        "last_activity_date": last_activity_date,
    }


def test_nested_objects_flatten_with_double_underscores_matching_schema_columns() -> None:
    row, entry = user_activity_row(DAY, _user({"chat": 4}))
    assert row["day"] == "2026-03-02"
    assert row["user_id"] == "user_01"
    assert row["email"] == "ada@example.com"
    assert row["claude_code_metrics__core_metrics__lines_of_code__added_count"] == 5
    assert row["claude_code_metrics__tool_actions__edit_tool__accepted_count"] == 3
    assert row["cowork_metrics__file_edit_count"] is None  # "not available", never zero
    assert set(row) <= set(open_store(":memory:")["user_activity"].columns_dict)
    assert set(USER_ACTIVITY_METRICS) >= {k for k in row if "__" in k}
    assert entry.user_id == "user_01"
    assert entry.email == "ada@example.com"
    assert entry.seen_on == DAY


@pytest.mark.parametrize(
    ("metrics", "active"),
    [({}, 0), ({"chat": 1}, 1), ({"commits": 2}, 1), ({"web": 1}, 1)],
)
def test_is_active_counts_messages_sessions_commits_and_web_searches(
    metrics: dict[str, int], active: int
) -> None:
    row, _ = user_activity_row(DAY, _user(metrics))
    assert row["is_active"] == active


def test_the_apis_last_activity_date_marks_a_user_without_counters_active() -> None:
    """Claude in Chrome has no counter in /users; the API still says the user was active."""
    row, _ = user_activity_row(DAY, _user(last_activity_date="2026-03-02"))
    assert row["is_active"] == 1
    row, _ = user_activity_row(DAY, _user(last_activity_date="2026-02-27"))
    assert row["is_active"] == 0


def test_lines_of_code_alone_do_not_make_a_user_active() -> None:
    assert not is_active({"claude_code_metrics__core_metrics__lines_of_code__added_count": 9})
    assert is_active({"office_metrics__excel__distinct_session_count": 1})


def test_rows_without_a_user_are_refused() -> None:
    with pytest.raises(FlattenError):
        user_activity_row(DAY, {"rbac_group_id": "rbac_group_1", "web_search_count": 1})


def test_money_becomes_exact_integer_microcents() -> None:
    assert flatten({"amount": "41280.000001", "list_amount": "0.5"}) == {
        "amount_microcents": 41_280_000_001,
        "list_amount_microcents": 500_000,
    }
    assert flatten({"estimated_overage_spend": None}) == {
        "estimated_overage_spend_microcents": None
    }
    with pytest.raises(MoneyPrecisionError):
        flatten({"amount": "1.0000001"})


def test_summary_day_comes_from_starting_at_and_new_fields_are_kept() -> None:
    day, row = summary_row(
        {
            "starting_at": "2026-03-01T00:00:00Z",
            "ending_at": "2026-03-02T00:00:00Z",
            "daily_active_user_count": 4,
            "brand_new_metric": 7,
        }
    )
    assert day == date(2026, 3, 1)
    assert row == {"day": "2026-03-01", "daily_active_user_count": 4, "brand_new_metric": 7}


def test_per_user_rows_key_on_product_and_model_with_none_for_api_nulls() -> None:
    raw = {
        "actor": {"user_id": "user_9", "email": None, "name": "Deleted User", "deleted": True},
        "amount": "12.5",
        "list_amount": "20",
        "currency": "USD",
        "requests": 3,
        "product": None,
        "model": "claude-opus-5",
        "context_window": None,
        "cost_type": None,
        "starting_at": None,
        "ending_at": None,
    }
    row, entry = per_user_row(DAY, raw)
    assert row == {
        "day": "2026-03-02",
        "user_id": "user_9",
        "product": NONE_KEY,
        "model": "claude-opus-5",
        "amount_microcents": 12_500_000,
        "list_amount_microcents": 20_000_000,
        "requests": 3,
    }
    assert entry.deleted is True
    assert entry.name == "Deleted User"
    assert entry.email is None


def test_foreign_currency_is_refused_rather_than_mixed_into_usd() -> None:
    raw = {"actor": {"user_id": "u"}, "amount": "1", "list_amount": "1", "currency": "EUR"}
    with pytest.raises(FlattenError):
        per_user_row(DAY, raw)


def test_bucket_rows_store_absent_grouping_keys_as_empty_and_nulls_as_none() -> None:
    bucket = {
        "starting_at": "2026-03-01T00:00:00Z",
        "ending_at": "2026-03-02T00:00:00Z",
        "results": [
            {
                "cost_type": "web_search",
                "token_type": None,
                "product": None,
                "model": None,
                "amount": "3",
                "list_amount": "4",
                "currency": "USD",
                "requests": None,
            }
        ],
    }
    (row,) = bucket_rows("cost_buckets", "cost_type,token_type", bucket)
    assert row == {
        "day": "2026-03-01",
        "grouping": "cost_type,token_type",
        "product": "",
        "model": "",
        "cost_type": "web_search",
        "token_type": NONE_KEY,
        "amount_microcents": 3_000_000,
        "list_amount_microcents": 4_000_000,
        "requests": None,
    }
    usage = {
        "starting_at": "2026-03-01T00:00:00Z",
        "results": [
            {
                "product": "chat",
                "model": None,
                "uncached_input_tokens": 1,
                "cache_creation": {"ephemeral_5m_input_tokens": 2},
                "server_tool_use": {"web_search_requests": 0},
            }
        ],
    }
    (urow,) = bucket_rows("usage_buckets", "", usage)
    assert urow["product"] == ""
    assert urow["model"] == ""
    assert urow["cache_creation__ephemeral_5m_input_tokens"] == 2


@pytest.mark.parametrize(
    ("actor", "email"),
    [
        ({"type": "user_actor", "user_id": "u1", "email_address": "ada@example.com"}, "ada"),
        ({"type": "user_actor", "user_id": "u1", "email": "ada@example.com"}, "ada"),
        ({"type": "user_actor", "user_id": "u1", "email_address": None, "deleted": True}, None),
    ],
    ids=["today: email_address", "the guide: email", "deleted: none"],
)
def test_the_actor_is_named_by_either_spelling_of_its_address(
    actor: dict[str, object], email: str | None
) -> None:
    """Today's API names the address `email_address` (SDK 2.17), the guide `email`: either
    names the person in the directory, so one with spend and no `/users` row is not nameless."""
    raw = {"actor": actor, "amount": "1", "currency": "USD", "product": None, "model": None}
    _, entry = per_user_row(DAY, raw, set())
    assert entry.email == (None if email is None else "ada@example.com")


@pytest.mark.parametrize(
    "spelling", ["claude-tag", "claude-in-slack", "claude_in_slack", "claude_tag"]
)
def test_every_spelling_of_claude_in_slack_is_stored_as_one(spelling: str) -> None:
    """The legacy reports say `claude-tag` (SDK 2.17), the guide `claude-in-slack`, `/cost`
    `claude_tag`: a report, budget or `--product slack` must find all of them."""
    raw = {"actor": {"user_id": "u"}, "amount": "1", "product": spelling, "model": "m"}
    row, _ = per_user_row(DAY, raw)
    assert row["product"] == "claude_tag"
    bucket = {
        "starting_at": "2026-03-02T00:00:00Z",
        "results": [{"amount": "1", "product": spelling}],
    }
    (stored,) = bucket_rows("cost_buckets", "product,model", bucket)
    assert stored["product"] == "claude_tag"
    assert canonical_product("chat_cowork_unified") == "chat_cowork_unified"  # kept as it is


def test_todays_user_object_and_blocks_flatten_and_an_empty_address_is_none() -> None:
    """Today's `/users` row: `user.type`, `distinct_user_count: null` on a per-user row, Chat
    and Cowork unified, Claude Tag, artifacts created; a deleted account's address is a string
    the SDK requires, empty, and no address for the directory."""
    raw = _user({"chat": 0})
    raw["user"] = {"id": "user_01", "email_address": "", "type": "user"}
    raw["distinct_user_count"] = None
    raw["chat_cowork_unified_metrics"] = {
        "chat": {"message_count": 7},
        "sessions": {"message_count": 0, "artifacts_created_count": 2},
    }
    raw["claude_tag_metrics"] = {"active_day_count": 1, "active_message_count": 3}
    row, entry = user_activity_row(DAY, raw, set())
    assert row["email"] is None
    assert entry.email is None
    assert row["chat_cowork_unified_metrics__chat__message_count"] == 7
    assert row["chat_cowork_unified_metrics__sessions__artifacts_created_count"] == 2
    assert row["claude_tag_metrics__active_message_count"] == 3
    assert row["is_active"] == 1  # active in unified chat only
    assert set(USER_ACTIVITY_METRICS) >= {k for k in row if "__" in k}


def test_an_old_store_is_migrated_to_one_slack_spelling(tmp_path: Path) -> None:
    """m030 rewrites rows, budgets and digests stored before the store had one spelling."""
    from sqlite_utils import Database

    from bot.store.schema import migrations

    path = str(tmp_path / "old.db")
    db = Database(path)
    migrations.apply(db, stop_before="m030_todays_api")
    db.table("user_cost").insert(
        {"day": "2026-03-02", "user_id": "u", "product": "claude-in-slack", "model": "m",
         "amount_microcents": 1, "list_amount_microcents": 1}
    )  # fmt: skip
    db.table("budgets").insert({"scope": "claude-tag", "amount_microcents": 5, "set_at": "x"})
    db.close()
    migrated = open_store(path)
    try:
        assert [r["product"] for r in migrated.table("user_cost").rows] == ["claude_tag"]
        assert [r["scope"] for r in migrated.table("budgets").rows] == ["claude_tag"]
    finally:
        migrated.close()
