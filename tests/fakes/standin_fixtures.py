"""pytest plugin: the independent Analytics API stand-in (see `tests.fakes.standin_api`).
Enable it in a test module with `pytest_plugins = ["tests.fakes.standin_fixtures"]`.

Fixtures:
    standin_config   StandinConfig of a 25-user org, seed 7, now 2026-11-20T12:00:00Z
    standin          a RunningStandin of standin_config, stopped after the test
    make_standin     factory: make_standin(**overrides) -> RunningStandin, stopped at teardown
Helpers for tests live in `tests.fakes.standin_helpers` (a plugin module imported by a test
module before pytest registers it could not be assertion-rewritten).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.fakes.standin_api import RunningStandin, StandinConfig, start_standin

STANDIN_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def standin_config() -> StandinConfig:
    return StandinConfig(users=25, seed=7, now=STANDIN_NOW)


@pytest.fixture
def standin(standin_config: StandinConfig) -> Iterator[RunningStandin]:
    with start_standin(standin_config) as api:
        yield api


@pytest.fixture
def make_standin(standin_config: StandinConfig) -> Iterator[Callable[..., RunningStandin]]:
    started: list[RunningStandin] = []

    def make(**overrides: Any) -> RunningStandin:
        api = start_standin(replace(standin_config, **overrides))
        started.append(api)
        return api

    yield make
    for api in started:
        api.stop()
