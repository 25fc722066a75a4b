"""PNG charts for the channel digest: daily spend by product and active users.

Importing this package does not import matplotlib (the CLI's `--help` must stay fast); the
renderer is imported on the first chart. Inputs are small frozen types defined here, not report
models, so the digest maps its reports onto them and the charts stay independent of reports.
Money arrives as integer micro-cents and every printed amount is formatted from exact values.

    data.py     SpendDay, ActiveDay and the pure preparation (stacking, folding, ticks, labels)
    style.py    ChartStyle (phone- and dark-mode-friendly sizes and colours), product colours
    _render.py  matplotlib drawing (Figure + FigureCanvasAgg, no pyplot)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.charts.data import ActiveDay, SpendDay, prepare_actives, prepare_spend
from bot.charts.style import DEFAULT_STYLE, ChartStyle

__all__ = [
    "DEFAULT_STYLE",
    "ActiveDay",
    "ChartStyle",
    "SpendDay",
    "active_users_chart",
    "spend_by_product_chart",
]


def spend_by_product_chart(
    days: Sequence[SpendDay],
    *,
    title: str,
    labels: Mapping[str, str] | None = None,
    style: ChartStyle = DEFAULT_STYLE,
) -> bytes:
    """Stacked daily spend per product as PNG bytes; a "No data" card when `days` is empty.

    `labels` maps raw product keys to display names; keys it lacks use the bot's standard
    product labels. The largest products keep their own colour, the rest fold into Other.
    """
    from bot.charts import _render
    from bot.reports.labels import label_for

    given = labels or {}
    stack = prepare_spend(days, lambda key: given.get(key) or label_for("product", key))
    if stack is None:
        return _render.empty_png(title, style)
    return _render.spend_png(stack, title, style)


def active_users_chart(
    days: Sequence[ActiveDay], *, title: str, style: ChartStyle = DEFAULT_STYLE
) -> bytes:
    """Daily active users as bars with the weekly actives line, as PNG bytes.

    Days with None are gaps; a "No data" card when nothing at all is reported. Raises
    ValueError when a day is given twice (distinct-user counts cannot be merged).
    """
    from bot.charts import _render

    actives = prepare_actives(days)
    if actives is None:
        return _render.empty_png(title, style)
    return _render.actives_png(actives, title, style)
