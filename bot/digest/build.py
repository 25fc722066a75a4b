"""`build_digest`: the daily or weekly digest a spec asks for (pure: store in, model out)."""

from __future__ import annotations

from sqlite_utils import Database

from bot.digest.daily import daily_digest
from bot.digest.model import Digest, DigestSpec, Restatement
from bot.digest.restate import restatements
from bot.digest.weekly import weekly_digest


def build_digest(db: Database, spec: DigestSpec, *, channel: str | None = None) -> Digest:
    """The digest `spec` asks for; with a `channel`, it also says which days that channel was
    told about have been revised since (`bot.digest.restate`)."""
    restated: tuple[Restatement, ...] = ()
    if channel is not None:
        restated = restatements(db, channel, spec.product, before=spec.period.start)
    if spec.kind == "daily":
        return daily_digest(db, spec, restated)
    return weekly_digest(db, spec, restated)
