"""The synthetic org on its own: determinism, realism of the shapes, exact integer arithmetic."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from statistics import mean

import pytest

from bot.simulator import catalog
from bot.simulator.config import SimConfig
from bot.simulator.context import RequestContext
from bot.simulator.org import SyntheticOrg
from bot.simulator.spend import REVISION_DAYS, revise, token_prices
from bot.simulator.stable import split_counts
from bot.simulator.users import users_endpoint
from tests.sim_fixtures import SIM_NOW

TODAY = SIM_NOW.date()


@pytest.fixture(scope="module")
def org() -> SyntheticOrg:
    return SyntheticOrg(SimConfig(users=300, now=SIM_NOW), TODAY)


def test_same_seed_same_org_other_seed_other_org(org: SyntheticOrg) -> None:
    again = SyntheticOrg(SimConfig(users=300, now=SIM_NOW), TODAY)
    other = SyntheticOrg(SimConfig(users=300, seed=8, now=SIM_NOW), TODAY)
    assert again.users() == org.users()
    day = TODAY - timedelta(days=10)
    assert [again.user_day(u, day) for u in range(300)] == [
        org.user_day(u, day) for u in range(300)
    ]
    assert again.cost_lines(day) == org.cost_lines(day)
    assert other.users()[0].user_id != org.users()[0].user_id


def test_history_starts_days_back_but_not_before_2026(org: SyntheticOrg) -> None:
    assert org.start == TODAY - timedelta(days=120)
    early = SyntheticOrg(SimConfig(users=10, days=400, now=SIM_NOW), TODAY)
    assert early.start == date(2026, 1, 1)
    assert early.cost_lines(date(2025, 12, 31)) == ()


def test_adoption_is_s_shaped_and_weekdays_are_busier(org: SyntheticOrg) -> None:
    span = (TODAY - org.start).days
    seats = [org.seats(org.start + timedelta(days=span * k // 4))[0] for k in range(5)]
    assert seats == sorted(seats)
    assert seats[0] < 0.2 * seats[-1]
    growth = [b - a for a, b in pairwise(seats)]
    assert max(growth[1:3]) > growth[0]  # fastest in the middle
    recent = [TODAY - timedelta(days=k) for k in range(3, 31)]
    weekday = mean(len(org.active_users(d)) for d in recent if d.weekday() < 5)
    weekend = mean(len(org.active_users(d)) for d in recent if d.weekday() >= 5)
    assert weekday > 2 * weekend


def test_personas_lifecycles_and_deleted_users(org: SyntheticOrg) -> None:
    users = org.users()
    personas = {u.persona.name for u in users}
    assert {"chat", "coder", "cowork", "office"} <= personas
    assert sum(u.persona.name == "chat" for u in users) > len(users) / 3
    never = [u for u in users if u.first_active > TODAY.toordinal()]
    assert never
    deleted = [u for u in users if u.deleted]
    assert deleted
    assert all(u.email is None and u.name == "Deleted User" for u in deleted)
    assert all(u.user_id.startswith("user_01") and len(u.user_id) == 31 for u in users)


def test_coders_spend_far_more_than_chat_users(org: SyntheticOrg) -> None:
    per_persona: dict[str, list[Decimal]] = {"chat": [], "coder": []}
    users = org.users()
    for k in range(3, 20):
        day = TODAY - timedelta(days=k)
        spend: dict[int, Decimal] = {}
        for line, counts in org.cost_rows(day, SIM_NOW):
            if line.user >= 0:
                spend[line.user] = (
                    spend.get(line.user, Decimal(0)) + org.line_money(line, counts)[0]
                )
        for user, amount in spend.items():
            name = users[user].persona.name
            if name in per_persona:
                per_persona[name].append(amount)
    assert mean(per_persona["coder"]) > 10 * mean(per_persona["chat"])


def test_split_counts_slices_add_up_exactly() -> None:
    r = random.Random(1)
    cumulative = catalog.MINUTE_CUMULATIVE[0]
    for _ in range(200):
        total = r.randint(0, 10**12)
        cuts = sorted({0, 1440, *(r.randint(0, 1440) for _ in range(5))})
        parts = [split_counts(total, cumulative, a, b) for a, b in pairwise(cuts)]
        assert sum(parts) == total
        assert all(p >= 0 for p in parts)


def test_revisions_only_grow_and_freeze_at_30_days() -> None:
    values = [revise(1_000_003, 40, age) for age in range(0, 40)]
    assert values == sorted(values)
    assert values[0] < values[REVISION_DAYS] == values[-1] == 1_000_003


def test_prices_stay_within_six_decimals() -> None:
    for model in catalog.MODELS:
        for window in ("0-200k", "200k-1M"):
            for speed in ("standard", "fast"):
                for prices in token_prices(model, window, speed, 3):
                    for price in prices:
                        assert price == price.quantize(Decimal("0.000001"))


def test_a_thousand_row_page_of_a_10k_org_is_fast() -> None:
    big = SyntheticOrg(SimConfig(users=10_000, now=SIM_NOW), TODAY)
    ctx = RequestContext(big, big.config, SIM_NOW, "/v1/organizations/analytics/users")
    started = time.perf_counter()
    body = users_endpoint(ctx, [("date", "2026-11-16"), ("limit", "1000")])
    elapsed = time.perf_counter() - started
    assert len(body["data"]) == 1000
    assert elapsed < 1.0
