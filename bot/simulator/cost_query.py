"""Parameters and validation of the four cost & usage endpoints.

Times are handled as whole UTC minutes since the epoch: the finest bucket is one minute and the
synthetic data is sliced per minute. An omitted `ending_at` means min(now, starting_at + 31 days),
resolved at the first page and carried in the cursor so later pages read the same window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.simulator import params as qp
from bot.simulator.context import RequestContext
from bot.simulator.cursors import Cursor
from bot.simulator.errors import invalid
from bot.simulator.params import Params

MAX_SPAN = timedelta(days=31)
WIDTH_MINUTES = {"1d": 1440, "1h": 60, "1m": 1}
# bucket_width → (default limit, max limit) in buckets, for the bucketed endpoints
BUCKET_LIMITS = {"1d": (7, 31), "1h": (24, 168), "1m": (60, 256)}
USAGE_GROUPS = ("product", "model", "context_window", "inference_geo", "speed", "rbac_group_id")
COST_GROUPS = (*USAGE_GROUPS, "cost_type", "token_type")
FILTER_ARRAYS = (
    "products[]", "models[]", "user_ids[]", "context_windows[]", "inference_geos[]", "speeds[]",
    "rbac_group_ids[]",
)  # fmt: skip
SLACK_ARRAYS = ("claude_tag_categories[]", "claude_tag_user_ids[]", "slack_channel_ids[]")


@dataclass(frozen=True)
class CostQuery:
    params: Params
    cursor: Cursor | None
    start: int  # epoch minute, inclusive
    end: int  # epoch minute, exclusive
    end_resolved: str | None  # defaulted ending_at, carried in the cursor
    bucket: str | None
    limit: int
    group_by: tuple[str, ...]
    filters: dict[str, frozenset[str]]
    is_cost: bool
    per_user: bool
    legacy: bool = False


def minute_of(ts: datetime) -> int:
    return int(ts.timestamp() // 60)


def iso_minute(minute: int) -> str:
    return datetime.fromtimestamp(minute * 60, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_cost_query(
    ctx: RequestContext, items: list[tuple[str, str]], is_cost: bool, per_user: bool
) -> CostQuery:
    scalars = ["starting_at", "ending_at", "bucket_width", "limit", "page"]
    arrays = [*FILTER_ARRAYS, "group_by[]"]
    if per_user:
        scalars += ["order_by", "order", "exclude_deleted_users"]
    if per_user and is_cost:
        arrays += SLACK_ARRAYS
    p = qp.parse(items, scalars, arrays)
    cursor = ctx.cursor(p)
    start_text = p.get("starting_at")
    if start_text is None:
        raise invalid("starting_at: required (RFC 3339, e.g. 2026-03-01T00:00:00Z)")
    start = qp.parse_timestamp("starting_at", start_text)
    if start < qp.EARLIEST_TS:
        raise invalid("starting_at: must be on or after 2026-01-01T00:00:00Z (no earlier data)")
    oldest = ctx.now - timedelta(days=qp.LOOKBACK_DAYS)
    if start < oldest:
        raise invalid(
            "starting_at: must be within the last 365 days "
            f"(on or after {oldest:%Y-%m-%dT%H:%M:%SZ})"
        )
    bucket = p.get("bucket_width")
    if bucket is not None:
        bucket = qp.parse_choice("bucket_width", bucket, WIDTH_MINUTES, "1d")
    elif not per_user:
        bucket = "1d"
    end_text, resolved = p.get("ending_at"), None
    if end_text is not None:
        end = qp.parse_timestamp("ending_at", end_text)
    elif per_user and bucket is not None:
        raise invalid("ending_at: required when bucket_width is set on per-user endpoints")
    elif cursor is not None and cursor.end is not None:
        end = datetime.fromisoformat(cursor.end)
    else:
        end = min(ctx.now, start + MAX_SPAN)
        resolved = end.isoformat()
    if end <= start:
        raise invalid("ending_at: must be after starting_at (ending_at is exclusive)")
    if end - start > MAX_SPAN:
        raise invalid("ending_at: at most 31 days after starting_at; split longer periods")
    if per_user and bucket == "1m" and end - start > timedelta(hours=24):
        raise invalid("ending_at: with bucket_width=1m the span must be at most 24 hours")
    if per_user:
        limit = qp.parse_limit(p.get("limit"), 20, 1000)
    else:
        default, maximum = BUCKET_LIMITS[bucket or "1d"]
        limit = qp.parse_limit(p.get("limit"), default, maximum, f"time buckets for {bucket}")
    group_by = p.values("group_by[]")
    qp.check_choices("group_by[]", group_by, COST_GROUPS if is_cost else USAGE_GROUPS)
    qp.check_choices("context_windows[]", p.values("context_windows[]"), ("0-200k", "200k-1M"))
    qp.check_choices(
        "inference_geos[]", p.values("inference_geos[]"), ("global", "us", "not_available")
    )
    qp.check_choices("speeds[]", p.values("speeds[]"), ("fast", "standard"))
    filters = {k: frozenset(v) for k, v in p.arrays.items() if k != "group_by[]"}
    start_min, end_min = minute_of(start), minute_of(end)
    if end_min <= start_min:
        end_min = start_min + 1
    return CostQuery(
        p,
        cursor,
        start_min,
        end_min,
        resolved,
        bucket,
        limit,
        tuple(dict.fromkeys(group_by)),
        filters,
        is_cost,
        per_user,
        ctx.legacy,
    )
