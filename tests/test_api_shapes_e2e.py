"""Both shapes, one product: sync and every subcommand against today's API and the guide's.

The simulator serves today's shapes by default (the anthropic SDK's types) and the original
guide's with `legacy` (`simulate --legacy`), sparse or not. Against each, a sync must finish,
every `/claude-usage` subcommand must answer, and `status`'s drift report must measure against
today's fields without calling either era's spelling missing when the other is sent.
(`simulate --sparse` alone and the guide-era third-party stand-in: `test_standin_sync.py`.)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlite_utils import Database

from bot.config import Settings
from bot.console.answer import answer_line
from bot.reports.usage import SUBCOMMANDS
from bot.simulator.config import SimConfig
from bot.simulator.server import start_simulator
from bot.store.drift import drift
from bot.store.run import render_report, run_sync
from bot.store.schema import open_store
from bot.store.sync import SyncReport

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
SINCE = date(2026, 10, 1)
SHAPES = {
    "today": SimConfig(seed=7, users=40, days=120, now=NOW),
    "legacy": SimConfig(seed=7, users=40, days=120, now=NOW, legacy=True),
    "legacy-sparse": SimConfig(seed=7, users=40, days=120, now=NOW, legacy=True, sparse=True),
}
WORDS = {
    "help": "help",
    "top-spenders": "top-spenders 30d --list --product slack",
    "spend": "spend 30d by product",
    "tokens": "tokens 7d by token-type",
    "adoption": "adoption 30d",
    "user": "user {email} 30d",
    "projects": "projects 30d",
    "skills": "skills 30d",
    "connectors": "connectors 30d",
    "compare": "compare week",
    "finance": "finance",
    "status": "status",
    "export": "export projects 30d",
    "digest": "digest list",
    "budget": "budget show",
}


@dataclass
class Synced:
    shape: str
    settings: Settings
    db: Database
    report: SyncReport


@pytest.fixture(scope="module", params=list(SHAPES))
def synced(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Synced]:
    shape: str = request.param
    path = tmp_path_factory.mktemp(shape) / "store.db"
    with start_simulator(SHAPES[shape]) as sim:
        settings = Settings(
            analytics_base_url=sim.base_url,
            analytics_api_key=SecretStr(sim.config.api_key),
            db_path=Path(path),
        )
        report = run_sync(settings, since=SINCE, now=NOW)
        db = open_store(str(path))
        yield Synced(shape, settings, db, report)
        db.close()


def test_sync_finishes_up_to_the_latest_day_the_api_has(synced: Synced) -> None:
    report = synced.report
    assert report.ok, render_report(report)
    lag = 1 if synced.shape == "today" else 3
    assert report.latest_engagement_day == TODAY - timedelta(days=lag)
    assert report.datasets["users"].days_unavailable == 0
    # `/projects` (the new projects experience) exists in today's API only.
    assert report.datasets["projects"].not_offered is (synced.shape != "today")
    assert (report.datasets["projects"].days_fetched > 0) is (synced.shape == "today")


@pytest.mark.parametrize("sub", SUBCOMMANDS)
def test_every_subcommand_answers(synced: Synced, sub: str) -> None:
    (email,) = synced.db.execute(
        "SELECT email FROM directory WHERE email IS NOT NULL ORDER BY user_id LIMIT 1"
    ).fetchone()
    words = WORDS[sub].format(email=email)
    answer = answer_line(words, synced.db, now=NOW, settings=synced.settings)
    assert answer.ok, answer.text


def test_drift_measures_against_todays_fields_and_either_spelling(synced: Synced) -> None:
    """Today's shapes are no drift at all (they used to be called undocumented, and
    `actor.email` missing); the guide's `actor.email` is not called missing either, nor is
    today's `actor.email_address` when an org sends the guide's spelling."""
    found = {item.dataset: item for item in drift(synced.db)}
    if synced.shape == "today":
        assert found == {}
    for dataset in ("user_cost", "user_usage"):
        item = found.get(dataset)
        if item is not None:
            assert not {"actor.email", "actor.email_address"} & set(item.not_sent)
            assert not {"actor.email", "actor.email_address"} & set(item.undocumented)
    status = answer_line("status", synced.db, now=NOW, settings=synced.settings).text
    assert "actor.email" not in status
    assert "latest available activity day was" in status


def test_a_person_known_only_from_spend_is_named(synced: Synced, tmp_path: Path) -> None:
    """Actors carry `email_address` today and `email` in the guide: either names the person,
    even with no `/users` row to name them (here: only spend is synced)."""
    settings = synced.settings.model_copy(update={"db_path": tmp_path / "spend.db"})
    report = run_sync(settings, since=TODAY - timedelta(days=5), now=NOW, only=["user_cost"])
    assert report.ok, render_report(report)
    db = open_store(str(tmp_path / "spend.db"))
    try:
        (living,) = db.execute(
            "SELECT count(*) FROM directory WHERE deleted = 0 AND email IS NOT NULL"
        ).fetchone()
        (nameless,) = db.execute(
            "SELECT count(*) FROM directory WHERE deleted = 0 AND email IS NULL"
        ).fetchone()
    finally:
        db.close()
    assert living > 0
    assert nameless == 0
