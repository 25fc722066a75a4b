"""`claude-usage demo` / `make demo`: the whole product on one machine, with no keys.

It starts the simulated Analytics API on a free loopback port, syncs a temporary store from it
with the real client and sync, then opens a console (`bot.console.loop`) that accepts the same
`/claude-usage` lines as Slack, and answers any other line as a question (Claude with
ANTHROPIC_API_KEY, else the keyless router). Without a TTY (CI, a pipe) it runs a scripted tour
of every subcommand and a few questions and exits 0, so the demo itself is testable.

The console acts as a Slack user in a Slack channel, through Slack's own code: by default
`DEMO_ADMIN`, whom the demo's settings make an admin, in `DEMO_CHANNEL`, which they make a digest
channel (and `DEMO_ALERTS` the alert channel). So every subcommand works as in Slack, `user me`,
`digest subscribe` and `budget set` included. `--as` chooses someone else: `DEMO_MEMBER` (a
member with an email), any email (a member), or any Slack ID (a member unless it is the admin).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr
from rich.console import Console
from rich.rule import Rule
from rich.text import Text
from sqlite_utils import Database

from bot.config import Settings, load_settings
from bot.console.answer import ConsoleSession
from bot.console.identity import ConsoleUser, console_user
from bot.console.loop import console_loop, run_tour
from bot.console.sanitize import clean_lines
from bot.simulator.config import SimConfig
from bot.simulator.server import RunningSimulator, start_simulator
from bot.store.progress import auto_progress
from bot.store.run import run_sync
from bot.store.schema import open_store

DEMO_HISTORY_DAYS = 62
"""Enough for month-to-date against last month and every week-over-week comparison."""

DEMO_ADMIN = "U0DEMOADMIN"
DEMO_MEMBER = "U0DEMOMEMBER"
DEMO_CHANNEL = "C0DEMODIGESTS"
DEMO_ALERTS = "C0DEMOALERTS"
TOUR_QUESTIONS = (
    "who were the top spenders last week?",
    "how much did we spend by product this month?",
)
"""Asked after the command tour: free-form questions, answered as a DM would be."""


def tour() -> list[str]:
    """The scripted tour: every subcommand once, plus the two mistakes people make first."""
    return [
        "help",
        "status",
        "top-spenders 7d",
        "top-spenders 30d --list --limit 5",
        "top-spenders 7d --product claude_code --limit 5",
        "spend 30d by product",
        "spend last-week by cost-type",
        "tokens 7d by model",
        "adoption 30d",
        "user me 30d",
        "projects 7d",
        "skills 7d",
        "connectors 7d",
        "compare week",
        "compare month",
        "finance",
        "export top-spenders 7d --limit 5",
        "digest subscribe weekly monday 09:00",
        "digest list",
        "budget set 25000",
        "budget show",
        "top-spenders banana",
        "top-spenders 2025-01-01..2025-02-01",
    ]


def run_demo(
    *,
    users: int = 300,
    seed: int = 7,
    interactive: bool | None = None,
    console: Console | None = None,
    read_line: Callable[[str], str] | None = None,
    digest_dir: Path | None = None,
    as_user: str | None = None,
) -> int:
    out = console or Console()
    interactive = sys.stdin.isatty() if interactive is None else interactive
    now = datetime.now(UTC)
    config = SimConfig(users=users, seed=seed, days=DEMO_HISTORY_DAYS + 30)
    with (
        tempfile.TemporaryDirectory(prefix="claude-usage-demo-") as tmp,
        start_simulator(config) as sim,
    ):
        settings = _settings(sim, Path(tmp) / "demo.db")
        out.print(
            f"[bold]claude-usage demo[/]: simulated Analytics API at {sim.base_url} "
            f"({users} users, seed {seed}); store {settings.db_path}"
        )
        started = time.perf_counter()
        report = run_sync(
            settings,
            since=(now - timedelta(days=DEMO_HISTORY_DAYS)).date(),
            now=now,
            progress=auto_progress(),
        )
        rows = sum(d.rows_written for d in report.datasets.values())
        out.print(
            f"Synced {rows:,} rows in {report.requests:,} requests "
            f"({time.perf_counter() - started:.1f} s). Every answer below comes from the store.\n"
        )
        db = open_store(str(settings.db_path))
        try:
            session = _session(db, settings, as_user)
            if interactive:
                _welcome(session, out)
                _interact(session, out, read_line)
            else:
                run_tour(session, out, tour())
                _ask_tour(session, out)
                _preview_digest(db, out, digest_dir or DEMO_DIGEST_DIR)
        finally:
            db.close()
    return 0


def _settings(sim: RunningSimulator, db_path: Path) -> Settings:
    """The simulator and the temporary store; the demo's admin, digest channel and alert
    channel; Claude (for questions) and the console's state folder from the environment."""
    env = load_settings()
    return Settings(
        analytics_base_url=sim.base_url,
        analytics_api_key=SecretStr(sim.config.api_key),
        db_path=db_path,
        anthropic_api_key=env.anthropic_api_key,
        anthropic_base_url=env.anthropic_base_url,
        model=env.model,
        admins=frozenset({DEMO_ADMIN}),
        digest_channels=frozenset({DEMO_CHANNEL}),
        alert_channel=DEMO_ALERTS,
        state_home=env.state_home,
    )


def demo_people(db: Database) -> dict[str, str]:
    """The demo's two Slack users, as Slack's directory would give their emails: the admin is
    the organisation's top spender, the member the next one (so `user me` has something)."""
    rows = db.execute(
        "SELECT d.email FROM user_cost c JOIN directory d USING (user_id) "
        "WHERE d.email IS NOT NULL GROUP BY c.user_id "
        "ORDER BY sum(c.amount_microcents) DESC, c.user_id LIMIT 2"
    ).fetchall()
    return {
        slack_id: str(row[0])
        for slack_id, row in zip((DEMO_ADMIN, DEMO_MEMBER), rows, strict=False)
    }


def _session(db: Database, settings: Settings, as_user: str | None) -> ConsoleSession:
    people = demo_people(db)
    admin = ConsoleUser(DEMO_ADMIN, is_admin=True, email=people.get(DEMO_ADMIN))
    user = console_user(settings, as_user, channel=DEMO_CHANNEL, default=admin, people=people)
    return ConsoleSession(db, settings, user, people=people)


def _welcome(session: ConsoleSession, out: Console) -> None:
    viewer = session.viewer
    role = "an admin" if viewer.is_admin else "a member"
    email = f" ({viewer.email})" if viewer.email else ""
    out.print(
        Text(
            f"You are @{viewer.user_id}{email}, {role}, in #{session.user.channel_id}, a digest "
            f"channel; alerts go to #{DEMO_ALERTS}. `claude-usage demo --as {DEMO_MEMBER}` (or "
            "--as an email) is the console as a member.",
            style="dim",
        )
    )
    out.print(
        "Type a Slack command such as [bold]/claude-usage top-spenders 7d[/] (the "
        "`/claude-usage` is optional), a button's number or label (e.g. [bold]2[/] or "
        "[bold]show more[/]), any other line as a question (e.g. [bold]who spent most last "
        "week?[/]), [bold]help[/] for every subcommand, [bold]tour[/] for a guided run through "
        "them all, or [bold]quit[/]."
    )


def _interact(
    session: ConsoleSession, out: Console, read_line: Callable[[str], str] | None
) -> None:
    """The console; on a terminal with line editing and history (`bot.console.lineedit`)."""
    if read_line is not None:
        console_loop(session, out, read_line, tour)
        return
    from bot.console.lineedit import line_editing
    from bot.reports.usage import SUBCOMMANDS

    words = [*SUBCOMMANDS, "tour", "quit", "me", "daily", "weekly", "by", "product", "model"]
    with line_editing(session.settings, words):
        console_loop(session, out, input, tour)


def _ask_tour(session: ConsoleSession, out: Console) -> None:
    from bot.console.ask import ask_line

    for question in TOUR_QUESTIONS:
        out.print(Rule(f"ask: {question}", align="left"))
        ask_line(question, session, out)
        out.print()


DEMO_DIGEST_DIR = Path(tempfile.gettempdir()) / "claude-usage-demo-digest"
"""Where the tour leaves the digest preview (outside the temporary store, so it can be opened)."""


def _preview_digest(db: Database, out: Console, where: Path) -> None:
    """The daily digest a subscribed channel would get this morning, as `digest preview` writes
    it: the text here, the Block Kit JSON and the two charts in `where`."""
    import json

    from bot.digest import DigestSpec, build_digest
    from bot.digest.charts import digest_charts
    from bot.digest.render import digest_text, render_digest
    from bot.digest.schedule import report_period

    out.print(Rule("claude-usage digest preview --kind daily", align="left"))
    spec = DigestSpec(kind="daily", period=report_period("daily", datetime.now(UTC)))
    digest = build_digest(db, spec)
    out.print(clean_lines(digest_text(digest)), markup=False, highlight=False, soft_wrap=True)
    where = _writable_dir(where)
    payload = json.dumps(render_digest(digest).payload(), indent=2, ensure_ascii=False)
    (where / "digest-daily.json").write_text(payload + "\n", encoding="utf-8")
    for chart in digest_charts(db, digest):
        (where / chart.filename).write_bytes(chart.png)
    out.print(f"[dim](Block Kit JSON and the charts are in {where})[/]\n")


def _writable_dir(preferred: Path) -> Path:
    """`preferred`, or a fresh temporary folder when it cannot be used (another user's folder of
    that name, a file in its place, a read-only temp dir), so the tour never ends in a traceback."""
    try:
        preferred.mkdir(parents=True, exist_ok=True)
        probe = preferred / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return Path(tempfile.mkdtemp(prefix="claude-usage-demo-digest-"))
    return preferred
