"""The one `/claude-usage` grammar, shared by Slack and `claude-usage command WORDS…`.

`parse_command(text, today=…)` turns the words after the slash command into a typed `Command`;
`run_command` (from `bot.reports.dispatch`, re-exported here) runs it, and `export_rows` turns
a result into CSV rows. Parsing never touches the store or Slack, so both surfaces give the same
answer and the same error sentence for the same words.

Words are split on whitespace. Flags (`--list`, `--limit N`, `--limit=N`) may appear anywhere
after the subcommand; `--share` may appear anywhere at all and is accepted by every subcommand
(the surface decides what sharing means). Slack's escaped forms are understood: `<@U123|ada>`
(a mention; kept raw, the Slack layer resolves it) and `<mailto:ada@x.com|ada@x.com>` (an email).

Authorization is not decided here, but each command says whether it needs per-user data
(`command.per_user`) so the surface can enforce the admin rule before running it.
"""

from __future__ import annotations

import difflib
from datetime import date

from bot.reports.command_models import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    AdoptionCommand,
    BudgetCommand,
    Command,
    CommandBase,
    CompareCommand,
    DigestCommand,
    ExportCommand,
    FinanceCommand,
    HelpCommand,
    ManageCommand,
    RankingCommand,
    ReportCommand,
    SpendCommand,
    StatusCommand,
    TokensCommand,
    TopSpendersCommand,
    UserCommand,
    UserTarget,
)
from bot.reports.command_words import DEFAULT_PERIOD, Args, backticked, tokens
from bot.reports.dispatch import run_command
from bot.reports.export import export_rows
from bot.reports.periods import PeriodError, parse_period
from bot.reports.usage import EXPORTABLE, SUBCOMMANDS, USAGE, CommandError, help_text

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_PERIOD",
    "EXPORTABLE",
    "MAX_LIMIT",
    "SUBCOMMANDS",
    "USAGE",
    "AdoptionCommand",
    "BudgetCommand",
    "Command",
    "CommandBase",
    "CommandError",
    "CompareCommand",
    "DigestCommand",
    "ExportCommand",
    "FinanceCommand",
    "HelpCommand",
    "ManageCommand",
    "RankingCommand",
    "ReportCommand",
    "SpendCommand",
    "StatusCommand",
    "TokensCommand",
    "TopSpendersCommand",
    "UserCommand",
    "UserTarget",
    "export_rows",
    "help_text",
    "parse_command",
    "run_command",
]


def parse_command(text: str, *, today: date) -> Command:
    """Parse the words after `/claude-usage`; raises `CommandError` or `PeriodError`."""
    everything = tokens(text)
    share = any(w.lower() == "--share" for w in everything)
    words = [w for w in everything if w.lower() != "--share"]
    if not words:
        raise CommandError("Tell me which report you want, e.g. `/claude-usage spend 7d`.")
    sub, rest = words[0].lower(), words[1:]
    if sub in ("help", "--help", "-h", "?"):
        return HelpCommand(topic=rest[0].lower() if rest else None, share=share)
    if sub == "export":
        if not rest:
            raise CommandError(
                "Say which report to export, e.g. `/claude-usage export top-spenders last-month`."
            )
        inner = rest[0].lower()
        if inner not in EXPORTABLE:
            raise CommandError(
                f"`{rest[0]}` cannot be exported; choose one of {backticked(EXPORTABLE)}."
            )
        report = _report(inner, rest[1:], today)
        limited = any(w.lower().split("=", 1)[0] == "--limit" for w in rest[1:])
        return ExportCommand(report=report, every_row=not limited, share=share)
    if sub in ("digest", "budget"):
        from bot.reports.command_manage import parse_budget, parse_digest

        manage = parse_digest(rest) if sub == "digest" else parse_budget(rest)
        return manage.model_copy(update={"share": share})
    if sub not in SUBCOMMANDS:
        raise CommandError(f"`{words[0]}` is not a /claude-usage subcommand.{_did_you_mean(sub)}")
    try:
        return _report(sub, rest, today).model_copy(update={"share": share})
    except CommandError as exc:
        if exc.usage is USAGE:  # show the lines about this subcommand, not all of them
            raise CommandError(str(exc), usage=help_text(sub)) from None
        raise


def _did_you_mean(word: str, choices: tuple[str, ...] = SUBCOMMANDS) -> str:
    """` Did you mean `top-spenders`?` for a near miss, else nothing."""
    close = difflib.get_close_matches(word.lower(), choices, n=1, cutoff=0.6)
    return f" Did you mean `{close[0]}`?" if close else ""


def _report(sub: str, words: list[str], today: date) -> ReportCommand:
    args = Args(sub, words)
    if sub == "top-spenders":
        return TopSpendersCommand(
            by_list_price=args.flag("--list"),
            product=args.product(),
            model=args.name("--model"),
            limit=args.limit(),
            period=args.period(today),
        )
    if sub in ("spend", "tokens"):
        by = args.breakdown()
        period = args.period(today)
        if sub == "spend":
            return SpendCommand(period=period, by=by)
        return TokensCommand(period=period, by=by)
    if sub == "adoption":
        people, product = args.people(), args.product()
        if product is not None and people is None:
            raise CommandError(
                "`--product` on `adoption` narrows a list of people: add `--people new` or "
                "`--people lapsed`."
            )
        return AdoptionCommand(people=people, product=product, period=args.period(today))
    if sub in ("projects", "skills", "connectors"):
        limit = args.limit()
        return RankingCommand(name=sub, period=args.period(today), limit=limit)
    if sub == "user":
        target = args.target()
        return UserCommand(target=target, period=args.period(today))
    if sub == "compare":
        return _compare(args, today)
    args.period(today, allowed=False)
    return FinanceCommand() if sub == "finance" else StatusCommand()


def _compare(args: Args, today: date) -> CompareCommand:
    word = args.positional()
    if word is None or word.lower() == "week":
        current = parse_period("last-week", today=today)
        return CompareCommand(mode="week", period=current, previous=current.previous())
    if word.lower() == "month":
        current = parse_period("last-month", today=today)
        return CompareCommand(mode="month", period=current, previous=current.previous())
    try:
        current = parse_period(word, today=today)
    except PeriodError as exc:
        hint = _did_you_mean(word, ("week", "month"))
        if not hint:
            raise
        raise CommandError(f"`compare {word}` is not a comparison.{hint}") from exc
    return CompareCommand(mode="period", period=current, previous=current.previous())
