"""`claude-usage command WORDS…` and `claude-usage demo`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from bot.console.sanitize import clean_lines
from bot.errors import ClaudeUsageError


def register(app: typer.Typer) -> None:
    @app.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
    def command(
        words: Annotated[
            list[str] | None,
            typer.Argument(help="A /claude-usage subcommand, e.g. top-spenders 7d"),
        ] = None,
    ) -> None:
        """Run a /claude-usage subcommand against the store and print the answer as text."""
        from bot.config import load_settings
        from bot.console.answer import answer_line, today_in
        from bot.store.schema import open_store

        settings = load_settings()
        if not settings.db_path.exists():
            raise ClaudeUsageError(
                f"No store at {settings.db_path}. Run `claude-usage sync` first "
                "(or set CLAUDE_USAGE_DB)."
            )
        db = open_store(str(settings.db_path))
        try:
            answer = answer_line(
                " ".join(words or []), db, today=today_in(settings), settings=settings
            )
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
    ) -> None:
        """The bot on a simulated Analytics API, a temporary store and a local console."""
        from bot.console.demo import run_demo

        raise typer.Exit(run_demo(users=users, seed=seed, interactive=False if tour else None))
