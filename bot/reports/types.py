"""Typed results of every report: what the Slack layer, the CLI, the digest and tools render.

Conventions shared by every model here:
- Money is integer **micro-cents** (`*_microcents`, 1e-6 cent; `bot.store.money` formats it).
  Floats never carry money; percentages and averages of counts are the only floats.
- `None` means "not available" (not synced, not enabled for the organisation, or no previous
  period to compare with) and must be shown as such, never as zero. A note says why.
- Every report carries its `period`, the store's `freshness` and `notes`: plain sentences (no
  markup) about missing or partial data, in the order they should be shown.
- `kind` names the report so a renderer can dispatch on it (and `model_dump()` stays
  self-describing). Models are frozen; shapes only ever change additively.
- Keys (`product`, `model`, …) are the API's raw values; `label` is a readable name for display.
  Both come from the API and must go through the mrkdwn escaper before reaching Slack.

One module, one vocabulary: the building blocks (`Model`, `Report`, `Delta`, slices and series)
come first so that report modules can import them from here without cycles.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.reports.periods import Period
from bot.store.conversations import AskingCost
from bot.store.freshness import Freshness

__all__ = [
    "Adoption",
    "ArtifactsCreated",
    "BreakdownRow",
    "ChatActivity",
    "CodeActivity",
    "CommandResult",
    "Comparison",
    "CoworkActivity",
    "DatasetStatus",
    "Delta",
    "DesignActivity",
    "Export",
    "FieldDrift",
    "FinanceComparisons",
    "HelpResult",
    "Model",
    "Mover",
    "OfficeActivity",
    "ProductActives",
    "Ranking",
    "RankingKind",
    "RankingRow",
    "Report",
    "ReportResult",
    "SeriesPoint",
    "SpendBreakdown",
    "SpendSeries",
    "SpenderRow",
    "StatusReport",
    "SyncHealth",
    "TokenBreakdown",
    "TokenSeries",
    "TopSpenders",
    "UserIdentity",
    "UserProfile",
]

SpendBreakdown = Literal["product", "model", "cost-type"]
TokenBreakdown = Literal["product", "model", "token-type"]
RankingKind = Literal["projects", "skills", "connectors"]


# --- building blocks shared by every report ----------------------------------------------


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Delta(Model):
    """A value now and in the comparison period. `percent` is None when `previous` is 0 or None."""

    current: int | float
    previous: int | float | None
    change: int | float | None
    percent: float | None

    @classmethod
    def of(cls, current: int | float, previous: int | float | None) -> Delta:
        if previous is None:
            return cls(current=current, previous=None, change=None, percent=None)
        change = current - previous
        percent = None if previous == 0 else change / previous * 100
        return cls(current=current, previous=previous, change=change, percent=percent)


class Report(Model):
    """Fields every report has."""

    period: Period
    freshness: Freshness
    notes: tuple[str, ...] = ()
    so_far: bool = False
    """No day of the period is complete yet (the API reports spend with a lag): the figures are
    what was reported so far, compared with nothing (`bot.reports.coverage`)."""


class SeriesPoint(Model):
    """One day of a series. `parts` holds the breakdown (key → value) when one was asked for."""

    day: date
    value: int
    parts: dict[str, int] = {}


class BreakdownRow(Model):
    """One slice of a total (a product, model, cost or token type), largest first."""

    key: str
    label: str
    value: int
    """Micro-cents for spend breakdowns, tokens for token breakdowns."""
    share_pct: float | None
    """Percent of the report's total; None when the total is 0."""
    previous: int | None = None
    """The same slice in the previous period; None when that period has no data."""


# --- user (one person's profile) -------------------------------------------------------------


class UserIdentity(Model):
    user_id: str
    email: str | None
    name: str | None
    deleted: bool = False


class ChatActivity(Model):
    """claude.ai chat, including chat in Chat and Cowork unified (counted apart by the API)."""

    messages: int | None
    conversations: int | None
    projects_used: int | None
    files_uploaded: int | None
    artifacts_created: int | None
    unified_messages: int | None = None
    """Of `messages`, those sent in Chat and Cowork unified (None: not reported)."""


class CodeActivity(Model):
    sessions: int | None
    commits: int | None
    pull_requests: int | None
    lines_added: int | None
    lines_removed: int | None
    tool_accepted: int | None
    tool_rejected: int | None
    acceptance_rate_pct: float | None
    """accepted / (accepted + rejected) × 100 over edit/multi-edit/notebook/write proposals."""
    artifacts_created: int | None = None


class CoworkActivity(Model):
    """Cowork, including Cowork sessions in Chat and Cowork unified."""

    messages: int | None
    sessions: int | None
    actions: int | None
    dispatch_turns: int | None
    file_edits: int | None
    artifacts_created: int | None = None


class SlackActivity(Model):
    """Claude in Slack (Claude Tag), for a person who linked a Claude account."""

    active_days: int | None
    messages: int | None


class OfficeActivity(Model):
    app: str
    """excel, powerpoint, word or outlook."""
    messages: int | None
    sessions: int | None


class DesignActivity(Model):
    messages: int | None
    sessions: int | None
    projects_created: int | None


class UserProfile(Report):
    kind: Literal["user"] = "user"
    user: UserIdentity
    spend_microcents: int | None
    list_spend_microcents: int | None
    requests: int | None
    tokens: int | None
    spend_by_product: tuple[BreakdownRow, ...]
    spend_by_model: tuple[BreakdownRow, ...]
    tokens_by_product: tuple[BreakdownRow, ...]
    tokens_by_model: tuple[BreakdownRow, ...]
    chat: ChatActivity
    claude_code: CodeActivity
    cowork: CoworkActivity
    office: tuple[OfficeActivity, ...]
    design: DesignActivity
    slack: SlackActivity | None = None
    web_searches: int | None
    active_days: int | None
    first_seen: date | None
    """First day active in the whole store (not just this period)."""
    last_seen: date | None
    spend_change: Delta | None
    tokens_change: Delta | None
    active_days_change: Delta | None
    spend_rank: int | None = None
    """1 = the biggest spender of the period among seat users."""
    spenders: int | None = None


# --- status, help and exports: results that are not usage reports -----------------------------


class DatasetStatus(Model):
    dataset: str
    first_day: date | None
    last_day: date | None
    days: int
    final_days: int
    revisable_days: int
    rows: int
    last_fetched_at: datetime | None


class SyncHealth(Model):
    """How syncing is going, from `sync_runs` (see `bot.store.runs`)."""

    last_ok_at: datetime | None = None
    """The last sync that brought the store up to date, whatever it wrote."""
    last_attempt_at: datetime | None = None
    last_outcome: str | None = None
    """ok, partial, failed or running."""
    consecutive_failures: int = 0
    error_kind: str | None = None
    """credentials, unavailable or other: the newest failure since the last good sync."""
    error: str | None = None
    """That failure's sentence (admins only: it may be a credential problem)."""


class FieldDrift(Model):
    """Where this organisation's API differs from the reference, for one dataset."""

    dataset: str
    not_sent: tuple[str, ...]
    """Documented fields no synced row carried: reports show them as "—" (not reported)."""
    undocumented: tuple[str, ...]
    """Fields the rows carried that the reference does not name (stored, not yet reported)."""


class StatusReport(Report):
    """`period` spans every synced day (today alone when nothing is synced)."""

    kind: Literal["status"] = "status"
    datasets: tuple[DatasetStatus, ...]
    sync: SyncHealth = SyncHealth()
    drift: tuple[FieldDrift, ...] = ()
    asking: AskingCost | None = None
    """What asking Claude in DMs cost lately (admins only); None when nobody asked yet."""

    def for_everyone(self) -> StatusReport:
        """Without failure details or the cost of asking: admins-only information."""
        return self.model_copy(
            update={
                "sync": self.sync.model_copy(
                    update={"error": None, "error_kind": None, "consecutive_failures": 0}
                ),
                "asking": None,
            }
        )


class HelpResult(Model):
    kind: Literal["help"] = "help"
    text: str
    topic: str | None = None


class Export(Report):
    """A report flattened to CSV-ready rows; see `bot.reports.export` for the money format."""

    kind: Literal["export"] = "export"
    report: str
    filename: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


# --- spend ------------------------------------------------------------------------------------


class SpenderRow(Model):
    rank: int
    user_id: str
    email: str | None
    name: str | None
    amount_microcents: int
    list_amount_microcents: int | None
    """None when the API reported no list price for this person's rows."""
    share_pct: float | None
    """Percent of the ranked total (`total_microcents`, or the list total when ranked by list)."""
    requests: int | None
    delta: Delta | None = None
    """Spend (by the ranking price) vs the previous period; None when that period has no data."""


class TopSpenders(Report):
    kind: Literal["top_spenders"] = "top_spenders"
    rows: tuple[SpenderRow, ...]
    by_list_price: bool
    product: str | None
    model: str | None
    limit: int
    total_count: int
    """Users with any spend (after filters); `total_count - len(rows)` are "and N more"."""
    total_microcents: int
    """Sum over all seat users with spend (after filters), not just the rows shown."""
    list_total_microcents: int | None
    """None when no row carried a list price; partial coverage is stated in `notes`."""
    org_total_microcents: int | None
    """Organisation total for the same filters from the bucketed report, which also includes
    non-seat (API key, automation) traffic; None when not synced."""
    org_list_total_microcents: int | None = None
    """The same organisation total at list price."""

    @property
    def more_count(self) -> int:
        return max(self.total_count - len(self.rows), 0)


class SpendSeries(Report):
    kind: Literal["spend"] = "spend"
    by: SpendBreakdown | None
    points: tuple[SeriesPoint, ...]
    """One per day with spend data (value in micro-cents); days not yet synced are absent."""
    breakdown: tuple[BreakdownRow, ...]
    total_microcents: int
    list_total_microcents: int | None
    """None when the API reported no list price in the period (see `notes` when partial)."""
    previous_total_microcents: int | None
    change: Delta
    sparkline: tuple[int, ...]
    """Up to 7 points: the period's days summed into 7 near-equal consecutive buckets."""


class TokenSeries(Report):
    kind: Literal["tokens"] = "tokens"
    by: TokenBreakdown | None
    points: tuple[SeriesPoint, ...]
    breakdown: tuple[BreakdownRow, ...]
    total_tokens: int
    """Tokens of the types the API reported (`notes` name the types it did not)."""
    requests: int | None
    previous_total_tokens: int | None
    change: Delta
    sparkline: tuple[int, ...]


# --- adoption ---------------------------------------------------------------------------------


class MovedPerson(Model):
    """One person on a new or lapsed list, with the days they were active on their side."""

    user_id: str
    email: str | None
    name: str | None
    first_active: date
    last_active: date
    """Within `PeopleMovement.current` for new people, `previous` for lapsed ones."""


class PeopleMovement(Model):
    """Who is new (active in `current`, not `previous`) or lapsed (the other way round)."""

    kind: Literal["new", "lapsed"]
    product: str | None
    """Active means had spend in this product (None: any `/users` activity)."""
    current: Period
    previous: Period
    """The synced days compared (the engagement delay can make them shorter than the period)."""
    people: tuple[MovedPerson, ...]


class ProductActives(Model):
    """Active users of one product; fields are None while the API does not report them."""

    product: str
    label: str
    daily: int | None
    weekly: int | None
    monthly: int | None
    daily_avg: float | None


class Adoption(Report):
    kind: Literal["adoption"] = "adoption"
    latest_day: date | None
    dau: int | None
    """Latest day's daily actives (and WAU/MAU: rolling 7/30-day windows ending that day)."""
    wau: int | None
    mau: int | None
    dau_avg: float | None
    wau_avg: float | None
    mau_avg: float | None
    seats: int | None
    pending_invites: int | None
    utilisation_pct: float | None
    """MAU / assigned seats × 100 on the latest day; None when seats are not reported."""
    products: tuple[ProductActives, ...]
    active_users: int | None
    """Distinct users active on any day of the period (from per-user activity)."""
    new_users: int | None
    """Active this period but not in the previous one (includes users coming back)."""
    returning_users: int | None
    """Active in both this period and the previous one."""
    lapsed_users: int | None
    """Active in the previous period but not in this one."""
    dau_change: Delta | None
    """Average DAU vs the previous period."""
    mau_change: Delta | None
    sparkline: tuple[int, ...]
    """DAU, averaged into up to 7 buckets (rounded)."""
    points: tuple[SeriesPoint, ...]
    """DAU per day."""
    people: PeopleMovement | None = None
    """`adoption --people new|lapsed` (admins): who those people are."""


# --- projects / skills / connectors -----------------------------------------------------------


class RankingRow(Model):
    rank: int
    key: str
    """project_id, skill_name or connector_name."""
    name: str
    peak_daily_users: int | None
    """Highest distinct-user count of any single day (daily rows cannot be de-duplicated)."""
    user_days: int | None
    """Sum of daily distinct users."""
    messages: int | None
    """Projects: messages sent in the project."""
    sessions: int | None
    """Conversations + sessions that used it, over every surface."""
    invocations: int | None
    """Skills: invocations. Connectors: tool calls (read + write + unclassified)."""
    spend_microcents: int | None
    """Skills: estimated overage spend, when the organisation has spend reporting."""
    list_spend_microcents: int | None
    """Skills: attributed list price."""
    score: int
    """The value ranked on (`Ranking.ranked_by`)."""
    delta: Delta | None
    """`score` vs the previous period; None when that period has no data."""
    source: Literal["projects", "chat_projects"] | None = None
    """Projects: the new projects experience (`/projects`) or a classic chat project
    (`/apps/chat/projects`)."""


class ArtifactsCreated(Model):
    """Artifacts created in a period, per surface (None: the API did not report that surface)."""

    total: int
    chat: int | None
    claude_code: int | None
    cowork: int | None


class Ranking(Report):
    kind: Literal["projects", "skills", "connectors"]
    ranked_by: Literal["messages", "invocations", "sessions", "user_days"]
    rows: tuple[RankingRow, ...]
    limit: int
    total_count: int
    artifacts: ArtifactsCreated | None = None
    """Projects: artifacts created in the period, where projects are shown."""

    @property
    def more_count(self) -> int:
        return max(self.total_count - len(self.rows), 0)


# --- comparisons ------------------------------------------------------------------------------


class Mover(Model):
    user_id: str
    email: str | None
    name: str | None
    current_microcents: int
    previous_microcents: int
    change_microcents: int


class Comparison(Report):
    """`period` vs `previous` (equal length for periods, calendar month vs month for months)."""

    kind: Literal["compare"] = "compare"
    mode: Literal["week", "month", "period"]
    previous: Period
    spend: Delta | None
    """Organisation spend in micro-cents (None when the current period has no cost data)."""
    tokens: Delta | None
    dau_avg: Delta | None
    wau: Delta | None
    """Latest day of each period."""
    mau: Delta | None
    active_users: Delta | None
    new_users: int | None
    returning_users: int | None
    lapsed_users: int | None
    movers_up: tuple[Mover, ...]
    movers_down: tuple[Mover, ...]
    spend_sparkline: tuple[int, ...]
    tokens_sparkline: tuple[int, ...]
    dau_sparkline: tuple[int, ...]
    previous_spend_sparkline: tuple[int, ...] = ()
    previous_tokens_sparkline: tuple[int, ...] = ()
    previous_dau_sparkline: tuple[int, ...] = ()


class FinanceComparisons(Report):
    """`period` is month-to-date through the latest day with cost data."""

    kind: Literal["finance"] = "finance"
    mtd: Delta | None
    """Spend this month through day D vs last month through the same day of the month."""
    mtd_previous_period: Period | None
    projected_month_microcents: int | None
    """The month's projected spend; `projection_basis` says how it was made (see finance.py)."""
    projection_basis: str | None = None
    """One sentence: which projection this is, from how many days, and the other figure."""
    alternative_projection_microcents: int | None = None
    """The projection not chosen (run rate vs trailing 28-day rate), for comparison."""
    yesterday_day: date | None
    yesterday_microcents: int | None
    trailing_avg_microcents: int | None
    """Average daily spend over the 7 days before `yesterday_day`."""
    yesterday_vs_avg: Delta | None
    seats: int | None
    mau: int | None
    idle_seats: int | None
    """Assigned seats − MAU (never below 0), on the latest day with a summary."""
    seat_price_cents: int | None
    idle_seat_cost_microcents: int | None
    """Monthly cost of the idle seats; None unless a seat price is configured."""


ReportResult = (
    TopSpenders
    | SpendSeries
    | TokenSeries
    | Adoption
    | UserProfile
    | Ranking
    | Comparison
    | FinanceComparisons
    | StatusReport
)
CommandResult = ReportResult | Export | HelpResult
