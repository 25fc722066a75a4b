"""`claude-usage doctor`: print every check with its fix; exit 1 when one failed."""

from __future__ import annotations

import typer

from bot.errors import ClaudeUsageError


class DoctorFoundProblems(ClaudeUsageError):
    """At least one check failed; the lines above say which and how to fix each."""


def register(app: typer.Typer) -> None:
    @app.command()
    def doctor() -> None:
        """Check the store, the Analytics API key, the Slack token, its scopes and channels, and
        Claude's key and model: one line each, with the fix."""
        from bot.config import load_settings
        from bot.doctor.checks import run_checks

        report = run_checks(load_settings())
        typer.echo(report.text())
        if not report.ok:
            raise DoctorFoundProblems(f"{report.summary()}; fix the FAIL lines above.")
        typer.echo(report.summary())
