"""Which headers our fake Analytics APIs accept, over raw HTTP: the simulator as today's API (the
key and version either way) or strict (`--auth guide|sdk`), and the guide-only stand-in."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from bot.simulator.auth import GUIDE_VERSION, SDK_VERSION
from bot.simulator.server import RunningSimulator
from tests.fakes.standin_api import RunningStandin
from tests.sim_fixtures import API_PREFIX

pytest_plugins = ["tests.fakes.standin_fixtures"]

Factory = Callable[..., RunningSimulator]
KEY = "demo-key"
GUIDE = {"x-api-key": KEY, "anthropic-version": GUIDE_VERSION}
SDK = {"authorization": f"Bearer {KEY}", "anthropic-version": SDK_VERSION}
MIXED = {"x-api-key": KEY, "anthropic-version": SDK_VERSION}
BARE_KEY = {"x-api-key": KEY}
BARE_BEARER = {"authorization": f"Bearer {KEY}"}
CASES = {
    # headers: (status in any, in guide, in sdk)
    "guide": (GUIDE, 200, 200, 401),
    "sdk": (SDK, 200, 401, 200),
    "x-api-key with the SDK's version": (MIXED, 200, 400, 401),
    "x-api-key without a version": (BARE_KEY, 200, 400, 401),
    "bearer without a version": (BARE_BEARER, 200, 401, 400),
    "another version": ({"x-api-key": KEY, "anthropic-version": "2099-01-01"}, 400, 400, 401),
    "a wrong bearer token": ({"authorization": "Bearer nope"}, 401, 401, 401),
    "a bearer token without the scheme": ({"authorization": KEY}, 401, 401, 401),
}


@pytest.mark.parametrize("mode", ["any", "guide", "sdk"])
def test_each_mode_accepts_exactly_its_headers(make_simulator: Factory, mode: str) -> None:
    sim = make_simulator(auth=mode)
    column = ("any", "guide", "sdk").index(mode)
    for case, (headers, *expected) in CASES.items():
        response = httpx.get(
            sim.base_url + API_PREFIX + "/users", params={"date": "2026-11-10"}, headers=headers
        )
        assert response.status_code == expected[column], (case, response.text)
        if expected[column] == 400:
            assert "anthropic-version" in response.json()["error"]["message"]


def test_a_key_without_scope_is_403_in_either_dialect(make_simulator: Factory) -> None:
    sim = make_simulator(api_key="k-noscope")
    for headers in ({"x-api-key": "k-noscope"}, {"authorization": "Bearer k-noscope"}):
        response = httpx.get(
            sim.base_url + API_PREFIX + "/users", params={"date": "2026-11-10"}, headers=headers
        )
        assert response.status_code == 403


def test_the_guide_only_standin_refuses_the_sdks_headers(standin: RunningStandin) -> None:
    url = standin.base_url + API_PREFIX + "/users"
    params = {"date": standin.config.latest_engagement_day.isoformat()}
    key = standin.config.api_key
    bearer = {"authorization": f"Bearer {key}", "anthropic-version": GUIDE_VERSION}
    assert httpx.get(url, params=params, headers=bearer).status_code == 401
    newer = httpx.get(url, params=params, headers={"x-api-key": key, "anthropic-version": "9"})
    assert newer.status_code == 400
    assert "anthropic-version" in newer.json()["error"]["message"]
