"""`claude-usage serve`: the Slack app in socket mode (with `SLACK_APP_TOKEN`) or HTTP mode."""

from __future__ import annotations

import logging

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def serve() -> None:
        """Run the Slack app (socket mode with SLACK_APP_TOKEN, else HTTP on PORT) and the
        scheduler (digests, budget and anomaly alerts)."""
        from bot.config import load_settings
        from bot.slack.app import build_app, make_client, signing_secret
        from bot.slack.refresh import SyncRefresher
        from bot.store.schema import open_store

        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
        settings = load_settings()
        app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else ""
        client = make_client(settings)  # credentials are checked before anything is opened
        signing_secret(settings, socket_mode=bool(app_token))
        refresher = SyncRefresher(settings) if settings.analytics_api_key else None
        db = open_store(str(settings.db_path))
        bolt = build_app(
            settings, db, client=client, socket_mode=bool(app_token), refresher=refresher
        )
        from bot.scheduler import serve_scheduler

        serve_scheduler(settings, client).start()
        alerts = f"alerts to {settings.alert_channel}" if settings.alert_channel else "no alerts"
        typer.echo(f"claude-usage: scheduler running (digests every minute, {alerts})", err=True)
        if app_token:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            from bot.slack.http import start_health_server

            start_health_server(settings.port, info=lambda: {"mode": "socket"})
            typer.echo(
                f"claude-usage: Slack app running in socket mode (health: port {settings.port} "
                "/healthz)",
                err=True,
            )
            SocketModeHandler(bolt, app_token).start()  # type: ignore[no-untyped-call]
            return
        import uvicorn

        from bot.slack.http import create_http_app

        typer.echo(f"claude-usage: Slack app on port {settings.port} (/slack/events)", err=True)
        app = create_http_app(bolt, info=lambda: {"mode": "http"})
        uvicorn.run(app, host="0.0.0.0", port=settings.port, log_level="info")
