"""`claude-usage command WORDS…` and `claude-usage demo`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from bot.console.sanitize import clean_lines
from bot.errors import ClaudeUsageError

AS_HELP = (
    "Act as this Slack user ID (an admin when in CLAUDE_USAGE_ADMINS) or as a member with this "
    "email; default: the operator, an admin."
)


def register(app: typer.Typer) -> None:
    @app.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
    def command(
        words: Annotated[
            list[str] | None,
            typer.Argument(help="A /claude-usage subcommand, e.g. top-spenders 7d"),
        ] = None,
        as_user: Annotated[str | None, typer.Option("--as", help=AS_HELP)] = None,
        channel: Annotated[
            str | None,
            typer.Option(help="The Slack channel ID the command is typed in (default: a DM)."),
        ] = None,
    ) -> None:
        """Run a /claude-usage subcommand against the store, as Slack would, and print it."""
        from bot.config import load_settings
        from bot.console.answer import ConsoleSession
        from bot.console.identity import console_user
        from bot.store.schema import open_store

        settings = load_settings()
        user = console_user(settings, as_user, channel=channel)
        if not settings.db_path.exists():
            raise ClaudeUsageError(
                f"No store at {settings.db_path}. Run `claude-usage sync` first "
                "(or set CLAUDE_USAGE_DB)."
            )
        db = open_store(str(settings.db_path))
        try:
            answer = ConsoleSession(db, settings, user).answer(" ".join(words or []))
        finally:
            db.close()
        if answer.ok:
            piped_csv = answer.csv and not sys.stdout.isatty()
            typer.echo(answer.text if piped_csv else clean_lines(answer.text))
            return
        typer.echo(clean_lines(answer.text), err=True)
        raise typer.Exit(answer.exit_code)

    @app.command()
    def demo(
        users: Annotated[
            int, typer.Option(min=1, help="Users in the simulated organisation")
        ] = 300,
        seed: Annotated[int, typer.Option(help="Seed of the simulated organisation")] = 7,
        tour: Annotated[
            bool, typer.Option("--tour", help="Run the scripted tour even on a terminal")
        ] = False,
        as_user: Annotated[
            str | None,
            typer.Option(
                "--as",
                help="Act as this Slack user ID or member email (default: the demo's admin).",
            ),
        ] = None,
    ) -> None:
        """The bot on a simulated Analytics API, a temporary store and a local console."""
        from bot.console.demo import run_demo

        interactive = False if tour else None
        raise typer.Exit(run_demo(users=users, seed=seed, interactive=interactive, as_user=as_user))
