"""Digests of the simulated organisation rendered for Slack: limits, escaping and the text view."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.digest import DigestSpec, build_digest
from bot.digest.charts import digest_charts
from bot.digest.render import digest_text, render_digest
from bot.digest.schedule import report_period
from bot.reports.periods import Period
from bot.reports.privacy import MIN_GROUP, SMALL_KEY
from bot.slack.blocks.primitives import MAX_BLOCKS
from bot.store.schema import open_store
from bot.store.subscriptions import DigestKind
from tests.fakes.slack_env import HOSTILE, NOW
from tests.test_slack_blocks import mrkdwn_texts

pytest_plugins = ["tests.fakes.slack_fixtures"]


@pytest.mark.parametrize("kind", ["daily", "weekly"])
@pytest.mark.parametrize("people", [False, True])
def test_digest_fits_slack_and_escapes_every_api_string(
    synced_store_path: Path, kind: str, people: bool
) -> None:
    db = open_store(str(synced_store_path))
    which: DigestKind = "daily" if kind == "daily" else "weekly"
    spec = DigestSpec(kind=which, period=report_period(which, NOW), with_people=people)
    digest = build_digest(db, spec)
    message = render_digest(digest)
    assert len(message.blocks) <= MAX_BLOCKS
    # No API string is live in mrkdwn: control sequences nowhere, formatting only as literal
    # text (inside code blocks, or our escape tokens); headers are plain_text, shown verbatim.
    mrkdwn = json.dumps(mrkdwn_texts(message.blocks), ensure_ascii=False)
    formatted = re.sub(r"```.*?```", "", mrkdwn, flags=re.DOTALL)
    for raw in HOSTILE:
        assert raw not in (formatted if raw in ("*bold*", "_it_") else mrkdwn), raw
    for block in message.blocks:
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= 3000
    text = digest_text(digest)
    assert text.startswith(f"Claude {kind} digest · ")
    assert ("Top spenders" in text) is people


def test_charts_are_real_pngs_of_the_digest_days(synced_store_path: Path) -> None:
    db = open_store(str(synced_store_path))
    digest = build_digest(db, DigestSpec(kind="daily", period=report_period("daily", NOW)))
    charts = digest_charts(db, digest)
    assert [c.filename for c in charts] == ["spend-by-product.png", "active-users.png"]
    for chart in charts:
        assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(chart.png) > 10_000
        assert chart.alt


def test_a_product_digest_charts_that_product(synced_store_path: Path) -> None:
    db = open_store(str(synced_store_path))
    spec = DigestSpec(kind="daily", period=report_period("daily", NOW), product="claude_code")
    spend, actives = digest_charts(db, build_digest(db, spec))
    assert spend.title == "Claude Code spend, last 30 days"
    assert actives.title == "Claude Code active users, last 30 days"


@pytest.mark.parametrize("kind", ["daily", "weekly"])
def test_without_names_no_product_or_model_of_fewer_than_five_people_is_shown(
    synced_store_path: Path, kind: DigestKind
) -> None:
    """Every product and model a digest without names shows (breakdowns, products up and down)
    has at least five people behind it on the reported days, counted here from the
    per-person table; the rest is the folded slice. The simulated org has several such small
    products (Cowork, Claude in Chrome, Claude in Office)."""
    db = open_store(str(synced_store_path))
    spec = DigestSpec(kind=kind, period=report_period(kind, NOW))
    digest = build_digest(db, spec)
    bounds = (spec.period.start.isoformat(), spec.period.end.isoformat())

    def people(column: str) -> dict[str, int]:
        rows = db.execute(
            f"SELECT {column}, count(DISTINCT user_id) FROM user_cost "  # noqa: S608
            "WHERE day BETWEEN ? AND ? GROUP BY 1",
            bounds,
        ).fetchall()
        return {str(key): int(count) for key, count in rows}

    products, models = people("product"), people("model")
    assert any(0 < n < MIN_GROUP for n in products.values())  # there is something to fold
    shown = [r.key for r in digest.products]
    moved = digest.movers
    if moved is not None:
        shown += [m.key for m in (*moved.products_up, *moved.products_down)]
    assert SMALL_KEY in shown
    for key in shown:
        assert key == SMALL_KEY or products.get(key, 0) >= MIN_GROUP, key
    for row in digest.models:
        assert row.key == SMALL_KEY or models.get(row.key, 0) >= MIN_GROUP, row.key


def test_every_section_of_a_weekly_digest_covers_its_week(synced_store_path: Path) -> None:
    """Posted on Mon Nov 23, the week is Nov 16–22; the store was synced on Fri Nov 20
    at noon, so activity is reported through Thu Nov 19 (a day late).
    Spend, actives, new people and rankings all cover the week (activity as far as it is
    reported, the rest named), never the 7 days to Thursday or a day of the week before."""
    db = open_store(str(synced_store_path))
    at = datetime(2026, 11, 23, 9, tzinfo=UTC)
    week = report_period("weekly", at)
    digest = build_digest(db, DigestSpec(kind="weekly", period=week, with_people=True))
    text = digest_text(digest)
    assert "Active users · Mon Nov 16 – Thu Nov 19 (Fri Nov 20 – Sun Nov 22 not reported" in text
    assert "New people (Nov 16 – Nov 19, 2026)" in text
    assert "Top projects, skills and connectors · Nov 16 – Nov 19, 2026" in text
    snap, new = digest.adoption, digest.newcomers
    assert snap is not None
    assert new is not None
    assert (snap.window.start, snap.window.end) == (week.start, date(2026, 11, 19))
    assert snap.not_reported == Period.between(date(2026, 11, 20), week.end)
    assert new.window == snap.window
    assert digest.rankings
    for ranked in digest.rankings:
        assert (ranked.period.start, ranked.period.end) == (week.start, date(2026, 11, 19))
