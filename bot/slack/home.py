"""The App Home tab: KPIs, spend this week vs the week before, adoption, freshness, and buttons
that run the common reports (answered by DM). A pure builder plus the loader that feeds it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.errors import ClaudeUsageError
from bot.reports.commands import parse_command
from bot.reports.types import Adoption, SpendSeries
from bot.slack.auth import Viewer, authorize
from bot.slack.blocks.format import number, percent_of, sparkline, usd
from bot.slack.blocks.message import ACTION_RUN
from bot.slack.blocks.primitives import (
    MAX_HOME_BLOCKS,
    Block,
    actions,
    button,
    context,
    divider,
    field,
    fields,
    fit_blocks,
    header,
    section,
)
from bot.slack.blocks.spend import delta_text
from bot.slack.deps import Deps
from bot.slack.mrkdwn import escape
from bot.slack.reports_api import run_report
from bot.store.freshness import Freshness, read_freshness

log = logging.getLogger(__name__)

EVERYONE_BUTTONS = (
    ("Spend by product", "spend 7d by product"),
    ("Adoption, 30 days", "adoption 30d"),
    ("Projects", "projects 7d"),
    ("Skills", "skills 7d"),
    ("Connectors", "connectors 7d"),
    ("My usage", "user me 30d"),
)
ADMIN_BUTTONS = (
    ("Top spenders", "top-spenders 7d"),
    ("This week vs last", "compare week"),
    ("Finance", "finance"),
)


@dataclass(frozen=True)
class HomeData:
    freshness: Freshness
    spend: SpendSeries | None = None
    adoption: Adoption | None = None
    problems: tuple[str, ...] = ()


def _opt(value: int | float | None) -> str:
    return "—" if value is None else number(value)


def home_view(viewer: Viewer, data: HomeData) -> dict[str, Any]:
    """The `views.publish` view for `viewer`. Pure."""
    blocks: list[Block] = [header("Claude usage")]
    kpis: list[str] = []
    if data.spend is not None:
        kpis += [
            field("Spend, last 7 days", usd(data.spend.total_microcents)),
            field("vs the 7 days before", delta_text(data.spend.change, money=True)),
            field("Daily spend", escape(sparkline(data.spend.sparkline)) or "—"),
        ]
    if data.adoption is not None:
        a = data.adoption
        kpis += [
            field("Daily actives", _opt(a.dau)),
            field("Weekly actives", _opt(a.wau)),
            field("Monthly actives", _opt(a.mau)),
            field("Seats", _opt(a.seats)),
            field("Seat utilisation", percent_of(a.utilisation_pct)),
            field("Daily actives trend", escape(sparkline(a.sparkline)) or "—"),
        ]
    blocks += fields(kpis) if kpis else [section("No usage data yet.")]
    for problem in data.problems:
        blocks.append(context(escape(problem)))
    tail: list[Block] = [context(escape(data.freshness.sentence())), divider()]
    tail.append(section("*Run a report* (answers arrive in your DMs with me)"))
    chosen = [*EVERYONE_BUTTONS, *(ADMIN_BUTTONS if viewer.is_admin else ())]
    elements = [
        button(label, f"{ACTION_RUN}.home.{i}", words) for i, (label, words) in enumerate(chosen)
    ]
    tail.append(actions(elements, block_id="claude_usage_home"))
    if not viewer.is_admin:
        tail.append(context("Per-user reports are limited to Claude usage admins."))
    tail.append(context("Type `/claude-usage help` anywhere for every report."))
    return {"type": "home", "blocks": fit_blocks(blocks, tail, MAX_HOME_BLOCKS)}


def load_home(deps: Deps, viewer: Viewer | None = None) -> HomeData:
    """Run the Home's org-level reports for `viewer` (authorized like typed words, so small
    groups are folded for non-admins); a failure becomes a sentence."""
    today = deps.today()
    problems: list[str] = []
    spend: SpendSeries | None = None
    adoption: Adoption | None = None
    with deps.store.connect() as db:
        freshness = read_freshness(db)
        for words in ("spend 7d", "adoption 7d"):
            try:
                command = parse_command(words, today=today)
                if viewer is not None:
                    command = authorize(command, viewer, deps.directory)
                result = run_report(
                    command,
                    db,
                    today=today,
                    seat_price_cents=deps.settings.seat_price_cents,
                )
            except ClaudeUsageError as exc:
                problems.append(str(exc))
                continue
            except Exception:
                log.exception("App Home report %r failed", words)
                problems.append(f"The {words.split()[0]} summary could not be loaded.")
                continue
            if isinstance(result, SpendSeries):
                spend = result
            elif isinstance(result, Adoption):
                adoption = result
    return HomeData(freshness=freshness, spend=spend, adoption=adoption, problems=tuple(problems))
