"""Matplotlib drawing of the two charts and the "No data" card; imported on the first chart."""

from __future__ import annotations

import math

from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.charts._frame import (
    BAR_WIDTH,
    EDGE_PX,
    LOCK,
    UsdFormatter,
    align_titles,
    date_axis,
    fit_title,
    legend_below,
    missing_patch,
    new_figure,
    plot_axes,
    png_bytes,
    text_kwargs,
    title_text,
)
from bot.charts.data import (
    TITLE_CHARS,
    ActiveAxis,
    SpendStack,
    date_range_text,
    stack_bottoms,
    usd_compact,
)
from bot.charts.style import ChartStyle, series_colours
from bot.store.money import MICROCENTS_PER_DOLLAR, format_usd


def spend_png(stack: SpendStack, title: str, style: ChartStyle) -> bytes:
    with LOCK:
        return png_bytes(spend_figure(stack, title, style), style)


def spend_figure(stack: SpendStack, title: str, style: ChartStyle) -> Figure:
    """Stacked daily bars per product with a peak label; the caption states the exact total."""
    fig = new_figure(style)
    missing = [not present for present in stack.present]
    caption = f"Total {format_usd(stack.total)} · {date_range_text(stack.days[0], stack.days[-1])}"
    if sum(missing):
        caption += f" · {sum(missing)} day{'s' if sum(missing) > 1 else ''} without data"
    ax, heading, subtitle = plot_axes(fig, style, title, caption, len(stack.days))
    date_axis(ax, stack.days, missing, style)
    handles: list[Artist] = []
    bottoms = stack_bottoms(stack.series)
    colours = series_colours([one.key for one in stack.series])
    for one, bottom, colour in zip(stack.series, bottoms, colours, strict=True):
        drawn = [i for i, value in enumerate(one.values) if value != 0]  # no 0-height slivers
        ax.bar(
            drawn,
            [one.values[i] / MICROCENTS_PER_DOLLAR for i in drawn],
            bottom=[bottom[i] / MICROCENTS_PER_DOLLAR for i in drawn],
            width=BAR_WIDTH,
            color=colour,
            edgecolor=style.background,
            linewidth=0.8,
            zorder=2,
        )
        handles.append(Patch(facecolor=colour, edgecolor=style.background, linewidth=0.8))
    labels = [one.label for one in stack.series]
    if any(missing):
        handles.append(missing_patch(style))
        labels.append("No data")
    tops = [sum(max(one.values[i], 0) for one in stack.series) for i in range(len(stack.days))]
    low = min([0, *(sum(min(one.values[i], 0) for one in stack.series) for i in range(len(tops)))])
    top = max(tops) / MICROCENTS_PER_DOLLAR if max(tops) > 0 else 1.0
    ax.set_ylim(low / MICROCENTS_PER_DOLLAR * 1.1, top * 1.18)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(UsdFormatter())
    high = max(stack.totals)
    if high > 0:  # the peak day's exact total, rounded for display, above its bar
        peak = stack.totals.index(high)
        ax.annotate(
            usd_compact(high).replace("$", r"\$"),
            (peak, tops[peak] / MICROCENTS_PER_DOLLAR),
            xytext=(0, 5),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontweight="bold",
            **text_kwargs(style, style.note_size, style.text),
        )
    elif max(tops) == 0 and low == 0:  # nothing drawn at all: say so, not a blank plot
        ax.text(
            0.5,
            0.5,
            "No spend in this period",
            transform=ax.transAxes,
            ha="center",
            va="center",
            **text_kwargs(style, style.caption_size, style.muted),
        )
    legend_below(fig, handles, labels, style)
    align_titles(fig, ax, heading, subtitle, title, style)
    return fig


def actives_png(actives: ActiveAxis, title: str, style: ChartStyle) -> bytes:
    with LOCK:
        return png_bytes(actives_figure(actives, title, style), style)


def actives_figure(actives: ActiveAxis, title: str, style: ChartStyle) -> Figure:
    """DAU bars with the rolling WAU as a line on the same axis; gaps where not reported."""
    fig = new_figure(style)
    dau = [(i, v) for i, v in enumerate(actives.dau) if v is not None]
    wau = [(i, v) for i, v in enumerate(actives.wau) if v is not None]
    parts = [date_range_text(actives.days[0], actives.days[-1])]
    if dau:
        parts.append(f"avg {round(sum(v for _, v in dau) / len(dau)):,} daily")
    if wau:
        parts.append(f"latest {wau[-1][1]:,} weekly")
    ax, heading, subtitle = plot_axes(fig, style, title, " · ".join(parts), len(actives.days))
    any_missing = date_axis(ax, actives.days, [v is None for v in actives.dau], style)
    bars = ax.bar(
        [i for i, _ in dau], [v for _, v in dau], width=BAR_WIDTH, color=style.dau, zorder=2
    )
    line_y = [math.nan if v is None else float(v) for v in actives.wau]
    (line,) = ax.plot(
        range(len(line_y)), line_y, color=style.wau, linewidth=3, zorder=3, solid_capstyle="round"
    )
    lonely = [
        (i, v)
        for i, v in wau
        if (i == 0 or actives.wau[i - 1] is None)
        and (i + 1 == len(actives.wau) or actives.wau[i + 1] is None)
    ]
    ax.plot([i for i, _ in lonely], [v for _, v in lonely], "o", color=style.wau, zorder=3)
    handles: list[Artist] = [bars.patches[0] if dau else Patch(color=style.dau), line]
    labels = ["Daily active users", "Weekly active users"]
    if any_missing:
        handles.append(missing_patch(style))
        labels.append("No data")
    high = max([v for _, v in dau] + [v for _, v in wau] + [1])
    ax.set_ylim(0, high * 1.12)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True, steps=[1, 2, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{round(x):,}"))
    legend_below(fig, handles, labels, style)
    align_titles(fig, ax, heading, subtitle, title, style)
    return fig


def empty_png(title: str, style: ChartStyle) -> bytes:
    """A small card that says so, rather than an exception or a blank attachment."""
    with LOCK:
        height = style.empty_height_px
        fig = new_figure(style, height)
        heading = fig.text(
            EDGE_PX / style.width_px,
            1 - EDGE_PX / height,
            title_text(title, TITLE_CHARS, style),
            ha="left",
            va="top",
            fontweight="bold",
            **text_kwargs(style, style.title_size, style.text),
        )
        fig.text(
            0.5,
            0.42,
            "No data for this period",
            ha="center",
            va="center",
            **text_kwargs(style, style.caption_size + 2, style.muted),
        )
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        fit_title(heading, title, style.width_px - 2 * EDGE_PX, renderer, style)
        return png_bytes(fig, style)
