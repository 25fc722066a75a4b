"""The root of every exception that carries a sentence fit for a person.

    ClaudeUsageError            one clear sentence in `str(exc)`; exit code 1
    └── InputError              the user asked for something we cannot do as asked; exit code 2

Each external service has its own tree below these (see `bot.analytics.errors`). Surfaces (CLI,
Slack, tools) show `str(exc)` of these and nothing else: raw exception text never reaches a user.
"""

from __future__ import annotations


class ClaudeUsageError(Exception):
    """An error whose message is written for the person who caused or must fix it."""

    exit_code: int = 1


class InputError(ClaudeUsageError):
    """Bad input: a wrong command, period, date or parameter. Usage errors exit with 2."""

    exit_code = 2
