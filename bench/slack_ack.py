"""Benchmark: how fast `/claude-usage` is acknowledged while the answer needs slow work.

    .venv/bin/python bench/slack_ack.py [--commands 200] [--concurrency 20] [--latency-ms 2000]

The real HTTP app (uvicorn + Bolt's Starlette adapter, as `claude-usage serve` runs it) receives
signed slash commands. Its store is empty and must first sync from a simulated Analytics API that
answers every request after `--latency-ms`, so the first answers take seconds. Slack needs the
HTTP 200 within 3 s; we ack first and work after (lazy listeners), so the ack should stay < 100 ms.

The naive baseline is the same app doing the work before acking (what a first Bolt app often
does); it is run with fewer commands because each one waits for the sync.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_bolt import Ack, App

from bot.config import Settings
from bot.simulator.config import SimConfig
from bot.simulator.server import start_simulator
from bot.slack.answer import answer, slack_text
from bot.slack.app import build_app
from bot.slack.auth import Directory
from bot.slack.deliver import via_respond
from bot.slack.deps import Deps, StoreAccess
from bot.slack.http import create_http_app
from bot.slack.refresh import SyncRefresher
from bot.store.schema import open_store
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_http import ServerThread, SlackSender

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SECRET = "bench-signing-secret"  # noqa: S105  (a local benchmark, not a credential)
ADMIN = "UADMIN0001"


def settings_for(slack_api_url: str, sim_url: str) -> Settings:
    return Settings(
        slack_bot_token="xoxb-bench",  # noqa: S106
        slack_signing_secret=SECRET,
        slack_api_url=slack_api_url,
        admins=ADMIN,
        analytics_base_url=sim_url,
        analytics_api_key="demo-key",
    )


def naive_app(settings: Settings, db_path: str, refresher: SyncRefresher) -> App:
    """Baseline: the whole answer is computed before the ack (process_before_response=True)."""
    from slack_sdk import WebClient

    client = WebClient(token="xoxb-bench", base_url=settings.slack_api_url)  # noqa: S106
    app = App(
        client=client,
        signing_secret=SECRET,
        token_verification_enabled=False,
        process_before_response=True,
    )
    deps = Deps(
        settings=settings,
        store=StoreAccess(open_store(db_path)),
        directory=Directory(client, settings),
        refresher=refresher,
        now=lambda: NOW,
    )

    @app.command("/claude-usage")
    def work_then_ack(ack: Ack, body: dict[str, Any], respond: Any) -> None:
        result = answer(
            deps,
            user_id=str(body["user_id"]),
            channel_id=body.get("channel_id"),
            text=slack_text(str(body.get("text", ""))),
        )
        via_respond(respond, client, str(body["user_id"]), result, replace_original=False)
        ack()

    return app


def fire(sender_factory: Callable[[], SlackSender], n: int, concurrency: int) -> list[float]:
    """Send `n` signed commands from `concurrency` threads; return each ack latency (s)."""
    latencies: list[float] = []
    lock = threading.Lock()
    commands = ["spend 7d", "adoption 7d", "top-spenders 7d", "tokens 7d by model", "skills"]

    def one(i: int, sender: SlackSender) -> None:
        body, _ = sender.command_body(commands[i % len(commands)], user_id=ADMIN)
        started = time.perf_counter()
        response = sender.post(body, "application/x-www-form-urlencoded")
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text}")
        with lock:
            latencies.append(elapsed)

    senders = [sender_factory() for _ in range(concurrency)]
    for sender in senders:  # open each keep-alive connection before timing
        sender.http.get("/healthz")
    with ThreadPoolExecutor(concurrency) as pool:
        futures = [pool.submit(one, i, senders[i % concurrency]) for i in range(n)]
        for future in futures:
            future.result()
    for sender in senders:
        sender.close()
    return latencies


def summary(name: str, latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    figures = {
        "p50": statistics.median(ordered) * 1000,
        "p99": p99 * 1000,
        "max": ordered[-1] * 1000,
    }
    print(
        f"{name:<28} n={len(ordered):<4} p50 {figures['p50']:8.1f} ms   "
        f"p99 {figures['p99']:8.1f} ms   max {figures['max']:8.1f} ms"
    )
    return figures


def simulator_process(latency_ms: int, conn: Connection) -> None:
    config = SimConfig(seed=7, users=200, days=60, now=NOW, latency_ms=latency_ms)
    with start_simulator(config) as sim:
        conn.send(sim.base_url)
        conn.recv()


def slack_process(conn: Connection) -> None:
    with FakeSlack() as fake:
        conn.send((fake.api_url, fake.base_url))
        n = conn.recv()  # the parent has sent every command; wait for every answer
        fake.wait_for("response", n, where=lambda r: "Working on it" not in r.text, timeout=600)
        conn.send("answered")
        conn.recv()


def app_process(kind: str, sim_url: str, slack_api_url: str, conn: Connection) -> None:
    factory = ours if kind == "ours" else naive_app
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.db"
        settings = settings_for(slack_api_url, sim_url).model_copy(update={"db_path": path})
        refresher = SyncRefresher(settings, now=lambda: NOW, since_days=2)
        app = factory(settings, str(path), refresher)
        with ServerThread(create_http_app(app)) as server:
            conn.send(server.url)
            conn.recv()


def start(target: Callable[..., None], *args: object) -> tuple[Any, Connection]:
    """Each party in its own process, as in production: the load generator, the app under test,
    Slack and the Analytics API never compete for one interpreter lock."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=target, args=(*args, child), daemon=True)
    process.start()
    return process, parent


def run(kind: str, n: int, concurrency: int, latency_ms: int, label: str) -> dict[str, float]:
    sim, sim_conn = start(simulator_process, latency_ms)
    slack, slack_conn = start(slack_process)
    sim_url = sim_conn.recv()
    slack_api_url, slack_url = slack_conn.recv()
    app, app_conn = start(app_process, kind, sim_url, slack_api_url)
    app_url = app_conn.recv()
    started = time.perf_counter()
    latencies = fire(lambda: SlackSender(app_url, SECRET, slack_url), n, concurrency)
    slack_conn.send(n)
    slack_conn.recv()
    answered = time.perf_counter() - started
    for conn, process in ((app_conn, app), (slack_conn, slack), (sim_conn, sim)):
        conn.send("stop")
        process.join(timeout=30)
    figures = summary(label, latencies)
    print(f"{'':<28} all {n} answered after {answered:.1f} s")
    return figures


def ours(settings: Settings, db_path: str, refresher: SyncRefresher) -> App:
    return build_app(settings, open_store(db_path), now=lambda: NOW, refresher=refresher)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--latency-ms", type=int, default=2000)
    parser.add_argument("--naive-commands", type=int, default=20)
    args = parser.parse_args()
    print(
        f"slack ack: {args.commands} signed /claude-usage commands, {args.concurrency} at a time; "
        f"the store must sync first from a simulator answering after {args.latency_ms} ms"
    )
    mine = run("ours", args.commands, args.concurrency, args.latency_ms, "ack first, work lazily")
    naive = run(
        "naive", args.naive_commands, args.concurrency, args.latency_ms, "naive: work, then ack"
    )
    print(
        f"p99 ack: {mine['p99']:.1f} ms vs {naive['p99']:.0f} ms naive "
        f"({naive['p99'] / mine['p99']:.0f}× faster); target < 100 ms: "
        f"{'met' if mine['p99'] < 100 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
