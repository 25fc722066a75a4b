"""Query encoding and the checks made before any request is sent (no server needed)."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import SecretStr

from bot.analytics import AnalyticsClient
from bot.analytics.errors import (
    DataNotYetAvailableError,
    DateRangeError,
    InvalidParameterError,
)
from bot.analytics.params import encode
from bot.errors import InputError

NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


def test_lists_use_repeated_bracket_names_and_values_their_api_spelling() -> None:
    pairs = encode(
        {
            "starting_at": dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
            "products": ["chat", "claude_code"],
            "filters": ["rbac_group_id:rbac_group_1"],
            "exclude_deleted_users": True,
            "date": dt.date(2026, 3, 2),
            "order": None,
            "limit": 1000,
        },
        [("claude_tag_categories[]", "dm")],
    )
    assert pairs == [
        ("starting_at", "2026-03-01T00:00:00Z"),
        ("products[]", "chat"),
        ("products[]", "claude_code"),
        ("filter[]", "rbac_group_id:rbac_group_1"),
        ("exclude_deleted_users", "true"),
        ("date", "2026-03-02"),
        ("limit", "1000"),
        ("claude_tag_categories[]", "dm"),
    ]


def test_array_parameters_are_capped_at_100_entries() -> None:
    with pytest.raises(InvalidParameterError, match="at most 100"):
        encode({"user_ids": [f"user_{i}" for i in range(101)]})
    with pytest.raises(InvalidParameterError, match="list of strings"):
        encode({"products": "chat"})


@pytest.fixture
def offline_client() -> AnalyticsClient:
    """A client whose base URL is never contacted: these checks must fail before sending."""
    return AnalyticsClient(
        base_url="http://127.0.0.1:9", api_key=SecretStr("unused"), clock=lambda: NOW
    )


def test_invalid_requests_fail_before_sending(offline_client: AnalyticsClient) -> None:
    with offline_client as client:
        with pytest.raises(DateRangeError, match="2026-01-01"):
            client.users(date=dt.date(2025, 12, 1))
        with pytest.raises(DateRangeError, match="has not ended yet"):
            client.skills(date=NOW.date())
        with pytest.raises(InvalidParameterError, match="exactly one"):
            client.connectors(date=dt.date(2026, 3, 1), starting_date=dt.date(2026, 3, 1))
        with pytest.raises(InvalidParameterError, match="between 1 and 1000"):
            client.users(date=dt.date(2026, 3, 1), limit=1001)
        with pytest.raises(InvalidParameterError, match="between 1 and 31"):
            client.cost_report(starting_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC), limit=32)
        with pytest.raises(DateRangeError, match="no time zone"):
            client.usage_report(starting_at=dt.datetime(2026, 11, 1))  # noqa: DTZ001
        with pytest.raises(InvalidParameterError, match="24 hours"):
            client.user_usage_report(
                starting_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
                ending_at=dt.datetime(2026, 11, 3, tzinfo=dt.UTC),
                bucket_width="1m",
            )


def test_error_classes_carry_a_sentence_and_never_the_key() -> None:
    error = DataNotYetAvailableError(
        "date must be on or before 2026-11-21",
        requested="2026-11-22",
        latest_available=dt.date(2026, 11, 21),
        request_id="req_1",
    )
    assert str(error).startswith("Engagement data for 2026-11-22 is not available yet")
    assert error.status == 400
    assert error.request_id == "req_1"
    assert DataNotYetAvailableError.latest_day_in("latest available day is 2026-03-05.") == (
        dt.date(2026, 3, 5)
    )
    assert issubclass(DateRangeError, InputError)
    with AnalyticsClient(base_url="http://x", api_key=SecretStr("secret-key")) as client:
        assert "secret-key" not in repr(client)
