"""The one path from words to an answer: parse → authorize → (sync) → report → render.

Slash commands, buttons and App Home all call `answer()`; only delivery differs (response_url,
Home view, DM). Errors become one sentence: `str()` of a `ClaudeUsageError`, anything else the
generic sentence below (logged with its traceback, never shown).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.errors import ClaudeUsageError
from bot.reports.commands import Command, CommandError, ExportCommand, parse_command
from bot.reports.types import CommandResult, Export
from bot.slack.auth import Visibility, authorize, visibility
from bot.slack.blocks import Message, error_message, escape_sentence, render, text_message
from bot.slack.blocks.primitives import context
from bot.slack.deps import Deps
from bot.slack.reports_api import run_report

log = logging.getLogger(__name__)

GENERIC_ERROR = "Something went wrong on our side; the error was logged."
WORKING = ":hourglass_flowing_sand: Working on it: fetching the latest data from the Analytics API…"
_ME = re.compile(r"^(\s*(?:export\s+)?user\s+)me\b", re.IGNORECASE)


@dataclass(frozen=True)
class Answer:
    message: Message
    response_type: Visibility = "ephemeral"
    export: Export | None = None
    command: Command | None = None


def slack_text(text: str) -> str:
    """Slash-command text as typed: Slack sends `&`, `<`, `>` typed by a person as entities."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def expand_me(text: str, user_id: str) -> str:
    """`user me` → `user <@U…>`: the asker, resolved by Slack ID (and then by email)."""
    return _ME.sub(lambda m: f"{m.group(1)}<@{user_id}>", text, count=1)


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
        return Answer(error_message(str(exc), usage=exc.usage))
    except ClaudeUsageError as exc:
        return Answer(error_message(str(exc)))
    except Exception:
        log.exception("answering %r for %s failed", text, user_id)
        return Answer(error_message(GENERIC_ERROR))


def _answer(
    deps: Deps,
    user_id: str,
    channel_id: str | None,
    text: str,
    progress: Callable[[Message], None] | None,
) -> Answer:
    today = deps.today()
    words = expand_me(text.strip() or "help", user_id)
    command = parse_command(words, today=today)  # an export carries every row (`every_row`)
    viewer = deps.directory.viewer(user_id)
    command = authorize(command, viewer, deps.directory)
    with deps.store.connect() as db:
        refresher = deps.refresher
        if refresher is not None and command.name != "help" and refresher.is_stale(db, today):
            if progress is not None:
                progress(text_message(WORKING))
            refresher.refresh(db, today)
        result: CommandResult = run_report(
            command, db, today=today, seat_price_cents=deps.settings.seat_price_cents
        )
    where, note = visibility(command, viewer, channel_id, deps.settings)
    if isinstance(command, ExportCommand) and isinstance(result, Export):
        return Answer(render(result, today=today), "ephemeral", export=result, command=command)
    message = render(result, today=today)
    if note is not None:
        message = replace(message, blocks=[*message.blocks, context(escape_sentence(note))])
    return Answer(message, where, command=command)
