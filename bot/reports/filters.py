"""`--product` and `--model` checked against the data: an unknown value is a sentence, not $0.00.

A filter that matches nothing looks exactly like a product nobody used, so a typo (`--product
nonsense`) or another vendor's model (`--model gpt-4`) would answer "$0.00" with confidence.
Values are therefore checked against what the store holds around the asked days (the product ×
model grouping of the organisation's spend, which every per-person row also falls into):

* a product is its key or an alias (`bot.reports.command_words.product_key`: `code`, `cc` …),
  and must be one the API names (`bot.reports.labels.PRODUCTS`) or one the data has;
* a model is an id the data has, in any case (`Claude-Opus-5`), or a family: a word of the id
  (`opus`, `sonnet`, `haiku`) or a leading part of it (`claude-opus`), which stands for every
  model of the data it matches ("opus" → claude-opus-4-1 and claude-opus-5).

Anything else raises `UnknownFilterError` (an `InputError`: exit 2 on the CLI) naming the values
the data has, in one sentence. A store without that grouping has nothing to check against, and
takes the value as given.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlite_utils import Database

from bot.errors import InputError
from bot.reports.labels import PRODUCTS
from bot.reports.periods import Period
from bot.store.schema import GROUPING_PRODUCT_MODEL, NONE_KEY

SHOWN = 12
"""At most this many values are listed in the sentence (the rest are counted)."""
LOOKBACK_DAYS = 90
"""How far before the asked days a product or model still counts as one the data has."""


class UnknownFilterError(InputError):
    """A `--product` or `--model` the data does not have."""


def known(db: Database, column: str, around: Period | None = None) -> list[str]:
    """The products or models (`column`) of the synced spend, sorted: over `around` and the
    `LOOKBACK_DAYS` before it (default: up to the latest synced day), from the small product ×
    model grouping of the organisation's spend (bounded by day, so the lookup seeks the day
    index instead of reading the table). Empty when that grouping is not synced: then nothing
    can be said about a value, and it is taken as given."""
    tables = db.table_names()
    if "sync_ledger" not in tables:
        return []
    if around is None:
        row = db.execute(
            "SELECT max(day) FROM sync_ledger WHERE dataset IN ('cost_buckets', 'user_cost')"
        ).fetchone()
        if not row or not row[0]:
            return []
        last = date.fromisoformat(row[0])
        around = Period.between(last, last)
    bounds = ((around.start - timedelta(days=LOOKBACK_DAYS)).isoformat(), around.end.isoformat())
    if "cost_buckets" not in tables:
        return []
    rows = db.execute(
        f"SELECT DISTINCT [{column}] FROM cost_buckets "  # noqa: S608
        "WHERE day BETWEEN ? AND ? AND grouping = ?",
        (*bounds, GROUPING_PRODUCT_MODEL),
    ).fetchall()
    return sorted(str(v) for (v,) in rows if v and v != NONE_KEY)


def check_product(db: Database, product: str, around: Period | None = None) -> str:
    """`product` (already a key: aliases resolved) when the API or the data knows it."""
    found = known(db, "product", around)
    if not found or product in found or product in PRODUCTS:
        return product
    raise UnknownFilterError(
        f"`{product}` is not a product in the data; use {_choices(found)} "
        "(or an alias such as `code` for claude_code)."
    )


def model_family(
    db: Database, model: str, around: Period | None = None
) -> tuple[str, tuple[str, ...]]:
    """(`model` as the data spells it, the model ids it stands for): one id in any case, or
    every model of a family (then spelled in lower case)."""
    found = known(db, "model", around)
    if not found:
        return model, (model,)
    wanted = model.strip().lower()
    exact = [m for m in found if m.lower() == wanted]
    if exact:
        return exact[0], tuple(exact)
    family = tuple(m for m in found if f"-{wanted}-" in f"-{m.lower()}-" or _leads(m, wanted))
    if family and wanted:
        return wanted, family
    families = sorted({word for m in found for word in m.lower().split("-") if _family(word)})
    also = f", or a family: {_choices(families)}" if families else ""
    raise UnknownFilterError(f"`{model}` is not a model in the data; use {_choices(found)}{also}.")


def family_note(model: str, models: tuple[str, ...]) -> list[str]:
    """A sentence naming the models a family stood for (none for one exact id)."""
    if models == (model,):
        return []
    named = ", ".join(models[:-1]) + (" and " if len(models) > 1 else "") + models[-1]
    return [f"Model `{model}` covers {named}."]


def _leads(model: str, wanted: str) -> bool:
    return model.lower().startswith(wanted + "-")


def _family(word: str) -> bool:
    """A word of a model id that names a family (`opus`), not the vendor or a version."""
    return word.isalpha() and word != "claude"


def _choices(values: list[str]) -> str:
    shown = ", ".join(f"`{v}`" for v in values[:SHOWN])
    more = len(values) - SHOWN
    return shown + (f" and {more} more" if more > 0 else "")
