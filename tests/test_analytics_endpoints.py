"""Every endpoint method over real loopback HTTP against the simulator: parameters, both
pagination styles across many pages, window splitting, and request counts from `/_sim/requests`."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Iterator
from decimal import Decimal

import httpx
import pytest
from pydantic import SecretStr

from bot.analytics import AnalyticsClient, RetryPolicy
from bot.analytics.errors import MissingApiKeyError
from bot.analytics.models import DailySummary
from bot.config import Settings
from bot.simulator.server import RunningSimulator
from tests.sim_fixtures import API_PREFIX

DAY = dt.date(2026, 11, 10)
START = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)


def connect(sim: RunningSimulator, **kwargs: object) -> AnalyticsClient:
    return AnalyticsClient(
        base_url=sim.base_url,
        api_key=SecretStr(sim.config.api_key),
        retry=RetryPolicy(wait=False),
        clock=sim.now,
        **kwargs,  # type: ignore[arg-type]
    )


def counts(sim: RunningSimulator) -> dict[str, int]:
    """Request counts per endpoint name, read over HTTP as any client would."""
    body = httpx.get(sim.base_url + "/_sim/requests").json()
    return {path.removeprefix(API_PREFIX + "/"): n for path, n in body.items()}


@pytest.fixture
def client(simulator: RunningSimulator) -> Iterator[AnalyticsClient]:
    with connect(simulator) as c:
        yield c


def test_users_pages_with_small_limit_equal_one_bulk_page(
    simulator: RunningSimulator, client: AnalyticsClient
) -> None:
    bulk = list(client.users(date=DAY))
    assert counts(simulator)["users"] == 1
    paged = client.users(date=DAY, limit=3)
    pages = list(paged.pages())
    assert [u.user for u in bulk] == [u.user for row in pages for u in row.data]
    assert len(pages) == math.ceil(len(bulk) / 3) > 5
    assert all(p.next_page for p in pages[:-1])
    assert pages[-1].next_page is None
    assert counts(simulator)["users"] == 1 + len(pages)
    emails = [u.user.email_address for u in bulk if u.user and u.user.email_address]
    assert emails == sorted(emails)
    dau = list(client.summaries(starting_date=DAY, ending_date=DAY + dt.timedelta(days=1)))
    assert dau[0].daily_active_user_count == len(bulk)


def test_users_range_mode_filters_grouping_and_order(client: AnalyticsClient) -> None:
    week = list(client.users(starting_date=dt.date(2026, 11, 1), ending_date=DAY, limit=1000))
    assert len(week) >= len(list(client.users(date=dt.date(2026, 11, 1))))
    one = week[0].user
    assert one is not None
    only = list(client.users(date=DAY, filters=[f"user_id:{one.id}"]))
    assert [r.user.id for r in only if r.user] in ([one.id], [])
    groups = list(client.users(date=DAY, group_by=["rbac_group_id"], limit=2))
    assert groups
    assert all(g.user is None for g in groups)
    assert sum(1 for g in groups if g.rbac_group_id is None) <= 1  # the "no group" row
    ranked = list(client.users(date=DAY, order_by="chat_message_count", order="desc"))
    messages = [r.chat_metrics.message_count or 0 if r.chat_metrics else 0 for r in ranked]
    assert messages == sorted(messages, reverse=True)


def test_summaries_split_at_31_days(simulator: RunningSimulator, client: AnalyticsClient) -> None:
    start = dt.date(2026, 8, 1)
    end = start + dt.timedelta(days=75)
    paged = client.summaries(starting_date=start, ending_date=end)
    days: list[DailySummary] = list(paged)
    assert counts(simulator)["summaries"] == 3
    assert len(days) == 75
    assert days[0].starting_at.date() == start
    assert all(a.ending_at == b.starting_at for a, b in itertools.pairwise(days))
    # An open range is sent open: the API ends it at its latest available day (a day late).
    open_ended = list(client.summaries(starting_date=dt.date(2026, 11, 1)))
    assert open_ended[-1].starting_at.date() == simulator.now().date() - dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("method", "endpoint", "name"),
    [
        ("chat_projects", "apps/chat/projects", "project_id"),
        ("skills", "skills", "skill_name"),
        ("connectors", "connectors", "connector_name"),
        ("plugins", "plugins", "plugin_name"),
    ],
)
def test_breakdown_endpoints_follow_every_page(
    simulator: RunningSimulator, client: AnalyticsClient, method: str, endpoint: str, name: str
) -> None:
    start = dt.date(2026, 10, 20)
    fetch: Callable[..., object] = getattr(client, method)
    everything = [getattr(r, name) for r in fetch(starting_date=start, ending_date=DAY)]  # type: ignore[attr-defined]
    assert everything
    before = counts(simulator)[endpoint]
    small = [getattr(r, name) for r in fetch(starting_date=start, ending_date=DAY, limit=2)]  # type: ignore[attr-defined]
    assert small == everything
    assert counts(simulator)[endpoint] - before == math.ceil(len(everything) / 2)
    grouped = list(fetch(date=DAY, group_by=["rbac_group_id"]))  # type: ignore[call-overload]
    assert any(r.rbac_group_id for r in grouped)


def test_artifacts_and_skill_filters(client: AnalyticsClient) -> None:
    cube = list(client.artifacts(date=DAY))
    assert cube
    assert all(isinstance(r.is_shared, bool) for r in cube)
    per_user = list(client.artifacts(date=DAY, group_by=["user_id"], limit=2))
    assert all(r.user_id for r in per_user)
    private = list(client.skills(date=DAY, filters=["share_status:private"]))
    assert all(r.share_status in (None, "private") for r in private)


def test_cost_75_days_is_three_adjacent_windows(
    simulator: RunningSimulator, client: AnalyticsClient
) -> None:
    start = dt.datetime(2026, 8, 1, tzinfo=dt.UTC)
    pages = list(
        client.cost_report(starting_at=start, ending_at=start + dt.timedelta(days=75)).pages()
    )
    assert counts(simulator)["cost_report"] == 3
    buckets = [b for p in pages for b in p.data]
    assert len(buckets) == 75
    assert buckets[0].starting_at == start
    assert all(a.ending_at == b.starting_at for a, b in itertools.pairwise(buckets))
    assert all(p.data_refreshed_at is not None for p in pages)
    assert all(isinstance(r.amount, Decimal) for b in buckets for r in b.results)


def test_usage_report_pages_and_group_by(
    simulator: RunningSimulator, client: AnalyticsClient
) -> None:
    pages = list(
        client.usage_report(
            starting_at=START,
            ending_at=START + dt.timedelta(days=20),
            limit=4,
            group_by=["product"],
        ).pages()
    )
    assert counts(simulator)["usage_report"] == len(pages) == 5
    assert [p.has_more for p in pages] == [True] * 4 + [False]
    products = {r.product for p in pages for b in p.data for r in b.results}
    assert "chat" in products
    hourly = list(
        client.usage_report(
            starting_at=START, ending_at=START + dt.timedelta(days=1), bucket_width="1h"
        )
    )
    assert len(hourly) == 24


def test_user_reports_paginate_order_and_filter(
    simulator: RunningSimulator, client: AnalyticsClient
) -> None:
    end = START + dt.timedelta(days=30)
    costs = list(client.user_cost_report(starting_at=START, ending_at=end, limit=5))
    assert counts(simulator)["user_cost_report"] == math.ceil(len(costs) / 5) > 3
    amounts = [r.amount for r in costs]
    assert amounts == sorted(amounts, reverse=True)
    assert len({r.actor.user_id for r in costs}) == len(costs)
    usage = list(
        client.user_usage_report(
            starting_at=START, ending_at=end, order_by="output_tokens", order="asc"
        )
    )
    outputs = [r.output_tokens or 0 for r in usage]
    assert outputs == sorted(outputs)
    chat_only = list(
        client.user_usage_report(
            starting_at=START, ending_at=end, products=["chat"], group_by=["product"]
        )
    )
    assert {r.product for r in chat_only} <= {"chat"}
    kept = list(
        client.user_cost_report(starting_at=START, ending_at=end, exclude_deleted_users=True)
    )
    assert not any(r.actor.deleted for r in kept)
    daily = list(
        client.user_cost_report(
            starting_at=START,
            ending_at=START + dt.timedelta(days=2),
            bucket_width="1d",
            user_ids=[costs[0].actor.user_id],
        )
    )
    assert {r.actor.user_id for r in daily} == {costs[0].actor.user_id}
    assert all(r.starting_at is not None for r in daily)


def test_amounts_above_ten_million_dollars_stay_exact(
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    sim = make_simulator(spend_multiplier=100_000)
    with connect(sim) as client:
        buckets = list(
            client.cost_report(starting_at=START, ending_at=START + dt.timedelta(days=31))
        )
        raw = httpx.get(
            sim.base_url + API_PREFIX + "/cost_report",
            params=[
                ("starting_at", "2026-10-01T00:00:00Z"),
                ("ending_at", "2026-11-01T00:00:00Z"),
                ("bucket_width", "1d"),
                ("limit", "31"),
            ],
            headers={"x-api-key": sim.config.api_key},
        ).json()
    total = sum((r.amount for b in buckets for r in b.results), Decimal(0))
    assert total / 100 > Decimal(10_000_000)
    raw_amounts = [r["amount"] for b in raw["data"] for r in b["results"]]
    assert [str(r.amount) for b in buckets for r in b.results] == raw_amounts


def test_map_concurrently_yields_every_day_once(
    simulator: RunningSimulator, client: AnalyticsClient
) -> None:
    days = [DAY - dt.timedelta(days=i) for i in range(12)]
    sequential = {d: len(list(client.users(date=d))) for d in days}
    parallel = dict(client.map_concurrently(lambda d: len(list(client.users(date=d))), days))
    assert parallel == sequential
    assert counts(simulator)["users"] == 24


def test_from_settings_uses_base_url_and_key(simulator: RunningSimulator) -> None:
    settings = Settings(analytics_base_url=simulator.base_url, analytics_api_key="demo-key")
    with AnalyticsClient.from_settings(settings, clock=simulator.now) as client:
        assert list(client.skills(date=DAY))
    with pytest.raises(MissingApiKeyError):
        AnalyticsClient.from_settings(Settings(analytics_base_url=simulator.base_url))
