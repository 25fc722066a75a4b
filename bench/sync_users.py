"""Benchmark: `claude-usage sync --only users` end to end vs a naive sequential download loop.

    .venv/bin/python bench/sync_users.py [--users 2000] [--days 14] [--latency-ms 30] [--rounds 3]

What the user waits for is the whole command, start-up included, so both contenders are
subprocesses timed from spawn to exit, each against a fresh simulator in its own process (neither
profits from caches the other warmed):

- ours: `claude-usage sync --only users --since FIRST --until LAST` into a fresh temporary store;
- naive: a script with plain httpx and `json.loads`, one day after another, one page after
  another, at the API's default page size (it sends no `limit`; the simulator's default is 100),
  counting rows and storing nothing.

Both cover the same days; the simulator's `/_sim/requests` gives the request counts and both
must see the same number of rows. Only ratios measured in this one run mean anything: the
simulator shares the machine's cores with the contender. On a shared host a burst of someone
else's load can land on one contender and not the other, so the two run in alternating rounds
(naive first, then ours first) and the speed-up is the ratio of their median times; every
round's own ratio is printed too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.simproc import Finished, RemoteSimulator, claude_usage, run_child
from bot.simulator.config import SimConfig

USERS_PATH = "/v1/organizations/analytics/users"
TARGET = 4.0
"""Issue 20's target for the end-to-end speed-up (issue 8's was 3x); printed, never asserted."""


def naive_child(base_url: str, key: str, days: list[str]) -> None:
    """The baseline, run in its own process: sequential, default page size, `json.loads`."""
    rows = requests = 0
    headers = {"x-api-key": key, "anthropic-version": "2023-06-01"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=120) as http:
        for day in days:
            page: str | None = None
            while True:
                params = {"date": day} if page is None else {"date": day, "page": page}
                response = http.get(USERS_PATH, params=params)
                response.raise_for_status()
                body = json.loads(response.content)
                requests += 1
                rows += len(body["data"])
                page = body.get("next_page")
                if not page:
                    break
    print(json.dumps({"rows": rows, "requests": requests}))


def stored_rows(db_path: Path) -> int:
    """Rows the sync wrote for `users`, from its own ledger (one row per day with its count)."""
    with sqlite3.connect(db_path) as conn:
        (count,) = conn.execute(
            "SELECT coalesce(sum(row_count), 0) FROM sync_ledger WHERE dataset = 'users'"
        ).fetchone()
    return int(count)


@dataclass(frozen=True)
class Run:
    """One contender's run against its own fresh simulator."""

    finished: Finished
    requests: int
    rows: int
    sim_cpu: float


def run_ours(config: SimConfig, days: list[str]) -> Run:
    with RemoteSimulator(config) as sim, tempfile.TemporaryDirectory(prefix="bench-users-") as tmp:
        db_path = Path(tmp) / "store.db"
        cpu0 = sim.cpu_seconds()
        ours = run_child(
            [*claude_usage(), "sync", "--only", "users", "--since", days[0], "--until", days[-1]],
            env=sim.env(db_path),
        )
        sim_cpu = sim.cpu_seconds() - cpu0
        requests = sim.counts().get("users", 0)
        rows = stored_rows(db_path) if db_path.exists() else 0
    if ours.returncode != 0:
        raise SystemExit(f"  sync exited {ours.returncode}:\n{ours.stdout}{ours.stderr}")
    return Run(ours, requests, rows, sim_cpu)


def run_naive(config: SimConfig, days: list[str]) -> Run:
    with RemoteSimulator(config) as sim:
        cpu0 = sim.cpu_seconds()
        naive = run_child(
            [
                sys.executable,
                __file__,
                "--naive-child",
                sim.base_url,
                config.api_key,
                ",".join(days),
            ]
        )
        sim_cpu = sim.cpu_seconds() - cpu0
        requests = sim.counts().get("users", 0)
    if naive.returncode != 0:
        raise SystemExit(f"  naive loop exited {naive.returncode}:\n{naive.stderr}")
    return Run(naive, requests, int(json.loads(naive.stdout)["rows"]), sim_cpu)


def line(name: str, runs: list[Run]) -> str:
    """The contender's median time, with the figures of its median run (peak RSS: the highest)."""
    mid = sorted(runs, key=lambda r: r.finished.seconds)[len(runs) // 2]
    return (
        f"  {name:5}: {statistics.median(r.finished.seconds for r in runs):7.2f} s wall (median)  "
        f"{mid.requests:5d} requests  {mid.rows:7d} rows  (its CPU "
        f"{mid.finished.cpu_seconds:5.1f} s, peak RSS "
        f"{max(r.finished.peak_rss_mb for r in runs):5.0f} MB, simulator CPU {mid.sim_cpu:5.1f} s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--days", type=int, default=14, help="days of /users to sync")
    parser.add_argument("--latency-ms", type=int, default=30)
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating rounds of both contenders (median)"
    )
    parser.add_argument(
        "--naive-child", nargs=3, metavar=("URL", "KEY", "DAYS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.naive_child:
        url, key, days_csv = args.naive_child
        naive_child(url, key, days_csv.split(","))
        return 0

    # The simulator and the CLI both read the real clock: the newest engagement day today's API
    # has is yesterday (the sync also asks it which day that is: one more /users request).
    last = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    first = last - dt.timedelta(days=args.days - 1)
    days = [(first + dt.timedelta(days=i)).isoformat() for i in range(args.days)]
    # A year of history, like `claude-usage simulate`: adoption has matured by the synced days.
    config = SimConfig(users=args.users, days=max(365, args.days), latency_ms=args.latency_ms)
    print(
        f"bench/sync_users.py — {args.users:,} users × {args.days} days of /users "
        f"({first}..{last}), {args.latency_ms} ms latency, {os.cpu_count()} CPUs shared by "
        "contender and simulator"
    )

    naive_runs: list[Run] = []
    our_runs: list[Run] = []
    for round_no in range(args.rounds):
        if round_no % 2 == 0:
            naive_runs.append(run_naive(config, days))
            our_runs.append(run_ours(config, days))
        else:
            our_runs.append(run_ours(config, days))
            naive_runs.append(run_naive(config, days))
        naive, ours = naive_runs[-1].finished.seconds, our_runs[-1].finished.seconds
        print(
            f"  round {round_no + 1}: naive {naive:5.2f} s, ours {ours:5.2f} s = "
            f"{naive / max(ours, 1e-9):.2f}x"
        )

    print(line("naive", naive_runs))
    print(line("ours", our_runs))
    naive_median = statistics.median(r.finished.seconds for r in naive_runs)
    our_median = statistics.median(r.finished.seconds for r in our_runs)
    requests_ratio = naive_runs[0].requests / max(our_runs[0].requests, 1)
    print(
        f"  ratios: speed-up naive ÷ ours = {naive_median / max(our_median, 1e-9):.2f}x end to "
        f"end, medians of {args.rounds} rounds (target ≥ {TARGET:.0f}x), "
        f"{requests_ratio:.1f}x fewer requests"
    )
    rows = sorted({r.rows for r in naive_runs + our_runs})
    if len(rows) != 1:
        print(f"  ERROR: the runs saw different row counts: {rows}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
