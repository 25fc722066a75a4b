"""The stand-in's cost and usage reports: windows, envelopes, sparse rows, amounts that are
sometimes JSON numbers, group rows that add up to the ungrouped total, and its own page sizes."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.fakes.standin_api import RunningStandin
from tests.fakes.standin_helpers import Params, standin_client, walk

pytest_plugins = ["tests.fakes.standin_fixtures"]

START = "2026-10-21T00:00:00Z"
END = "2026-11-20T12:00:00Z"  # = now: today's partial day is in the window
WINDOW: Params = [("starting_at", START), ("ending_at", END)]
DAILY: Params = [*WINDOW, ("bucket_width", "1d"), ("limit", 31)]


def _raw_pages(client: httpx.Client, path: str, params: Params) -> list[dict[str, Any]]:
    """Pages parsed with Decimal floats, so a number's exact digits can be inspected."""
    pages = []
    for page in walk(client, path, params):
        assert set(page) >= {
            "data",
            "has_more",
            "next_page",
            "data_refreshed_at",
            "organization_id",
        }
        assert page["has_more"] is (page["next_page"] is not None)
        pages.append(json.loads(json.dumps(page), parse_float=Decimal))
    return pages


def _rows(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row for page in pages for row in page["data"]]


def _results(pages: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {b["starting_at"]: b["results"] for page in pages for b in page["data"]}


def _amount(value: Any) -> Decimal:
    assert isinstance(value, str | int | Decimal), value
    return Decimal(value)


def test_envelope_watermark_and_window_rules(standin: RunningStandin) -> None:
    with standin_client(standin) as client:
        page = client.get("/cost_report", params=DAILY).json()
        errors = [
            client.get("/cost_report", params=[("starting_at", "2025-12-31T00:00:00Z")]),
            client.get(
                "/cost_report",
                params=[
                    ("starting_at", "2026-09-01T00:00:00Z"),
                    ("ending_at", "2026-10-02T00:00:01Z"),
                ],
            ),
            client.get("/user_cost_report", params=[("starting_at", "2026-11-01")]),
            client.get("/usage_report", params=[*WINDOW, ("bucket_width", "1h")]),
            client.get("/user_usage_report", params=[*WINDOW, ("group_by[]", "speed")]),
        ]
    assert page["data_refreshed_at"] == "2026-11-20T12:00:00Z"
    assert page["organization_id"].startswith("org_")
    for response in errors:
        assert response.status_code == 400, response.text
        assert response.json()["error"]["type"] == "invalid_request_error"
    assert "31 days" in errors[1].json()["error"]["message"]


def test_watermark_is_now_truncated_to_four_hours(
    make_standin: Callable[..., RunningStandin],
) -> None:
    api = make_standin(now=datetime(2026, 11, 20, 15, 37, tzinfo=UTC))
    with standin_client(api) as client:
        page = client.get("/usage_report", params=[("starting_at", "2026-11-19T00:00:00Z")])
    assert page.json()["data_refreshed_at"] == "2026-11-20T12:00:00Z"


def test_buckets_are_daily_capped_and_end_on_has_more_false(standin: RunningStandin) -> None:
    with standin_client(standin) as client:
        pages = _raw_pages(client, "/usage_report", DAILY)
    sizes = [len(page["data"]) for page in pages]
    assert max(sizes) == 7, sizes
    assert any(size < 7 for size in sizes[:-1]), sizes
    assert all(page["has_more"] for page in pages[:-1])
    assert not pages[-1]["has_more"]
    starts = list(_results(pages))
    assert len(starts) == 31
    assert starts == sorted(starts)
    assert starts[0] == START
    assert starts[-1] == "2026-11-20T00:00:00Z"
    for results in _results(pages).values():
        (total,) = results  # ungrouped: one total row per bucket, no grouping keys
        assert "product" not in total
        assert "model" not in total


def test_today_is_partial_until_the_export_catches_up(standin: RunningStandin) -> None:
    params: Params = [
        ("starting_at", "2026-11-20T00:00:00Z"),
        ("ending_at", "2026-11-21T00:00:00Z"),
    ]
    with standin_client(standin) as client:
        midday = _amount(
            client.get("/cost_report", params=params).json()["data"][0]["results"][0]["amount"]
        )
        standin.set_now(datetime(2026, 11, 21, 4, 0, tzinfo=UTC))
        later = _amount(
            client.get("/cost_report", params=params).json()["data"][0]["results"][0]["amount"]
        )
    assert 0 < midday < later


@pytest.mark.parametrize(
    "groups",
    [
        ["product"],
        ["model"],
        ["cost_type"],
        ["token_type"],
        ["product", "cost_type"],
        ["product", "model", "cost_type", "token_type"],
    ],
)
def test_cost_groups_sum_to_the_ungrouped_total_per_day(
    standin: RunningStandin, groups: list[str]
) -> None:
    with standin_client(standin) as client:
        totals = _results(_raw_pages(client, "/cost_report", DAILY))
        grouped = _results(
            _raw_pages(client, "/cost_report", [*DAILY, *(("group_by[]", g) for g in groups)])
        )
    assert list(totals) == list(grouped)
    for day, (total,) in totals.items():
        assert sum(_amount(row["amount"]) for row in grouped[day]) == _amount(total["amount"])
        for row in grouped[day]:
            assert set(groups) <= set(row)  # grouped keys present (maybe null) …
            assert not {"product", "model", "cost_type", "token_type"} - set(groups) & set(row)


def test_per_user_cost_groups_sum_to_each_users_total(standin: RunningStandin) -> None:
    with standin_client(standin) as client:
        plain = _rows(_raw_pages(client, "/user_cost_report", [*WINDOW, ("limit", 1000)]))
        split = _rows(
            _raw_pages(
                client,
                "/user_cost_report",
                [*WINDOW, ("limit", 1000), ("group_by[]", "product"), ("group_by[]", "cost_type")],
            )
        )
        org = _results(_raw_pages(client, "/cost_report", DAILY))
    per_user: dict[str, Decimal] = defaultdict(Decimal)
    for row in split:
        per_user[row["actor"]["user_id"]] += _amount(row["amount"])
    assert per_user == {row["actor"]["user_id"]: _amount(row["amount"]) for row in plain}
    org_total = sum(_amount(rows[0]["amount"]) for rows in org.values())
    assert sum(per_user.values()) < org_total  # bucketed adds API-key traffic


def test_amounts_are_strings_or_numbers_never_beyond_six_decimals(
    standin: RunningStandin,
) -> None:
    with standin_client(standin) as client:
        rows = _rows(_raw_pages(client, "/user_cost_report", [*WINDOW, ("group_by[]", "product")]))
        buckets = _results(
            _raw_pages(client, "/cost_report", [*DAILY, ("group_by[]", "cost_type")])
        )
    rows += [row for results in buckets.values() for row in results]
    amounts = [row["amount"] for row in rows]
    strings = [a for a in amounts if isinstance(a, str)]
    assert strings
    assert all(len(a.split(".")[1]) == 6 for a in strings)
    assert any(isinstance(a, Decimal) for a in amounts)  # a JSON float such as 41280.5
    assert any(isinstance(a, int) for a in amounts)  # a whole-cent JSON integer such as 1999
    numbers = [a for a in amounts if isinstance(a, Decimal)]
    assert all(-a.as_tuple().exponent <= 6 for a in numbers)  # type: ignore[operator]


def test_cost_rows_leave_out_list_amount_currency_and_requests(standin: RunningStandin) -> None:
    with standin_client(standin) as client:
        rows = _rows(_raw_pages(client, "/user_cost_report", [*WINDOW, ("limit", 1000)]))
        split = _results(_raw_pages(client, "/cost_report", [*DAILY, ("group_by[]", "token_type")]))
    for key in ("list_amount", "currency", "requests"):
        assert any(key not in row for row in rows), key
        assert any(key in row for row in rows), key
    assert all("amount" in row and "cost_type" not in row for row in rows)
    assert all("starting_at" not in row for row in rows)
    split_rows = [row for results in split.values() for row in results]
    assert all(row.get("requests") is None for row in split_rows)
    assert any("requests" in row for row in split_rows)
    assert any(row["token_type"] is None for row in split_rows)  # web search, code execution


def test_actors_always_have_a_user_id_and_sometimes_little_else(standin: RunningStandin) -> None:
    with standin_client(standin) as client:
        rows = _rows(_raw_pages(client, "/user_cost_report", [*WINDOW, ("limit", 1000)]))
        kept = _rows(
            _raw_pages(
                client,
                "/user_cost_report",
                [*WINDOW, ("limit", 1000), ("exclude_deleted_users", "true")],
            )
        )
    actors = [row["actor"] for row in rows]
    assert all(a["user_id"].startswith("user_") for a in actors)
    assert any(a.get("deleted") is True and a["email"] is None for a in actors)
    assert any(a["email"] is None and not a.get("deleted") for a in actors)
    assert any("type" not in a for a in actors)
    assert any("name" not in a for a in actors)
    assert any("deleted" not in a for a in actors)
    assert {row["actor"]["user_id"] for row in kept} == {
        a["user_id"] for a in actors if not a.get("deleted")
    }


def test_usage_rows_leave_out_blocks_and_totals(standin: RunningStandin) -> None:
    with standin_client(standin) as client:
        rows = _rows(_raw_pages(client, "/user_usage_report", [*WINDOW, ("group_by[]", "model")]))
        buckets = _results(_raw_pages(client, "/usage_report", [*DAILY, ("group_by[]", "product")]))
    assert all("model" in row and "product" not in row for row in rows)
    for key in ("cache_creation", "server_tool_use", "total_tokens", "requests"):
        assert any(key not in row for row in rows), key
    for row in rows:
        if "total_tokens" in row and "cache_creation" in row:
            parts = row["uncached_input_tokens"] + row["cache_read_input_tokens"]
            parts += row["output_tokens"] + sum(row["cache_creation"].values())
            assert row["total_tokens"] == parts
    bucket_rows = [row for results in buckets.values() for row in results]
    assert all("total_tokens" not in row for row in bucket_rows)
    assert any(row["product"] is None for row in bucket_rows)  # code-execution spans


def test_per_user_pages_are_capped_but_split_rows_do_not_count(standin: RunningStandin) -> None:
    with standin_client(standin) as client:
        pages = _raw_pages(client, "/user_usage_report", [*WINDOW, ("limit", 1000)])
        split = client.get(
            "/user_cost_report", params=[*WINDOW, ("limit", 2), ("group_by[]", "token_type")]
        ).json()
    sizes = [len(page["data"]) for page in pages]
    assert max(sizes) == 7, sizes
    assert any(size < 7 for size in sizes[:-1]), sizes
    totals = [row["total_tokens"] for row in _rows(pages) if "total_tokens" in row]
    assert totals == sorted(totals, reverse=True)
    assert len({row["actor"]["user_id"] for row in split["data"]}) == 2
    assert len(split["data"]) > 2
    assert split["has_more"] is True
