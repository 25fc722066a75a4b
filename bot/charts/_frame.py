"""The frame every chart shares: card, fonts, title and caption, date axis, legend, PNG bytes.

Only the object API is used (a `Figure` with its own `FigureCanvasAgg`), never pyplot, so no
global figure registry or backend switch is involved; `LOCK` still serialises drawing because
matplotlib's text and font caches are shared by all threads. Layout is "constrained", which
keeps the legend below the plot, outside the data, whatever its height.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, Formatter, FuncFormatter

from bot.charts.data import TITLE_CHARS, clean_label, runs, short_date, tick_days, usd_tick
from bot.charts.style import ChartStyle

LOCK = threading.Lock()
BAR_WIDTH = 0.78
EDGE_PX = 24
MIN_SLOTS = 7
"""A short axis is padded to this many day slots, so one day is not one huge bar."""


class UsdFormatter(Formatter):
    """Dollar tick labels from exact Decimals of the tick values (see `usd_tick`)."""

    def __init__(self) -> None:
        self._ticks: list[Decimal] = []

    def set_locs(self, locs: Sequence[float]) -> None:
        """Remember every tick (as 10-digit Decimals, dropping float noise) for the format."""
        self._ticks = [Decimal(f"{loc:.10g}") for loc in locs]

    def __call__(self, x: float, pos: int | None = None) -> str:
        locs = self._ticks or [Decimal(f"{x:.10g}")]
        step = locs[1] - locs[0] if len(locs) > 1 else Decimal(1)
        return usd_tick(Decimal(f"{x:.10g}"), step, max(abs(loc) for loc in locs))


@cache
def _glyphs(family: str) -> frozenset[int]:
    path = font_manager.findfont(font_manager.FontProperties(family=family))
    return frozenset(font_manager.get_font(path).get_charmap())


def drawable(text: str, style: ChartStyle) -> str:
    """Characters the font lacks (emoji, most CJK) become "?" instead of a box and a warning."""
    glyphs = _glyphs(style.font_family)
    return "".join(c if ord(c) in glyphs else "?" for c in text)


def title_text(title: str, chars: int, style: ChartStyle) -> str:
    """The title as drawn: cleaned like API text (it may quote some), empty when not given."""
    return drawable(clean_label(title, chars), style) if title.strip() else ""


def new_figure(style: ChartStyle, height_px: int | None = None) -> Figure:
    height = height_px or style.height_px
    fig = Figure(
        figsize=(style.width_px / style.dpi, height / style.dpi),
        dpi=style.dpi,
        facecolor=style.background,
        layout=ConstrainedLayoutEngine(w_pad=EDGE_PX / style.dpi, h_pad=18 / style.dpi),
    )
    FigureCanvasAgg(fig)
    return fig


def png_bytes(fig: Figure, style: ChartStyle) -> bytes:
    """PNG bytes without the Software chunk, so equal input gives equal bytes on any version."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=style.dpi, metadata={"Software": None})
    fig.clear()
    return buffer.getvalue()


def text_kwargs(style: ChartStyle, size: float, color: str) -> dict[str, Any]:
    return {"fontsize": size, "color": color, "fontfamily": style.font_family, "usetex": False}


def plot_axes(
    fig: Figure, style: ChartStyle, title: str, caption: str, days: int
) -> tuple[Axes, Text, Text]:
    """One plot with the title and caption above it, a light grid and no box."""
    ax = fig.add_subplot()
    ax.set_facecolor(style.background)
    heading = fig.suptitle(
        title_text(title, TITLE_CHARS, style),
        ha="left",
        fontweight="bold",
        **text_kwargs(style, style.title_size, style.text),
    )
    subtitle = ax.set_title(
        drawable(caption.replace("$", r"\$"), style),
        loc="left",
        pad=16,
        **text_kwargs(style, style.caption_size, style.muted),
    )
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(style.missing)
    ax.tick_params(labelsize=style.tick_size, colors=style.muted, length=0, pad=6)
    ax.tick_params(axis="x", which="both", length=4, color=style.missing)
    ax.yaxis.grid(True, color=style.grid, linewidth=1.2)
    ax.set_axisbelow(True)
    pad = max(MIN_SLOTS - days, 0) / 2
    ax.set_xlim(-0.6 - pad, days - 0.4 + pad)
    return ax, heading, subtitle


def date_axis(ax: Axes, axis: Sequence[date], missing: Sequence[bool], style: ChartStyle) -> bool:
    """Label weekly ticks, shade weekends, hatch days without data; True if any day is missing."""
    ticks = tick_days(axis)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _: short_date(axis[round(x)]) if 0 <= x < len(axis) else "")
    )
    ax.xaxis.set_minor_locator(FixedLocator(list(range(len(axis)))))
    ax.tick_params(axis="x", which="minor", length=2)
    for start, end in runs([day.weekday() >= 5 for day in axis]):
        ax.axvspan(start - 0.5, end - 0.5, color=style.weekend, linewidth=0, zorder=0)
    for start, end in runs(missing):
        rect = Rectangle(
            (start - BAR_WIDTH / 2, 0),
            end - start - 1 + BAR_WIDTH,
            1,
            transform=ax.get_xaxis_transform(),
            facecolor="none",
            hatch="///",
            hatchcolor=style.missing,
            linewidth=0,
            zorder=1,
        )
        ax.add_patch(rect)
    return any(missing)


def missing_patch(style: ChartStyle) -> Patch:
    return Patch(facecolor="none", hatch="///", hatchcolor=style.missing, linewidth=0)


def legend_below(fig: Figure, handles: list[Artist], labels: list[str], style: ChartStyle) -> None:
    """A legend below the plot in as few balanced rows as fit the card's width.

    Below, not beside: beside would take width, which a phone has least of.
    """
    if not handles:
        return
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    labels = [drawable(label, style) for label in labels]
    for columns in range(len(handles), 0, -1):
        rows = math.ceil(len(handles) / columns)
        legend = fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncols=math.ceil(len(handles) / rows),
            frameon=False,
            prop={"size": style.legend_size, "family": style.font_family},
            labelcolor=style.text,
            handlelength=1.1,
            handleheight=1.1,
            columnspacing=1.6,
        )
        if columns == 1 or legend.get_window_extent(renderer).width <= fig.bbox.width * 0.94:
            break
        legend.remove()
    for text in legend.get_texts():
        text.set_usetex(False)
    if rows > 2:  # grow the card rather than squash the bars under a tall legend
        extra = round(legend.get_window_extent(renderer).height * (rows - 2) / rows)
        fig.set_size_inches(style.width_px / style.dpi, (style.height_px + extra) / style.dpi)


def align_titles(
    fig: Figure, ax: Axes, heading: Text, subtitle: Text, title: str, style: ChartStyle
) -> None:
    """Start title and caption at the y tick labels' left edge, where the eye starts reading,
    and keep both inside the card: a long title is cut shorter, a long caption set smaller."""
    fig.draw_without_rendering()  # runs the layout, so tick labels have their final places
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    left = min(
        (label.get_window_extent(renderer).x0 for label in ax.get_yticklabels()),
        default=ax.bbox.x0,
    )
    heading.set_x(left / fig.bbox.width)
    subtitle.set_x((left - ax.bbox.x0) / ax.bbox.width)
    room = fig.bbox.width - left - EDGE_PX
    fit_title(heading, title, room, renderer, style)
    size = float(subtitle.get_fontsize())
    while size > 9 and subtitle.get_window_extent(renderer).width > room:
        size -= 0.5
        subtitle.set_fontsize(size)


def fit_title(heading: Text, title: str, room: float, renderer: Any, style: ChartStyle) -> None:
    """Cut the title shorter (measured, not guessed: glyph widths vary) until it fits."""
    chars = TITLE_CHARS
    while chars > 8 and heading.get_window_extent(renderer).width > room:
        chars -= 2
        heading.set_text(title_text(title, chars, style))
