"""pytest plugin: `digest_env`, a DigestEnv (see `tests.fakes.digest_env`) on a copy of the
session's synced store (40-user simulator, Oct 1 → Nov 20 2026 12:00 UTC). Enable it with
`pytest_plugins = ["tests.fakes.slack_fixtures", "tests.fakes.digest_fixtures"]`."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.digest_env import Clock, DigestEnv
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_env import make_settings


@pytest.fixture
def digest_env(synced_store_path: Path, tmp_path: Path) -> Iterator[DigestEnv]:
    store = tmp_path / "store.db"
    shutil.copy(synced_store_path, store)
    clock = Clock()
    with FakeSlack() as fake:
        fake.state.clock = lambda: clock().timestamp()
        settings = make_settings(fake, db_path=store)
        yield DigestEnv(fake, store, clock, settings)
