"""Has the API's cost/usage export moved since the last sync? One tiny request per endpoint says.

Cost/usage values only change when Anthropic refreshes the export (about every 4 hours), and every
response names that export in `data_refreshed_at`. The ledger stores, per dataset-day, the
watermark the day was fetched under. So before re-fetching the ~31 revisable days (at 10k users
hundreds of per-user pages), a sync asks each endpoint that has revisable days stored for its
watermark with ONE tiny request (yesterday, one bucket or one row, first page only) and
re-fetches a revisable day only when that endpoint's export is newer than the one that served it.
Same watermark, same numbers: re-downloading them would only spend the rate limit. Each endpoint
is probed on its own because nothing documents that the four reports share one export.

The probe is an optimisation, never a source of truth: if it fails for any reason other than
credentials, that dataset falls back to re-fetching every revisable day, as it did before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlite_utils import Database

from bot.analytics.client import AnalyticsClient
from bot.analytics.errors import AnalyticsError, AuthenticationError, PermissionDeniedError
from bot.analytics.windows import FIRST_DAY
from bot.errors import InputError
from bot.store.schema import DATASETS_COST

log = logging.getLogger(__name__)

_PROBES: dict[str, Callable[[AnalyticsClient, datetime, datetime], Any]] = {
    "cost_buckets": lambda c, a, b: c.cost_report(
        starting_at=a, ending_at=b, bucket_width="1d", limit=1
    ),
    "usage_buckets": lambda c, a, b: c.usage_report(
        starting_at=a, ending_at=b, bucket_width="1d", limit=1
    ),
    "user_cost": lambda c, a, b: c.user_cost_report(starting_at=a, ending_at=b, limit=1),
    "user_usage": lambda c, a, b: c.user_usage_report(starting_at=a, ending_at=b, limit=1),
}
"""Dataset → the cheapest request to its endpoint that carries `data_refreshed_at`."""


def worth_probing(db: Database, datasets: Collection[str]) -> list[str]:
    """The wanted cost/usage datasets holding a revisable day a probe could spare a re-fetch of.

    A first sync (or one of engagement datasets only) has nothing to skip, so it spends no probe.
    """
    wanted = [d for d in datasets if d in DATASETS_COST]
    if not wanted:
        return []
    marks = ",".join("?" * len(wanted))
    sql = (
        "SELECT DISTINCT dataset FROM sync_ledger WHERE final = 0 "  # noqa: S608
        f"AND data_refreshed_at IS NOT NULL AND dataset IN ({marks})"
    )
    found = {row[0] for row in db.execute(sql, wanted).fetchall()}
    return [d for d in wanted if d in found]


def probe_watermarks(
    db: Database, client: AnalyticsClient, now: datetime, datasets: Collection[str]
) -> tuple[int, dict[str, datetime]]:
    """(requests sent, dataset → the watermark its endpoint serves now) for the datasets worth
    probing; a dataset whose probe failed is left out (its revisable days are all re-fetched)."""
    sent = 0
    marks: dict[str, datetime] = {}
    for dataset in worth_probing(db, datasets):
        sent += 1
        mark = probe_watermark(client, now, dataset)
        if mark is not None:
            marks[dataset] = mark
    return sent, marks


def probe_watermark(
    client: AnalyticsClient, now: datetime, dataset: str = "cost_buckets"
) -> datetime | None:
    """The export watermark `dataset`'s endpoint serves now, or None if it could not be read.

    Authentication and permission errors propagate (no other request would succeed either);
    anything else is logged and answered with None, which makes the caller re-fetch as before.
    """
    today = datetime.combine(now.astimezone(UTC).date(), time(), tzinfo=UTC)
    start = max(today - timedelta(days=1), datetime.combine(FIRST_DAY, time(), tzinfo=UTC))
    try:
        page = _PROBES[dataset](client, start, start + timedelta(days=1)).first_page()
    except (AuthenticationError, PermissionDeniedError):
        raise
    except (AnalyticsError, InputError) as exc:
        log.warning(
            "watermark probe of %s failed (%s); re-fetching its revisable days", dataset, exc
        )
        return None
    mark: datetime = page.data_refreshed_at
    return mark.replace(tzinfo=UTC) if mark.tzinfo is None else mark.astimezone(UTC)
