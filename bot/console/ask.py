"""A free-form question in the terminal: Claude with a key, the keyless router without.

The demo console (`claude-usage demo`) sends every line that is not a `/claude-usage` command
here, asked as the console's user (`bot.console.identity`: the demo's admin, or `--as` someone),
as a DM from them would be. Claude's text is streamed a sentence at a time with each tool call
shown as it runs; every piece is cleaned for the terminal (`bot.console.sanitize`), since
answers quote API names. The keyless router's report comes with its buttons, numbered to press.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from rich.console import Console
from rich.text import Text

from bot.console.answer import ConsoleSession
from bot.console.render import Button, blocks_to_text, pressable
from bot.console.sanitize import clean, clean_lines
from bot.errors import ClaudeUsageError
from bot.reports.commands import SUBCOMMANDS, parse_command
from bot.store.freshness import read_freshness
from tools.handlers import ToolContext
from tools.report_tools import Asker
from tools.session import claude, fallback, tool_context


def is_command(line: str, *, today: date) -> bool:
    """`/claude-usage …`; words that parse as a subcommand (`top-spenders 7d`); or a mistyped
    one (`top-spenders banana`, which gets its error). A line ending in "?" that does not parse
    is a question even if it starts with a subcommand's name ("spend by model?")."""
    text = line.strip()
    if text.lower().startswith("/claude-usage") or text.lower() in ("help", "?"):
        return True
    try:
        parse_command(text, today=today)
    except ClaudeUsageError:
        first = text.split()[0].lower() if text else ""
        return first in SUBCOMMANDS and not text.endswith("?")
    return True


def asker_of(session: ConsoleSession) -> Asker:
    """The console's user as the tools know an asker (the role Slack's directory gives them)."""
    viewer = session.viewer
    return Asker(viewer.user_id, is_admin=viewer.is_admin, email=viewer.email)


def ask_line(
    question: str, session: ConsoleSession, out: Console, *, numbered: bool = False
) -> tuple[Button, ...]:
    """Answer `question` on `out`; errors are the one sentence they carry. Returns the buttons
    drawn with numbers (`numbered`: the keyless router's report has them)."""
    db, settings = session.db, session.settings
    now = datetime.now(UTC)
    ctx = tool_context(settings, db, asker=asker_of(session), now=now)
    thread = f"console:{now.isoformat()}"
    try:
        with claude(settings) as agent:
            if agent is None:
                return _fallback(question, ctx, thread, out, numbered=numbered)
            from tools.turn import AskEvents

            events = AskEvents(
                tool_started=lambda _id, name, _input: out.print(_dim(f"… {name}")),
                tool_finished=lambda _id, call: out.print(_dim(f"  → {call.summary}")),
                text=lambda piece: out.print(clean_lines(piece), end="", markup=False),
            )
            result = agent.ask(question, ctx=ctx, thread=thread, events=events)
        out.print()
        if result.caveat:
            out.print(clean(result.caveat), markup=False)
        out.print(_dim(read_freshness(db).sentence()))
    except ClaudeUsageError as exc:
        out.print(clean(str(exc)), markup=False)
    return ()


def _fallback(
    question: str, ctx: ToolContext, thread: str, out: Console, *, numbered: bool
) -> tuple[Button, ...]:
    from bot.slack.blocks import render

    found = fallback(question, ctx, thread=thread)
    out.print(_dim(found.explanation))
    buttons: tuple[Button, ...] = ()
    if found.refusal:
        out.print(found.refusal, markup=False)
    elif found.result is not None:
        blocks = render(found.result, today=ctx.today).blocks
        shown = blocks_to_text(blocks, numbered=numbered)
        out.print(clean_lines(shown), markup=False, highlight=False)
        buttons = pressable(blocks) if numbered else ()
    out.print(_dim(found.note))
    return buttons


def _dim(text: str) -> Text:
    """API-derived text for rich: cleaned, and a `Text` (never parsed as markup)."""
    return Text(clean(text), style="dim")
