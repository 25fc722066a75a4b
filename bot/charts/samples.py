"""Render sample charts for a visual review: `python -m bot.charts.samples [OUT_DIR]`
(default: charts-sample in the temporary directory).

PNG tests prove the bytes are valid, not that a chart reads well on a phone in dark mode; a
person has to look. This writes realistic charts (30 days, five products with a weekday rhythm,
a spike, a missing day; DAU ~250 with weekend dips, WAU ~400), edge cases, and for each a
400 px wide copy on Slack's dark background (#1a1d21), as a phone shows it.
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from PIL import Image

from bot.charts import ActiveDay, SpendDay, active_users_chart, spend_by_product_chart
from bot.store.money import MICROCENTS_PER_DOLLAR as DOLLAR

START = date(2025, 11, 3)
BASE = {"claude_code": 3200, "chat": 1400, "cowork": 650, "office_agent": 300}
BASE |= {"claude_in_chrome": 120}


def month_of_spend(rng: random.Random) -> list[SpendDay]:
    days = []
    for i in range(30):
        day = START + timedelta(days=i)
        if i == 17:
            continue
        rhythm = 0.35 if day.weekday() >= 5 else 1.0
        parts = {
            key: int(dollars * rhythm * rng.uniform(0.8, 1.2) * DOLLAR) + rng.randrange(DOLLAR)
            for key, dollars in BASE.items()
        }
        if i == 11:
            parts["claude_code"] *= 3
        days.append(SpendDay(day, parts))
    return days


def month_of_actives(rng: random.Random) -> list[ActiveDay]:
    days = []
    for i in range(30):
        day = START + timedelta(days=i)
        if i == 17:
            continue
        dau = int((255 if day.weekday() < 5 else 95) * rng.uniform(0.9, 1.1))
        wau = int(400 + 3 * i + rng.uniform(-10, 10))
        days.append(ActiveDay(day, dau, None if i == 25 else wau))
    return days


def charts() -> dict[str, bytes]:
    rng = random.Random(7)
    spend = month_of_spend(rng)
    hostile = "$\\alpha$ <!channel> " + "x" * 300
    extra = {"claude_design": 90 * DOLLAR, "claude_tag": 40 * DOLLAR, "(none)": 10 * DOLLAR}
    many = [SpendDay(s.day, {**s.parts, **extra, hostile: 900 * DOLLAR}) for s in spend]
    huge = [SpendDay(s.day, {k: v * 600 for k, v in s.parts.items()}) for s in spend]
    zero = [SpendDay(START + timedelta(days=i), {}) for i in range(7)]
    return {
        "spend": spend_by_product_chart(spend, title="Claude spend by product, last 30 days"),
        "spend-many": spend_by_product_chart(many, title="Folding and a hostile label " + "y" * 99),
        "spend-huge": spend_by_product_chart(huge, title="About $2M a day"),
        "spend-one": spend_by_product_chart(spend[:1], title="One day"),
        "spend-zero": spend_by_product_chart(zero, title="A week without spend"),
        "spend-empty": spend_by_product_chart([], title="Nothing synced yet"),
        "actives": active_users_chart(month_of_actives(rng), title="Active users, last 30 days"),
    }


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, png in charts().items():
        path = out / f"{name}.png"
        path.write_bytes(png)
        with Image.open(path) as image:
            width, height = image.size
            phone = image.convert("RGB").resize(
                (400, round(height * 400 / width)), Image.Resampling.LANCZOS
            )
        card = Image.new("RGB", (440, phone.height + 40), "#1a1d21")
        card.paste(phone, (20, 20))
        card.save(out / f"{name}-phone-dark.png")
        sys.stdout.write(f"{path} {width}x{height}\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.gettempdir()) / "charts-sample")
