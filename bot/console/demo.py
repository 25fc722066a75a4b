"""`claude-usage demo` / `make demo`: the whole product on one machine, with no keys.

It starts the simulated Analytics API on a free loopback port, syncs a temporary store from it
with the real client and sync, then opens a console that accepts the same `/claude-usage` lines as
Slack, and answers any other line as a question (Claude with ANTHROPIC_API_KEY, else the keyless
router). Without a TTY (CI, a pipe) it runs a scripted tour of every report and a few questions
and exits 0, so the demo itself is testable.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr
from rich.console import Console
from rich.rule import Rule
from sqlite_utils import Database

from bot.config import Settings, load_settings
from bot.console.answer import answer_line
from bot.console.sanitize import clean_lines
from bot.simulator.config import SimConfig
from bot.simulator.server import RunningSimulator, start_simulator
from bot.store.progress import auto_progress
from bot.store.run import run_sync
from bot.store.schema import open_store

DEMO_HISTORY_DAYS = 62
"""Enough for month-to-date against last month and every week-over-week comparison."""

QUIT_WORDS = frozenset({"quit", "exit", "q", ":q"})
TOUR_QUESTIONS = (
    "who were the top spenders last week?",
    "how much did we spend by product this month?",
)
"""Asked after the command tour: free-form questions, answered as a DM would be."""


def tour(top_email: str | None) -> list[str]:
    """The scripted tour: every subcommand once, plus the two mistakes people make first."""
    user = f"user {top_email} 30d" if top_email else "user nobody@example.com"
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
        user,
        "projects 7d",
        "skills 7d",
        "connectors 7d",
        "compare week",
        "compare month",
        "finance",
        "export top-spenders 7d --limit 5",
        "top-spenders banana",
        "top-spenders 2025-01-01..2025-02-01",
    ]


def run_demo(
    *,
    users: int = 300,
    seed: int = 7,
    interactive: bool | None = None,
    console: Console | None = None,
    read_line: Callable[[str], str] = input,
    digest_dir: Path | None = None,
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
            if interactive:
                _console_loop(db, settings, out, read_line)
            else:
                _run_tour(db, settings, out, tour(_top_email(db)))
                _ask_tour(db, settings, out)
                _preview_digest(db, out, digest_dir or DEMO_DIGEST_DIR)
        finally:
            db.close()
    return 0


def _settings(sim: RunningSimulator, db_path: Path) -> Settings:
    """The simulator and the temporary store; Claude (for questions) from the environment."""
    claude = load_settings()
    return Settings(
        analytics_base_url=sim.base_url,
        analytics_api_key=SecretStr(sim.config.api_key),
        db_path=db_path,
        anthropic_api_key=claude.anthropic_api_key,
        anthropic_base_url=claude.anthropic_base_url,
        model=claude.model,
    )


def _top_email(db: Database) -> str | None:
    row = db.execute(
        "SELECT d.email FROM user_cost c JOIN directory d USING (user_id) "
        "WHERE d.email IS NOT NULL GROUP BY c.user_id "
        "ORDER BY sum(c.amount_microcents) DESC LIMIT 1"
    ).fetchone()
    return str(row[0]) if row else None


def _answer(line: str, db: Database, settings: Settings, out: Console) -> None:
    from bot.console.answer import today_in
    from bot.console.ask import ask_line, is_command

    if not is_command(line, today=today_in(settings)):
        ask_line(line, db, settings, out)
        out.print()
        return

    started = time.perf_counter()
    answer = answer_line(line, db, today=today_in(settings), settings=settings)
    elapsed_ms = (time.perf_counter() - started) * 1000
    out.print(clean_lines(answer.text), markup=False, highlight=False, soft_wrap=True)
    out.print(f"[dim]({elapsed_ms:.0f} ms from the store)[/]\n")


def _run_tour(db: Database, settings: Settings, out: Console, lines: Iterable[str]) -> None:
    for line in lines:
        out.print(Rule(f"/claude-usage {line}", align="left"))
        _answer(line, db, settings, out)


def _ask_tour(db: Database, settings: Settings, out: Console) -> None:
    from bot.console.ask import ask_line

    for question in TOUR_QUESTIONS:
        out.print(Rule(f"ask: {question}", align="left"))
        ask_line(question, db, settings, out)
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


def _console_loop(
    db: Database, settings: Settings, out: Console, read_line: Callable[[str], str]
) -> None:
    out.print(
        "Type a Slack command such as [bold]/claude-usage top-spenders 7d[/] (the "
        "`/claude-usage` is optional), any other line as a question (e.g. [bold]who spent most "
        "last week?[/]), [bold]help[/] for every subcommand, [bold]tour[/] for a guided run "
        "through them all, or [bold]quit[/]."
    )
    while True:
        try:
            line = read_line("claude-usage> ").strip()
        except (EOFError, KeyboardInterrupt):
            out.print()
            return
        if not line:
            continue
        if line.lower() in QUIT_WORDS:
            return
        if line.lower() == "tour":
            _run_tour(db, settings, out, tour(_top_email(db)))
            continue
        _answer(line, db, settings, out)
