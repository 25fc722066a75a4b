"""`claude-usage sync`, `status` and `backup`: fill the store, say what it holds, copy it.

Command bodies only parse options and print; the work is in `bot.store.run` (imported when a
command runs, so `claude-usage --help` stays fast). Errors are `ClaudeUsageError`s that `bot.cli`
turns into one line on stderr and the documented exit code.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from bot.errors import InputError


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} must be a date YYYY-MM-DD, not {value!r}.") from None


def _datasets(value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [part.strip() for part in value.split(",") if part.strip()]
    if not names:
        raise InputError("--only needs at least one dataset, e.g. --only users,user_cost.")
    return names


def sync_command(
    since: Annotated[
        str | None, typer.Option("--since", help="First day (YYYY-MM-DD); default 90 days ago.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Last day (YYYY-MM-DD); default newest.")
    ] = None,
    only: Annotated[
        str | None,
        typer.Option("--only", help="Comma-separated datasets, e.g. users,user_cost."),
    ] = None,
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh",
            help="Re-fetch every revisable cost/usage day even if the API's export has not moved.",
        ),
    ] = False,
    refresh_empty: Annotated[
        bool,
        typer.Option(
            "--refresh-empty",
            help="Re-fetch engagement days the API answered with no rows (a hiccup on its side).",
        ),
    ] = False,
) -> None:
    """Fill the store: fetch days that are missing or still revisable."""
    from bot.config import load_settings
    from bot.store.plan import check_datasets
    from bot.store.progress import auto_progress
    from bot.store.run import SyncIncompleteError, render_report, run_sync

    datasets = _datasets(only)
    check_datasets(datasets)
    report = run_sync(
        load_settings(),
        since=_day(since, "--since"),
        until=_day(until, "--until"),
        only=datasets,
        progress=auto_progress(),
        refetch_revisable=refresh,
        refetch_empty=refresh_empty,
    )
    typer.echo(render_report(report))
    if report.failures:
        raise SyncIncompleteError(
            f"{len(report.failures)} fetches failed (listed above); the rest is stored. "
            "Run `claude-usage sync` again to retry them."
        )


def status_command() -> None:
    """Store freshness: last sync, data_refreshed_at, days final vs revisable per dataset."""
    from bot.config import load_settings
    from bot.reports.periods import utc_today
    from bot.reports.status import status
    from bot.store.run import render_status
    from bot.store.schema import open_store

    settings = load_settings()
    db = open_store(str(settings.db_path))
    try:
        report = status(db, today=utc_today())
    finally:
        db.close()
    typer.echo(render_status(str(settings.db_path), report))


def backup_command(
    path: Annotated[Path, typer.Argument(help="Where to write the copy (a new file).")],
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it exists.")] = False,
) -> None:
    """Copy the store to PATH, consistent even while serve is running (SQLite's online backup)."""
    from bot.config import load_settings
    from bot.store.backup import backup_store

    settings = load_settings()
    done = backup_store(settings.db_path, path, force=force)
    typer.echo(done.sentence(settings.db_path))


def register(app: typer.Typer) -> None:
    """Attach `sync`, `status` and `backup` to the `claude-usage` app."""
    app.command("sync")(sync_command)
    app.command("status")(status_command)
    app.command("backup")(backup_command)
