"""Raw Analytics API pages, compacted: totals over every row fetched, then the top rows.

Three shapes cover the eleven endpoints:

    engagement rows     users, chat projects, skills, connectors, plugins, artifacts: every
                        numeric field summed, rows ranked by the endpoint's main count
    daily summaries     one short line per day (DAU/WAU/MAU, seats, adoption)
    cost & usage        per-user reports summed per person (and per group when grouped);
                        bucketed reports summed per bucket and per group

A field the API left out (None on every row) is listed under `not_reported` and never counted
as zero. Money is Decimal cents from the API, shown as dollars.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from bot.analytics.models import (
    CostBucket,
    CostRow,
    DailySummary,
    UsageBucket,
    UserCostRow,
    UserUsageRow,
)
from bot.analytics.output import dotted
from tools.compact import Json, drop_none, name, pct, usd_cents

TOP_ROWS = 10
MAX_BUCKETS = 31
_IDENTITY: dict[str, tuple[str, ...]] = {
    "users": ("user.email_address", "user.id", "rbac_group_name", "product"),
    "chat_projects": ("project_name", "project_id", "created_by.email_address"),
    "projects": ("project_name", "project_id", "project_status", "created_by.email_address"),
    "skills": ("skill_display_name", "skill_name", "share_status"),
    "connectors": ("connector_display_name", "connector_name"),
    "plugins": ("plugin_name",),
    "artifacts": ("artifact_type", "is_shared"),
}
_RANK: dict[str, tuple[str, ...]] = {
    "users": ("chat_metrics.message_count", "cowork_metrics.message_count",
              "claude_code_metrics.core_metrics.distinct_session_count"),
    "chat_projects": ("message_count",),
    "projects": ("message_count",),
    "skills": ("distinct_user_count",),
    "connectors": ("distinct_user_count",),
    "plugins": ("invocation_count",),
    "artifacts": ("artifacts_created_count",),
}  # fmt: skip
_MONEY = ("estimated_overage_spend", "attributed_list_price")
_NOT_METRICS = frozenset(
    {"product", "rbac_group_id", "rbac_group_name", "user_id", "created_at", "created_by",
     "created_by.type", "plugin_id", "skill_display_name", "share_status", "currency", "user",
     "user.type", "last_activity_date", "project_status", "connector_display_name",
     "created_by.user_id", "created_by.email_address"}
)  # fmt: skip
"""Keys of engagement rows that are labels or group keys: never listed as "not reported"."""
_TOKENS = (
    "uncached_input_tokens",
    "cache_read_input_tokens",
    "cache_creation.ephemeral_5m_input_tokens",
    "cache_creation.ephemeral_1h_input_tokens",
    "output_tokens",
)


def _short(name: str) -> str:
    for noise in ("_metrics", "core_metrics.", "tool_actions.", "_count"):
        name = name.replace(noise, "")
    return name


def _label(value: Any) -> Any:
    return name(value) if isinstance(value, str) else value


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def engagement(endpoint: str, rows: Sequence[BaseModel], *, admin: bool) -> Json:
    """Totals of every numeric field, and the top rows by the endpoint's main count."""
    flats = [dotted(row.model_dump(mode="json")) for row in rows]
    keys = list(dict.fromkeys(k for flat in flats for k in flat))
    totals: dict[str, Any] = {}
    missing: list[str] = []
    for key in keys:
        values = [flat.get(key) for flat in flats]
        if key in _MONEY:
            present = [Decimal(str(v)) for v in values if v is not None]
            totals[key] = usd_cents(sum(present, Decimal(0))) if present else None
        elif any(_number(v) for v in values):
            totals[key] = sum(v for v in values if _number(v))
        elif all(v is None for v in values) and key not in _NOT_METRICS:
            missing.append(key)
    identity = [k for k in _IDENTITY[endpoint] if admin or not k.endswith("email_address")]

    def score(flat: dict[str, Any]) -> float:
        return float(sum(flat.get(k) or 0 for k in _RANK[endpoint]))

    ranked = sorted(flats, key=score, reverse=True)
    shown = [
        drop_none(
            {
                **{_short(k): _label(flat.get(k)) for k in identity},
                **{_short(k): v for k, v in flat.items() if _number(v) and v and k in totals},
            }
        )
        for flat in ranked[:TOP_ROWS]
    ]
    return {
        "rows_fetched": len(rows),
        "totals": {_short(k): v for k, v in totals.items() if v not in (0, None)},
        "zero": [_short(k) for k, v in totals.items() if v == 0],
        "not_reported": [_short(k) for k in missing],
        "top_rows": shown,
        "ranked_by": " + ".join(_short(k) for k in _RANK[endpoint]),
        "more": max(len(rows) - len(shown), 0),
    }


def summaries(rows: Sequence[DailySummary]) -> Json:
    days = [
        [
            row.starting_at.date().isoformat(),
            row.daily_active_user_count,
            row.weekly_active_user_count,
            row.monthly_active_user_count,
            row.assigned_seat_count,
            pct(row.daily_adoption_rate),
        ]
        for row in rows
    ]
    latest = rows[-1].model_dump(mode="json", exclude_none=True) if rows else {}
    latest.pop("ending_at", None)
    return {
        "rows_fetched": len(rows),
        "columns": ["day", "dau", "wau", "mau", "seats", "daily_adoption_pct"],
        "days": days[-MAX_BUCKETS:],
        "days_not_shown": max(len(days) - MAX_BUCKETS, 0),
        "latest_day": latest,
    }


def _money_fields(rows: Iterable[Any]) -> dict[str, Any]:
    listed = list(rows)
    amount = sum((r.amount for r in listed), Decimal(0))
    list_amounts = [r.list_amount for r in listed]
    requests = [r.requests for r in listed]
    return {
        "spend": usd_cents(amount),
        "list_price": usd_cents(_sum_sent(list_amounts)),
        "requests": _sum_sent(requests),
        **_partly_sent(list_price=list_amounts, requests=requests),
        "_sort": amount,
    }


def _token_fields(rows: Iterable[Any]) -> dict[str, Any]:
    listed = list(rows)
    flats = [dotted(row.model_dump(mode="json")) for row in listed]
    counts = {key: [flat.get(key) for flat in flats] for key in _TOKENS}
    sums = {key: _sum_sent(values) for key, values in counts.items()}
    total = _sum_sent(list(sums.values()))
    requests = [r.requests for r in listed]
    return {"total_tokens": total, **sums, "requests": _sum_sent(requests),
            **_partly_sent(**counts, requests=requests), "_sort": total or 0}  # fmt: skip


def _sum_sent(values: Sequence[Any]) -> Any:
    """The sum of the values the API sent; None ("not reported", never 0) when it sent none."""
    sent = [v for v in values if v is not None]
    return sum(sent[1:], sent[0]) if sent else None


def _partly_sent(**columns: Sequence[Any]) -> dict[str, list[str]]:
    """`{"partly_reported": [...]}` naming the fields only some rows carried (their sums
    cover those rows alone), or nothing when every field is all or nothing."""
    partly = [
        name
        for name, values in columns.items()
        if None in values and any(v is not None for v in values)
    ]
    return {"partly_reported": partly} if partly else {}


def _group_key(row: BaseModel, group_by: Sequence[str]) -> str:
    return " / ".join(str(getattr(row, g, None) or "(none)") for g in group_by)


def _ranked(groups: dict[str, list[Any]], summarise: Any, label: str) -> list[Json]:
    summed = [{label: key, **summarise(items)} for key, items in groups.items()]
    summed.sort(key=lambda item: item["_sort"], reverse=True)
    return [drop_none({k: v for k, v in item.items() if k != "_sort"}) for item in summed]


def _by_group(rows: Iterable[Any], group_by: Sequence[str], summarise: Any) -> list[Json]:
    """Rows summed per value of the `group_by` keys, largest first."""
    groups: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        groups[_group_key(row, group_by)].append(row)
    return _ranked(groups, summarise, "/".join(group_by))


def per_user(rows: Sequence[UserCostRow | UserUsageRow], group_by: Sequence[str]) -> Json:
    """Per-user reports: one line per person (rows summed over buckets and groups)."""
    money = bool(rows) and isinstance(rows[0], UserCostRow)
    summarise = _money_fields if money else _token_fields
    people: dict[str, list[Any]] = defaultdict(list)
    names: dict[str, tuple[str | None, str | None]] = {}
    for row in rows:
        people[row.actor.user_id].append(row)
        names[row.actor.user_id] = (row.actor.name, row.actor.email)
    ranked = _ranked(people, summarise, "user_id")
    for item in ranked:
        who, email = names[item["user_id"]]
        item.update(drop_none({"name": _label(who), "email": email}))
    total = {k: v for k, v in summarise(rows).items() if k != "_sort"}
    result: Json = {
        "rows_fetched": len(rows),
        "people": len(people),
        "total": drop_none(total),
        "top_people": ranked[:TOP_ROWS],
        "more_people": max(len(ranked) - TOP_ROWS, 0),
    }
    if group_by:
        result["by_group"] = _by_group(rows, group_by, summarise)[:TOP_ROWS]
    return result


def bucketed(buckets: Sequence[CostBucket | UsageBucket], group_by: Sequence[str]) -> Json:
    """Bucketed reports: the total, one line per bucket, and totals per group when grouped."""
    rows: list[Any] = [r for bucket in buckets for r in bucket.results]
    money = any(isinstance(r, CostRow) for r in rows)
    summarise = _money_fields if money else _token_fields
    value = "spend" if money else "total_tokens"
    series = [
        [bucket.starting_at.isoformat().replace("+00:00", "Z"), summarise(bucket.results)[value]]
        for bucket in buckets
    ]
    result: Json = {
        "buckets": len(buckets),
        "total": drop_none({k: v for k, v in summarise(rows).items() if k != "_sort"}),
        "per_bucket": series[:MAX_BUCKETS],
        "buckets_not_shown": max(len(series) - MAX_BUCKETS, 0),
    }
    if group_by:
        result["by_group"] = _by_group(rows, group_by, summarise)[:15]
        result["note"] = (
            "Each bucket holds at most 100 groups, so with many groups these sums can be low; "
            "call again without group_by for the exact total."
        )
    return result
