"""The one path from words to an answer: parse → authorize → report → render.

Slash commands, buttons and App Home all call `answer()`; only delivery differs (response_url,
Home view, DM). Errors become one sentence: `str()` of a `ClaudeUsageError`, anything else the
generic sentence below (logged with its traceback, never shown).

Freshness never costs the reader: a stale store answers at once with its freshness line while
the refresher syncs in the background. Only an empty store, which cannot answer anything, makes
the reader wait for the first sync (with a "working on it" note), and only for a bounded time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlite_utils import Database

from bot.errors import ClaudeUsageError
from bot.reports.commands import (
    BudgetCommand,
    Command,
    CommandError,
    DigestCommand,
    ExportCommand,
    parse_command,
)
from bot.reports.coverage import NoDataError
from bot.reports.types import CommandResult, Export, StatusReport
from bot.slack.auth import Visibility, authorize, visibility
from bot.slack.blocks import Message, error_message, escape_sentence, render, text_message
from bot.slack.blocks.primitives import context
from bot.slack.deps import Deps
from bot.slack.reports_api import run_report

log = logging.getLogger(__name__)

GENERIC_ERROR = "Something went wrong on our side; the error was logged."
WORKING = (
    ":hourglass_flowing_sand: Working on it: nothing is stored yet, so I'm fetching the first "
    "data from the Analytics API…"
)
STILL_SYNCING = (
    "The first sync with the Analytics API is still running; try again in a few minutes."
)
SYNC_RUNNING = "A sync with the Analytics API is running now; try again in a minute or two."


@dataclass(frozen=True)
class Answer:
    message: Message
    response_type: Visibility = "ephemeral"
    export: Export | None = None
    command: Command | None = None
    exit_code: int = 0
    """Non-zero when the message is an error sentence: the CLI's exit code for it."""


def slack_text(text: str) -> str:
    """Slash-command text as typed: Slack sends `&`, `<`, `>` typed by a person as entities."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def answer(
    deps: Deps,
    *,
    user_id: str,
    channel_id: str | None,
    text: str,
    progress: Callable[[Message], None] | None = None,
) -> Answer:
    """Everything between receiving words and having a message to send, errors included."""
    try:
        return _answer(deps, user_id, channel_id, text, progress)
    except CommandError as exc:
        return Answer(error_message(str(exc), usage=exc.usage), exit_code=exc.exit_code)
    except ClaudeUsageError as exc:
        return Answer(error_message(str(exc)), exit_code=exc.exit_code)
    except Exception:
        log.exception("answering %r for %s failed", text, user_id)
        return Answer(error_message(GENERIC_ERROR), exit_code=1)


def _answer(
    deps: Deps,
    user_id: str,
    channel_id: str | None,
    text: str,
    progress: Callable[[Message], None] | None,
) -> Answer:
    today = deps.today()
    command = parse_command(text.strip() or "help", today=today)  # exports carry every row
    viewer = deps.directory.viewer(user_id)
    if isinstance(command, DigestCommand | BudgetCommand):
        from bot.slack.manage import manage  # digests and budgets: their own rules

        return Answer(manage(deps, command, viewer, channel_id), command=command)
    command = authorize(command, viewer, deps.directory)
    with deps.store.connect() as db:
        if command.name != "help":
            _keep_fresh(deps, db, progress)
        try:
            result: CommandResult = run_report(
                command, db, today=today, seat_price_cents=deps.settings.seat_price_cents
            )
        except NoDataError as exc:
            refresher = deps.refresher
            if refresher is not None and refresher.running:
                raise NoDataError(f"{exc} {SYNC_RUNNING}") from exc
            raise
    if isinstance(result, StatusReport) and not viewer.is_admin:
        result = result.for_everyone()
    where, note = visibility(command, viewer, channel_id, deps.settings)
    if isinstance(command, ExportCommand) and isinstance(result, Export):
        return Answer(render(result, today=today), "ephemeral", export=result, command=command)
    message = render(result, today=today)
    if note is not None:
        message = message.noted(context(escape_sentence(note)))
    return Answer(message, where, command=command)


def _keep_fresh(deps: Deps, db: Database, progress: Callable[[Message], None] | None) -> None:
    """Start a background sync when one is due; wait for it only if the store is empty."""
    refresher = deps.refresher
    if refresher is None:
        return
    state = refresher.refresh_in_background(db)
    if state not in ("started", "running") or has_data(db):
        return
    if progress is not None:
        progress(text_message(WORKING))
    if not refresher.wait() and not has_data(db):
        raise ClaudeUsageError(STILL_SYNCING)


def has_data(db: Database) -> bool:
    """Whether the store holds any synced day (then it can answer, however old)."""
    return db.execute("SELECT 1 FROM sync_ledger LIMIT 1").fetchone() is not None
