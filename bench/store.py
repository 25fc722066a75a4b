"""Benchmark: the snapshot store — full sync, resume after SIGKILL, re-sync, warm-store answers.

    .venv/bin/python bench/store.py [--users 10000] [--days 60] [--latency-ms 30] [--runs 5]

One simulated Analytics API (its own process, loopback HTTP only) serves every phase; its
`/_sim/requests` counters give the request figures, reset before each phase.

1. full sync of `--days` days into an empty store (`run_sync`, what `claude-usage sync` runs);
2. a second sync right after: engagement days are final, so it must send 0 engagement requests
   and only re-fetch the cost/usage days the API may still revise — none while the export
   watermark (`data_refreshed_at`) has not moved: then it costs one probe request;
3. warm-store answers: `top-spenders 30d` and `compare week` through `parse_command` +
   `run_command` (what Slack runs), median and max of `--runs`, with 0 API requests;
4. the naive baseline: the same two answers recomputed straight from the API with the
   `AnalyticsClient` and no store (independent request series run concurrently). Top spenders:
   `user_cost_report` over the 30 days, summed per user (less than the store's answer, which
   also compares each spender with the previous 30 days and reads the org total). Compare week:
   org spend and tokens (bucketed reports), DAU/WAU/MAU (`/summaries`), distinct active users
   (`/users` over each week) and movers (per-user cost of each week). Both paths must agree
   exactly (micro-cents, same days); any difference is printed and makes the exit status 1;
5. resumability: a sync in a child process is SIGKILLed once the simulator has served ~30 % of
   the requests a full sync needs (polled, never a blind sleep), then a second sync completes it;
   it must skip every final day the killed run committed. With `--resume-users N` this phase uses
   a smaller org of its own (its own simulator) to keep the run short; the output says so.

Ratios are measured within one run on one machine; the simulator's CPU (it computes every report
from synthetic events) shares the cores with us, so absolute times are only indicative.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.simproc import RemoteSimulator
from bot.analytics import AnalyticsClient
from bot.config import Settings
from bot.reports.commands import parse_command, run_command
from bot.reports.types import Comparison, TopSpenders
from bot.simulator.config import SimConfig
from bot.store.money import cents_to_microcents
from bot.store.run import run_sync
from bot.store.schema import DATASETS_COST, DATASETS_ENGAGEMENT, open_store
from bot.store.sync import SyncReport

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
ENDPOINT_OF = {
    "users": "users",
    "summaries": "summaries",
    "chat_projects": "apps/chat/projects",
    "projects": "projects",
    "skills": "skills",
    "connectors": "connectors",
    "user_usage": "user_usage_report",
    "user_cost": "user_cost_report",
    "usage_buckets": "usage_report",
    "cost_buckets": "cost_report",
}
ENGAGEMENT_ENDPOINTS = tuple(ENDPOINT_OF[d] for d in DATASETS_ENGAGEMENT)
KILL_FRACTION = 0.30
KILL_DEADLINE_S = 600.0
CHILD = """
import sys
from datetime import date, datetime
from bot.config import Settings
from bot.store.run import run_sync
report = run_sync(
    Settings(), since=date.fromisoformat(sys.argv[1]), now=datetime.fromisoformat(sys.argv[2])
)
sys.exit(0 if report.ok else 3)
"""


# --- the simulator, in its own process --------------------------------------------------------


class StoreSimulator(RemoteSimulator):
    """`bench.simproc.RemoteSimulator` plus what this benchmark drives in process: counter
    resets, settings for `run_sync` and a client on the fixed clock."""

    def total(self) -> int:
        return sum(self.counts().values())

    def reset(self) -> None:
        self._http.post("/_sim/reset-counts").raise_for_status()

    def settings(self, db_path: Path) -> Settings:
        return Settings(
            analytics_base_url=self.base_url,
            analytics_api_key=SecretStr(self.config.api_key),
            db_path=db_path,
        )

    def client(self) -> AnalyticsClient:
        return AnalyticsClient(
            base_url=self.base_url, api_key=SecretStr(self.config.api_key), clock=lambda: NOW
        )


# --- phases -----------------------------------------------------------------------------------


@dataclass
class SyncRun:
    seconds: float
    report: SyncReport
    requests: dict[str, int]
    cpu: float
    """CPU seconds of this process (the bot: HTTP, validation, flattening, SQLite)."""
    sim_cpu: float

    @property
    def rows(self) -> int:
        return sum(r.rows_written for r in self.report.datasets.values())

    def engagement_requests(self) -> int:
        return sum(self.requests.get(e, 0) for e in ENGAGEMENT_ENDPOINTS)


def timed_sync(sim: StoreSimulator, db_path: Path, since: dt.date) -> SyncRun:
    sim.reset()
    sim_cpu, cpu, started = sim.cpu_seconds(), time.process_time(), time.perf_counter()
    report = run_sync(sim.settings(db_path), since=since, now=NOW)
    seconds = time.perf_counter() - started
    cpu, sim_cpu = time.process_time() - cpu, sim.cpu_seconds() - sim_cpu
    if not report.ok:
        for failure in report.failures:
            print(f"  sync failure: {failure}", file=sys.stderr)
    return SyncRun(seconds, report, sim.counts(), cpu, sim_cpu)


def ledger(db_path: Path) -> dict[str, tuple[int, int]]:
    """(ledger rows, of which final) per dataset; empty if the store was never created."""
    try:
        with sqlite3.connect(db_path) as conn:
            rows = conn.execute(
                "SELECT dataset, count(*), sum(final) FROM sync_ledger GROUP BY dataset"
            ).fetchall()
    except sqlite3.OperationalError:
        return {}
    return {d: (int(n), int(f or 0)) for d, n, f in rows}


@dataclass
class ResumeRun:
    killed_after: int
    """Requests the killed child had sent (counted by the simulator after the kill)."""
    trigger: int
    """The count at which the kill was sent."""
    target: int
    killed: bool
    before: dict[str, tuple[int, int]]
    resumed: SyncRun
    after: dict[str, tuple[int, int]]
    smaller: str | None = None


def kill_and_resume(
    sim: StoreSimulator, db_path: Path, since: dt.date, full_requests: int
) -> ResumeRun:
    """SIGKILL a sync child once it has made ~30 % of a full sync's requests, then resume."""
    sim.reset()
    target = max(1, round(full_requests * KILL_FRACTION))
    env = {
        **os.environ,
        "CLAUDE_USAGE_DB": str(db_path),
        "CLAUDE_ANALYTICS_BASE_URL": sim.base_url,
        "CLAUDE_ANALYTICS_API_KEY": sim.config.api_key,
    }
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, since.isoformat(), NOW.isoformat()],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + KILL_DEADLINE_S
    seen = 0
    while (seen := sim.total()) < target and child.poll() is None:
        if time.monotonic() > deadline:
            break
        time.sleep(0.01)  # polling interval only; the request count is what we wait for
    killed = child.poll() is None
    if killed:
        child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    spent = sim.total()  # the trigger count plus the requests that were already in flight
    before = ledger(db_path)
    resumed = timed_sync(sim, db_path, since)
    return ResumeRun(spent, seen, target, killed, before, resumed, ledger(db_path))


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def store_answers(
    sim: StoreSimulator, db_path: Path, runs: int
) -> tuple[dict[str, list[float]], TopSpenders, Comparison, int]:
    """Both answers from the warm store, as Slack runs them; returns API requests made meanwhile."""
    db = open_store(str(db_path))
    sim.reset()
    try:
        results: dict[str, Any] = {}
        times: dict[str, list[float]] = {}
        for text in ("top-spenders 30d", "compare week"):

            def answer(text: str = text) -> Any:
                return run_command(parse_command(text, today=TODAY), db, today=TODAY)

            times[text], results[text] = timed(answer, runs)
    finally:
        db.close()
    top, comparison = results["top-spenders 30d"], results["compare week"]
    assert isinstance(top, TopSpenders)
    assert isinstance(comparison, Comparison)
    return times, top, comparison, sim.total()


# --- the naive baseline: straight from the API, no store -------------------------------------


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def reported(amount: Decimal | None) -> int:
    """Micro-cents of an amount the API may leave out; absent adds nothing, as SQL's SUM
    ignores the store's NULLs."""
    return 0 if amount is None else cents_to_microcents(amount)


def per_user_cost(client: AnalyticsClient, first: dt.date, last: dt.date) -> dict[str, list[int]]:
    """user_id → [amount, list amount] in micro-cents over days first..last (one window, no
    bucket width: one row per user over exactly those days)."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in client.user_cost_report(
        starting_at=midnight(first), ending_at=midnight(last + dt.timedelta(days=1))
    ):
        money = out[row.actor.user_id]
        money[0] += cents_to_microcents(row.amount)
        money[1] += reported(row.list_amount)
    return dict(out)


@dataclass(frozen=True)
class BaselineTop:
    ranked: list[tuple[str, int, int]]
    count: int
    total: int
    list_total: int


def baseline_top(client: AnalyticsClient, limit: int) -> BaselineTop:
    period = parse_command("top-spenders 30d", today=TODAY).period  # type: ignore[union-attr]
    spend = per_user_cost(client, period.start, period.end)
    spenders = [(u, a, lst) for u, (a, lst) in spend.items() if a or lst]
    spenders.sort(key=lambda s: (-s[1], s[0]))
    return BaselineTop(
        spenders[:limit],
        len(spenders),
        sum(s[1] for s in spenders),
        sum(s[2] for s in spenders),
    )


@dataclass
class BaselineCompare:
    spend: tuple[int, int] = (0, 0)
    tokens: tuple[int, int] = (0, 0)
    dau_avg: tuple[float, float] = (0.0, 0.0)
    wau: tuple[int, int] = (0, 0)
    mau: tuple[int, int] = (0, 0)
    active: tuple[int, int] = (0, 0)
    movers_up: list[tuple[str, int, int]] = field(default_factory=list)
    movers_down: list[tuple[str, int, int]] = field(default_factory=list)


def baseline_compare(client: AnalyticsClient, movers: int) -> BaselineCompare:
    """`compare week` from the API: org spend and tokens (bucketed reports), DAU/WAU/MAU
    (/summaries), distinct active users (/users over each week) and movers (per-user cost)."""
    command = parse_command("compare week", today=TODAY)
    cur, prev = command.period, command.previous  # type: ignore[union-attr]
    weeks = {"cur": cur, "prev": prev}
    start, stop = midnight(prev.start), midnight(cur.end + dt.timedelta(days=1))

    def side(day: dt.date) -> str:
        return "cur" if day >= cur.start else "prev"

    def spend() -> dict[str, int]:
        out = {"cur": 0, "prev": 0}
        for bucket in client.cost_report(starting_at=start, ending_at=stop, bucket_width="1d"):
            for row in bucket.results:
                out[side(bucket.starting_at.date())] += cents_to_microcents(row.amount)
        return out

    def tokens() -> dict[str, int]:
        out = {"cur": 0, "prev": 0}
        for bucket in client.usage_report(starting_at=start, ending_at=stop, bucket_width="1d"):
            for row in bucket.results:
                cache = row.cache_creation
                counts = (
                    row.uncached_input_tokens,
                    row.cache_read_input_tokens,
                    None if cache is None else cache.ephemeral_5m_input_tokens,
                    None if cache is None else cache.ephemeral_1h_input_tokens,
                    row.output_tokens,
                )
                out[side(bucket.starting_at.date())] += sum(n for n in counts if n is not None)
        return out

    def summaries() -> list[Any]:
        days = client.summaries(starting_date=prev.start, ending_date=cur.end + dt.timedelta(1))
        return sorted(days, key=lambda s: s.starting_at)

    def active(key: str) -> int:
        week = weeks[key]
        end = week.end + dt.timedelta(days=1)
        return sum(1 for row in client.users(starting_date=week.start, ending_date=end) if row.user)

    jobs: dict[str, Callable[[], Any]] = {
        "spend": spend,
        "tokens": tokens,
        "summaries": summaries,
        "active cur": lambda: active("cur"),
        "active prev": lambda: active("prev"),
        "cost cur": lambda: per_user_cost(client, cur.start, cur.end),
        "cost prev": lambda: per_user_cost(client, prev.start, prev.end),
    }
    got = dict(client.map_concurrently(lambda name: jobs[name](), list(jobs)))
    out = BaselineCompare()
    out.spend = (got["spend"]["cur"], got["spend"]["prev"])
    out.tokens = (got["tokens"]["cur"], got["tokens"]["prev"])
    rows = {
        key: [s for s in got["summaries"] if side(s.starting_at.date()) == key] for key in weeks
    }
    dau = {k: statistics.fmean(s.daily_active_user_count for s in rows[k]) for k in weeks}
    out.dau_avg = (dau["cur"], dau["prev"])
    out.wau = (rows["cur"][-1].weekly_active_user_count, rows["prev"][-1].weekly_active_user_count)
    out.mau = (
        rows["cur"][-1].monthly_active_user_count,
        rows["prev"][-1].monthly_active_user_count,
    )
    out.active = (got["active cur"], got["active prev"])
    now_cost, then_cost = got["cost cur"], got["cost prev"]
    changes = []
    for user in set(now_cost) | set(then_cost):
        a, b = now_cost.get(user, [0, 0])[0], then_cost.get(user, [0, 0])[0]
        if a != b:
            changes.append((user, a, b))
    rising = sorted((c for c in changes if c[1] > c[2]), key=lambda c: (c[2] - c[1], c[0]))
    falling = sorted((c for c in changes if c[1] < c[2]), key=lambda c: (c[1] - c[2], c[0]))
    out.movers_up, out.movers_down = rising[:movers], falling[:movers]
    return out


Mismatch = tuple[str, str]
"""(what differs, the two values): one disagreement between the store and the API."""
TOP_CHECKS = "top-10 ranking (user, amount, list amount), spender count, totals"
COMPARE_CHECKS = "spend, tokens, DAU avg, WAU, MAU, active users, movers up/down (both weeks)"


def check_top(store: TopSpenders, api: BaselineTop) -> list[Mismatch]:
    found: list[Mismatch] = []
    ours = [(r.user_id, r.amount_microcents, r.list_amount_microcents) for r in store.rows]
    if ours != api.ranked:
        found.append(("ranking", f"\n    store {ours}\n    api   {api.ranked}"))
    for name, a, b in (
        ("spender count", store.total_count, api.count),
        ("total µ¢", store.total_microcents, api.total),
        ("list total µ¢", store.list_total_microcents, api.list_total),
    ):
        if a != b:
            found.append((name, f"store {a} vs api {b}"))
    return found


def check_compare(store: Comparison, api: BaselineCompare) -> list[Mismatch]:
    found: list[Mismatch] = []
    pairs: dict[str, tuple[Any, Any]] = {
        "spend µ¢": (store.spend, api.spend),
        "tokens": (store.tokens, api.tokens),
        "DAU avg": (store.dau_avg, api.dau_avg),
        "WAU": (store.wau, api.wau),
        "MAU": (store.mau, api.mau),
        "active users": (store.active_users, api.active),
    }
    for name, (delta, (cur, prev)) in pairs.items():
        got = None if delta is None else (delta.current, delta.previous)
        if got is None or any(
            x is None or abs(float(x) - float(y)) > 1e-9
            for x, y in zip(got, (cur, prev), strict=True)
        ):
            found.append((name, f"(this week, week before) store {got} vs api {(cur, prev)}"))

    def movers(rows: Iterable[Any]) -> list[tuple[str, int, int]]:
        return [(m.user_id, m.current_microcents, m.previous_microcents) for m in rows]

    for name, ours, theirs in (
        ("movers up", movers(store.movers_up), api.movers_up),
        ("movers down", movers(store.movers_down), api.movers_down),
    ):
        if ours != theirs:
            found.append((name, f"\n    store {ours}\n    api   {theirs}"))
    return found


# --- output -----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def by_endpoint(counts: dict[str, int]) -> str:
    order = [ENDPOINT_OF[d] for d in (*DATASETS_ENGAGEMENT, *DATASETS_COST)]
    known = [f"{e} {counts[e]}" for e in order if counts.get(e)]
    other = [f"{e} {n}" for e, n in sorted(counts.items()) if e not in order and n]
    return ", ".join(known + other) or "none"


def print_sync(title: str, run: SyncRun) -> None:
    print(
        f"{title}: {run.seconds:,.1f} s wall, {sum(run.requests.values()):,} requests, "
        f"{run.rows:,} rows written (bot CPU {run.cpu:,.1f} s, simulator CPU {run.sim_cpu:,.1f} s)"
    )
    print(f"    requests by endpoint: {by_endpoint(run.requests)}")


def print_refetch(run: SyncRun) -> None:
    if run.report.probe_requests:
        print(
            f"    watermark probe: {run.report.probe_requests} request, export "
            f"{run.report.probed_watermark or 'unknown (probe failed)'}; "
            f"{run.report.days_skipped_unchanged} revisable days skipped as unchanged"
        )
    for dataset in DATASETS_COST:
        entry = run.report.datasets[dataset]
        if entry.days_fetched:
            print(
                f"    re-fetched {dataset:<13} {entry.days_fetched:3d} revisable days "
                f"({entry.days_skipped_final} final days skipped), {entry.requests:,} requests, "
                f"{entry.rows_written:,} rows"
            )


def table(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(c) for c in col) for col in zip(head, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, rows)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=60, help="days of history to sync")
    parser.add_argument("--latency-ms", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each answer")
    parser.add_argument(
        "--resume-users",
        type=int,
        default=None,
        help="org size of the kill-and-resume phase (default: --users, same simulator)",
    )
    args = parser.parse_args()
    since = TODAY - dt.timedelta(days=args.days)
    started = time.perf_counter()
    print(
        f"bench/store.py — {args.users:,} users × {args.days} days of history, "
        f"{args.latency_ms} ms simulated latency, now = {NOW:%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} CPUs shared by bot and simulator"
    )
    config = SimConfig(users=args.users, days=args.days, now=NOW, latency_ms=args.latency_ms)
    problems: list[str] = []
    summary: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        t0 = time.perf_counter()
        sim = StoreSimulator(config)
        print(f"simulator ready in {time.perf_counter() - t0:.1f} s")
        try:
            store = Path(tmp) / "store.db"
            full = timed_sync(sim, store, since)
            print_sync("1. full sync", full)
            size = store.stat().st_size + sum(
                p.stat().st_size for p in Path(tmp).glob("store.db-*")
            )
            print(f"    store file {size / 1e6:,.1f} MB")
            summary.append(
                ["full sync", f"{full.seconds:,.1f} s", f"{sum(full.requests.values()):,}", ""]
            )

            again = timed_sync(sim, store, since)
            print_sync("2. second sync right after", again)
            # The question "which day is your latest?" (one /users request); the revisable
            # days were fetched today already, the final ones never again.
            engagement = again.engagement_requests()
            print(
                f"    engagement requests (users, summaries, apps/chat/projects, projects, "
                f"skills, connectors): {engagement} "
                f"{'(ok: the latest-day question)' if engagement == 1 else '(EXPECTED 1)'}"
            )
            print_refetch(again)
            if engagement != 1:
                problems.append(f"second sync sent {engagement} engagement requests")
            summary.append(
                [
                    "second sync",
                    f"{again.seconds:,.1f} s",
                    f"{sum(again.requests.values()):,}",
                    f"{engagement} engagement",
                ]
            )

            times, top, comparison, during = store_answers(sim, store, args.runs)
            print(f"3. warm-store answers (parse_command + run_command, {args.runs} runs each):")
            for text, values in times.items():
                print(
                    f"    {text:<17} median {ms(statistics.median(values))}, max {ms(max(values))}"
                )
            print(f"    API requests during the answers: {during} {'(ok)' if not during else ''}")
            if during:
                problems.append(f"{during} API requests while answering from the store")

            sim.reset()
            with sim.client() as client:
                top_times, api_top = timed(lambda: baseline_top(client, top.limit), 1)
                top_requests = sim.counts()
                sim.reset()
                cmp_times, api_cmp = timed(
                    lambda: baseline_compare(client, len(comparison.movers_up) or 5), 1
                )
                cmp_requests = sim.counts()
            print(
                "4. baseline: the same answers straight from the API, no store "
                "(independent request series concurrently, 8 connections)"
            )
            print(f"    top-spenders 30d {ms(top_times[0])}: {by_endpoint(top_requests)}")
            print(f"    compare week     {ms(cmp_times[0])}: {by_endpoint(cmp_requests)}")
            for text, base, reqs, bad, checked in (
                (
                    "top-spenders 30d",
                    top_times[0],
                    top_requests,
                    check_top(top, api_top),
                    TOP_CHECKS,
                ),
                (
                    "compare week",
                    cmp_times[0],
                    cmp_requests,
                    check_compare(comparison, api_cmp),
                    COMPARE_CHECKS,
                ),
            ):
                warm = statistics.median(times[text])
                problems += [f"{text} {field}: {detail}" for field, detail in bad]
                agree = "agree" if not bad else f"DISAGREE on {', '.join(f for f, _ in bad)}"
                print(f"    {text:<17} checked: {checked}")
                print(
                    f"    {text:<17} baseline / warm store = {base / warm:,.0f}× "
                    f"({ms(base)} vs {ms(warm)}); store and API answers {agree}"
                )
                summary.append(
                    [
                        text,
                        f"{ms(warm)} (max {ms(max(times[text]))})",
                        "0",
                        f"API {ms(base)}, {sum(reqs.values())} req: {base / warm:,.0f}× "
                        f"slower; {agree}",
                    ]
                )
            print(
                f"    top spender: {top.rows[0].user_id if top.rows else '-'}, "
                f"{top.total_count:,} spenders, total {top.total_microcents:,} µ¢"
            )

            resume_sim, note = sim, None
            if args.resume_users is not None and args.resume_users != args.users:
                sim.stop()
                small = config.model_copy(update={"users": args.resume_users})
                resume_sim = StoreSimulator(small)
                note = f"smaller org: {args.resume_users:,} users (--resume-users)"
            try:
                if resume_sim is not sim:
                    reference = timed_sync(resume_sim, Path(tmp) / "ref.db", since)
                    need = sum(reference.requests.values())
                else:
                    need = sum(full.requests.values())
                resume = kill_and_resume(resume_sim, Path(tmp) / "resume.db", since, need)
            finally:
                if resume_sim is not sim:
                    resume_sim.stop()
        finally:
            sim.stop()
        resume.smaller = note
        print(
            "5. resumable" + (f" ({note})" if note else "") + f": child SIGKILLed after "
            f"{resume.trigger:,} requests, {resume.killed_after:,} counted in all (target "
            f"{resume.target:,} = "
            f"{KILL_FRACTION:.0%} of a full sync's {need:,})"
            + ("" if resume.killed else " — NOT KILLED: it finished first")
        )
        rows_before = sum(n for n, _ in resume.before.values())
        rows_after = sum(n for n, _ in resume.after.values())
        final_before = sum(f for _, f in resume.before.values())
        print(f"    ledger rows before resume: {rows_before} ({final_before} final)")
        print(f"    ledger rows after resume:  {rows_after}")
        print_sync("    resumed sync", resume.resumed)
        skipped_ok = True
        print("    per dataset: ledger before → after; the resumed run must fetch exactly the")
        print("    missing days plus the committed days that are still revisable (not final)")
        print("    and were fetched under an older export watermark than the API serves now:")
        for dataset in (*DATASETS_ENGAGEMENT, *DATASETS_COST):
            entry = resume.resumed.report.datasets[dataset]
            had, final = resume.before.get(dataset, (0, 0))
            now_has = resume.after.get(dataset, (0, 0))[0]
            expected = now_has - final - entry.days_skipped_unchanged
            ok = entry.days_skipped_final == final and entry.days_fetched == expected
            skipped_ok = skipped_ok and ok
            print(
                f"    {dataset:<13} {had:3d} ({final:3d} final) → {now_has:3d}; fetched "
                f"{entry.days_fetched:3d} = {now_has - had} missing + {had - final} revisable "
                f"- {entry.days_skipped_unchanged} unchanged "
                f"{'ok' if ok else 'UNEXPECTED'}, {entry.requests:,} requests"
            )
        if not skipped_ok:
            problems.append("the resumed sync did not fetch exactly the missing + revisable days")
        resumed_requests = sum(resume.resumed.requests.values())
        extra = resume.killed_after + resumed_requests - need
        print(
            f"    killed + resumed runs: {resume.killed_after + resumed_requests:,} requests, "
            f"{extra:+,} vs one full sync (pages in flight at the kill are fetched again; "
            "committed revisable days only if the export watermark moved, plus its probe)"
        )
        summary.append(
            [
                "kill + resume" + (" (smaller org)" if note else ""),
                f"{resume.resumed.seconds:,.1f} s",
                f"{resume.killed_after:,} + {resumed_requests:,}",
                f"vs {need:,} for a full sync; {rows_before} → {rows_after} ledger rows",
            ]
        )

    total = time.perf_counter() - started
    print()
    print(table(["phase", "time", "requests", "notes"], summary))
    print(f"total bench time {total:,.0f} s")
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
