"""Benchmark: a full `claude-usage sync` vs the floor of only downloading and decoding its pages.

    .venv/bin/python bench/full_sync.py [--users 10000] [--days 90] [--latency-ms 30] [--quick]

`--quick` is 2,000 users × 30 days. Two subprocesses, each against a fresh simulator in its own
process, timed from spawn to exit (start-up included, as the user waits for it):

1. ours: `claude-usage sync --since FIRST` (every dataset) into a fresh temporary store. The
   simulator records every request it answered (path, query string, status);
2. floor: a plain script that replays exactly that request list — same endpoints, same page sizes,
   same grouping sets, the same cursors — with 8 threads (our client's concurrency) over one
   httpx connection pool, and does nothing but `json.loads` each body. It ignores the order a
   pagination chain imposes (page 2 needs page 1's cursor), so it is a true lower bound for
   fetching these pages: whatever ours spends above it is our own CPU, waiting and writing.

Printed: wall time, rows/s, requests, peak RSS of each child (`wait4`), and ours ÷ floor.
Cursors stay valid for the replay because the simulators share seed and key and are given a
cursor lifetime longer than the run. Ratios are measured within this one run; the simulator
shares the machine's cores with the contenders, so absolute times are only indicative.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.simproc import Finished, RemoteSimulator, claude_usage, own_peak_rss_mb, run_child
from bot.simulator.config import SimConfig

THREADS = 8
"""Our AnalyticsClient's default concurrency; the floor uses the same."""
TARGET_RATIO = 1.1
TARGET_RSS_MB = 300.0
"""Targets (issue 20's ratio, issue 8's memory); printed, never asserted."""
BUCKETED = ("/usage_report", "/cost_report")


def rows_in(path: str, body: Any) -> int:
    """Rows of one decoded page, counted as the store counts them (bucket results, not buckets)."""
    if not isinstance(body, dict):
        return 0
    if "summaries" in body:
        return len(body["summaries"])
    data = body.get("data") or []
    if path.endswith(BUCKETED):
        return sum(len(bucket.get("results") or []) for bucket in data)
    return len(data)


def floor_child(base_url: str, key: str, requests_file: str) -> None:
    """The floor, in its own process: fetch + `json.loads` every recorded request, 8 threads."""
    recorded = json.loads(Path(requests_file).read_text())
    requests = [(str(p), str(q), int(s)) for p, q, s in recorded]
    headers = {"x-api-key": key, "anthropic-version": "2023-06-01"}
    limits = httpx.Limits(max_connections=THREADS, max_keepalive_connections=THREADS)
    with httpx.Client(base_url=base_url, headers=headers, timeout=300, limits=limits) as http:

        def fetch(request: tuple[str, str, int]) -> tuple[int, int, int]:
            path, query, _ = request
            response = http.get(f"{path}?{query}" if query else path)
            body = json.loads(response.content)
            return response.status_code, len(response.content), rows_in(path, body)

        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            results = list(pool.map(fetch, requests))
    statuses: dict[str, int] = {}
    for status, _, _ in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    print(
        json.dumps(
            {
                "requests": len(results),
                "bytes": sum(r[1] for r in results),
                "rows": sum(r[2] for r in results),
                "statuses": statuses,
                "peak_rss_mb": own_peak_rss_mb(),
            }
        )
    )


def stored_rows(db_path: Path) -> int:
    """Rows the sync wrote, from its own ledger (one row per dataset-day with its row count)."""
    with sqlite3.connect(db_path) as conn:
        (count,) = conn.execute("SELECT coalesce(sum(row_count), 0) FROM sync_ledger").fetchone()
    return int(count)


def by_status(requests: list[tuple[str, str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for _, _, status in requests:
        out[str(status)] = out.get(str(status), 0) + 1
    return out


def line(name: str, run: Finished, requests: int, rows: int, sim_cpu: float) -> str:
    """`rows` are the API rows on the pages (the same for both), so rows/s compare directly."""
    return (
        f"  {name:5}: {run.seconds:8.2f} s wall  {rows / max(run.seconds, 1e-9):9,.0f} rows/s  "
        f"{requests:6,d} requests  peak RSS {run.peak_rss_mb:6.0f} MB  "
        f"(its CPU {run.cpu_seconds:6.1f} s, simulator CPU {sim_cpu:6.1f} s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=90, help="days of history to sync")
    parser.add_argument("--latency-ms", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="2,000 users × 30 days")
    parser.add_argument("--floor-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_child:
        floor_child(*args.floor_child)
        return 0
    if args.quick:
        args.users, args.days = 2000, 30

    today = dt.datetime.now(dt.UTC).date()
    since = today - dt.timedelta(days=args.days)
    config = SimConfig(
        users=args.users,
        days=max(365, args.days),
        latency_ms=args.latency_ms,
        cursor_ttl_seconds=2 * 86400,  # the floor replays ours' cursors, possibly much later
    )
    print(
        f"bench/full_sync.py — full sync of {args.users:,} users × {args.days} days (since "
        f"{since}), {args.latency_ms} ms latency, {THREADS} threads, {os.cpu_count()} CPUs "
        "shared by contender and simulator"
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-full-") as tmp:
        db_path = Path(tmp) / "store.db"
        with RemoteSimulator(config, record=True) as sim:
            cpu0 = sim.cpu_seconds()
            ours = run_child(
                [*claude_usage(), "sync", "--since", since.isoformat()], sim.env(db_path)
            )
            ours_sim_cpu = sim.cpu_seconds() - cpu0
            recorded = sim.requests()
        ours_rows = stored_rows(db_path) if db_path.exists() else 0
        if ours.returncode != 0:
            print(f"  sync exited {ours.returncode}:\n{ours.stdout}{ours.stderr}", file=sys.stderr)
            return 1
        requests_file = Path(tmp) / "requests.json"
        requests_file.write_text(json.dumps(recorded))
        with RemoteSimulator(config) as sim:
            cpu0 = sim.cpu_seconds()
            floor = run_child(
                [
                    sys.executable,
                    __file__,
                    "--floor-child",
                    sim.base_url,
                    config.api_key,
                    str(requests_file),
                ]
            )
            floor_sim_cpu = sim.cpu_seconds() - cpu0
    if floor.returncode != 0:
        print(f"  floor exited {floor.returncode}:\n{floor.stderr}", file=sys.stderr)
        return 1
    replay = json.loads(floor.stdout)

    api_rows = int(replay["rows"])
    print(line("ours", ours, len(recorded), api_rows, ours_sim_cpu))
    print(line("floor", floor, int(replay["requests"]), api_rows, floor_sim_cpu))
    print(
        f"  {api_rows:,} API rows on {replay['bytes'] / 1e6:,.1f} MB of JSON (bucket results, "
        f"summaries, data rows); the sync stored {ours_rows:,} rows; statuses: ours "
        f"{by_status(recorded)}, floor replay {replay['statuses']}"
    )
    ratio = ours.seconds / max(floor.seconds, 1e-9)
    print(
        f"  ratios: ours ÷ floor = {ratio:.2f}x wall (target ≤ {TARGET_RATIO:.1f}x); "
        f"peak RSS of the sync {ours.peak_rss_mb:,.0f} MB (target < {TARGET_RSS_MB:.0f} MB)"
    )
    print(f"  total bench time {time.perf_counter() - started:,.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
