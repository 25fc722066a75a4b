"""Has the API's cost/usage export moved since the last sync? One cheap request says.

Cost/usage values only change when Anthropic refreshes the export (about every 4 hours), and every
response names that export in `data_refreshed_at`. The ledger stores, per dataset-day, the
watermark the day was fetched under. So before re-fetching the ~31 revisable days (at 10k users
hundreds of per-user pages), a sync asks for the watermark with ONE tiny request — yesterday's
`/cost_report` total, one bucket, first page only — and re-fetches a revisable day only when the
export is newer than the one that served it. Same watermark, same numbers: re-downloading them
would only spend the rate limit.

The probe is an optimisation, never a source of truth: if it fails for any reason other than
credentials, the sync falls back to re-fetching every revisable day, as it did before.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import UTC, datetime, time, timedelta

from sqlite_utils import Database

from bot.analytics.client import AnalyticsClient
from bot.analytics.errors import AnalyticsError, AuthenticationError, PermissionDeniedError
from bot.analytics.windows import FIRST_DAY
from bot.errors import InputError
from bot.store.schema import DATASETS_COST

log = logging.getLogger(__name__)


def worth_probing(db: Database, datasets: Collection[str]) -> bool:
    """Whether the ledger holds a revisable cost/usage day the probe could spare a re-fetch of.

    A first sync (or one of engagement datasets only) has nothing to skip, so it spends no probe.
    """
    wanted = [d for d in datasets if d in DATASETS_COST]
    if not wanted:
        return False
    marks = ",".join("?" * len(wanted))
    sql = (
        "SELECT 1 FROM sync_ledger WHERE final = 0 AND data_refreshed_at IS NOT NULL "  # noqa: S608
        f"AND dataset IN ({marks}) LIMIT 1"
    )
    return db.execute(sql, wanted).fetchone() is not None


def probe_watermark(client: AnalyticsClient, now: datetime) -> datetime | None:
    """The export watermark the API serves now, or None if it could not be read.

    Authentication and permission errors propagate (no other request would succeed either);
    anything else is logged and answered with None, which makes the caller re-fetch as before.
    """
    today = datetime.combine(now.astimezone(UTC).date(), time(), tzinfo=UTC)
    start = max(today - timedelta(days=1), datetime.combine(FIRST_DAY, time(), tzinfo=UTC))
    try:
        page = client.cost_report(
            starting_at=start, ending_at=start + timedelta(days=1), bucket_width="1d", limit=1
        ).first_page()
    except (AuthenticationError, PermissionDeniedError):
        raise
    except (AnalyticsError, InputError) as exc:
        log.warning("watermark probe failed (%s); re-fetching every revisable day", exc)
        return None
    mark = page.data_refreshed_at
    return mark.replace(tzinfo=UTC) if mark.tzinfo is None else mark.astimezone(UTC)
