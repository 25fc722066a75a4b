"""Cost and usage reports of the stand-in (user_usage_report, user_cost_report, usage_report,
cost_report): windows, grouping, and sparse rows.

Rows are sums of the org's per-day atoms, so group rows always add up to the ungrouped total.
A day belongs to a window when its midnight lies in [starting_at, ending_at). Per-user reports see
seat users only; bucketed reports add API-key/automation traffic, so per-user sums are lower
(reference 3). What each row leaves out cycles with its position (`variant`):

- usage rows: no `cache_creation`, no `server_tool_use`, no `total_tokens`, no `requests`;
- cost rows: `amount` always, but a JSON number on some rows (int when whole cents, else a float
  with at most six decimals) and a six-decimal string on others; no `list_amount`, no `currency`,
  no `requests`; split rows (cost_type/token_type) have `requests` null or absent;
- grouping keys only for the dimensions grouped by; never `starting_at`/`ending_at` on per-user
  rows;
- actors: `user_id` always; email null for deleted or unavailable accounts; `type`, `name` and
  `deleted` (when false) sometimes absent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from tests.fakes.standin_org import EARLIEST, CostAtom, Org, UsageAtom
from tests.fakes.standin_paging import Query, bad_request

Row = dict[str, Any]
USAGE_GROUPS = ("product", "model")
COST_GROUPS = ("product", "model", "cost_type", "token_type")
_SPLIT = ("cost_type", "token_type")
_UNSUPPORTED_FILTERS = (
    "context_windows[]",
    "inference_geos[]",
    "speeds[]",
    "rbac_group_ids[]",
    "claude_tag_categories[]",
    "claude_tag_user_ids[]",
    "slack_channel_ids[]",
)
_MAX_SPAN = timedelta(days=31)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass(frozen=True)
class Request:
    """A validated report request."""

    days: list[date]
    groups: tuple[str, ...]
    products: frozenset[str]
    models: frozenset[str]
    user_ids: frozenset[str]

    def keep(self, atom: UsageAtom | CostAtom) -> bool:
        return (
            (not self.products or atom.product in self.products)
            and (not self.models or atom.model in self.models)
            and (not self.user_ids or atom.user_id in self.user_ids)
        )

    def key(self, atom: UsageAtom | CostAtom) -> tuple[Any, ...]:
        return tuple(getattr(atom, g) for g in self.groups if g not in _SPLIT)

    def split(self, atom: CostAtom) -> tuple[Any, ...]:
        return tuple(getattr(atom, g) for g in self.groups if g in _SPLIT)


def parse_request(query: Query, org: Org, *, allowed: tuple[str, ...], bucketed: bool) -> Request:
    config = org.config
    query.reject(_UNSUPPORTED_FILTERS, "is not supported by this stand-in")
    start = query.instant("starting_at")
    if start is None:
        raise bad_request("starting_at is required")
    if start < _midnight(EARLIEST):
        raise bad_request("starting_at must be on or after 2026-01-01T00:00:00Z")
    if start < config.now - timedelta(days=365):
        raise bad_request("starting_at must be within the last 365 days")
    end = query.instant("ending_at") or min(config.now, start + _MAX_SPAN)
    if end <= start:
        raise bad_request("ending_at must be after starting_at")
    if end - start > _MAX_SPAN:
        raise bad_request("ending_at - starting_at must not exceed 31 days")
    width = query.one("bucket_width")
    if not bucketed and width is not None:
        raise bad_request("bucket_width is not supported by this stand-in on per-user reports")
    if bucketed and width not in (None, "1d"):
        raise bad_request("bucket_width must be 1d on this stand-in")
    groups = []
    for value in query.many("group_by[]"):
        if value not in allowed:
            raise bad_request(f"group_by[] value {value!r} is not supported")
        if value not in groups:
            groups.append(value)
    days = []
    day = max(start.date(), EARLIEST)
    while _midnight(day) < end and day <= config.today:
        if _midnight(day) >= start:
            days.append(day)
        day += timedelta(days=1)
    return Request(
        days=days,
        groups=tuple(g for g in allowed if g in groups),
        products=frozenset(query.many("products[]")),
        models=frozenset(query.many("models[]")),
        user_ids=frozenset(query.many("user_ids[]")),
    )


@dataclass
class UsageSum:
    values: list[int] = field(default_factory=lambda: [0] * 7)

    def add(self, a: UsageAtom) -> None:
        parts = (
            a.uncached_input_tokens,
            a.cache_read_input_tokens,
            a.ephemeral_5m_input_tokens,
            a.ephemeral_1h_input_tokens,
            a.output_tokens,
            a.web_search_requests,
            a.requests,
        )
        self.values = [x + y for x, y in zip(self.values, parts, strict=True)]

    @property
    def total_tokens(self) -> int:
        return sum(self.values[:5])

    def metric(self, name: str) -> int:
        index = {"uncached_input_tokens": 0, "output_tokens": 4, "requests": 6}.get(name)
        return self.total_tokens if index is None else self.values[index]


@dataclass
class CostSum:
    amount: int = 0
    list_amount: int = 0
    requests: int = 0

    def add(self, a: CostAtom) -> None:
        self.amount += a.amount_micro
        self.list_amount += a.list_micro
        self.requests += a.requests


def money(micro: int, as_number: bool) -> str | int | float:
    """Cents: a six-decimal string, or (as some real rows do) a JSON number."""
    value = Decimal(micro).scaleb(-6)
    if as_number:
        if micro % 1_000_000 == 0:
            return micro // 1_000_000
        number = float(value)
        if Decimal(repr(number)) == value:
            return number
    return f"{value:.6f}"


def _keys(groups: Iterable[str], values: Iterable[Any]) -> Row:
    return dict(zip(groups, values, strict=True))


def usage_fields(total: UsageSum, v: int, *, per_user: bool) -> Row:
    uncached, read, c5m, c1h, output, web, requests = total.values
    row: Row = {"uncached_input_tokens": uncached, "cache_read_input_tokens": read}
    if v != 1:
        row["cache_creation"] = {"ephemeral_5m_input_tokens": c5m, "ephemeral_1h_input_tokens": c1h}
    row["output_tokens"] = output
    if per_user and v != 3:
        row["total_tokens"] = total.total_tokens
    if v != 4:
        row["requests"] = requests
    if v != 2:
        row["server_tool_use"] = {"web_search_requests": web}
    if v == 4:
        row["service_tier"] = "standard"  # a key the reference never mentions
    return row


def cost_fields(total: CostSum, v: int, *, split: bool) -> Row:
    row: Row = {"amount": money(total.amount, v in (1, 3))}
    if v != 2:
        row["list_amount"] = money(total.list_amount, v == 1)
    if v != 4:
        row["currency"] = "USD"
    if split and v in (0, 1):
        row["requests"] = None
    elif not split and v != 3:
        row["requests"] = total.requests
    return row


def actor(org: Org, user_id: str, v: int) -> Row:
    person = org.by_id[user_id]
    deleted = org.deleted_now(person)
    out: Row = {} if v == 3 else {"type": "user_actor"}
    out["user_id"] = user_id
    out["email"] = None if deleted or person.email_hidden else person.email
    if v != 2:
        out["name"] = "Deleted User" if deleted else None if person.email_hidden else person.name
    if deleted:
        out["deleted"] = True
    elif v in (0, 1):
        out["deleted"] = False
    return out


# per-user -------------------------------------------------------------------------------------
def user_usage_units(
    org: Org, req: Request, order_by: str, descending: bool, exclude_deleted: bool
) -> list[list[Row]]:
    sums: dict[tuple[Any, ...], UsageSum] = {}
    for day in req.days:
        for atom in org.usage_atoms(day):
            if atom.user_id is not None and req.keep(atom):
                sums.setdefault((atom.user_id, *req.key(atom)), UsageSum()).add(atom)
    keys = _ordered(org, sums, lambda s: sums[s].metric(order_by), descending, exclude_deleted)
    return [
        [
            {
                "actor": actor(org, k[0], i % 5),
                **_keys(req.groups, k[1:]),
                **usage_fields(sums[k], i % 5, per_user=True),
            }
        ]
        for i, k in enumerate(keys)
    ]


def user_cost_units(
    org: Org, req: Request, order_by: str, descending: bool, exclude_deleted: bool
) -> list[list[Row]]:
    """One unit per actor × product/model group; a unit holds one row per cost_type/token_type
    split, so a page may carry more rows than `limit` (reference 3.4)."""
    units: dict[tuple[Any, ...], dict[tuple[Any, ...], CostSum]] = {}
    for day in req.days:
        for atom in org.cost_atoms(day):
            if atom.user_id is not None and req.keep(atom):
                unit = units.setdefault((atom.user_id, *req.key(atom)), {})
                unit.setdefault(req.split(atom), CostSum()).add(atom)

    def metric(key: tuple[Any, ...]) -> int:
        parts = units[key].values()
        return sum(p.list_amount if order_by == "list_amount" else p.amount for p in parts)

    keys = _ordered(org, units, metric, descending, exclude_deleted)
    plain = tuple(g for g in req.groups if g not in _SPLIT)
    split = tuple(g for g in req.groups if g in _SPLIT)
    out = []
    for i, key in enumerate(keys):
        rows = []
        for j, (parts, total) in enumerate(sorted(units[key].items(), key=_none_last)):
            v = (i + j) % 5
            rows.append(
                {
                    "actor": actor(org, key[0], v),
                    **_keys(plain, key[1:]),
                    **_keys(split, parts),
                    **cost_fields(total, v, split=bool(split)),
                }
            )
        out.append(rows)
    return out


def _none_last(item: tuple[tuple[Any, ...], Any]) -> tuple[str, ...]:
    return tuple("\uffff" if x is None else str(x) for x in item[0])


def _ordered(
    org: Org,
    table: dict[tuple[Any, ...], Any],
    metric: Callable[[tuple[Any, ...]], int],
    descending: bool,
    exclude_deleted: bool,
) -> list[tuple[Any, ...]]:
    keys = [k for k in table if not (exclude_deleted and org.deleted_now(org.by_id[k[0]]))]
    keys.sort(key=lambda k: tuple("" if x is None else str(x) for x in k))
    keys.sort(key=metric, reverse=descending)
    return keys


# bucketed -------------------------------------------------------------------------------------
def usage_buckets(org: Org, req: Request) -> list[Row]:
    buckets = []
    for b, day in enumerate(req.days):
        sums: dict[tuple[Any, ...], UsageSum] = {}
        if not req.groups:
            sums[()] = UsageSum()
        for atom in org.usage_atoms(day):
            if req.keep(atom):
                sums.setdefault(req.key(atom), UsageSum()).add(atom)
        ordered = sorted(sums, key=lambda k: -sums[k].total_tokens)
        results = [
            {**_keys(req.groups, k), **usage_fields(sums[k], (b + i) % 5, per_user=False)}
            for i, k in enumerate(ordered)
        ]
        buckets.append(_bucket(day, results))
    return buckets


def cost_buckets(org: Org, req: Request) -> list[Row]:
    split = any(g in _SPLIT for g in req.groups)
    buckets = []
    for b, day in enumerate(req.days):
        sums: dict[tuple[Any, ...], CostSum] = {}
        if not req.groups:
            sums[()] = CostSum()
        for atom in org.cost_atoms(day):
            if req.keep(atom):
                key = tuple(getattr(atom, g) for g in req.groups)
                sums.setdefault(key, CostSum()).add(atom)
        ordered = sorted(sums, key=lambda k: -sums[k].amount)
        results = [
            {**_keys(req.groups, k), **cost_fields(sums[k], (b + i) % 5, split=split)}
            for i, k in enumerate(ordered)
        ]
        buckets.append(_bucket(day, results))
    return buckets


def _bucket(day: date, results: list[Row]) -> Row:
    start = _midnight(day)
    return {
        "starting_at": _iso(start),
        "ending_at": _iso(start + timedelta(days=1)),
        "results": results,
    }


def envelope(org: Org, data: list[Row], next_page: str | None) -> Row:
    return {
        "data": data,
        "has_more": next_page is not None,
        "next_page": next_page,
        "data_refreshed_at": _iso(org.config.refreshed_at),
        "organization_id": org.config.organization_id,
    }
