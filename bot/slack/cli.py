"""`claude-usage serve`: the Slack app in socket mode (with `SLACK_APP_TOKEN`) or HTTP mode.

The service itself (start, probes, clean stop on SIGTERM) is `bot.service.run`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def serve() -> None:
        """Run the Slack app (socket mode with SLACK_APP_TOKEN, else HTTP on PORT) and the
        scheduler (digests, budget and anomaly alerts) until SIGTERM or Ctrl-C."""
        from bot.config import load_settings
        from bot.logging_setup import set_service
        from bot.service.run import serve as run_service

        set_service(True)  # INFO and up, before Bolt copies the level into its loggers
        run_service(load_settings())
