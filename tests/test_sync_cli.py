"""`claude-usage sync` and `claude-usage status` as a person runs them: real processes, real exit
codes, against the simulator over loopback HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.reports.status import status as store_status
from bot.simulator.server import RunningSimulator
from bot.store.run import render_status
from bot.store.schema import DATASETS, open_store
from bot.store.writers import Batch, write_batch
from tests.test_sync import MakeSim


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_unknown_dataset_exits_2_listing_valid_ones_without_touching_the_store(
    tmp_path: Path,
) -> None:
    db_path = tmp_path / "store.db"
    result = _cli("sync", "--only", "users,bogus", env={"CLAUDE_USAGE_DB": str(db_path)})
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: Unknown dataset bogus")
    for name in DATASETS:
        assert name in line
    assert not db_path.exists()


def test_a_missing_api_key_is_a_usage_error_before_any_file_is_created(tmp_path: Path) -> None:
    db_path = tmp_path / "store.db"
    result = _cli("sync", env={"CLAUDE_USAGE_DB": str(db_path)})
    assert result.returncode == 2
    assert "CLAUDE_ANALYTICS_API_KEY is not set" in result.stderr
    assert not db_path.exists()


def test_bad_dates_are_usage_errors(tmp_path: Path) -> None:
    env = {"CLAUDE_USAGE_DB": str(tmp_path / "s.db"), "CLAUDE_ANALYTICS_API_KEY": "k"}
    result = _cli("sync", "--since", "yesterday", env=env)
    assert result.returncode == 2
    assert "--since must be a date YYYY-MM-DD" in result.stderr
    result = _cli("sync", "--since", "2026-03-05", "--until", "2026-03-01", env=env)
    assert result.returncode == 2
    assert "after --until" in result.stderr


def test_sync_then_status_against_the_simulator(make_simulator: MakeSim, tmp_path: Path) -> None:
    sim: RunningSimulator = make_simulator(users=10, days=10, now=None)  # the real clock, as ours
    today = datetime.now(UTC).date()
    db_path = tmp_path / "store.db"
    env = {
        "CLAUDE_USAGE_DB": str(db_path),
        "CLAUDE_ANALYTICS_BASE_URL": sim.base_url,
        "CLAUDE_ANALYTICS_API_KEY": sim.config.api_key,
    }
    since = today - timedelta(days=4)
    result = _cli("sync", "--since", since.isoformat(), "--only", "users,user_cost", env=env)
    assert result.returncode == 0, result.stderr
    header, _rule, *rows = result.stdout.splitlines()
    assert header.split()[:3] == ["dataset", "days", "fetched"]
    by_name = {row.split()[0]: row.split() for row in rows if row and row.split()[0] in DATASETS}
    assert set(by_name) == {"users", "user_cost"}
    assert by_name["users"][1] == "4"  # today-4 … yesterday: the latest day the API has
    assert by_name["user_cost"][1] == "5"  # today-4 … today
    assert "data_refreshed_at:" in result.stdout
    assert f"latest activity day the API has: {today - timedelta(days=1)}" in result.stdout
    assert "sync: 9/9 tasks done" in result.stderr  # progress as log lines: not a terminal
    counts = sim.request_counts()
    assert counts["/v1/organizations/analytics/users"] == 4 + 1  # and "which day is your latest?"

    status = _cli("status", env=env)
    assert status.returncode == 0, status.stderr
    out = status.stdout
    assert f"store: {db_path}" in out
    assert "last sync: " in out
    assert "last sync: never" not in out
    lines = {line.split()[0]: line.split() for line in out.splitlines() if line.strip()}
    assert lines["users"][1:5] == [
        since.isoformat(),
        (today - timedelta(days=1)).isoformat(),
        "2",  # today-4, today-3: old enough not to be revised any more
        "2",  # today-2, yesterday: the API may still revise them
    ]
    assert lines["user_cost"][1:5] == [since.isoformat(), today.isoformat(), "0", "5"]
    assert lines["summaries"][1:] == ["-", "-", "0", "0", "0"]


def test_status_of_an_empty_store_and_of_a_filled_one(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    db = open_store(path)
    empty = render_status(path, store_status(db, today=date(2026, 3, 15)))
    assert "last sync: never" in empty
    assert "No data synced yet." in empty
    at = datetime(2026, 3, 15, 12, tzinfo=UTC)
    d1, d2 = date(2026, 3, 1), date(2026, 3, 2)
    row = {"day": d1.isoformat(), "user_id": "u", "product": "", "model": "",
           "amount_microcents": 5, "list_amount_microcents": 5}  # fmt: skip
    write_batch(db, Batch("user_cost", (d1, d2), [row], frozenset({d1}), at), fetched_at=at)
    status = store_status(db, today=date(2026, 3, 15))
    (cost,) = [d for d in status.datasets if d.dataset == "user_cost"]
    assert (cost.first_day, cost.last_day, cost.final_days, cost.revisable_days, cost.rows) == (
        d1,
        d2,
        1,
        1,
        1,
    )
    text = render_status(path, status)
    assert "data_refreshed_at: 2026-03-15 12:00:00Z" in text
    assert "last sync: 2026-03-15 12:00:00Z" in text
    db.close()


def test_sync_refresh_refetches_revisable_days_without_probing(
    make_simulator: MakeSim, tmp_path: Path
) -> None:
    sim: RunningSimulator = make_simulator(users=10, days=10, now=None)
    today = datetime.now(UTC).date()
    env = {
        "CLAUDE_USAGE_DB": str(tmp_path / "store.db"),
        "CLAUDE_ANALYTICS_BASE_URL": sim.base_url,
        "CLAUDE_ANALYTICS_API_KEY": sim.config.api_key,
    }
    since = (today - timedelta(days=4)).isoformat()
    first = _cli("sync", "--since", since, "--only", "users,user_cost", env=env)
    assert first.returncode == 0, first.stderr
    sim.reset_counts()
    again = _cli("sync", "--since", since, "--only", "users,user_cost", "--refresh", env=env)
    assert again.returncode == 0, again.stderr
    assert "skipped (unchanged)" in again.stdout.splitlines()[0]
    # Every cost day is still revisable: all 5 re-fetched (10 users: one page each), no
    # watermark probe; the two revisable engagement days again, the final ones not; and the
    # question which engagement day is the API's latest.
    assert sim.request_counts() == {
        "/v1/organizations/analytics/user_cost_report": 5,
        "/v1/organizations/analytics/users": 2 + 1,
    }
