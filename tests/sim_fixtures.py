"""pytest plugin: simulated Analytics API servers for any test that needs one.

Fixtures:
    sim_config       SimConfig of a small org (40 users, seed 7, now 2026-11-20T12:00:00Z)
    simulator        a RunningSimulator of sim_config, stopped after the test
    make_simulator   factory: make_simulator(**overrides) -> RunningSimulator, stopped at teardown
Helper:
    api_client(sim)  an httpx.Client on the API prefix with the key and version headers
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from bot.simulator.config import SimConfig
from bot.simulator.server import RunningSimulator, start_simulator

API_PREFIX = "/v1/organizations/analytics"
SIM_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def sim_config() -> SimConfig:
    return SimConfig(seed=7, users=40, days=120, now=SIM_NOW)


@pytest.fixture
def simulator(sim_config: SimConfig) -> Iterator[RunningSimulator]:
    with start_simulator(sim_config) as sim:
        yield sim


@pytest.fixture
def make_simulator(sim_config: SimConfig) -> Iterator[Callable[..., RunningSimulator]]:
    started: list[RunningSimulator] = []

    def make(**overrides: Any) -> RunningSimulator:
        config = SimConfig.model_validate({**sim_config.model_dump(), **overrides})
        sim = start_simulator(config)
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


def api_client(sim: RunningSimulator, key: str = "demo-key") -> httpx.Client:
    """An httpx client for `sim` sending the headers every real request carries."""
    headers = {"x-api-key": key, "anthropic-version": "2023-06-01"}
    return httpx.Client(base_url=sim.base_url + API_PREFIX, headers=headers, timeout=30)
