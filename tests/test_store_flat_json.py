"""`flat_json.users_page`: the fast `/users` path is only ever skipped, never different.

Every page is decoded both ways — the fast path, and the general path (`dict_adapter` then
`flatten.user_activity_row`) — and wherever the fast path answers, rows, directory entries and
the fields seen must be equal. Pages come from our simulator, its `--sparse` mode and the
stand-in written from the reference's prose; then from hand-made variations of a real page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest

from bot.analytics.models import EngagementPage, UserActivity
from bot.analytics.row_dicts import dict_adapter
from bot.store.flat_json import FlatUsers, users_page
from bot.store.flatten import DirectoryEntry, Row, user_activity_row
from tests.fakes.standin_api import StandinConfig, start_standin
from tests.sim_fixtures import SIM_NOW, api_client
from tests.test_sync import MakeSim

DAY = date(2026, 11, 12)
USERS = "/users"


def _general(body: bytes, day: date) -> tuple[list[Row], list[DirectoryEntry], set[str]]:
    page = dict_adapter(EngagementPage[UserActivity]).validate_json(body)
    seen: set[str] = set()
    pairs = [user_activity_row(day, item, seen) for item in page["data"]]
    return [row for row, _ in pairs], [entry for _, entry in pairs], seen


def _same_as_general(body: bytes, day: date = DAY) -> FlatUsers | None:
    fast = users_page(body, day)
    if fast is not None:
        rows, directory, seen = _general(body, day)
        assert fast.rows == rows
        assert fast.directory == directory
        assert fast.seen == seen
    return fast


def _pages(client: httpx.Client, path: str, day: date) -> Iterator[bytes]:
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"date": day.isoformat(), "limit": 1000}
        if cursor:
            params["page"] = cursor
        response = client.get(path, params=params)
        response.raise_for_status()
        yield response.content
        cursor = response.json().get("next_page")
        if not cursor:
            return


def test_simulator_pages_take_the_fast_path_and_match_the_general_one(
    make_simulator: MakeSim,
) -> None:
    sim = make_simulator(users=60)
    with api_client(sim) as client:
        for day in (DAY, date(2026, 11, 15), date(2026, 10, 1)):
            for body in _pages(client, USERS, day):
                page = _same_as_general(body, day)
                assert page is not None, f"{day}: the fast path declined a page of our own"
                assert page.rows, day


def test_sparse_pages_match_the_general_path_and_new_blocks_take_it(
    make_simulator: MakeSim,
) -> None:
    """`--sparse` leaves fields out (the flat shape covers that) and adds a `voice_metrics`
    block to some rows (it cannot: those pages go the general way, which stores the block)."""
    sim = make_simulator(users=60, sparse=True)
    with api_client(sim) as client:
        for day in (DAY, date(2026, 11, 15), date(2026, 10, 1)):
            for body in _pages(client, USERS, day):
                voice = b'"voice_metrics":' in body
                assert (_same_as_general(body, day) is None) == voice, day


def test_standin_pages_match_the_general_path_wherever_the_fast_one_answers() -> None:
    answered = declined = 0
    with start_standin(StandinConfig(users=25, seed=7, now=SIM_NOW)) as api:
        headers = {"x-api-key": "standin-key", "anthropic-version": "2023-06-01"}
        base = api.base_url + "/v1/organizations/analytics"
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            for day in (DAY, date(2026, 11, 1), date(2026, 10, 5)):
                for body in _pages(client, USERS, day):
                    if _same_as_general(body, day) is None:
                        declined += 1
                    else:
                        answered += 1
    assert answered > 0  # both paths ran, on pages we did not shape
    assert declined > 0


def _real_page(make_simulator: MakeSim) -> dict[str, Any]:
    sim = make_simulator(users=20)
    with api_client(sim) as client:
        (body,) = _pages(client, USERS, DAY)
    page: dict[str, Any] = json.loads(body)
    assert _same_as_general(body) is not None
    return page


def _encode(page: dict[str, Any]) -> bytes:
    return json.dumps(page, separators=(",", ":")).encode()


def test_a_field_the_api_added_inside_a_block_takes_the_general_path(
    make_simulator: MakeSim,
) -> None:
    page = _real_page(make_simulator)
    page["data"][3]["chat_metrics"]["voice_message_count"] = 4
    body = _encode(page)
    assert users_page(body, DAY) is None
    rows, _, _ = _general(body, DAY)
    assert rows[3]["chat_metrics__voice_message_count"] == 4  # kept, as a column of its own


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda row: row.update(chat_metrics={}), id="empty-block"),
        pytest.param(lambda row: row.update(new_block={"a": 1}), id="new-block"),
        pytest.param(lambda row: row.update(tags=["a", "b"]), id="list-value"),
        pytest.param(lambda row: row["user"].update(team="x"), id="new-user-field"),
        pytest.param(lambda row: row["user"].update(email_address='a":b'), id="escaped-quote"),
        pytest.param(lambda row: row.update(user={"email_address": "a@b"}), id="no-user-id"),
        pytest.param(lambda row: row.pop("user"), id="no-user"),
        pytest.param(lambda row: row.update(day="2026-01-05"), id="a-field-named-day"),
        pytest.param(lambda row: row.update(is_active=0), id="a-field-named-is_active"),
    ],
)
def test_what_the_flat_shape_cannot_see_is_left_to_the_general_path(
    make_simulator: MakeSim, change: Any
) -> None:
    page = _real_page(make_simulator)
    change(page["data"][2])
    assert users_page(_encode(page), DAY) is None


def test_a_malformed_counter_is_left_to_the_general_path_to_reject(
    make_simulator: MakeSim,
) -> None:
    page = _real_page(make_simulator)
    page["data"][0]["chat_metrics"]["message_count"] = "many"
    assert users_page(_encode(page), DAY) is None


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda row: row.update(voice_minutes=12), id="new-top-level-counter"),
        pytest.param(lambda row: row.pop("cowork_metrics"), id="missing-block"),
        pytest.param(lambda row: row["chat_metrics"].pop("message_count"), id="missing-counter"),
        pytest.param(lambda row: row["user"].update(type="user"), id="user-type"),
        pytest.param(lambda row: row["user"].pop("email_address"), id="no-email"),
        pytest.param(lambda row: row.update(last_activity_date=None), id="null-date"),
        pytest.param(lambda row: row.update(chat_metrics=None), id="null-block"),
    ],
)
def test_shapes_the_flat_shape_covers_stay_fast_and_equal(
    make_simulator: MakeSim, change: Any
) -> None:
    page = _real_page(make_simulator)
    change(page["data"][1])
    page["has_more"] = False
    assert _same_as_general(_encode(page)) is not None
    assert _same_as_general(json.dumps(page, indent=2).encode()) is not None
