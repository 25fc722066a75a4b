"""Aggregating cost lines over a time range into grouped integer counts and exact money.

Counts are accumulated per (group key, price class); money is computed once per price class at
the end (counts × per-token price), which is exactly the sum of per-line money because pricing is
linear and every price has at most six decimals. Time ranges are cut into per-day minute segments
and capped at the export watermark (`data_refreshed_at`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bot.simulator import catalog
from bot.simulator.cost_query import CostQuery, minute_of
from bot.simulator.org import SyntheticOrg
from bot.simulator.scope import group_indices
from bot.simulator.shapes import canonical_products
from bot.simulator.spend import (
    N_COUNTS,
    NON_SEAT,
    SPANS,
    WEB_SEARCH,
    Line,
    slice_counts,
    token_prices,
)

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
PriceClass = tuple[str | None, str | None, str | None]  # model, context_window, speed
# user (or None), product, model, context_window, inference_geo, speed, rbac group (or None)
GroupKey = tuple[int | None, str | None, str | None, str | None, str | None, str | None, int | None]


@dataclass
class Money:
    """Amount and list amount per component: five token types, web search, code execution."""

    amount: list[Decimal] = field(default_factory=lambda: [Decimal(0)] * 7)
    listed: list[Decimal] = field(default_factory=lambda: [Decimal(0)] * 7)

    @property
    def total(self) -> Decimal:
        return sum(self.amount, Decimal(0))

    @property
    def total_list(self) -> Decimal:
        return sum(self.listed, Decimal(0))


@dataclass
class Acc:
    counts: list[int] = field(default_factory=lambda: [0] * N_COUNTS)
    by_price: dict[PriceClass, list[int]] = field(default_factory=dict)

    def money(self, multiplier: int) -> Money:
        out = Money()
        for (model, window, speed), counts in self.by_price.items():
            amounts, lists = token_prices(model, window, speed, multiplier)
            for k in range(5):
                out.amount[k] += counts[k] * amounts[k]
                out.listed[k] += counts[k] * lists[k]
        web = self.counts[WEB_SEARCH] * catalog.WEB_SEARCH_CENTS * multiplier
        code = self.counts[SPANS] * catalog.CODE_EXECUTION_CENTS * multiplier
        out.amount[5] = out.listed[5] = web
        out.amount[6] = out.listed[6] = code
        return out


def segments(start: int, end: int, watermark: int) -> Iterator[tuple[int, int, int]]:
    """(day ordinal, first minute, end minute) pieces of [start, min(end, watermark))."""
    stop = min(end, watermark)
    minute = start
    while minute < stop:
        day = minute // 1440
        day_end = min(stop, (day + 1) * 1440)
        yield EPOCH_ORDINAL + day, minute - day * 1440, day_end - day * 1440
        minute = day_end


class Matcher:
    """Applies the array filters of a query to lines."""

    def __init__(self, org: SyntheticOrg, q: CostQuery) -> None:
        f = q.filters
        self.org = org
        self.seat_only = q.per_user
        products = f.get("products[]")
        self.products = None if products is None else canonical_products(products, q.legacy)
        self.models = f.get("models[]")
        self.windows = f.get("context_windows[]")
        self.speeds = f.get("speeds[]")
        geos = f.get("inference_geos[]")
        self.geos = None if geos is None else {None if g == "not_available" else g for g in geos}
        ids = f.get("user_ids[]")
        self.users = None
        if ids is not None:
            self.users = {u.index for u in org.users() if u.user_id in ids}
        self.groups = None
        if "rbac_group_ids[]" in f:
            self.groups = group_indices(org, list(f["rbac_group_ids[]"]))
        # No Claude-in-Slack traffic is simulated: any Slack filter selects nothing.
        self.nothing = any(
            f.get(k)
            for k in ("claude_tag_categories[]", "claude_tag_user_ids[]", "slack_channel_ids[]")
        )

    def __call__(self, line: Line) -> bool:
        if self.nothing or (self.seat_only and line.user == NON_SEAT):
            return False
        if self.products is not None and line.product not in self.products:
            return False
        if self.models is not None and line.model not in self.models:
            return False
        if self.windows is not None and line.context_window not in self.windows:
            return False
        if self.speeds is not None and line.speed not in self.speeds:
            return False
        if self.geos is not None and line.inference_geo not in self.geos:
            return False
        if self.users is not None and line.user not in self.users:
            return False
        if self.groups is not None:
            if line.user == NON_SEAT:
                return False
            return bool(self.groups.intersection(self.org.users()[line.user].groups))
        return True

    def groups_of(self, line: Line) -> tuple[int | None, ...]:
        if line.user == NON_SEAT:
            return (None,)
        groups = self.org.users()[line.user].groups
        if self.groups is not None:
            return tuple(g for g in groups if g in self.groups)
        return groups or (None,)


def aggregate(
    org: SyntheticOrg, q: CostQuery, start: int, end: int, now_minute: int, matcher: Matcher
) -> dict[GroupKey, Acc]:
    """Grouped counts of every matching line over minutes [start, end), as visible now."""
    g = set(q.group_by)
    watermark = minute_of(org.watermark_from_minute(now_minute))
    today = EPOCH_ORDINAL + now_minute // 1440
    accs: dict[GroupKey, Acc] = {}
    for day, m0, m1 in segments(start, end, watermark):
        age = today - day
        for line in org.cost_lines(day):
            if not matcher(line):
                continue
            counts = slice_counts(line, age, m0, m1)
            if not any(counts):
                continue
            price: PriceClass = (line.model, line.context_window, line.speed)
            groups = matcher.groups_of(line) if "rbac_group_id" in g else (None,)
            for group in groups:
                key: GroupKey = (
                    line.user if q.per_user else None,
                    line.product if "product" in g else None,
                    line.model if "model" in g else None,
                    line.context_window if "context_window" in g else None,
                    line.inference_geo if "inference_geo" in g else None,
                    line.speed if "speed" in g else None,
                    group,
                )
                acc = accs.get(key)
                if acc is None:
                    acc = accs[key] = Acc()
                by_price = acc.by_price.get(price)
                if by_price is None:
                    by_price = acc.by_price[price] = [0] * N_COUNTS
                for k in range(N_COUNTS):
                    acc.counts[k] += counts[k]
                    by_price[k] += counts[k]
    return accs
