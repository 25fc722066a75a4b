"""`/claude-usage` answered in a terminal: the same grammar, reports and Block Kit as Slack.

The terminal user is the operator running the bot, so there is no authorization step here: the
person at the keyboard already holds the store and the API key. Everything else is Slack's path —
`parse_command` → `run_command` → `render` → `blocks_to_text` — so the console shows exactly what
Slack would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from bot.config import Settings
from bot.console.render import answer_text
from bot.errors import ClaudeUsageError
from bot.reports.commands import (
    BudgetCommand,
    CommandError,
    DigestCommand,
    parse_command,
    run_command,
)
from bot.reports.export import csv_bytes
from bot.reports.periods import utc_today
from bot.reports.types import Export

SLASH = "/claude-usage"


@dataclass(frozen=True)
class TerminalAnswer:
    text: str
    ok: bool
    exit_code: int = 0
    csv: bool = False
    """The text is an export's CSV: exact data, cleaned only when shown on a terminal."""


def today_in(settings: Settings) -> date:
    """The current UTC day: report days are the API's UTC days (see `bot.reports.periods`)."""
    return utc_today()


def strip_slash(line: str) -> str:
    """Accept `/claude-usage top-spenders 7d` as well as `top-spenders 7d`."""
    text = line.strip()
    if text.lower().startswith(SLASH):
        text = text[len(SLASH) :]
    return text.strip()


def answer_line(line: str, db: Database, *, today: date, settings: Settings) -> TerminalAnswer:
    """One line in, readable text out; errors become the sentence Slack would show."""
    words = strip_slash(line) or "help"
    try:
        command = parse_command(words, today=today)
        if isinstance(command, DigestCommand | BudgetCommand):
            return _manage(command, db, today)
        result = run_command(command, db, today=today, seat_price_cents=settings.seat_price_cents)
    except CommandError as exc:
        return TerminalAnswer(f"{exc}\n\n{exc.usage}".rstrip(), ok=False, exit_code=exc.exit_code)
    except ClaudeUsageError as exc:
        return TerminalAnswer(str(exc), ok=False, exit_code=exc.exit_code)
    if isinstance(result, Export):
        return TerminalAnswer(export_csv(result), ok=True, csv=True)
    return TerminalAnswer(answer_text(result, today=today), ok=True)


def _manage(command: DigestCommand | BudgetCommand, db: Database, today: date) -> TerminalAnswer:
    """Read-only views work here (`digest list`, `budget show`); changes are made in Slack,
    where the channel and the admin are known."""
    from datetime import UTC, datetime

    from bot.console.render import blocks_to_text
    from bot.slack.manage import budgets_message, subscriptions_message
    from bot.store.subscriptions import list_subscriptions

    if isinstance(command, DigestCommand) and command.action == "list":
        now = datetime.now(UTC)
        return TerminalAnswer(
            blocks_to_text(subscriptions_message(list_subscriptions(db), now).blocks), ok=True
        )
    if isinstance(command, BudgetCommand) and command.action == "show":
        return TerminalAnswer(blocks_to_text(budgets_message(db, today).blocks), ok=True)
    raise CommandError(
        f"`{command.name} {command.action}` is done in Slack, in the channel it is about; here, "
        "use `claude-usage digest preview` or `claude-usage digest run`."
    )


def export_csv(export: Export) -> str:
    """The CSV Slack would upload to the requester's DM, exact cents and all."""
    return csv_bytes(export).decode("utf-8")
