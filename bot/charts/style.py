"""The charts' shared look: sized for a phone, drawn on an opaque light card, stable colours.

Slack shows an image about 360-400 px wide on a phone, so a 1200 px chart is scaled to a third:
fonts are large (16 pt at 150 dpi is 33 px, ~11 px on the phone) and ticks are few. Slack's
dark mode puts the image on a near-black background, so the card is opaque white with dark
text; a transparent PNG would put dark text on dark grey.

Product colours come from the Okabe-Ito palette (distinguishable with the common colour-vision
deficiencies) and are fixed per product key, so Claude Code has the same colour in every
digest. Unknown keys take the palette's colours that no other series of the chart uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ChartStyle:
    width_px: int = 1200
    height_px: int = 750
    empty_height_px: int = 360
    """The "No data for this period" card: same width, so the digest's layout does not jump."""
    dpi: int = 150
    font_family: str = "DejaVu Sans"
    """Bundled with matplotlib, so every machine renders the same pixels."""
    title_size: float = 21
    caption_size: float = 16
    tick_size: float = 16
    legend_size: float = 16
    note_size: float = 15
    background: str = "#FFFFFF"
    text: str = "#1F2328"
    muted: str = "#59636E"
    grid: str = "#E1E4E8"
    weekend: str = "#F0F2F5"
    missing: str = "#A8B0BA"
    dau: str = "#56B4E9"
    wau: str = "#D55E00"


DEFAULT_STYLE = ChartStyle()

OKABE_ITO = ("#E69F00", "#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
PRODUCT_COLOURS: dict[str, str] = {
    "claude_code": OKABE_ITO[0],
    "chat": OKABE_ITO[1],
    "cowork": OKABE_ITO[2],
    "office_agent": OKABE_ITO[3],
    "claude_in_chrome": OKABE_ITO[4],
    "claude_design": OKABE_ITO[5],
    "claude_tag": OKABE_ITO[6],
    "claude-in-slack": OKABE_ITO[6],
    "claude-tag": OKABE_ITO[6],
    "other": "#8C939C",
    "(none)": "#5D646D",
    "(other)": "#BCC2C9",
}
FOLDED_COLOUR = "#D3D7DC"
"""The folded "Other (N products)" series: the lightest grey, on top of the stack."""
EXTRA_COLOURS = ("#332288", "#882255", "#999933", "#44AA99", "#AA4499", "#DDCC77", "#117733")
"""Paul Tol's colours, for unknown keys once the Okabe-Ito colours free in a chart run out."""


def series_colours(keys: Sequence[str | None]) -> list[str]:
    """A colour per series (None = folded Other): fixed for known keys, distinct in a chart.

    A product the API adds tomorrow takes the first colour no other series of this chart
    uses, in the order given (largest first), so it never shares a colour with a neighbour
    and the same data always gets the same colours.
    """
    taken = {PRODUCT_COLOURS[k] for k in keys if k is not None and k in PRODUCT_COLOURS}
    free = [c for c in (*OKABE_ITO, *EXTRA_COLOURS) if c not in taken]
    out: list[str] = []
    for key in keys:
        if key is None:
            out.append(FOLDED_COLOUR)
        elif key in PRODUCT_COLOURS:
            out.append(PRODUCT_COLOURS[key])
        else:
            out.append(free.pop(0) if free else FOLDED_COLOUR)
    return out
