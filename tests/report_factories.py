"""Hand-built stores for report tests: a few rows each, so every expected value is hand-computed.

`StoreBuilder` writes rows exactly as the sync lays them out (see `bot.store.schema`) and records
every day it touches in `sync_ledger`, because reports trust the ledger to tell "synced, zero"
from "not synced". Money is given in cents as decimal strings, as the API sends it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from bot.store.money import cents_to_microcents
from bot.store.schema import (
    GROUPING_COST_TYPE,
    GROUPING_PRODUCT_MODEL,
    GROUPING_TOTAL,
    open_store,
)

TODAY = date(2026, 11, 25)
"""A Wednesday. Tests pass it as `today`; nothing reads the clock."""


def d(text: str) -> date:
    return date.fromisoformat(text)


def days(start: str, end: str) -> list[date]:
    first, last = d(start), d(end)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def mc(cents: str) -> int:
    """Micro-cents for a cents decimal string: `mc("41280.5")` = 41_280_500_000."""
    return cents_to_microcents(cents)


class StoreBuilder:
    def __init__(self) -> None:
        self.db: Database = open_store(":memory:")

    # --- ledger -------------------------------------------------------------------------------

    def synced(
        self, dataset: str, *on: date, final: bool = False, reported_until: str | None = None
    ) -> StoreBuilder:
        """Mark days as synced for a dataset, with or without rows: complete (the API's export
        watermark past the day's end), or only `reported_until` (an RFC 3339 watermark) when
        given, which leaves a day it does not pass incomplete (`bot.reports.coverage`)."""
        self.db.table("sync_ledger").upsert_all(
            [
                {
                    "dataset": dataset,
                    "day": day.isoformat(),
                    "fetched_at": "2026-11-25T06:00:00Z",
                    "data_refreshed_at": reported_until or f"{day + timedelta(days=1)}T04:00:00Z",
                    "final": int(final),
                    "row_count": 0,
                }
                for day in on
            ],
            pk=("dataset", "day"),
        )
        return self

    def reported_until(self, mark: str, *datasets: str) -> StoreBuilder:
        """Set the export watermark every synced day of these datasets was fetched under (as one
        sync does); days it does not pass become incomplete."""
        for dataset in datasets:
            self.db.execute(
                "UPDATE sync_ledger SET data_refreshed_at = ?, fetched_at = ? WHERE dataset = ?",
                (mark, mark, dataset),
            )
        return self

    def _insert(self, dataset: str, table: str, row: dict[str, Any]) -> StoreBuilder:
        self.db.table(table).insert(row, alter=True)
        return self.synced(dataset, date.fromisoformat(row["day"]))

    # --- cost and usage -----------------------------------------------------------------------

    def cost(
        self,
        day: date,
        cents: str,
        *,
        list_cents: str | None = None,
        product: str = "",
        model: str = "",
        cost_type: str = "",
        token_type: str = "",
    ) -> StoreBuilder:
        """One `cost_buckets` row; the grouping set follows from which keys are given."""
        if product or model:
            grouping = GROUPING_PRODUCT_MODEL
        elif cost_type or token_type:
            grouping = GROUPING_COST_TYPE
        else:
            grouping = GROUPING_TOTAL
        return self._insert(
            "cost_buckets",
            "cost_buckets",
            {
                "day": day.isoformat(),
                "grouping": grouping,
                "product": product,
                "model": model,
                "cost_type": cost_type,
                "token_type": token_type,
                "amount_microcents": mc(cents),
                "list_amount_microcents": mc(list_cents or cents),
                "requests": None,
            },
        )

    def user_cost(
        self,
        day: date,
        user_id: str,
        cents: str,
        *,
        list_cents: str | None = None,
        product: str = "chat",
        model: str = "claude-opus-5",
        requests: int | None = 1,
    ) -> StoreBuilder:
        return self._insert(
            "user_cost",
            "user_cost",
            {
                "day": day.isoformat(),
                "user_id": user_id,
                "product": product,
                "model": model,
                "amount_microcents": mc(cents),
                "list_amount_microcents": mc(list_cents or cents),
                "requests": requests,
            },
        )

    def usage(
        self,
        day: date,
        *,
        product: str = "",
        model: str = "",
        uncached: int = 0,
        cache_read: int = 0,
        cache_5m: int = 0,
        cache_1h: int = 0,
        output: int = 0,
        requests: int = 0,
    ) -> StoreBuilder:
        return self._insert(
            "usage_buckets",
            "usage_buckets",
            {
                "day": day.isoformat(),
                "grouping": GROUPING_PRODUCT_MODEL if product or model else GROUPING_TOTAL,
                "product": product,
                "model": model,
                "uncached_input_tokens": uncached,
                "cache_read_input_tokens": cache_read,
                "cache_creation__ephemeral_5m_input_tokens": cache_5m,
                "cache_creation__ephemeral_1h_input_tokens": cache_1h,
                "output_tokens": output,
                "requests": requests,
                "server_tool_use__web_search_requests": 0,
            },
        )

    def user_usage(
        self,
        day: date,
        user_id: str,
        *,
        product: str = "chat",
        model: str = "claude-opus-5",
        uncached: int = 0,
        output: int = 0,
        requests: int = 1,
    ) -> StoreBuilder:
        return self._insert(
            "user_usage",
            "user_usage",
            {
                "day": day.isoformat(),
                "user_id": user_id,
                "product": product,
                "model": model,
                "uncached_input_tokens": uncached,
                "cache_read_input_tokens": 0,
                "cache_creation__ephemeral_5m_input_tokens": 0,
                "cache_creation__ephemeral_1h_input_tokens": 0,
                "output_tokens": output,
                "requests": requests,
                "server_tool_use__web_search_requests": 0,
                "total_tokens": uncached + output,
            },
        )

    # --- engagement ---------------------------------------------------------------------------

    def summary(
        self, day: date, *, dau: int, wau: int, mau: int, seats: int | None = None, **extra: Any
    ) -> StoreBuilder:
        return self._insert(
            "summaries",
            "summaries",
            {
                "day": day.isoformat(),
                "daily_active_user_count": dau,
                "weekly_active_user_count": wau,
                "monthly_active_user_count": mau,
                "assigned_seat_count": seats,
                "cowork_daily_active_user_count": 0,
                "cowork_weekly_active_user_count": 0,
                "cowork_monthly_active_user_count": 0,
                **extra,
            },
        )

    def activity(
        self,
        day: date,
        user_id: str,
        *,
        email: str | None = None,
        active: bool = True,
        **metrics: Any,
    ) -> StoreBuilder:
        """One `/users` row; metric names are the flattened columns (`chat_metrics__…`)."""
        return self._insert(
            "users",
            "user_activity",
            {
                "day": day.isoformat(),
                "user_id": user_id,
                "email": email,
                "is_active": int(active),
                **metrics,
            },
        )

    def person(
        self, user_id: str, email: str | None, name: str | None, *, deleted: bool = False
    ) -> StoreBuilder:
        self.db.table("directory").upsert(
            {
                "user_id": user_id,
                "email": email,
                "name": name,
                "deleted": int(deleted),
                "seen_on": "2026-11-20",
            },
            pk="user_id",
        )
        return self

    def project(self, day: date, project_id: str, name: str, **fields: Any) -> StoreBuilder:
        row = {"day": day.isoformat(), "project_id": project_id, "project_name": name, **fields}
        return self._insert("chat_projects", "chat_projects", row)

    def skill(self, day: date, skill_name: str, **fields: Any) -> StoreBuilder:
        return self._insert(
            "skills", "skills", {"day": day.isoformat(), "skill_name": skill_name, **fields}
        )

    def connector(self, day: date, connector_name: str, **fields: Any) -> StoreBuilder:
        row = {"day": day.isoformat(), "connector_name": connector_name, **fields}
        return self._insert("connectors", "connectors", row)
