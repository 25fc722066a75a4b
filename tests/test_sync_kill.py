"""Crash safety: SIGKILL a real sync process at random points; the store must stay consistent.

The child is a separate Python process running the same entry point as `claude-usage sync`
(`run_sync`, with the clock pinned to the simulator's) against the simulator over loopback HTTP.
Kill points are chosen by a seeded RNG and reached by watching the simulator's request counter
(observable progress), never by sleeping a fixed time. After every kill, each (dataset, day) in the
ledger must equal the simulator's truth and no table may hold rows of an unrecorded day.

Once a run has completed the store, a plain sync at the same clock has nothing left to do but the
watermark probe (the export has not moved), so later rounds run with `refetch_revisable=True`:
they re-fetch the revisable cost/usage days, and a kill then lands while committed days are being
replaced — the old snapshot of each day must survive it whole.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bot.simulator.server import RunningSimulator
from bot.store.schema import DATASETS_ENGAGEMENT, open_store
from tests.test_sync import HISTORY_DAYS, NOW, MakeSim, assert_matches_simulator

CHILD = """
import sys
from datetime import date, datetime
from bot.config import Settings
from bot.store.run import run_sync
report = run_sync(
    Settings(),
    since=date.fromisoformat(sys.argv[1]),
    now=datetime.fromisoformat(sys.argv[2]),
    refetch_revisable=sys.argv[3:] == ["refresh"],
)
sys.exit(0 if report.ok else 3)
"""
KILLS = 4
DEADLINE_S = 30.0


def _start(sim: RunningSimulator, db_path: Path, *, refresh: bool) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CLAUDE_USAGE_DB": str(db_path),
        "CLAUDE_ANALYTICS_BASE_URL": sim.base_url,
        "CLAUDE_ANALYTICS_API_KEY": sim.config.api_key,
    }
    args = [sys.executable, "-c", CHILD, sim.org.start.isoformat(), NOW.isoformat()]
    args += ["refresh"] if refresh else []
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _requests(sim: RunningSimulator) -> int:
    return sum(sim.request_counts().values())


def _kill_after(sim: RunningSimulator, child: subprocess.Popen[bytes], requests: int) -> bool:
    """SIGKILL `child` once the simulator has served `requests` requests to it; False if it
    finished first."""
    deadline = time.monotonic() + DEADLINE_S
    while _requests(sim) < requests:
        if child.poll() is not None:
            return False
        assert time.monotonic() < deadline, "the sync made no progress"
        time.sleep(0.001)  # polling interval only; the condition above is what we wait for
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=DEADLINE_S)
    return child.returncode == -signal.SIGKILL


def _ledger_size(db_path: Path) -> int:
    try:
        with sqlite3.connect(db_path) as conn:
            return int(conn.execute("SELECT count(*) FROM sync_ledger").fetchone()[0])
    except sqlite3.OperationalError:  # killed before the first migration committed
        return 0


def test_sigkill_at_random_points_never_leaves_a_half_written_day(
    make_simulator: MakeSim, tmp_path: Path
) -> None:
    sim = make_simulator(users=40, days=HISTORY_DAYS, now=NOW, latency_ms=2)
    db_path = tmp_path / "store.db"
    rng = random.Random(20261120)
    kills = 0
    sizes = []
    refresh = False
    for _ in range(KILLS + 3):
        if kills == KILLS:
            break
        sim.reset_counts()
        child = _start(sim, db_path, refresh=refresh)
        if _kill_after(sim, child, rng.randint(5, 150)):
            kills += 1
        else:
            assert child.returncode == 0, child.stderr.read() if child.stderr else ""
            refresh = True  # the store is complete: only a forced re-fetch has work to kill
        if child.stdout:
            child.stdout.close()
        if child.stderr:
            child.stderr.close()
        sizes.append(_ledger_size(db_path))
        if db_path.exists():
            db = open_store(str(db_path))
            try:
                assert_matches_simulator(db, sim, NOW)
            finally:
                db.close()
    print("ledger sizes after each run:", sizes)
    assert kills >= 3, f"only {kills} kills landed mid-sync"
    assert sizes[-1] > 0, "no kill left any committed day: the kill points were all too early"

    final = subprocess.run(
        [sys.executable, "-c", CHILD, sim.org.start.isoformat(), NOW.isoformat()],
        env={
            **os.environ,
            "CLAUDE_USAGE_DB": str(db_path),
            "CLAUDE_ANALYTICS_BASE_URL": sim.base_url,
            "CLAUDE_ANALYTICS_API_KEY": sim.config.api_key,
        },
        capture_output=True,
        check=False,
        timeout=DEADLINE_S,
    )
    assert final.returncode == 0, final.stderr.decode()
    db = open_store(str(db_path))
    try:
        checked = assert_matches_simulator(db, sim, NOW)
        engagement_days = HISTORY_DAYS  # org start … yesterday, the API's latest day
        cost_days = HISTORY_DAYS + 1  # org start … today (partial)
        assert checked == len(DATASETS_ENGAGEMENT) * engagement_days + 4 * cost_days
    finally:
        db.close()
