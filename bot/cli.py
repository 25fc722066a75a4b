"""`claude-usage`: the command line. It only wires: settings, clients and store, then a call.

Start-up is part of what a person waits for: every command's module is imported to build
`--help`, so those modules import only typer; clients, the store, Slack, Starlette, anthropic and
matplotlib are imported inside the command that uses them (`bench/startup.py` measures it).

Every command body lives in the module that owns the feature; this file registers them and turns
`ClaudeUsageError` into one line on stderr with the documented exit code (0 ok, 2 usage, 1 other).
"""

from __future__ import annotations

import sys

import typer

from bot.errors import ClaudeUsageError

app = typer.Typer(
    name="claude-usage",
    help="Claude Enterprise adoption and spend, from the Analytics API to Slack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: rich's help renderer alone costs ~0.1 s per start
)


@app.command()
def version() -> None:
    """Print the version."""
    from bot import __version__

    typer.echo(__version__)


def _register() -> None:
    """Attach each feature's commands; each feature module owns its command bodies."""
    from bot.analytics.cli import register as register_analytics
    from bot.console.cli import register as register_terminal
    from bot.digest.cli import register as register_digest
    from bot.doctor.cli import register as register_doctor
    from bot.simulator.cli import register as register_simulator
    from bot.slack.cli import register as register_slack
    from bot.store.cli import register as register_store
    from tools.cli import register as register_ask

    register_simulator(app)
    register_analytics(app)
    register_store(app)
    register_slack(app)
    register_terminal(app)
    register_ask(app)
    register_digest(app)
    register_doctor(app)


@app.callback()
def _root(ctx: typer.Context) -> None:
    """Claude Enterprise adoption and spend, from the Analytics API to Slack."""
    from bot.startup import import_lean

    import_lean()  # before any command imports the store (~0.1 s)
    from bot.config import load_log_settings
    from bot.logging_setup import LOG_ID, configure_logging

    logs = load_log_settings()
    configure_logging(logs.log_format, hidden=logs.hidden())  # warnings and errors; serve: INFO
    LOG_ID.set(ctx.invoked_subcommand or "-")


def main() -> None:
    from bot.startup import skip_last_collection

    _register()
    try:
        app()  # click handles its own usage errors (exit 2) and --help
    except ClaudeUsageError as exc:
        from bot.console.sanitize import clean  # an API message may quote API text

        typer.echo(f"error: {clean(exc)}", err=True)
        sys.exit(exc.exit_code)
    finally:
        skip_last_collection()  # the process ends here (click exits with SystemExit)
