"""Benchmark: our AnalyticsClient vs a naive client, fetching a month of `/users` for 10k users.

    .venv/bin/python bench/client.py [--users 10000] [--days 31] [--latency-ms 30]

Both clients read the same simulated API over loopback HTTP. The naive one is what a first script
looks like: plain httpx, no `limit` (the API's default page of 100), one day after another, no
retries. Ours sends `limit=1000`, fetches days in parallel (bounded by `max_concurrency`) and
retries transient failures. The simulator's `/_sim/requests` counts give the request numbers;
both must return the same rows. The simulator runs in its own process (a fresh one per contender,
so neither profits from caches the other warmed); CPU times are printed because on a small machine
the simulator's per-row CPU plus our row validation, not the network, bound our wall time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import sys
import time
from multiprocessing.synchronize import Event
from pathlib import Path

import httpx
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.analytics import AnalyticsClient, RetryPolicy
from bot.simulator.config import SimConfig
from bot.simulator.server import start_simulator


def _serve(config_json: str, urls: mp.Queue[str], stop: Event) -> None:
    """Child process: the simulator gets its own interpreter (and GIL), like a remote API."""
    with start_simulator(SimConfig.model_validate_json(config_json)) as sim:
        urls.put(sim.base_url)
        stop.wait()


class RemoteSimulator:
    """A simulator in a separate process, reached only over loopback HTTP."""

    def __init__(self, config: SimConfig) -> None:
        ctx = mp.get_context("spawn")
        self._urls: mp.Queue[str] = ctx.Queue()
        self._stop = ctx.Event()
        self._process = ctx.Process(
            target=_serve, args=(config.model_dump_json(), self._urls, self._stop), daemon=True
        )
        self._process.start()
        self.base_url = self._urls.get(timeout=120)

    def users_requests(self) -> int:
        counts: dict[str, int] = httpx.get(self.base_url + "/_sim/requests").json()
        return sum(n for path, n in counts.items() if path.rstrip("/").endswith("/users"))

    def cpu_seconds(self) -> float | None:
        """CPU time the simulator process has used (Linux /proc), to show where time goes."""
        try:
            fields = Path(f"/proc/{self._process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self._stop.set()
        self._process.join(timeout=30)


USERS_PATH = "/v1/organizations/analytics/users"
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def naive_fetch(base_url: str, key: str, days: list[dt.date]) -> int:
    """Sequential, default page size, no retry: one request per 100 users per day."""
    rows = 0
    headers = {"x-api-key": key, "anthropic-version": "2023-06-01"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as http:
        for day in days:
            params: dict[str, str] = {"date": day.isoformat()}
            while True:
                response = http.get(USERS_PATH, params=params)
                response.raise_for_status()
                body = response.json()
                rows += len(body["data"])
                if not body.get("next_page"):
                    break
                params = {"date": day.isoformat(), "page": body["next_page"]}
    return rows


def client_fetch(base_url: str, key: str, days: list[dt.date]) -> int:
    """Our client: limit=1000, days fetched concurrently (one complete day at a time)."""
    rows = 0
    with AnalyticsClient(
        base_url=base_url,
        api_key=SecretStr(key),
        retry=RetryPolicy(),
        max_concurrency=8,
        clock=lambda: NOW,
    ) as client:
        for _day, count in client.map_concurrently(
            lambda d: sum(1 for _ in client.users(date=d, limit=1000)), days
        ):
            rows += count
    return rows


def _delta(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else after - before


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=31, help="days of /users to fetch (≤ 31)")
    parser.add_argument("--latency-ms", type=int, default=30)
    args = parser.parse_args()
    latest = NOW.date() - dt.timedelta(days=1)  # today's API: a day late
    days = [latest - dt.timedelta(days=i) for i in range(args.days)][::-1]
    config = SimConfig(users=args.users, latency_ms=args.latency_ms, now=NOW, days=120)
    key = config.api_key
    sim = RemoteSimulator(config)
    try:
        s0 = sim.cpu_seconds()
        t0, c0 = time.perf_counter(), time.process_time()
        naive_rows = naive_fetch(sim.base_url, key, days)
        naive_time, naive_cpu = time.perf_counter() - t0, time.process_time() - c0
        naive_requests, naive_sim_cpu = sim.users_requests(), _delta(sim.cpu_seconds(), s0)
    finally:
        sim.stop()
    sim = RemoteSimulator(config)
    try:
        s0 = sim.cpu_seconds()
        t0, c0 = time.perf_counter(), time.process_time()
        ours_rows = client_fetch(sim.base_url, key, days)
        ours_time, ours_cpu = time.perf_counter() - t0, time.process_time() - c0
        ours_requests, ours_sim_cpu = sim.users_requests(), _delta(sim.cpu_seconds(), s0)
    finally:
        sim.stop()
    scope = f"{args.users} users, {len(days)} days of /users, {args.latency_ms} ms latency"
    if len(days) < 31:
        scope += f" (scaled down from 31 days with --days {len(days)})"
    print(f"bench/client.py — {scope}")

    def line(
        name: str, secs: float, reqs: int, rows: int, cpu: float, sim_cpu: float | None
    ) -> str:
        server = f"{sim_cpu:6.1f}" if sim_cpu is not None else "   n/a"
        return (
            f"  {name:6}: {secs:7.2f} s wall  {reqs:5d} requests  {rows} rows  "
            f"(client CPU {cpu:5.1f} s, simulator CPU {server} s)"
        )

    print(line("naive", naive_time, naive_requests, naive_rows, naive_cpu, naive_sim_cpu))
    print(line("client", ours_time, ours_requests, ours_rows, ours_cpu, ours_sim_cpu))
    print(
        f"  ratios: {naive_requests / max(ours_requests, 1):.1f}x fewer requests, "
        f"{naive_time / max(ours_time, 1e-9):.1f}x less wall time "
        f"(on {os.cpu_count()} CPUs shared by client and simulator)"
    )
    if ours_rows != naive_rows:
        print("  ERROR: row counts differ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
