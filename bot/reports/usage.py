"""The `/claude-usage` help text, the list of subcommands, and the error that carries the help.

Kept in one place so `help`, error replies, README checks and the CLI all show the same text.
"""

from __future__ import annotations

from bot.errors import InputError

USAGE = """\
Usage: /claude-usage <subcommand> [period] [options]   (period defaults to 7d)
  help                                     this list
  top-spenders [period] [--list] [--product P] [--model M] [--limit N]
                                           e.g. top-spenders 30d --product claude_code --limit 5
  spend [period] [by product|model|cost-type]          e.g. spend last-month by product
  tokens [period] [by product|model|token-type]        e.g. tokens 7d by model
  adoption [period] [--people new|lapsed [--product P]]
                                           e.g. adoption last-week --people new
  user <@someone|email|"name"|me> [period]
                                           e.g. user me 30d, user "Ada Lovelace" mtd
  projects [period]                        e.g. projects last-week
  skills [period]                          e.g. skills 30d
  connectors [period]                      e.g. connectors mtd
  compare [week|month|period]              e.g. compare week
  finance                                  month to date, yesterday vs 7-day average, idle seats
  status                                   how fresh the data is
  export <report> [period]                 e.g. export top-spenders last-month
  digest subscribe|unsubscribe|list|preview [daily|weekly] [HH:MM] [Area/City] [--with-people]
                                           e.g. digest subscribe daily 09:00 Europe/Berlin
  budget set|show|clear [AMOUNT] [--product P]         e.g. budget set 25000
Periods (UTC days): 7d, 30d, Nd, today, yesterday, this-week, last-week, mtd, last-month,
  2026-10 (a month), 2026-10-01, 2026-10-01..2026-10-31.
  Add --share to post the answer in the channel."""

SUBCOMMANDS = (
    "help",
    "top-spenders",
    "spend",
    "tokens",
    "adoption",
    "user",
    "projects",
    "skills",
    "connectors",
    "compare",
    "finance",
    "status",
    "export",
    "digest",
    "budget",
)
MANAGEMENT = ("digest", "budget")
"""Subcommands that manage the bot (scheduled digests, budgets) rather than answer a question."""
EXPORTABLE = tuple(s for s in SUBCOMMANDS if s not in ("help", "export", "status", *MANAGEMENT))


class CommandError(InputError):
    """Words that are not a command we know; carries the usage text to show with the sentence."""

    def __init__(self, message: str, usage: str = USAGE) -> None:
        super().__init__(message)
        self.usage = usage


def help_text(topic: str | None = None) -> str:
    """The whole usage, or only the lines about one subcommand (plus the period forms)."""
    if topic is None or topic not in SUBCOMMANDS:
        return USAGE
    lines = USAGE.splitlines()
    picked: list[str] = [lines[0]]
    for index, line in enumerate(lines[1:-2], start=1):
        if line.strip().split(" ", 1)[0] == topic:
            picked.append(line)
            follow = lines[index + 1] if index + 1 < len(lines) else ""
            if follow.startswith(" " * 20):  # a wrapped example line
                picked.append(follow)
    return "\n".join([*picked, *lines[-2:]])
