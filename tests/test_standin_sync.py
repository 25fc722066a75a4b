"""The client, sync and every report against a stand-in we did not write from our models.

`tests.fakes.standin_api` was written from the reference's prose alone: whole metric blocks and
counters missing, no `list_amount` on some cost rows, summaries with only DAU/WAU/MAU and seats,
amounts as JSON numbers, undocumented fields, its own small and uneven page sizes (some pages
empty, the end only by cursor). Against it, a sync must finish with every day stored, money must
equal the stand-in's ground truth to the micro-cent, every `/claude-usage` subcommand must answer,
unknown values must show as "—", and `status` must name the drift.
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
from bot.store.run import render_report, run_sync
from bot.store.schema import DATASETS, open_store
from bot.store.sync import SyncReport
from tests.fakes.standin_api import RunningStandin, StandinConfig, start_standin

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
SINCE = date(2026, 10, 1)


@dataclass
class Synced:
    api: RunningStandin
    settings: Settings
    db: Database
    report: SyncReport


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synced]:
    path = tmp_path_factory.mktemp("standin") / "store.db"
    with start_standin(StandinConfig(users=25, seed=7, now=NOW)) as api:
        settings = Settings(
            analytics_base_url=api.base_url,
            analytics_api_key=SecretStr("standin-key"),
            db_path=Path(path),
        )
        report = run_sync(settings, since=SINCE, now=NOW)
        db = open_store(str(path))
        yield Synced(api, settings, db, report)
        db.close()


def test_sync_stores_every_day_of_every_dataset(synced: Synced) -> None:
    report = synced.report
    assert report.ok, render_report(report)
    engagement_days = (TODAY - timedelta(days=3) - SINCE).days + 1
    cost_days = (TODAY - SINCE).days + 1
    for name in DATASETS:
        if name == "projects":  # a guide-era API has no /projects: 404, "not offered"
            assert report.datasets[name].not_offered
            assert report.datasets[name].days_fetched == 0
            continue
        expected = cost_days if name.startswith(("user_", "usage", "cost")) else engagement_days
        assert report.datasets[name].days_fetched == expected, name
        assert report.datasets[name].days_unavailable == 0, name  # its latest day was asked
    assert report.latest_engagement_day == TODAY - timedelta(days=3)
    # Its pages are small and uneven (some empty): the cursor alone ended each sequence.
    assert report.requests > 9 * 48


def test_money_sent_as_numbers_or_strings_matches_the_ground_truth(synced: Synced) -> None:
    org = synced.api.org
    for day in (date(2026, 10, 5), date(2026, 11, 2), date(2026, 11, 19)):
        truth = sum(atom.amount_micro for atom in org.cost_atoms(day))
        (stored,) = synced.db.execute(
            "SELECT sum(amount_microcents) FROM cost_buckets WHERE grouping = '' AND day = ?",
            (day.isoformat(),),
        ).fetchone()
        assert stored == truth, day
        per_user: dict[str, int] = {}
        for atom in org.cost_atoms(day):
            if atom.user_id is not None:
                per_user[atom.user_id] = per_user.get(atom.user_id, 0) + atom.amount_micro
        rows = synced.db.execute(
            "SELECT user_id, sum(amount_microcents) FROM user_cost WHERE day = ? GROUP BY user_id",
            (day.isoformat(),),
        ).fetchall()
        assert dict(rows) == per_user, day


def test_a_missing_metric_is_stored_as_null_never_zero(synced: Synced) -> None:
    db = synced.db
    (null_lists, rows) = db.execute(
        "SELECT count(*) - count(list_amount_microcents), count(*) FROM user_cost"
    ).fetchone()
    assert 0 < null_lists < rows
    (no_cowork,) = db.execute(
        "SELECT count(*) FROM user_activity WHERE cowork_metrics__message_count IS NULL"
    ).fetchone()
    assert no_cowork > 0
    (seats,) = db.execute(
        "SELECT count(*) FROM summaries WHERE pending_invite_count = 0"
    ).fetchone()
    assert seats == 0  # never sent: NULL, not 0


WORDS = {
    "help": "help",
    "top-spenders": "top-spenders 30d --list",
    "spend": "spend 30d by product",
    "tokens": "tokens 7d by token-type",
    "adoption": "adoption 30d",
    "user": "user person01@standin.example 30d",
    "projects": "projects 30d",
    "skills": "skills 30d",
    "connectors": "connectors 30d",
    "compare": "compare week",
    "finance": "finance",
    "status": "status",
    "export": "export spend 30d",
    "digest": "digest list",
    "budget": "budget show",
}


@pytest.mark.parametrize("sub", SUBCOMMANDS)
def test_every_subcommand_answers(synced: Synced, sub: str) -> None:
    answer = answer_line(WORDS[sub], synced.db, now=NOW, settings=synced.settings)
    assert answer.ok, answer.text


def test_what_was_not_reported_shows_as_a_dash_with_a_sentence(synced: Synced) -> None:
    def ask(words: str) -> str:
        answer = answer_line(words, synced.db, now=NOW, settings=synced.settings)
        assert answer.ok, answer.text
        return answer.text

    adoption = ask("adoption 30d")
    assert "Pending invites: —" in adoption
    assert "Active users per product are not reported for" in adoption
    spend = ask("spend 7d")
    assert "left the list price out of" in spend
    tokens = ask("tokens 7d")
    assert "totals count what was reported" in tokens or "does not report" in tokens


def test_status_lists_the_drift_sync_saw(synced: Synced) -> None:
    status = answer_line("status", synced.db, now=NOW, settings=synced.settings).text
    assert "not reported by the API" in status
    assert "last_activity_date" in status  # documented, never sent by this stand-in
    assert "voice_metrics" in status  # undocumented, sent
    assert any("does not send these documented fields" in line for line in synced.report.drift)


@pytest.fixture(scope="module")
def sparse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Database]]:
    """Our own simulator in `--sparse` mode: optional blocks and fields dropped, some amounts
    as JSON numbers, undocumented fields added (see `bot.simulator.sparse`)."""
    from bot.simulator.config import SimConfig
    from bot.simulator.server import start_simulator

    path = tmp_path_factory.mktemp("sparse") / "store.db"
    with start_simulator(SimConfig(seed=7, users=40, days=120, now=NOW, sparse=True)) as sim:
        settings = Settings(
            analytics_base_url=sim.base_url,
            analytics_api_key=SecretStr(sim.config.api_key),
            db_path=Path(path),
        )
        report = run_sync(settings, since=SINCE, now=NOW)
        assert report.ok, render_report(report)
        db = open_store(str(path))
        yield settings, db
        db.close()


@pytest.mark.parametrize("sub", SUBCOMMANDS)
def test_every_subcommand_answers_against_the_sparse_simulator(
    sparse: tuple[Settings, Database], sub: str
) -> None:
    settings, db = sparse
    words = WORDS[sub]
    if sub == "user":
        (email,) = db.execute(
            "SELECT email FROM directory WHERE email IS NOT NULL ORDER BY user_id LIMIT 1"
        ).fetchone()
        words = f"user {email} 30d"
    answer = answer_line(words, db, now=NOW, settings=settings)
    assert answer.ok, answer.text


def test_the_sparse_simulator_shows_dashes_and_drift(sparse: tuple[Settings, Database]) -> None:
    settings, db = sparse
    adoption = answer_line("adoption 30d", db, now=NOW, settings=settings).text
    assert "Pending invites: —" in adoption
    status = answer_line("status", db, now=NOW, settings=settings).text
    assert "last_activity_date" in status
    assert "voice_metrics" in status


@pytest.mark.parametrize("kind", ["daily", "weekly"])
def test_a_digest_of_sparse_data_builds_and_renders(
    sparse: tuple[Settings, Database], synced: Synced, kind: str
) -> None:
    from bot.digest import DigestSpec, build_digest
    from bot.digest.render import digest_text, render_digest
    from bot.digest.schedule import report_period
    from bot.store.subscriptions import DigestKind

    which: DigestKind = "daily" if kind == "daily" else "weekly"
    for db in (sparse[1], synced.db):
        spec = DigestSpec(kind=which, period=report_period(which, NOW), with_people=True)
        digest = build_digest(db, spec)
        assert render_digest(digest).blocks
        assert digest_text(digest).startswith(f"Claude {kind} digest")
