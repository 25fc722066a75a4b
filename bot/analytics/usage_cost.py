"""Endpoint methods of the cost & usage family (per-user and bucketed reports).

A period longer than the API's 31-day window is split into adjacent `[a, b)` windows (no overlap,
no gap), one page sequence each, so callers ask for "last 90 days" and get every row once. `limit`
is always sent: 1000 rows for the per-user reports, the maximum bucket count of the chosen
`bucket_width` for the bucketed ones; `bucket_width` itself is always sent on bucketed reports
because its default is undocumented.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Literal

from bot.analytics.errors import InvalidParameterError
from bot.analytics.models import (
    CostBucket,
    ReportPage,
    UsageBucket,
    UserCostRow,
    UserUsageRow,
)
from bot.analytics.pagination import Paged
from bot.analytics.params import Value, check_limit, encode
from bot.analytics.session import ApiSession, Params
from bot.analytics.windows import check_cost_window, cost_windows, to_utc

BucketWidth = Literal["1d", "1h", "1m"]
Order = Literal["asc", "desc"]
USER_REPORT_LIMIT = 1000
BUCKET_LIMITS: Mapping[str, int] = {"1d": 31, "1h": 168, "1m": 256}
"""Maximum (and our default) `limit` per `bucket_width`: one bucket per row of the window."""


class UsageCostEndpoints:
    """Mixin of `AnalyticsClient`: needs `_session` and `_clock`."""

    _session: ApiSession
    _clock: Callable[[], dt.datetime]

    def _windows(
        self,
        starting_at: dt.datetime,
        ending_at: dt.datetime | None,
        common: Mapping[str, Value],
        extra_params: Sequence[tuple[str, str]],
        *,
        closed: bool = False,
        max_span: dt.timedelta | None = None,
    ) -> list[Params]:
        """One parameter list per window; `closed` forces an explicit `ending_at` on each."""
        now = to_utc(self._clock())
        windows = cost_windows(starting_at, ending_at, now=now)
        if closed:
            windows = [(a, b if b is not None else now) for a, b in windows]
        result: list[Params] = []
        for a, b in windows:
            if b is not None:
                check_cost_window(a, b, now=now)
                if max_span is not None and b - a > max_span:
                    raise InvalidParameterError(
                        "With bucket_width=1m a per-user report may span at most 24 hours."
                    )
            result.append(encode({"starting_at": a, "ending_at": b, **common}, extra_params))
        return result

    def _user_report(
        self,
        starting_at: dt.datetime,
        ending_at: dt.datetime | None,
        bucket_width: BucketWidth | None,
        limit: int,
        common: Mapping[str, Value],
        extra_params: Sequence[tuple[str, str]],
    ) -> list[Params]:
        values = {
            **common,
            "bucket_width": bucket_width,
            "limit": check_limit(limit, maximum=USER_REPORT_LIMIT),
        }
        return self._windows(
            starting_at,
            ending_at,
            values,
            extra_params,
            closed=bucket_width is not None,  # the API requires ending_at with bucket_width
            max_span=dt.timedelta(days=1) if bucket_width == "1m" else None,
        )

    def user_usage_report(
        self,
        *,
        starting_at: dt.datetime,
        ending_at: dt.datetime | None = None,
        bucket_width: BucketWidth | None = None,
        products: Sequence[str] | None = None,
        models: Sequence[str] | None = None,
        user_ids: Sequence[str] | None = None,
        context_windows: Sequence[str] | None = None,
        inference_geos: Sequence[str] | None = None,
        speeds: Sequence[str] | None = None,
        rbac_group_ids: Sequence[str] | None = None,
        group_by: Sequence[str] | None = None,
        order: Order | None = None,
        order_by: str | None = None,
        exclude_deleted_users: bool | None = None,
        limit: int = USER_REPORT_LIMIT,
        extra_params: Sequence[tuple[str, str]] = (),
    ) -> Paged[UserUsageRow, ReportPage[UserUsageRow]]:
        """`/user_usage_report`: tokens per user (× bucket × group) over a period."""
        common: dict[str, Value] = {
            "products": products, "models": models, "user_ids": user_ids,
            "context_windows": context_windows, "inference_geos": inference_geos,
            "speeds": speeds, "rbac_group_ids": rbac_group_ids, "group_by": group_by,
            "order": order, "order_by": order_by, "exclude_deleted_users": exclude_deleted_users,
        }  # fmt: skip
        windows = self._user_report(
            starting_at, ending_at, bucket_width, limit, common, extra_params
        )
        page = ReportPage[UserUsageRow]
        return Paged(self._session, "user_usage_report", page, windows)

    def user_cost_report(
        self,
        *,
        starting_at: dt.datetime,
        ending_at: dt.datetime | None = None,
        bucket_width: BucketWidth | None = None,
        products: Sequence[str] | None = None,
        models: Sequence[str] | None = None,
        user_ids: Sequence[str] | None = None,
        context_windows: Sequence[str] | None = None,
        inference_geos: Sequence[str] | None = None,
        speeds: Sequence[str] | None = None,
        rbac_group_ids: Sequence[str] | None = None,
        group_by: Sequence[str] | None = None,
        order: Order | None = None,
        order_by: str | None = None,
        exclude_deleted_users: bool | None = None,
        limit: int = USER_REPORT_LIMIT,
        extra_params: Sequence[tuple[str, str]] = (),
    ) -> Paged[UserCostRow, ReportPage[UserCostRow]]:
        """`/user_cost_report`: USD cost (cents, `Decimal`) per user over a period."""
        common: dict[str, Value] = {
            "products": products, "models": models, "user_ids": user_ids,
            "context_windows": context_windows, "inference_geos": inference_geos,
            "speeds": speeds, "rbac_group_ids": rbac_group_ids, "group_by": group_by,
            "order": order, "order_by": order_by, "exclude_deleted_users": exclude_deleted_users,
        }  # fmt: skip
        windows = self._user_report(
            starting_at, ending_at, bucket_width, limit, common, extra_params
        )
        return Paged(self._session, "user_cost_report", ReportPage[UserCostRow], windows)

    def _bucketed(
        self,
        starting_at: dt.datetime,
        ending_at: dt.datetime | None,
        bucket_width: BucketWidth,
        limit: int | None,
        common: Mapping[str, Value],
        extra_params: Sequence[tuple[str, str]],
    ) -> list[Params]:
        if bucket_width not in BUCKET_LIMITS:
            raise InvalidParameterError(
                f"bucket_width must be one of {', '.join(BUCKET_LIMITS)}, not {bucket_width!r}."
            )
        maximum = BUCKET_LIMITS[bucket_width]
        values = {
            **common,
            "bucket_width": bucket_width,
            "limit": check_limit(maximum if limit is None else limit, maximum=maximum),
        }
        return self._windows(starting_at, ending_at, values, extra_params)

    def usage_report(
        self,
        *,
        starting_at: dt.datetime,
        ending_at: dt.datetime | None = None,
        bucket_width: BucketWidth = "1d",
        products: Sequence[str] | None = None,
        models: Sequence[str] | None = None,
        user_ids: Sequence[str] | None = None,
        context_windows: Sequence[str] | None = None,
        inference_geos: Sequence[str] | None = None,
        speeds: Sequence[str] | None = None,
        rbac_group_ids: Sequence[str] | None = None,
        group_by: Sequence[str] | None = None,
        limit: int | None = None,
        extra_params: Sequence[tuple[str, str]] = (),
    ) -> Paged[UsageBucket, ReportPage[UsageBucket]]:
        """`/usage_report`: token buckets (`limit` counts buckets; default = the maximum)."""
        common: dict[str, Value] = {
            "products": products, "models": models, "user_ids": user_ids,
            "context_windows": context_windows, "inference_geos": inference_geos,
            "speeds": speeds, "rbac_group_ids": rbac_group_ids, "group_by": group_by,
        }  # fmt: skip
        windows = self._bucketed(starting_at, ending_at, bucket_width, limit, common, extra_params)
        return Paged(self._session, "usage_report", ReportPage[UsageBucket], windows)

    def cost_report(
        self,
        *,
        starting_at: dt.datetime,
        ending_at: dt.datetime | None = None,
        bucket_width: BucketWidth = "1d",
        products: Sequence[str] | None = None,
        models: Sequence[str] | None = None,
        user_ids: Sequence[str] | None = None,
        context_windows: Sequence[str] | None = None,
        inference_geos: Sequence[str] | None = None,
        speeds: Sequence[str] | None = None,
        rbac_group_ids: Sequence[str] | None = None,
        group_by: Sequence[str] | None = None,
        limit: int | None = None,
        extra_params: Sequence[tuple[str, str]] = (),
    ) -> Paged[CostBucket, ReportPage[CostBucket]]:
        """`/cost_report`: USD cost buckets (cents, `Decimal`)."""
        common: dict[str, Value] = {
            "products": products, "models": models, "user_ids": user_ids,
            "context_windows": context_windows, "inference_geos": inference_geos,
            "speeds": speeds, "rbac_group_ids": rbac_group_ids, "group_by": group_by,
        }  # fmt: skip
        windows = self._bucketed(starting_at, ending_at, bucket_width, limit, common, extra_params)
        return Paged(self._session, "cost_report", ReportPage[CostBucket], windows)
