"""Asking, wired for a surface: the tool context, the agent, and the keyless fallback.

The CLI (`claude-usage ask`), the demo console and Slack all ask the same way:

    ctx = tool_context(settings, db, asker=asker, now=now)
    with claude(settings) as agent:          # None without ANTHROPIC_API_KEY
        result = agent.ask(question, ctx=ctx, thread=…) if agent else fallback(question, ctx, …)

Without a key, `fallback` routes the question to the report that answers it
(`tools.fallback.route`, which declines what no report answers), applies the access rule every
surface applies (`bot.reports.access`: refusals, the asker's own living account, small groups
folded), runs it, and says that free-form answers need a key.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlite_utils import Database

from bot.analytics.client import AnalyticsClient
from bot.config import Settings
from bot.errors import ClaudeUsageError
from bot.reports import access
from bot.reports.command_models import Command, UserCommand
from bot.reports.commands import parse_command
from bot.reports.dispatch import run_command
from bot.reports.periods import utc_today
from bot.reports.types import CommandResult, StatusReport
from bot.store.conversations import QuestionRecord, record_question
from tools.fallback import FALLBACK_NOTE, Route, route
from tools.handlers import ToolContext
from tools.report_tools import Asker

if TYPE_CHECKING:
    from tools.agent import Agent

REFUSED = (
    "That needs per-user data, which only Claude usage admins may see; ask about the "
    'organisation, or about your own usage ("my usage this month").'
)


def store_file(db: Database) -> str | None:
    for _seq, name, path in db.execute("PRAGMA database_list").fetchall():
        if name == "main" and path:
            return str(path)
    return None


def tool_context(settings: Settings, db: Database, *, asker: Asker, now: datetime) -> ToolContext:
    """What tools may use: the live API only when an Analytics key is configured."""

    def analytics() -> AnalyticsClient:
        return AnalyticsClient.from_settings(settings, clock=lambda: now)

    return ToolContext(
        db=db,
        today=utc_today(now),
        now=now,
        asker=asker,
        settings=settings,
        db_path=store_file(db),
        analytics=analytics if settings.analytics_api_key else None,
    )


def has_claude(settings: Settings) -> bool:
    key = settings.anthropic_api_key
    return key is not None and bool(key.get_secret_value())


@contextmanager
def claude(settings: Settings, *, stream: bool = True) -> Iterator[Agent | None]:
    """The Claude agent for `settings` (its HTTP client closed afterwards), or None when no
    ANTHROPIC_API_KEY is set: then the caller falls back."""
    if not has_claude(settings):
        yield None
        return
    import anthropic

    from tools.agent import Agent

    assert settings.anthropic_api_key is not None
    with anthropic.Anthropic(
        api_key=settings.anthropic_api_key.get_secret_value(),
        base_url=settings.anthropic_base_url,
        max_retries=2,
        timeout=120.0,
    ) as client:
        yield Agent(client, model=settings.model, stream=stream)


@dataclass(frozen=True)
class FallbackAnswer:
    words: str
    """The `/claude-usage` words the question was read as ("help" when nothing fitted)."""
    explanation: str
    command: Command | None
    result: CommandResult | None
    refusal: str | None = None
    note: str = FALLBACK_NOTE


def fallback(question: str, ctx: ToolContext, *, thread: str) -> FallbackAnswer:
    """The report that answers `question`, run for the asker (or refused, or an error sentence:
    `ClaudeUsageError`s propagate for the surface to show); nothing runs for a question the
    router declined (its explanation names the closest reports)."""
    read = route(question, today=ctx.today)
    record_question(
        ctx.db,
        QuestionRecord(thread=thread, user_id=ctx.asker.user_id, asked_at=ctx.now,
                       mode="fallback", outcome=outcome(read)),
    )  # fmt: skip
    if read.declined:  # no report answers it: say so, and run nothing
        return FallbackAnswer(read.words, read.explanation, None, None)
    command = parse_command(read.words, today=ctx.today)
    try:  # the slash command's own rule (`bot.reports.access`): small groups folded, and so on
        command = access.authorize(command, ctx.asker, lambda user: _me(user, ctx.asker))
    except access.Refused:
        return FallbackAnswer(read.words, read.explanation, command, None, refusal=REFUSED)
    result = run_command(
        command, ctx.db, today=ctx.today, seat_price_cents=ctx.settings.seat_price_cents
    )
    if isinstance(result, StatusReport) and not ctx.asker.is_admin:
        result = result.for_everyone()
    return FallbackAnswer(read.words, read.explanation, command, result)


def _me(command: UserCommand, asker: Asker) -> UserCommand:
    if not command.target.me:
        return command
    if asker.email is None:
        raise ClaudeUsageError(
            "I read this as a question about your own usage, but I don't know your email "
            "address here; ask with an email, e.g. `user name@example.com`."
        )
    return command.with_email(asker.email)


def outcome(read: Route) -> str:
    """How a keyless question is recorded: declined, answered, or unmatched (got `help`)."""
    return "declined" if read.declined else "answered" if read.matched else "unmatched"
