"""The Slack layer's single doorway into `bot.reports` (so the dependency is in one place)."""

from __future__ import annotations

from bot.reports.commands import Command, parse_command
from bot.reports.dispatch import run_command as run_report

__all__ = ["Command", "parse_command", "run_report"]
