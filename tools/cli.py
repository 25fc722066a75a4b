"""`claude-usage ask "QUESTION" [--as USER] [--show-tools]`: a DM question, on the command line.

The answer goes to stdout (Claude's text, a caveat when a figure could not be found in the
tool results, then the freshness line); with `--show-tools` the tool calls and the question's
token cost go to stderr, so stdout stays the answer. Without ANTHROPIC_API_KEY the keyless
router runs the report that answers the question, or declines and names the closest ones.

Who asks: by default the operator, an admin (like `claude-usage command`, the person at the
keyboard holds the store). `--as U…` asks as that Slack user (an admin when listed in
CLAUDE_USAGE_ADMINS); `--as name@example.com` asks as a member with that email, to see what a
non-admin would get.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from bot.errors import ClaudeUsageError, InputError

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bot.config import Settings
    from tools.report_tools import Asker

OPERATOR = "cli"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")


def asker_for(settings: Settings, who: str | None) -> Asker:
    from tools.report_tools import Asker

    if who is None:
        return Asker(OPERATOR, is_admin=True)
    if _EMAIL.match(who):
        return Asker(who.lower(), is_admin=False, email=who.lower())
    if _SLACK_ID.match(who):
        return Asker(who, is_admin=who in settings.admins)
    raise InputError(f"--as takes a Slack user ID (U…) or an email address, not {who!r}.")


def register(app: typer.Typer) -> None:
    @app.command()
    def ask(
        question: Annotated[str, typer.Argument(help="A question, e.g. 'who spent most?'")],
        as_user: Annotated[
            str | None,
            typer.Option("--as", help="Ask as this Slack user ID or member email."),
        ] = None,
        show_tools: Annotated[
            bool, typer.Option("--show-tools", help="Print tool calls and cost to stderr.")
        ] = False,
    ) -> None:
        """Answer a question the way the Slack DM does (Claude, or the keyless fallback)."""
        from bot.config import load_settings
        from bot.console.sanitize import clean_lines
        from bot.store.schema import open_store

        settings = load_settings()
        if not question.strip():
            raise InputError("Ask a question, e.g. claude-usage ask 'who spent most last week?'")
        if not settings.db_path.exists():
            raise ClaudeUsageError(
                f"No store at {settings.db_path}. Run `claude-usage sync` first "
                "(or set CLAUDE_USAGE_DB)."
            )
        asker = asker_for(settings, as_user)
        db = open_store(str(settings.db_path))
        try:
            answer, trace = _answer(settings, db, asker, question)
        finally:
            db.close()
        if show_tools:
            for line in trace:
                typer.echo(clean_lines(line), err=True)
        typer.echo(clean_lines(answer))


def _answer(settings: Settings, db: Database, asker: Asker, question: str) -> tuple[str, list[str]]:
    from bot.console.render import answer_text
    from bot.store.freshness import read_freshness
    from tools.session import claude, fallback, tool_context

    now = datetime.now(UTC)
    ctx = tool_context(settings, db, asker=asker, now=now)
    thread = f"cli:{now.isoformat()}"
    freshness = read_freshness(ctx.db).sentence()
    with claude(settings) as agent:
        if agent is None:
            found = fallback(question, ctx, thread=thread)
            lines = [found.explanation]
            if found.refusal:
                lines += ["", found.refusal]
            elif found.result is not None:
                lines += ["", answer_text(found.result, today=ctx.today).rstrip()]
            return "\n".join([*lines, "", found.note]), [f"fallback: /claude-usage {found.words}"]
        result = agent.ask(question, ctx=ctx, thread=thread)
    parts = [result.text or "(no answer)"]
    if result.caveat:
        parts.append(result.caveat)
    parts.append(freshness)
    usage = result.usage
    cached = usage.cache_read_tokens / usage.prompt_tokens * 100 if usage.prompt_tokens else 0.0
    cost = "price unknown" if result.cost_microcents is None else _usd(result.cost_microcents)
    trace = [f"→ {call.summary}" for call in result.calls]
    trace.append(
        f"{result.rounds} rounds · {usage.prompt_tokens:,} prompt tokens ({cached:.0f}% from "
        f"cache) · {usage.output_tokens:,} output · {cost} at list price · figures checked "
        f"{result.figures_checked}, not found {len(result.unverified)}"
    )
    return "\n\n".join(parts), trace


def _usd(microcents: int) -> str:
    from bot.store.money import format_usd

    return "<$0.01" if 0 < microcents < 500_000 else format_usd(microcents)
