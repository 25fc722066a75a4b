"""`claude-usage backup PATH` while a sync is writing to the store, as a running `serve` would:
the copy is one consistent moment (whole days, SQLite's check passes), restoring it is a file
copy, and an existing file is replaced only with --force."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.simulator.config import SimConfig
from bot.simulator.server import RunningSimulator, start_simulator
from bot.store.freshness import read_freshness
from bot.store.schema import open_store
from tests.serve_process import ROOT
from tests.store_checks import assert_store_consistent


def cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def ledger_days(path: Path) -> int:
    try:
        with sqlite3.connect(path) as conn:
            return int(conn.execute("SELECT count(*) FROM sync_ledger").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


@pytest.fixture
def slow_api() -> Iterator[RunningSimulator]:
    with start_simulator(SimConfig(seed=7, users=20, days=60, latency_ms=100)) as sim:
        yield sim


def test_a_backup_taken_mid_sync_is_consistent_and_restores(
    slow_api: RunningSimulator, tmp_path: Path
) -> None:
    store = tmp_path / "store.db"
    env = {
        "CLAUDE_USAGE_DB": str(store),
        "CLAUDE_ANALYTICS_BASE_URL": slow_api.base_url,
        "CLAUDE_ANALYTICS_API_KEY": slow_api.config.api_key,
    }
    writer = subprocess.Popen(
        [sys.executable, "-m", "bot", "sync", "--since", "2026-01-01"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while ledger_days(store) < 10:
            assert time.monotonic() < deadline, "the sync wrote nothing"
            time.sleep(0.02)  # polling interval only; the ledger's growth is what we wait for
        done = cli("backup", str(tmp_path / "copy.db"), env=env, cwd=tmp_path)
        still_writing = writer.poll() is None
    finally:
        writer.kill()  # this test's own sync, by its process
        writer.wait(timeout=30)
    assert done.returncode == 0, done.stderr
    assert still_writing  # the copy was taken while the store was being written
    copy = tmp_path / "copy.db"
    assert done.stdout.startswith(f"Backed up {store} to {copy} (")
    assert ledger_days(copy) >= 10
    assert_store_consistent(copy)
    assert not list(tmp_path.glob(".copy.db.partial-*"))

    restored = tmp_path / "restored.db"  # README: stop serve, copy the backup over the store
    shutil.copy(copy, restored)
    db = open_store(str(restored))
    try:
        fresh = read_freshness(db)
        assert fresh.engagement_through is not None or fresh.cost_through is not None
    finally:
        db.close()
    assert ledger_days(restored) == ledger_days(copy)


def test_backup_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    store = tmp_path / "store.db"
    open_store(str(store)).close()
    env = {"CLAUDE_USAGE_DB": str(store)}
    target = tmp_path / "backup.db"
    target.write_text("an older backup")
    refused = cli("backup", str(target), env=env, cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.strip() == f"error: {target} exists; pass --force to replace it."
    assert target.read_text() == "an older backup"
    forced = cli("backup", str(target), "--force", env=env, cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert_store_consistent(target)
    itself = cli("backup", str(store), "--force", env=env, cwd=tmp_path)
    assert itself.returncode == 2
    assert "is the store itself" in itself.stderr
    missing = cli("backup", str(target), env={"CLAUDE_USAGE_DB": str(tmp_path / "no.db")},
                  cwd=tmp_path)  # fmt: skip
    assert missing.returncode == 1
    assert "There is no store at" in missing.stderr
