"""The `simulate` command: serve the simulated Analytics API until Ctrl-C."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach `simulate` to the root CLI."""
    app.command("simulate")(simulate)


def simulate(
    port: int = typer.Option(8765, "--port", help="TCP port to listen on (0 = any free port)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind."),
    users: int = typer.Option(300, "--users", min=1, help="Seat users in the synthetic org."),
    days: int = typer.Option(
        365, "--days", min=1, help="Days of history (never before 2026-01-01)."
    ),
    seed: int = typer.Option(7, "--seed", help="Seed of the synthetic org."),
    latency_ms: int = typer.Option(0, "--latency-ms", min=0, help="Delay added to each request."),
    fail_rate: float = typer.Option(0.0, "--fail-rate", min=0.0, max=1.0, help="Share of 5xx."),
    rate_limit: float = typer.Option(0.0, "--rate-limit", min=0.0, help="Requests/s; 0 = off."),
    api_key: str = typer.Option("demo-key", "--api-key", help="The key clients must send."),
    sparse: bool = typer.Option(
        False,
        "--sparse",
        help="Drop optional blocks and fields deterministically (the sparsest shapes allowed).",
    ),
    auth: str = typer.Option(
        "any",
        "--auth",
        help="Headers accepted: any (as today's API), guide (x-api-key, 2023-06-01) or sdk "
        "(Authorization: Bearer, the SDK's anthropic-version).",
    ),
    legacy: bool = typer.Option(
        False,
        "--legacy",
        help="Serve the original reference guide's shapes instead of today's (the SDK's types).",
    ),
) -> None:
    """Serve a simulated Claude Enterprise Analytics API (a key ending -noscope gets 403)."""
    from bot.simulator.auth import AUTH_MODES
    from bot.simulator.config import SimConfig
    from bot.simulator.server import serve

    if auth not in AUTH_MODES:
        raise typer.BadParameter(f"choose one of {', '.join(AUTH_MODES)}.", param_hint="--auth")

    config = SimConfig(
        seed=seed,
        users=users,
        days=days,
        latency_ms=latency_ms,
        fail_rate=fail_rate,
        rate_limit=rate_limit,
        api_key=api_key,
        sparse=sparse,
        auth=AUTH_MODES[auth],
        legacy=legacy,
    )

    def announce(base_url: str) -> None:
        typer.echo(f"Simulated Analytics API on {base_url}  (key: {api_key}, headers: {auth})")
        shape = (", the guide's legacy shapes" if legacy else "") + (
            ", sparse responses" if sparse else ""
        )
        typer.echo(
            f"Org: {users} users, {days} days of history, seed {seed}{shape}. Ctrl-C to stop."
        )

    serve(config, host, port, announce)
