"""The deterministic synthetic organisation, and the ground truth tests compare against.

Everything is computed on demand from (seed, user, day); only the static profile tables and small
LRU caches live in memory, so a 10k-user org costs nothing until asked. Ground-truth API for tests
(days may be `date` objects or ordinals; `now` is an aware datetime):

    org.users()                       -> tuple[User, ...]   profiles (ids, emails, groups, …)
    org.groups, org.projects          -> RBAC groups, chat projects
    org.products_on(user, day)        -> int bitmask (0 = not active that day)
    org.tag_on(user, day)             -> bool                Claude in Slack (linked users)
    org.session_projects              -> projects of the new projects experience
    org.active_users(day)             -> list[int]           user indices active that day
    org.user_day(user, day)           -> UserDay | None      that user's engagement record
    org.summary_counts(day)           -> dict                DAU/WAU/MAU, per product, unified, tag
    org.cost_lines(day)               -> tuple[Line, ...]    final counts per usage slice
    org.cost_rows(day, now)           -> list[(Line, counts)] counts as visible at `now`
    org.day_cost_total(day, now, seat_only=False) -> (amount, list_amount) exact Decimal cents
    org.day_token_total(day, now, seat_only=False) -> int    all five token types summed
    org.watermark(now)                -> datetime            data_refreshed_at at `now`

`cost_rows` applies freshness (nothing after the 4-hourly watermark) and revisions (late events
until the day is 30 days old), exactly as the endpoints do.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from bot.simulator import catalog
from bot.simulator.activity import UserDay, build_user_day
from bot.simulator.config import SimConfig
from bot.simulator.profiles import (
    CHAT,
    COWORK,
    PRODUCT_BITS,
    Group,
    Project,
    User,
    build_groups,
    build_projects,
    build_users,
)
from bot.simulator.session_catalog import SessionProject, build_session_projects, memberships
from bot.simulator.spend import (
    NON_SEAT,
    SPANS,
    WEB_SEARCH,
    Line,
    automation_lines,
    seat_lines,
    slice_counts,
    token_prices,
)
from bot.simulator.stable import h64, token, unit

EARLIEST = date(2026, 1, 1)
ENGAGEMENT_LAG_DAYS = 1
"""Today's API: "typically available with a 1-day lag" (SDK 2.17 docstrings)."""
LEGACY_LAG_DAYS = 3
"""The older guide: a day is queryable three days after it was aggregated."""
REFRESH_HOURS = 4
_TAG_SHARE = 0.4  # of a linked user's active days, those with Claude in Slack activity
_GUEST_SHARE = 0.25  # of the Slack-only (unlinked) pool, active on a weekday
_WEEKEND_FACTOR = 0.18


@dataclass(frozen=True, slots=True)
class DayActivity:
    """Bitsets (bit i = user i) of who was active on one day, overall and per product."""

    active: int
    by_product: tuple[int, ...]  # aligned with profiles.PRODUCT_BITS
    unified: int = 0  # active in Chat and Cowork unified (their chat and Cowork bits cleared)
    tag: int = 0  # linked users active in Claude in Slack


def ordinal(day: date | int) -> int:
    return day if isinstance(day, int) else day.toordinal()


class SyntheticOrg:
    """A whole Enterprise org; `today` fixes where its history starts (config.days back)."""

    def __init__(self, config: SimConfig, today: date) -> None:
        self.config = config
        self.seed = config.seed
        self.start = max(EARLIEST, today - timedelta(days=config.days))
        self.organization_id = "org_01" + token(20, config.seed, "org")
        self.groups: tuple[Group, ...] = build_groups(config.seed, config.users)
        self.projects: tuple[Project, ...] = build_projects(
            config.seed, config.users, self.start.toordinal()
        )
        self._users = build_users(
            config.seed,
            config.users,
            self.start.toordinal(),
            today.toordinal(),
            len(self.groups),
            len(self.projects),
            unified=not config.legacy,
        )
        self.session_projects: tuple[SessionProject, ...] = build_session_projects(
            config.seed, config.users, self.start.toordinal()
        )
        self._memberships = tuple(
            memberships(config.seed, u, self.session_projects) for u in self._users
        )
        self.slack_guests = max(3, config.users // 10)
        """Slack users of Claude in Slack without a linked Claude account (summaries only)."""
        self.bots = max(2, config.users // 40)
        self.group_masks = tuple(
            sum(1 << u.index for u in self._users if g.index in u.groups) for g in self.groups
        )
        self.by_user_id = {u.user_id: u for u in self._users}
        self.by_email = sorted(
            self._users, key=lambda u: (u.email is None, u.email or "", u.user_id)
        )
        self._day_activity = lru_cache(maxsize=512)(self._compute_day_activity)
        self._guests = lru_cache(maxsize=512)(self._compute_guests)
        self._user_day = lru_cache(maxsize=20_000)(self._compute_user_day)
        self._cost_lines = lru_cache(maxsize=96)(self._compute_cost_lines)
        self._spikes = {day.toordinal(): factor for day, factor in config.spikes}

    # -- people -------------------------------------------------------------------------------

    def users(self) -> tuple[User, ...]:
        return self._users

    def products_on(self, user: User | int, day: date | int) -> int:
        """Bitmask of surfaces the user used on `day`; 0 when inactive."""
        u = self._users[user if isinstance(user, int) else user.index]
        d = ordinal(day)
        if not u.first_active <= d < u.end_active:
            return 0
        p = u.persona.p_active * min(1.0, 0.55 + 0.45 * u.propensity)
        if date.fromordinal(d).weekday() >= 5:
            p *= _WEEKEND_FACTOR
        x = h64(self.seed, "act", u.index, d)
        if (x & 0xFFFFFFFF) >= p * 4294967296.0:
            return 0
        bits, y = 0, x >> 32
        for k, (bit, prob) in enumerate(u.persona.products):
            if ((y >> (5 * k)) & 31) < prob * 32:
                bits |= bit
        return bits or u.persona.products[0][0]

    def tag_on(self, user: User | int, day: date | int) -> bool:
        """Whether a linked user used Claude in Slack on `day` (only on days they are active)."""
        u = self._users[user if isinstance(user, int) else user.index]
        d = ordinal(day)
        if not u.slack_linked or not self.products_on(u.index, d):
            return False
        return unit(self.seed, "tag", u.index, d) < _TAG_SHARE

    def guests_on(self, day: date | int) -> int:
        """Bitset of the unlinked Slack users active in Claude in Slack on `day`."""
        return self._guests(ordinal(day))

    def _compute_guests(self, d: int) -> int:
        mask = 0
        share = _GUEST_SHARE * (_WEEKEND_FACTOR if date.fromordinal(d).weekday() >= 5 else 1)
        for k in range(self.slack_guests):
            if d >= self.start.toordinal() and unit(self.seed, "guest", k, d) < share:
                mask |= 1 << k
        return mask

    def _compute_day_activity(self, d: int) -> DayActivity:
        active = unified = tag = 0
        by_product = [0] * len(PRODUCT_BITS)
        for u in self._users:
            if u.first_active <= d < u.end_active:
                bits = self.products_on(u.index, d)
                if bits:
                    me = 1 << u.index
                    active |= me
                    if d >= u.unified_from and bits & (CHAT | COWORK):
                        unified |= me
                        bits &= ~(CHAT | COWORK)
                    if u.slack_linked and unit(self.seed, "tag", u.index, d) < _TAG_SHARE:
                        tag |= me  # as `tag_on`, the user's activity already known
                    for k, bit in enumerate(PRODUCT_BITS):
                        if bits & bit:
                            by_product[k] |= me
        return DayActivity(active, tuple(by_product), unified, tag)

    def day_activity(self, day: date | int) -> DayActivity:
        return self._day_activity(ordinal(day))

    def active_users(self, day: date | int) -> list[int]:
        mask = self.day_activity(day).active
        return [u.index for u in self._users if mask >> u.index & 1]

    def _compute_user_day(self, index: int, d: int) -> UserDay | None:
        bits = self.products_on(index, d)
        if not bits:
            return None
        return build_user_day(
            self.seed,
            self._users[index],
            d,
            bits,
            self.projects,
            tag=self.tag_on(index, d),
            session_projects=self._memberships[index],
        )

    def user_day(self, user: User | int, day: date | int) -> UserDay | None:
        return self._user_day(user if isinstance(user, int) else user.index, ordinal(day))

    # -- engagement summaries -------------------------------------------------------------------

    def window_mask(self, day: date | int, days: int, product: int | str | None = None) -> int:
        """Users active (on `product`: a PRODUCT_BITS position, "unified" or "tag") in the
        `days`-day window ending on `day`."""
        d, mask = ordinal(day), 0
        for k in range(days):
            act = self.day_activity(d - k)
            if product is None:
                mask |= act.active
            elif product == "unified":
                mask |= act.unified
            elif product == "tag":
                mask |= act.tag
            else:
                assert isinstance(product, int)
                mask |= act.by_product[product]
        return mask

    def guest_window(self, day: date | int, days: int) -> int:
        d, mask = ordinal(day), 0
        for k in range(days):
            mask |= self.guests_on(d - k)
        return mask

    def seats(self, day: date | int) -> tuple[int, int, int]:
        """(assigned seats, pending invites, science-entitled seats) at the daily snapshot."""
        d = ordinal(day)
        seats = invites = science = 0
        for u in self._users:
            deleted_by = u.deleted and u.end_active <= d
            if u.seat_on <= d and not deleted_by:
                seats += 1
                science += u.persona.name == "scientist"
            elif u.invited_on <= d < u.seat_on:
                invites += 1
        return seats, invites, science

    def summary_counts(self, day: date | int, scope: int | None = None) -> dict[str, int]:
        """DAU/WAU/MAU overall and per product bit, optionally within a user bitset `scope`.

        Chat and Cowork count users active there outside unified mode; `{label}_unified` counts
        Chat and Cowork unified (its monthly window is 28 days org-wide, 30 when scoped, as the
        SDK documents); `{label}_tag` counts Slack users of Claude in Slack, linked or not."""
        scope_mask = -1 if scope is None else scope
        out = {}
        for label, days in (("daily", 1), ("weekly", 7), ("monthly", 30)):
            out[label] = (self.window_mask(day, days) & scope_mask).bit_count()
            for k in range(len(PRODUCT_BITS)):
                mask = self.window_mask(day, days, k) & scope_mask
                out[f"{label}_{k}"] = mask.bit_count()
            unified_days = 28 if days == 30 and scope is None else days
            out[f"{label}_unified"] = (
                self.window_mask(day, unified_days, "unified") & scope_mask
            ).bit_count()
            linked = (self.window_mask(day, days, "tag") & scope_mask).bit_count()
            out[f"{label}_tag"] = linked + self.guest_window(day, days).bit_count()
        return out

    # -- cost and usage --------------------------------------------------------------------------

    def _compute_cost_lines(self, d: int) -> tuple[Line, ...]:
        if d < self.start.toordinal():
            return ()
        act = self.day_activity(d).active
        lines: list[Line] = []
        for u in self._users:
            if act >> u.index & 1:
                lines += seat_lines(self.seed, u, d, self.products_on(u.index, d))
        weekend = date.fromordinal(d).weekday() >= 5
        lines += automation_lines(self.seed, self.bots, d, weekend)
        factor = self._spikes.get(d, 1)
        if factor != 1:
            lines = [replace(line, counts=tuple(c * factor for c in line.counts)) for line in lines]
        return tuple(lines)

    def cost_lines(self, day: date | int) -> tuple[Line, ...]:
        return self._cost_lines(ordinal(day))

    @staticmethod
    def watermark(now: datetime) -> datetime:
        """`data_refreshed_at`: the last 4-hourly export at or before `now`."""
        now = now.astimezone(UTC)
        return now.replace(
            hour=now.hour - now.hour % REFRESH_HOURS, minute=0, second=0, microsecond=0
        )

    def watermark_from_minute(self, minute: int) -> datetime:
        return self.watermark(datetime.fromtimestamp(minute * 60, UTC))

    def visible_minutes(self, day: date | int, now: datetime) -> int:
        """How many minutes of `day` the export at `now` covers (0..1440)."""
        mark = self.watermark(now)
        day_start = datetime.combine(date.fromordinal(ordinal(day)), datetime.min.time(), UTC)
        return max(0, min(1440, int((mark - day_start).total_seconds() // 60)))

    def cost_rows(self, day: date | int, now: datetime) -> list[tuple[Line, list[int]]]:
        """Every line of `day` with the counts an export at `now` shows for the whole day."""
        d = ordinal(day)
        minutes = self.visible_minutes(d, now)
        if minutes == 0:
            return []
        age = now.astimezone(UTC).date().toordinal() - d
        return [(line, slice_counts(line, age, 0, minutes)) for line in self.cost_lines(d)]

    def line_money(self, line: Line, counts: list[int]) -> tuple[Decimal, Decimal]:
        """(amount, list_amount) of some counts of `line`, exact cents."""
        amounts, lists = token_prices(
            line.model, line.context_window, line.speed, self.config.spend_multiplier
        )
        amount = sum((c * p for c, p in zip(counts[:5], amounts, strict=True)), Decimal(0))
        listed = sum((c * p for c, p in zip(counts[:5], lists, strict=True)), Decimal(0))
        extra = (
            counts[WEB_SEARCH] * catalog.WEB_SEARCH_CENTS
            + counts[SPANS] * catalog.CODE_EXECUTION_CENTS
        )
        extra *= self.config.spend_multiplier
        return amount + extra, listed + extra

    def day_cost_total(
        self, day: date | int, now: datetime, seat_only: bool = False
    ) -> tuple[Decimal, Decimal]:
        amount = listed = Decimal(0)
        for line, counts in self.cost_rows(day, now):
            if seat_only and line.user == NON_SEAT:
                continue
            a, b = self.line_money(line, counts)
            amount, listed = amount + a, listed + b
        return amount, listed

    def day_token_total(self, day: date | int, now: datetime, seat_only: bool = False) -> int:
        return sum(
            sum(counts[:5])
            for line, counts in self.cost_rows(day, now)
            if not (seat_only and line.user == NON_SEAT)
        )
