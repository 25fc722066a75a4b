"""The store the Slack payload tour runs on (`tests.fakes.payload_tour`): synced from the
simulator, then given names an organisation's API could send and a Slack surface must show
safely.

    build_store(path, users=…, since=…)   the simulator's org (its own hostile names, a spend
                                          spike for the anomaly alert) with person, model,
                                          product and project names carrying bidi controls,
                                          terminal escapes, `<!here>` and a Markdown link, and
                                          a long tail of models (answers past 50 blocks)
    hostile_email(path)                   the email of the person with a right-to-left override
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

from pydantic import SecretStr

from bot.analytics.client import AnalyticsClient
from bot.simulator.config import SimConfig
from bot.simulator.server import start_simulator
from bot.store.schema import open_store
from bot.store.sync import sync
from tests.fakes.slack_env import NOW

SPIKE = date(2026, 11, 16)
"""A Monday with six times the usual spend: the anomaly alert fires for it."""
HOSTILE_PEOPLE = (
    "invoice\u202egnp.exe Ledger",
    "\x1b]8;;https://evil.example\x1b\\Budget\x1b]8;;\x1b\\ \x1b[31mred\x1b[0m",
    "\u2067Zoë\u2069 \u200fIsolate\u200e \u061cMark",
    "Bell\x07 Back\x08space \x85Next \x9b31mC1",
)
"""Names the four biggest spenders get: what a directory could hand over (terminal escapes,
bidi overrides and isolates, C0 and C1 controls)."""
HOSTILE_MODEL = "claude-\u202eopus\x1b[1m"
HOSTILE_PRODUCT = "in_\u202echrome\x1b[1m<!here>"
"""A product key the API might add (unknown to our labels, so shown as sent)."""
LINK_NAME = "[Re-authenticate to see this report](https://evil.example/login)"
"""The busiest project's name: Markdown that would be a live link if quoted verbatim."""
MODELS_A_DAY = 100
"""A long tail of models with a little spend, 100 new ones on each of the 30 days before NOW:
`spend 30d by model` is then far longer than 50 blocks, so the block cap is on the tour too."""


def build_store(path: Path, *, users: int = 60, since: date = date(2026, 10, 12)) -> Path:
    """Sync `users` people from `since` to NOW, then give people, a model, a product and a
    project hostile names and add a long tail of models."""
    config = SimConfig(seed=7, users=users, days=120, now=NOW, spikes=((SPIKE, 6),))
    db = open_store(str(path))
    with (
        start_simulator(config) as sim,
        AnalyticsClient(
            base_url=sim.base_url, api_key=SecretStr("demo-key"), clock=lambda: NOW
        ) as client,
    ):
        report = sync(db, client, now=NOW, since=since)
    db.close()
    if not report.ok:
        raise RuntimeError(f"sync failed: {report}")
    with sqlite3.connect(path) as conn:
        top = [
            row[0]
            for row in conn.execute(
                "SELECT user_id FROM user_cost WHERE day >= ? GROUP BY user_id "
                "ORDER BY sum(amount_microcents) DESC LIMIT ?",
                (str(NOW.date() - timedelta(days=30)), len(HOSTILE_PEOPLE)),
            )
        ]
        for user_id, name in zip(top, HOSTILE_PEOPLE, strict=False):
            conn.execute("UPDATE directory SET name = ? WHERE user_id = ?", (name, user_id))
        model = conn.execute(
            "SELECT model FROM cost_buckets WHERE model NOT IN ('', '(none)') "
            "GROUP BY model ORDER BY sum(amount_microcents) DESC LIMIT 1"
        ).fetchone()[0]
        for table in ("cost_buckets", "usage_buckets"):
            conn.execute(f"UPDATE {table} SET model = ? WHERE model = ?", (HOSTILE_MODEL, model))  # noqa: S608
        for table in ("cost_buckets", "usage_buckets", "user_cost", "user_usage"):
            conn.execute(
                f"UPDATE {table} SET product = ? WHERE product = 'claude_in_chrome'",  # noqa: S608
                (HOSTILE_PRODUCT,),
            )
        conn.execute(
            "UPDATE chat_projects SET project_name = ? WHERE project_id = (SELECT project_id "
            "FROM chat_projects WHERE day >= ? GROUP BY project_id "
            "ORDER BY sum(coalesce(message_count, 0)) DESC LIMIT 1)",
            (LINK_NAME, str(NOW.date() - timedelta(days=30))),
        )
        conn.executemany(
            "INSERT INTO cost_buckets (day, grouping, product, model, cost_type, token_type, "
            "amount_microcents, list_amount_microcents, requests) "
            "VALUES (?, 'product,model', 'chat', ?, '', '', ?, ?, 1)",
            [
                (str(NOW.date() - timedelta(days=d)), f"tail-model-{d:02d}-{i:03d}", i, i)
                for d in range(1, 31)
                for i in range(MODELS_A_DAY)
            ],
        )
    return path


def hostile_email(path: Path) -> str:
    """The email of the person renamed with a right-to-left override (for `user EMAIL`)."""
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "SELECT email FROM directory WHERE name = ?", (HOSTILE_PEOPLE[0],)
        ).fetchone()
    return str(row[0])
