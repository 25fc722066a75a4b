"""Cross-endpoint consistency and ground truth: the properties reports and sync rely on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bot.simulator import catalog
from bot.simulator.config import SimConfig
from bot.simulator.server import RunningSimulator, start_simulator
from tests.sim_fixtures import SIM_NOW, api_client

DAY = "2026-11-10"
DAY_PARAMS = {"starting_at": f"{DAY}T00:00:00Z", "ending_at": "2026-11-11T00:00:00Z"}


@pytest.fixture(scope="module")
def sim() -> Iterator[RunningSimulator]:
    with start_simulator(SimConfig(users=40, now=SIM_NOW)) as running:
        yield running


@pytest.fixture(scope="module")
def client(sim: RunningSimulator) -> Iterator[httpx.Client]:
    with api_client(sim) as c:
        yield c


def get(client: httpx.Client, path: str, params: Any) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def users_in(client: httpx.Client, params: dict[str, str]) -> set[str]:
    return {r["user"]["id"] for r in get(client, "/users", {**params, "limit": 1000})["data"]}


def test_summaries_agree_with_users(client: httpx.Client) -> None:
    summaries = get(
        client, "/summaries", {"starting_date": "2026-11-08", "ending_date": "2026-11-18"}
    )
    assert summaries["next_page"] is None
    rows = summaries["data"]
    assert [r["starting_at"][:10] for r in rows] == [
        str(date(2026, 11, 8) + timedelta(days=k)) for k in range(10)
    ]
    for row in rows[::3]:
        day = date.fromisoformat(row["starting_at"][:10])
        end = str(day + timedelta(days=1))
        assert row["daily_active_user_count"] == len(users_in(client, {"date": str(day)}))
        weekly = users_in(
            client, {"starting_date": str(day - timedelta(days=6)), "ending_date": end}
        )
        monthly = users_in(
            client, {"starting_date": str(day - timedelta(days=29)), "ending_date": end}
        )
        assert row["weekly_active_user_count"] == len(weekly)
        assert row["monthly_active_user_count"] == len(monthly)
        seats = row["assigned_seat_count"]
        assert row["daily_adoption_rate"] == round(row["daily_active_user_count"] * 100 / seats, 2)
        for key in ("chat", "claude_code", "claude_design", "office_agent", "science"):
            assert f"{key}_monthly_active_user_count" in row
        assert row["weekly_active_user_count"] >= row["daily_active_user_count"]
        day_rows = get(client, "/users", {"date": str(day), "limit": 1000})["data"]
        unified = {
            r["user"]["id"]
            for r in day_rows
            if r["chat_cowork_unified_metrics"]["chat"]["message_count"]
            or r["chat_cowork_unified_metrics"]["sessions"]["message_count"]
        }
        chat = {r["user"]["id"] for r in day_rows if r["chat_metrics"]["message_count"]}
        tagged = {r["user"]["id"] for r in day_rows if r["claude_tag_metrics"]["active_day_count"]}
        assert row["chat_cowork_unified_daily_active_user_count"] == len(unified)
        assert row["chat_daily_active_user_count"] == len(chat)  # unified chat is not "chat"
        assert not unified & chat
        # Slack users, linked or not: at least the linked ones /users shows.
        assert row["claude_tag_daily_active_user_count"] >= len(tagged)


def test_summaries_scoped_to_a_group_null_the_seat_fields(
    client: httpx.Client, sim: RunningSimulator
) -> None:
    group = sim.org.groups[0].group_id
    scoped = get(client, "/summaries", {"starting_date": DAY, "filter[]": f"rbac_group_id:{group}"})
    row = scoped["data"][0]
    assert row["assigned_seat_count"] is None
    assert row["daily_adoption_rate"] is None
    assert row["claude_tag_daily_active_user_count"] is None  # unlinked users have no group
    members = users_in(client, {"date": DAY, "filter[]": f"rbac_group_id:{group}"})
    assert row["daily_active_user_count"] == len(members)


def _total(rows: list[dict[str, Any]], key: str = "amount") -> Decimal:
    return sum((Decimal(r[key]) for r in rows), Decimal(0))


@pytest.mark.parametrize(
    "group_by",
    [
        ["product"],
        ["model"],
        ["cost_type"],
        ["token_type"],
        ["context_window", "inference_geo", "speed"],
        ["product", "model", "cost_type", "token_type"],
    ],
)
def test_cost_groupings_sum_to_the_ungrouped_total(
    client: httpx.Client, sim: RunningSimulator, group_by: list[str]
) -> None:
    (bucket,) = get(client, "/cost_report", DAY_PARAMS)["data"]
    (total,) = bucket["results"]
    amount, listed = sim.org.day_cost_total(date.fromisoformat(DAY), SIM_NOW)
    assert Decimal(total["amount"]) == amount
    assert Decimal(total["list_amount"]) == listed
    grouped = get(client, "/cost_report", {**DAY_PARAMS, "group_by[]": group_by})["data"][0]
    results = grouped["results"]
    assert _total(results) == amount
    assert _total(results, "list_amount") == listed
    typed = "cost_type" in group_by or "token_type" in group_by
    for row in results:
        assert (row["requests"] is None) == typed
        assert Decimal(row["list_amount"]) >= Decimal(row["amount"]) > 0
        assert row["amount"].count(".") == 1
        assert len(row["amount"].split(".")[1]) == 6
        assert row["currency"] == "USD"
        if "product" not in group_by:
            assert row["product"] is None
        if "model" not in group_by:
            assert row["model"] is None
        if "token_type" not in group_by:
            assert row["token_type"] is None


def test_usage_groupings_sum_to_the_ungrouped_total(client: httpx.Client) -> None:
    keys = ("uncached_input_tokens", "cache_read_input_tokens", "output_tokens", "requests")
    (total,) = get(client, "/usage_report", DAY_PARAMS)["data"][0]["results"]
    for group_by in (["product"], ["model", "speed"], ["inference_geo"]):
        results = get(client, "/usage_report", {**DAY_PARAMS, "group_by[]": group_by})["data"][0][
            "results"
        ]
        for key in keys:
            assert sum(r[key] for r in results) == total[key]
        assert (
            sum(r["cache_creation"]["ephemeral_5m_input_tokens"] for r in results)
            == (total["cache_creation"]["ephemeral_5m_input_tokens"])
        )
    by_product = get(client, "/usage_report", {**DAY_PARAMS, "group_by[]": "product"})
    products = {r["product"] for r in by_product["data"][0]["results"]}
    assert {"chat", "other", None} <= products


def test_rbac_groups_overlap_but_cover_everyone(client: httpx.Client) -> None:
    (total,) = get(client, "/cost_report", DAY_PARAMS)["data"][0]["results"]
    results = get(client, "/cost_report", {**DAY_PARAMS, "group_by[]": "rbac_group_id"})["data"][0][
        "results"
    ]
    assert _total(results) >= Decimal(total["amount"])
    assert sum(1 for r in results if r["rbac_group_id"] is None) == 1


@pytest.mark.parametrize("path", ["/cost_report", "/usage_report"])
def test_hours_sum_to_the_day_and_minutes_to_the_hour(client: httpx.Client, path: str) -> None:
    key = "amount" if path == "/cost_report" else "output_tokens"

    def bucket_sums(params: dict[str, Any]) -> list[Decimal]:
        body = get(client, path, params)
        return [sum((Decimal(r[key]) for r in b["results"]), Decimal(0)) for b in body["data"]]

    (day,) = bucket_sums({**DAY_PARAMS, "bucket_width": "1d", "group_by[]": "product"})
    hours = bucket_sums({**DAY_PARAMS, "bucket_width": "1h", "limit": 24})
    assert len(hours) == 24
    assert sum(hours) == day
    minutes = bucket_sums(
        {"starting_at": f"{DAY}T15:00:00Z", "ending_at": f"{DAY}T16:00:00Z", "bucket_width": "1m"}
    )
    assert len(minutes) == 60
    assert sum(minutes) == hours[15] > 0


def test_per_user_reports_cover_seat_users_only(
    client: httpx.Client, sim: RunningSimulator
) -> None:
    rows = get(client, "/user_cost_report", {**DAY_PARAMS, "limit": 1000})["data"]
    seat_amount, _ = sim.org.day_cost_total(date.fromisoformat(DAY), SIM_NOW, seat_only=True)
    assert _total(rows) == seat_amount
    (total,) = get(client, "/cost_report", DAY_PARAMS)["data"][0]["results"]
    assert Decimal(total["amount"]) > seat_amount
    usage = get(client, "/user_usage_report", {**DAY_PARAMS, "limit": 1000})["data"]
    assert sum(r["total_tokens"] for r in usage) == sim.org.day_token_total(
        date.fromisoformat(DAY), SIM_NOW, seat_only=True
    )
    for row in usage:
        assert row["total_tokens"] == (
            row["uncached_input_tokens"]
            + row["cache_read_input_tokens"]
            + row["output_tokens"]
            + row["cache_creation"]["ephemeral_5m_input_tokens"]
            + row["cache_creation"]["ephemeral_1h_input_tokens"]
        )


def test_per_user_buckets_carry_their_span(client: httpx.Client) -> None:
    params = {"starting_at": "2026-11-09T00:00:00Z", "ending_at": "2026-11-11T00:00:00Z"}
    whole = get(client, "/user_cost_report", {**params, "limit": 1000})["data"]
    daily = get(client, "/user_cost_report", {**params, "bucket_width": "1d", "limit": 1000})[
        "data"
    ]
    assert {r["starting_at"] for r in daily} == {"2026-11-09T00:00:00Z", "2026-11-10T00:00:00Z"}
    assert all(r["starting_at"] is None for r in whole)
    assert _total(daily) == _total(whole)


def test_cost_type_rows_do_not_count_toward_limit(client: httpx.Client) -> None:
    body = get(client, "/user_cost_report", {**DAY_PARAMS, "limit": 3, "group_by[]": "token_type"})
    assert len({r["actor"]["user_id"] for r in body["data"]}) == 3
    assert len(body["data"]) > 3


def test_freshness_watermark_and_partial_tail(client: httpx.Client) -> None:
    body = get(
        client, "/usage_report", {"starting_at": "2026-11-20T00:00:00Z", "bucket_width": "1h"}
    )
    assert body["data_refreshed_at"] == "2026-11-20T12:00:00Z"
    filled = [b["starting_at"][11:13] for b in body["data"] if b["results"]]
    assert filled
    assert max(filled) == "11"


def test_revisions_grow_until_30_days_then_stay(
    make_simulator: Any,
) -> None:
    sim: RunningSimulator = make_simulator()
    day = date(2026, 10, 1)
    params = {"starting_at": "2026-10-01T00:00:00Z", "ending_at": "2026-10-02T00:00:00Z"}
    seen = []
    with api_client(sim) as client:
        for age in (1, 5, 20, 30, 31, 45):
            now = SIM_NOW.replace(year=2026, month=10, day=1) + timedelta(days=age)
            sim.set_now(now)
            (row,) = get(client, "/cost_report", params)["data"][0]["results"]
            assert Decimal(row["amount"]) == sim.org.day_cost_total(day, now)[0]
            seen.append(Decimal(row["amount"]))
    assert seen[0] < seen[1] < seen[2] < seen[3]
    assert seen[3] == seen[4] == seen[5]
    assert seen[0] > seen[3] * Decimal("0.9")


def test_spend_multiplier_scales_money_exactly(make_simulator: Any) -> None:
    base: RunningSimulator = make_simulator()
    big: RunningSimulator = make_simulator(spend_multiplier=1000)
    amounts = []
    for sim in (base, big):
        with api_client(sim) as client:
            (row,) = get(client, "/cost_report", DAY_PARAMS)["data"][0]["results"]
            amounts.append(Decimal(row["amount"]))
    assert amounts[1] == amounts[0] * 1000


def test_adversarial_names_reach_every_listing(client: httpx.Client, sim: RunningSimulator) -> None:
    window = {"starting_date": "2026-08-01", "ending_date": "2026-11-18", "limit": 1000}
    found: dict[str, set[str]] = {}
    for path, key in (
        ("/skills", "skill_name"),
        ("/connectors", "connector_name"),
        ("/apps/chat/projects", "project_name"),
    ):
        found[path] = {r[key] for r in get(client, path, window)["data"]}
    names = {u.name for u in sim.org.users()}
    reported = get(
        client, "/user_cost_report", {"starting_at": "2026-10-20T00:00:00Z", "limit": 1000}
    )
    found["actors"] = {r["actor"]["name"] for r in reported["data"]}
    for where, values in found.items():
        assert values & set(catalog.ADVERSARIAL), where
    everything = set().union(*found.values(), names)
    assert set(catalog.ADVERSARIAL) <= everything
    assert any(len(v) == 300 for v in everything)


def test_breakdowns_agree_with_user_days(client: httpx.Client, sim: RunningSimulator) -> None:
    day = date(2026, 11, 10)
    skills = get(client, "/skills", {"date": str(day), "limit": 1000})["data"]
    expected: dict[str, set[int]] = {}
    for user in sim.org.active_users(day):
        record = sim.org.user_day(user, day)
        assert record is not None
        for idx, *_ in record.skills:
            expected.setdefault(catalog.SKILLS[idx][0], set()).add(user)
    assert {r["skill_name"]: r["distinct_user_count"] for r in skills} == {
        k: len(v) for k, v in expected.items()
    }
    names = [r["skill_name"] for r in skills]
    assert names == sorted(names)
