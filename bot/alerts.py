"""What deserves an alert: budgets crossing 50/80/100 % (or forecast to), and spend anomalies.

Pure evaluation over the store at a given UTC day; posting and the message lifecycle are in
`bot.slack.alert_post`. Each alert is a *breach* (one per budget and month, one per anomalous
day) with the set of thresholds it has crossed so far; the lifecycle posts one message per
breach and updates it when a new threshold joins the set.

Budgets: spend month to date through the last complete UTC day, for the organisation or one
product, against the budget; thresholds `50`, `80`, `100` (percent spent) and `forecast` (the
month-end forecast, `bot.budgets.forecast`, reaches 100 %).

Anomalies (`ANOMALY_RULE`): a complete day among the last `LOOKBACK_DAYS` whose spend is at
least `FACTOR`× the median of the same weekday over the previous 4 weeks (3 of them synced, at
least) and at least half an average day above it; `SEVERE_FACTOR`× or more is severe. The
median ignores one odd week; half an average day keeps a quiet Sunday going from $2 to $7
from paging anyone. Over a $0 median every amount is more than `SEVERE_FACTOR`× of it, so a
day flagged there (it was half an average day or more above $0) is severe, and no ratio is
given: the message says what flagged it instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlite_utils import Database

from bot.budgets import Budget, Forecast, forecast, list_budgets, percent_of
from bot.digest.sections import scope_spend
from bot.digest.spend import average
from bot.reports.finance import TRAILING_DAYS
from bot.reports.privacy import SMALL_KEY, fold_note, people_per_key, small_keys

THRESHOLDS = ("50", "80", "forecast", "100")
"""Budget thresholds in the order a message lists them."""
FACTOR = 3
SEVERE_FACTOR = 5
BASELINE_WEEKS = 4
MIN_BASELINE_DAYS = 3
LOOKBACK_DAYS = 7
ANOMALY_RULE = (
    f"a day is flagged when its spend is at least {FACTOR}× the median of the same weekday "
    f"over the previous {BASELINE_WEEKS} weeks and at least half an average day above it; "
    f"{SEVERE_FACTOR}× or more is severe (over a $0 median, any flagged day)"
)


@dataclass(frozen=True)
class BudgetStatus:
    budget: Budget
    month: str
    """`2026-11`."""
    through: date | None
    """The last complete day of the month with spend synced; None on the 1st."""
    spent_microcents: int
    spent_pct: Decimal
    forecast: Forecast | None
    forecast_pct: Decimal | None
    crossed: tuple[str, ...]


@dataclass(frozen=True)
class Anomaly:
    day: date
    amount_microcents: int
    baseline_microcents: int
    """The median of the same weekday over the previous weeks (whole micro-cents)."""
    baseline_days: tuple[date, ...]
    typical_microcents: int
    """The average day of the 28 days before."""
    ratio: Decimal | None
    """amount / baseline to 0.1; None when the baseline is 0 (then the level is `severe`)."""
    level: str
    """`high` or `severe`."""


def budget_status(
    db: Database, budget: Budget, today: date, products: Sequence[str] | None = None
) -> BudgetStatus:
    """Month to date (complete days before `today`) against `budget`, and what it crossed.
    `products`: judge the spend of these products together (a folded slice, `shown_budgets`)
    instead of the budget's own scope."""
    month_days = _month_days(today)
    spent = _spend(db, month_days, budget, products)
    if not spent:
        return BudgetStatus(budget, f"{today:%Y-%m}", None, 0, Decimal(0), None, None, ())
    through = max(spent)
    amount = sum(spent.values())
    window = [through - timedelta(days=n) for n in range(TRAILING_DAYS)]
    trailing = average(list(_spend(db, window, budget, products).values()))
    projected = forecast(amount, through, trailing)
    pct = percent_of(amount, budget.amount_microcents)
    forecast_pct = percent_of(projected.month_end_microcents, budget.amount_microcents)
    crossed = [t for t in ("50", "80", "100") if pct >= Decimal(t)]
    if forecast_pct >= 100:
        crossed.append("forecast")
    ordered = tuple(t for t in THRESHOLDS if t in crossed)
    return BudgetStatus(
        budget, f"{today:%Y-%m}", through, amount, pct, projected, forecast_pct, ordered
    )


def _month_days(today: date) -> list[date]:
    """The complete UTC days of `today`'s month (none on the 1st)."""
    first = today.replace(day=1)
    return [first + timedelta(days=n) for n in range((today - first).days)]


def _spend(
    db: Database, days: list[date], budget: Budget, products: Sequence[str] | None
) -> dict[date, int]:
    if products is None:
        return scope_spend(db, days, budget.product)
    total: dict[date, int] = {}
    for product in products:
        for day, amount in scope_spend(db, days, product).items():
            total[day] = total.get(day, 0) + amount
    return total


def budget_statuses(db: Database, today: date) -> list[BudgetStatus]:
    return [budget_status(db, budget, today) for budget in list_budgets(db)]


def shown_budgets(
    db: Database, today: date, *, min_group: int | None = None
) -> tuple[list[BudgetStatus], str | None]:
    """Every budget as `budget show` gives it, and a note when some were folded.

    With `min_group` (set by authorization for a member), the budgets of products fewer than
    `min_group` people used this month are folded as every member surface folds a small slice
    (`bot.reports.privacy`): one "fewer than 5 people each" budget holding their amounts,
    judged against their spend together, so no one's spend can be read off a small product.
    """
    budgets = list_budgets(db)
    month_days = _month_days(today)
    small: set[str] = set()
    if min_group is not None and month_days:  # the 1st shows no spend at all
        people = people_per_key(db, "user_cost", "product", month_days)
        small = small_keys(people, [b.scope for b in budgets if b.scope], min_group)
    shown = [budget_status(db, b, today) for b in budgets if b.scope not in small]
    if not small:
        return shown, None
    folded = Budget(SMALL_KEY, sum(b.amount_microcents for b in budgets if b.scope in small))
    shown.append(budget_status(db, folded, today, products=sorted(small)))
    return shown, fold_note(len(small), "products")


def anomalies(db: Database, today: date, lookback: int = LOOKBACK_DAYS) -> list[Anomaly]:
    """Organisation spend anomalies among the `lookback` complete days before `today`."""
    days = [today - timedelta(days=n) for n in range(lookback, 0, -1)]
    earliest = days[0] - timedelta(days=7 * BASELINE_WEEKS)
    span = [earliest + timedelta(days=n) for n in range((today - earliest).days)]
    history = scope_spend(db, span, None)
    found = []
    for day in days:
        if day not in history:
            continue
        result = _judge(day, history)
        if result is not None:
            found.append(result)
    return found


def _median(values: list[int]) -> int:
    """The median in whole micro-cents (half up), in integers: no float touches money."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    pair = ordered[middle - 1] + ordered[middle]
    return (pair + 1) // 2


def _judge(day: date, history: dict[date, int]) -> Anomaly | None:
    amount = history[day]
    weeks = [day - timedelta(days=7 * k) for k in range(1, BASELINE_WEEKS + 1)]
    same = [w for w in weeks if w in history]
    if len(same) < MIN_BASELINE_DAYS:
        return None
    baseline = _median([history[w] for w in same])
    before = [day - timedelta(days=n) for n in range(1, 29)]
    typical = average([history[b] for b in before if b in history]) or 0
    if amount < FACTOR * baseline or 2 * (amount - baseline) < typical:
        return None
    ratio = None
    if baseline > 0:
        ratio = (Decimal(amount) / Decimal(baseline)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    severe = amount >= SEVERE_FACTOR * baseline  # a $0 median: any flagged day (see above)
    return Anomaly(
        day=day,
        amount_microcents=amount,
        baseline_microcents=baseline,
        baseline_days=tuple(sorted(same)),
        typical_microcents=typical,
        ratio=ratio,
        level="severe" if severe else "high",
    )
