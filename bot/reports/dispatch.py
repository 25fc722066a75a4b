"""Running a parsed `/claude-usage` command against the store (`run_command`).

The one place that maps each command to its report function, so Slack, the CLI and tools run
exactly the same thing for the same words. Authorization is the caller's job: check
`command.per_user` before calling. A `user` command whose target is only a Slack mention must be
resolved to an email first (`UserCommand.with_email`), since the store knows people by email.
"""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from bot.reports.adoption import adoption
from bot.reports.command_models import (
    AdoptionCommand,
    BudgetCommand,
    Command,
    CompareCommand,
    DigestCommand,
    ExportCommand,
    FinanceCommand,
    HelpCommand,
    RankingCommand,
    ReportCommand,
    SpendCommand,
    StatusCommand,
    TokensCommand,
    TopSpendersCommand,
    UserCommand,
)
from bot.reports.compare import compare
from bot.reports.export import export_rows
from bot.reports.finance import finance
from bot.reports.profile import user_profile
from bot.reports.rankings import ranking
from bot.reports.spend import spend_series, top_spenders
from bot.reports.status import status
from bot.reports.tokens import token_series
from bot.reports.types import CommandResult, Export, HelpResult, ReportResult
from bot.reports.usage import CommandError, help_text


def run_command(
    command: Command, db: Database, *, today: date, seat_price_cents: int | None = None
) -> CommandResult:
    if isinstance(command, HelpCommand):
        return HelpResult(text=help_text(command.topic), topic=command.topic)
    if isinstance(command, DigestCommand | BudgetCommand):
        raise CommandError(
            f"`{command.name}` is managed from Slack (`/claude-usage {command.name} …`); on the "
            "command line use `claude-usage digest preview` or `claude-usage digest run`."
        )
    if isinstance(command, ExportCommand):
        result = run_report(
            command.report,
            db,
            today=today,
            seat_price_cents=seat_price_cents,
            every_row=command.every_row,
        )
        header, rows = export_rows(result)
        return Export(
            period=result.period,
            freshness=result.freshness,
            notes=result.notes,
            report=command.report.name,
            filename=f"claude-usage-{command.report.name}-{result.period.start}"
            f"-{result.period.end}.csv",
            header=header,
            rows=tuple(rows),
        )
    return run_report(command, db, today=today, seat_price_cents=seat_price_cents)


def run_report(
    command: ReportCommand,
    db: Database,
    *,
    today: date,
    seat_price_cents: int | None = None,
    every_row: bool = False,
) -> ReportResult:
    """The report a command asks for. `every_row` (exports only) lifts the row limit of
    top-spenders and rankings, so a CSV holds the whole list; messages keep `command.limit`."""
    if isinstance(command, TopSpendersCommand):
        return top_spenders(
            db,
            command.period,
            by_list_price=command.by_list_price,
            product=command.product,
            model=command.model,
            limit=None if every_row else command.limit,
        )
    small = command.min_group
    if isinstance(command, SpendCommand):
        return spend_series(db, command.period, by=command.by, min_group=small)
    if isinstance(command, TokensCommand):
        return token_series(db, command.period, by=command.by, min_group=small)
    if isinstance(command, AdoptionCommand):
        return adoption(
            db, command.period, min_group=small, people=command.people, product=command.product
        )
    if isinstance(command, RankingCommand):
        limit = None if every_row else command.limit
        return ranking(db, command.name, command.period, limit=limit, min_group=small)
    if isinstance(command, UserCommand):
        target = command.target
        if target.email is None and target.user_id is None and target.name is None:
            if target.me:
                raise CommandError(
                    "`me` means the person asking in Slack; here, give an email address "
                    "instead, e.g. `user name@example.com`."
                )
            raise CommandError(
                f"I can't look up {target.raw} without their email address; "
                "try `/claude-usage user name@example.com`."
            )
        return user_profile(
            db,
            command.period,
            email=target.email,
            user_id=target.user_id,
            name=None if target.email or target.user_id else target.name,
            living_only=target.living,
        )
    if isinstance(command, CompareCommand):
        return compare(db, command.period, command.previous, mode=command.mode)
    if isinstance(command, FinanceCommand):
        return finance(db, today=today, seat_price_cents=seat_price_cents)
    if isinstance(command, StatusCommand):
        return status(db, today=today)
    raise AssertionError(f"unhandled command {command!r}")  # pragma: no cover
