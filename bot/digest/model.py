"""The typed digest: what `daily_digest` and `weekly_digest` compute and `render_digest` shows.

The same conventions as `bot.reports.types`: money in integer micro-cents, None for "not
available" (shown as "–", never 0), API strings raw here and escaped only by the renderer.
Sections that need per-user data (`spenders`, the named movers and newcomers) are filled only
when the subscription has `with_people`, so a digest without it cannot leak a name by mistake.
Without it a digest is what any member may see (`min_group`), so its breakdowns fold the slices
of fewer than five people as members' answers do.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.reports.periods import Period
from bot.reports.privacy import MIN_GROUP
from bot.reports.types import BreakdownRow, Delta, Model, Mover, Ranking, TopSpenders
from bot.store.freshness import Freshness
from bot.store.subscriptions import DigestKind

__all__ = [
    "AdoptionSnapshot",
    "Digest",
    "DigestKind",
    "DigestSpec",
    "MonthToDate",
    "MoverGroup",
    "Movers",
    "NewGroup",
    "Newcomers",
    "ProductMove",
    "Restatement",
    "SpendHeadline",
    "WeekPoint",
]


def min_group(with_people: bool) -> int | None:
    """The fewest people a digest shows a product, model, project, skill or connector for.

    A digest without names is read by everyone in its channel, so it folds smaller slices as a
    member's answer does (`bot.reports.privacy`): "Cowork $61.84" on a day one person used Cowork
    is that person's spend. With names (an admin's choice) nothing is folded."""
    return None if with_people else MIN_GROUP


class DigestSpec(Model):
    """What to build: the kind, the reported days, and the subscription's options."""

    kind: DigestKind
    period: Period
    with_people: bool = False
    product: str | None = None

    @property
    def min_group(self) -> int | None:
        return min_group(self.with_people)


class SpendHeadline(Model):
    """Spend of the reported day (daily) or week (weekly), for the org or one product."""

    amount_microcents: int | None
    """None when no cost data is synced for those days."""
    previous: Delta | None
    """Daily: vs the same weekday a week before. Weekly: vs the week before."""
    previous_label: str
    average_microcents: int | None = None
    """Daily only: the average day of the 7 days before."""
    vs_average: Delta | None = None
    revisable_until: date | None = None
    """The reported spend may still grow until this day (the API revises for 30 days)."""
    so_far: bool = False
    """The reported day is not complete yet (the API reports spend hours late): the amount is
    spend so far, compared with nothing (`bot.reports.coverage`)."""
    reported_until: datetime | None = None
    """With `so_far`: how far the API had reported spend when the store last synced."""


class MonthToDate(Model):
    through: date
    mtd: Delta | None
    """This month through `through` vs the same days of last month."""
    previous_period: Period | None
    projected_microcents: int | None
    projection_basis: str | None


class AdoptionSnapshot(Model):
    """Active users over `window`: the digest's days as far as activity is reported (it arrives
    about a day late and may be revised), headlined by a figure that compares like with like.

    A single day's DAU swings with the weekday (a Saturday's 30 against ~120 on weekdays), so
    the headline is the average daily actives of the window against the same days a week
    before; the latest day's DAU is shown against the same weekday a week before."""

    window: Period
    """The days averaged: the reported days of the week (weekly), or the 7 days to `day`."""
    not_reported: Period | None = None
    """The digest's days after `window` whose activity is not reported yet; None when none."""
    day: date
    """The latest reported day (the end of `window`)."""
    dau_avg: float | None
    dau_avg_change: Delta | None
    """The average vs the same days a week before (days reported on both sides)."""
    dau: int | None
    dau_change: Delta | None = None
    """`day`'s DAU vs the same weekday a week before."""
    wau: int | None
    mau: int | None
    seats: int | None
    utilisation_pct: float | None
    product_label: str | None = None
    """Set when the digest is about one product and the API reports its actives."""


class NewGroup(Model):
    """People whose first use of `label` (Claude at all, or one product) the store holds."""

    label: str
    people: int
    names: tuple[str, ...] = ()
    """Only with `with_people`."""


class Newcomers(Model):
    """People whose first activity in the store falls inside `window`: with Claude and with
    Claude Code for the organisation, with the product alone for a product digest."""

    window: Period
    groups: tuple[NewGroup, ...]


class MoverGroup(Model):
    """The seat users whose spend moved one way (up or down), taken together."""

    people: int
    change_microcents: int | None
    """Their change together; None when they are fewer than five and the digest names nobody
    (a group that small would single someone out)."""
    top_people: int | None = None
    """Without names, the biggest movers of a group of ten or more are also summed: this many
    (five), so that neither they nor the rest are fewer than five people."""
    top_change_microcents: int | None = None


class ProductMove(Model):
    key: str
    label: str
    current_microcents: int
    previous_microcents: int

    @property
    def change_microcents(self) -> int:
        return self.current_microcents - self.previous_microcents


class Movers(Model):
    """What moved between the reported days and the ones compared with: a net change is the
    sum of moves both ways, so both are shown, never one person as "the" cause."""

    change_microcents: int | None
    """The headline's net change (organisation or product); None when it has no comparison."""
    material: bool
    """The net change is at least `MATERIAL_PERCENT` % of the days before."""
    up: MoverGroup | None
    down: MoverGroup | None
    not_seat_microcents: int | None
    """The part of the net change no seat user owns (API keys, automation)."""
    products_up: tuple[ProductMove, ...] = ()
    products_down: tuple[ProductMove, ...] = ()
    people_up: tuple[Mover, ...] = ()
    people_down: tuple[Mover, ...] = ()


class WeekPoint(Model):
    """One ISO week of the 4-week trend."""

    start: date
    end: date
    spend_microcents: int | None
    dau_avg: float | None


class Restatement(Model):
    """A day whose spend was revised after a digest in this channel reported it."""

    day: date
    reported_microcents: int
    now_microcents: int


class Digest(Model):
    kind: DigestKind
    period: Period
    product: str | None
    product_label: str | None
    with_people: bool
    spend: SpendHeadline
    month: MonthToDate | None
    adoption: AdoptionSnapshot | None
    products: tuple[BreakdownRow, ...]
    models: tuple[BreakdownRow, ...]
    rankings: tuple[Ranking, ...]
    newcomers: Newcomers | None
    spenders: TopSpenders | None
    movers: Movers | None
    trend: tuple[WeekPoint, ...]
    restatements: tuple[Restatement, ...]
    reported: dict[date, int]
    """Spend per day this digest reports; stored after posting, to notice later revisions."""
    notes: tuple[str, ...]
    freshness: Freshness

    @property
    def min_group(self) -> int | None:
        return min_group(self.with_people)
