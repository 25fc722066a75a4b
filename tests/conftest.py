"""Shared fixtures. No test may see a real key: the environment is scrubbed for every test."""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["tests.sim_fixtures", "tests.fakes.anthropic_fixtures", "tests.ask_fixtures"]

_SCRUBBED_PREFIXES = ("SLACK_", "ANTHROPIC_", "CLAUDE_")


@pytest.fixture(autouse=True)
def _scrub_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(_SCRUBBED_PREFIXES):
            monkeypatch.delenv(name, raising=False)
