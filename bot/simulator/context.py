"""Per-request context handed to every endpoint: the org, the clock reading and the cursor rules.

Handlers are pure functions of (`RequestContext`, query) → JSON-able dict; reading the clock once
per request keeps a request internally consistent even while tests move the simulated clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.simulator import cursors
from bot.simulator.config import SimConfig
from bot.simulator.org import ENGAGEMENT_LAG_DAYS, LEGACY_LAG_DAYS, SyntheticOrg
from bot.simulator.params import Params


@dataclass(frozen=True)
class RequestContext:
    org: SyntheticOrg
    config: SimConfig
    now: datetime
    path: str

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def legacy(self) -> bool:
        return self.config.legacy

    @property
    def latest_engagement_day(self) -> date:
        """Engagement days are queryable a day after they ended (three in legacy mode)."""
        lag = LEGACY_LAG_DAYS if self.config.legacy else ENGAGEMENT_LAG_DAYS
        return self.today - timedelta(days=lag)

    @property
    def _secret(self) -> str:
        return f"{self.config.seed}:{self.config.api_key}"

    def cursor(self, params: Params) -> cursors.Cursor | None:
        """The decoded `page` cursor, checked against this query; None on a first page."""
        token = params.get("page")
        if token is None:
            return None
        fp = cursors.fingerprint(self.path, params.items)
        return cursors.decode(self._secret, token, fp, self.now, self.config.cursor_ttl_seconds)

    def next_page(
        self, params: Params, previous: cursors.Cursor | None, offset: int, end: str | None
    ) -> str:
        issued = previous.issued_at if previous else self.now.timestamp()
        state = cursors.Cursor(offset=offset, issued_at=issued, end=end)
        return cursors.encode(self._secret, cursors.fingerprint(self.path, params.items), state)


def page_slice(
    ctx: RequestContext,
    params: Params,
    cursor: cursors.Cursor | None,
    total: int,
    limit: int,
    end: str | None = None,
) -> tuple[int, int, str | None]:
    """(start, stop, next_page) for an offset-paginated listing of `total` items."""
    start = cursor.offset if cursor else 0
    stop = min(total, start + limit)
    nxt = ctx.next_page(params, cursor, stop, end) if stop < total else None
    return start, stop, nxt


def drop_none_keys(row: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    for key in keys:
        if row.get(key) is None:
            row.pop(key, None)
    return row
