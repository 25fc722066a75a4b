"""`claude-usage digest preview|run`: see a digest without Slack, or post one now.

    digest preview [--kind daily|weekly] [--out DIR] [--channel C] [--day D] [--with-people]
                   [--product P]
        writes DIR/digest-KIND.json (the Block Kit message), DIR/digest-KIND.txt (the text
        rendering) and the two PNG charts, and prints the text
    digest run [--kind K] [--channel C] [--day D] [--force]
        posts the current period's digest now through the scheduler's exactly-once path: run
        twice (even at the same moment, from two processes) it posts once, and the later run
        says so; `--force` posts a new copy

The channel defaults to the one subscription of that kind; a subscription's options (names,
product) apply. Only typer is imported here at start-up, so `claude-usage --help` stays fast.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.errors import ClaudeUsageError, InputError

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bot.config import Settings
    from bot.digest.model import DigestSpec

KIND_HELP = "daily (the last complete UTC day) or weekly (the last complete ISO week)"
DAY_HELP = "Report this UTC day (daily) or its week (weekly) instead of the current one"


def register(app: typer.Typer) -> None:
    digest = typer.Typer(
        help="Channel digests: preview one as files, or post one now.", no_args_is_help=True
    )

    @digest.command()
    def preview(
        kind: Annotated[str, typer.Option(help=KIND_HELP)] = "daily",
        out: Annotated[Path, typer.Option(help="Directory to write into")] = Path("digest-preview"),
        channel: Annotated[str | None, typer.Option(help="Use this channel's subscription")] = None,
        day: Annotated[str | None, typer.Option(help=DAY_HELP)] = None,
        with_people: Annotated[bool, typer.Option(help="Include names of people")] = False,
        product: Annotated[str | None, typer.Option(help="Only this product")] = None,
    ) -> None:
        """Write a digest as Block Kit JSON, text and PNG charts, and print the text."""
        from bot.config import load_settings
        from bot.digest import build_digest
        from bot.digest.charts import digest_charts
        from bot.digest.render import digest_text, render_digest

        settings = load_settings()
        db = _store(settings)
        try:
            spec = _spec(db, kind, channel, day, with_people=with_people, product=product)
            digest = build_digest(db, spec, channel=channel)
            charts = digest_charts(db, digest)
        finally:
            db.close()
        out.mkdir(parents=True, exist_ok=True)
        message = render_digest(digest)
        (out / f"digest-{spec.kind}.json").write_text(
            json.dumps(message.payload(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        text = digest_text(digest)
        (out / f"digest-{spec.kind}.txt").write_text(text, encoding="utf-8")
        for chart in charts:
            (out / chart.filename).write_bytes(chart.png)
        typer.echo(text)
        names = [f"digest-{spec.kind}.json", f"digest-{spec.kind}.txt"]
        names += [c.filename for c in charts]
        typer.echo(f"Wrote {', '.join(names)} to {out}.", err=True)

    @digest.command()
    def run(
        kind: Annotated[str, typer.Option(help=KIND_HELP)] = "daily",
        channel: Annotated[str | None, typer.Option(help="Channel ID to post to")] = None,
        day: Annotated[str | None, typer.Option(help=DAY_HELP)] = None,
        force: Annotated[bool, typer.Option(help="Post again even if already posted")] = False,
    ) -> None:
        """Post the current period's digest now, exactly once per channel, kind and period."""
        from bot.config import load_settings
        from bot.scheduler import process_owner, settings_syncer
        from bot.slack.app import make_client
        from bot.slack.auth import may_post_figures
        from bot.slack.digest_post import publish_digest
        from bot.slack.once import Poster

        settings = load_settings()
        client = make_client(settings)
        db = _store(settings)
        try:
            target = channel or _only_channel(db, kind)
            if not may_post_figures(settings, target):
                allowed = ", ".join(sorted(settings.digest_channels)) or "none is set"
                raise InputError(
                    f"{target} is not a digest channel: digests, like answers shared with "
                    f"--share, go only to CLAUDE_USAGE_DIGEST_CHANNELS ({allowed})."
                )
            syncer = settings_syncer(settings)
            if syncer is not None:
                syncer(db, datetime.now(UTC))
            spec = _spec(db, kind, target, day)
            poster = Poster(client, process_owner())
            result = publish_digest(
                poster, db, channel=target, spec=spec, force=force, manual=True, wait=60
            )
        finally:
            db.close()
        if result.outcome == "failed":
            raise ClaudeUsageError(result.sentence())
        typer.echo(result.sentence())

    app.add_typer(digest, name="digest")


def _store(settings: Settings) -> Database:
    from bot.store.schema import open_store

    if not settings.db_path.exists():
        raise ClaudeUsageError(
            f"No store at {settings.db_path}. Run `claude-usage sync` first (or set "
            "CLAUDE_USAGE_DB)."
        )
    return open_store(str(settings.db_path))


def _spec(
    db: Database,
    kind: str,
    channel: str | None,
    day: str | None,
    *,
    with_people: bool = False,
    product: str | None = None,
) -> DigestSpec:
    from bot.digest.model import DigestSpec
    from bot.digest.schedule import report_period
    from bot.reports.command_words import product_key
    from bot.reports.filters import check_product
    from bot.store.subscriptions import DigestKind, get_subscription

    if kind not in ("daily", "weekly"):
        raise InputError(f"--kind must be daily or weekly, not {kind!r}.")
    which: DigestKind = "daily" if kind == "daily" else "weekly"
    at = datetime.now(UTC)
    if day is not None:
        try:
            chosen = date.fromisoformat(day)
        except ValueError:
            raise InputError(f"--day must be a date YYYY-MM-DD, not {day!r}.") from None
        # The moment after which `chosen` (or its week) is the last complete one.
        after = chosen + timedelta(days=1 if which == "daily" else 7 - chosen.weekday())
        at = datetime.combine(after, time(12), UTC)
    if product is not None:
        product = check_product(db, product_key(product))
    sub = get_subscription(db, channel, which) if channel else None
    if sub is not None:
        with_people, product = with_people or sub.with_people, product or sub.product
    return DigestSpec(
        kind=which, period=report_period(which, at), with_people=with_people, product=product
    )


def _only_channel(db: Database, kind: str) -> str:
    from bot.store.subscriptions import list_subscriptions

    channels = sorted({s.channel for s in list_subscriptions(db) if s.kind == kind})
    if len(channels) == 1:
        return channels[0]
    if not channels:
        raise InputError(
            f"No channel subscribes to the {kind} digest; say where with --channel C0123456789."
        )
    raise InputError(
        f"{len(channels)} channels subscribe to the {kind} digest; choose one with --channel."
    )
