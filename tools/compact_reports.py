"""Report results as the compact JSON Claude reads (one function per report kind).

The same typed results Slack renders, cut to what answers a question: totals, changes, the top
rows, the period actually used, notes and the freshness line. Money becomes dollar strings,
percentages one decimal, None "not reported" (never zero), and day series appear only for
periods short enough to read (`MAX_DAYS`). `compact_report` dispatches on the result type.
"""

from __future__ import annotations

from typing import Any

from bot.reports.types import (
    Adoption,
    BreakdownRow,
    Comparison,
    FinanceComparisons,
    Mover,
    PeopleMovement,
    Ranking,
    ReportResult,
    SeriesPoint,
    SpendSeries,
    StatusReport,
    TokenSeries,
    TopSpenders,
    UserProfile,
)
from tools.compact import (
    NOT_REPORTED,
    Json,
    delta_json,
    drop_none,
    name,
    pct,
    period_json,
    usd,
)

MAX_DAYS = 31
MAX_ROWS = 10


def _frame(result: ReportResult, kind: str) -> Json:
    return {
        "report": kind,
        "period": period_json(result.period),
        "notes": list(result.notes),
        "freshness": result.freshness.sentence(),
    }


def _slices(rows: tuple[BreakdownRow, ...], *, money: bool) -> list[Json]:
    def show(value: int | None) -> object:
        if value is None:
            return None
        return usd(value) if money else value

    return [
        drop_none(
            {
                "key": r.key,
                "label": r.label if r.label != r.key else None,
                "value": show(r.value),
                "share_pct": pct(r.share_pct),
                "previous": show(r.previous),
            }
        )
        for r in rows[:MAX_ROWS]
    ]


def _days(points: tuple[SeriesPoint, ...], *, money: bool) -> list[list[object]] | str:
    if len(points) > MAX_DAYS:
        return f"{len(points)} days; ask for a shorter period to see each day"
    return [[p.day.isoformat(), usd(p.value) if money else p.value] for p in points]


def top_spenders(result: TopSpenders) -> Json:
    rows = [
        drop_none(
            {
                "rank": r.rank,
                "name": name(r.name),
                "email": r.email,
                "spend": usd(r.amount_microcents),
                "list_price": usd(r.list_amount_microcents),
                "share_pct": pct(r.share_pct),
                "requests": r.requests,
                "vs_previous": delta_json(r.delta, money=True) if r.delta else None,
            }
        )
        for r in result.rows[:MAX_ROWS]
    ]
    return {
        **_frame(result, "top_spenders"),
        "ranked_by": "list price" if result.by_list_price else "billed spend",
        "filters": drop_none({"product": result.product, "model": result.model}),
        "people_with_spend": result.total_count,
        "total_of_people": usd(result.total_microcents),
        "list_total_of_people": usd(result.list_total_microcents),
        "org_total_incl_api_keys": usd(result.org_total_microcents),
        "rows": rows,
        "more": result.total_count - len(rows),
    }


def spend(result: SpendSeries) -> Json:
    return {
        **_frame(result, "spend"),
        "total": usd(result.total_microcents),
        "list_total": usd(result.list_total_microcents),
        "previous_period_total": usd(result.previous_total_microcents),
        "change": delta_json(result.change, money=True),
        "by": result.by or "none",
        "breakdown": _slices(result.breakdown, money=True),
        "more_slices": max(len(result.breakdown) - MAX_ROWS, 0),
        "days": _days(result.points, money=True),
    }


def tokens(result: TokenSeries) -> Json:
    return {
        **_frame(result, "tokens"),
        "total_tokens": result.total_tokens,
        "requests": result.requests,
        "previous_period_tokens": result.previous_total_tokens
        if result.previous_total_tokens is not None
        else NOT_REPORTED,
        "change": delta_json(result.change),
        "by": result.by or "none",
        "breakdown": _slices(result.breakdown, money=False),
        "more_slices": max(len(result.breakdown) - MAX_ROWS, 0),
        "days": _days(result.points, money=False),
    }


def adoption(result: Adoption) -> Json:
    products = [
        drop_none(
            {"product": p.product, "daily": p.daily, "weekly": p.weekly, "monthly": p.monthly}
        )
        for p in result.products
    ]
    return {
        **_frame(result, "adoption"),
        "latest_day": result.latest_day.isoformat() if result.latest_day else NOT_REPORTED,
        "dau": result.dau,
        "wau": result.wau,
        "mau": result.mau,
        "dau_avg": pct(result.dau_avg),
        "seats": result.seats,
        "pending_invites": result.pending_invites,
        "utilisation_pct": pct(result.utilisation_pct),
        "active_users": result.active_users,
        "new_users": result.new_users,
        "returning_users": result.returning_users,
        "lapsed_users": result.lapsed_users,
        "dau_avg_change": delta_json(result.dau_change),
        "mau_change": delta_json(result.mau_change),
        "products": products,
        "dau_by_day": _days(result.points, money=False),
        **({"people": _moved(result.people)} if result.people else {}),
    }


def _moved(people: PeopleMovement) -> Json:
    """`adoption --people`: who is new or lapsed, the first rows and how many more."""
    return drop_none(
        {
            "kind": people.kind,
            "product": people.product,
            "current": period_json(people.current),
            "previous": period_json(people.previous),
            "count": len(people.people),
            "rows": [
                drop_none(
                    {
                        "name": name(p.name),
                        "email": p.email,
                        "first_active": p.first_active.isoformat(),
                        "last_active": p.last_active.isoformat(),
                    }
                )
                for p in people.people[:MAX_ROWS]
            ],
            "more": max(len(people.people) - MAX_ROWS, 0),
        }
    )


def user(result: UserProfile) -> Json:
    activity = {
        "chat": drop_none(result.chat.model_dump()),
        "claude_code": drop_none(result.claude_code.model_dump()),
        "cowork": drop_none(result.cowork.model_dump()),
        "design": drop_none(result.design.model_dump()),
        "office": [drop_none(o.model_dump()) for o in result.office],
        "claude_in_slack": drop_none(result.slack.model_dump()) if result.slack else NOT_REPORTED,
    }
    return {
        **_frame(result, "user"),
        "person": drop_none(result.user.model_dump()),
        "spend": usd(result.spend_microcents),
        "list_price": usd(result.list_spend_microcents),
        "tokens": result.tokens if result.tokens is not None else NOT_REPORTED,
        "requests": result.requests if result.requests is not None else NOT_REPORTED,
        "spend_rank": result.spend_rank,
        "people_with_spend": result.spenders,
        "spend_by_product": _slices(result.spend_by_product, money=True),
        "spend_by_model": _slices(result.spend_by_model, money=True),
        "active_days": result.active_days,
        "first_seen": result.first_seen.isoformat() if result.first_seen else None,
        "last_seen": result.last_seen.isoformat() if result.last_seen else None,
        "spend_change": delta_json(result.spend_change, money=True),
        "activity": {k: v for k, v in activity.items() if v},
    }


def ranking(result: Ranking) -> Json:
    rows = [
        drop_none(
            {
                "rank": r.rank,
                "name": name(r.name),
                result.ranked_by: r.score,
                "peak_daily_users": r.peak_daily_users,
                "user_days": r.user_days,
                "sessions": r.sessions,
                "spend": usd(r.spend_microcents) if r.spend_microcents is not None else None,
                "vs_previous": delta_json(r.delta) if r.delta else None,
                "kind": {"projects": "project", "chat_projects": "chat project"}.get(
                    r.source or ""
                ),
            }
        )
        for r in result.rows[:MAX_ROWS]
    ]
    out: Json = {
        **_frame(result, result.kind),
        "ranked_by": result.ranked_by,
        "count": result.total_count,
        "rows": rows,
        "more": result.total_count - len(rows),
    }
    if result.artifacts is not None:
        out["artifacts_created"] = drop_none(result.artifacts.model_dump())
    return out


def _movers(movers: tuple[Mover, ...]) -> list[Json]:
    return [
        drop_none(
            {
                "name": name(m.name),
                "email": m.email,
                "now": usd(m.current_microcents),
                "before": usd(m.previous_microcents),
                "change": usd(m.change_microcents),
            }
        )
        for m in movers[:5]
    ]


def compare(result: Comparison) -> Json:
    return {
        **_frame(result, "compare"),
        "previous_period": period_json(result.previous),
        "spend": delta_json(result.spend, money=True),
        "tokens": delta_json(result.tokens),
        "dau_avg": delta_json(result.dau_avg),
        "wau": delta_json(result.wau),
        "mau": delta_json(result.mau),
        "active_users": delta_json(result.active_users),
        "new_users": result.new_users,
        "returning_users": result.returning_users,
        "lapsed_users": result.lapsed_users,
        "biggest_increases": _movers(result.movers_up),
        "biggest_decreases": _movers(result.movers_down),
    }


def finance(result: FinanceComparisons) -> Json:
    previous = result.mtd_previous_period
    return {
        **_frame(result, "finance"),
        "month_to_date": delta_json(result.mtd, money=True),
        "compared_with": period_json(previous) if previous else NOT_REPORTED,
        "projected_month": usd(result.projected_month_microcents),
        "projection_basis": result.projection_basis,
        "yesterday": result.yesterday_day.isoformat() if result.yesterday_day else NOT_REPORTED,
        "yesterday_spend": usd(result.yesterday_microcents),
        "trailing_7_day_avg": usd(result.trailing_avg_microcents),
        "yesterday_vs_avg": delta_json(result.yesterday_vs_avg, money=True),
        "seats": result.seats,
        "mau": result.mau,
        "idle_seats": result.idle_seats,
        "idle_seat_cost_per_month": usd(result.idle_seat_cost_microcents),
    }


def status(result: StatusReport) -> Json:
    sync = result.sync
    return {
        **_frame(result, "status"),
        "datasets": [
            drop_none(
                {
                    "dataset": d.dataset,
                    "first_day": d.first_day.isoformat() if d.first_day else None,
                    "last_day": d.last_day.isoformat() if d.last_day else None,
                    "final_days": d.final_days,
                    "revisable_days": d.revisable_days,
                }
            )
            for d in result.datasets
        ],
        "sync": drop_none(
            {
                "last_ok_at": sync.last_ok_at.isoformat() if sync.last_ok_at else None,
                "last_outcome": sync.last_outcome,
                "consecutive_failures": sync.consecutive_failures or None,
                "error": sync.error,
            }
        ),
    }


def compact_report(result: ReportResult) -> Json:
    """The compact JSON of any report result."""
    handlers: dict[type[Any], Any] = {
        TopSpenders: top_spenders,
        SpendSeries: spend,
        TokenSeries: tokens,
        Adoption: adoption,
        UserProfile: user,
        Ranking: ranking,
        Comparison: compare,
        FinanceComparisons: finance,
        StatusReport: status,
    }
    compacted: Json = handlers[type(result)](result)
    return compacted
