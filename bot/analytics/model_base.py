"""The base of every response model, and `Money`: shared by engagement and cost/usage models."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict


def _parse_money(value: object) -> Decimal:
    """Money arrives as a decimal string of cents. Some servers send a JSON number instead; the
    client quotes those in the raw bytes before validation (`quote_money`), so the text of the
    number is parsed, never a float that has already lost precision. An int is exact too."""
    if isinstance(value, Decimal):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except ArithmeticError as exc:
            raise ValueError(f"not a decimal string: {value!r}") from exc
    elif isinstance(value, int) and not isinstance(value, bool):
        parsed = Decimal(value)
    else:
        raise ValueError(f"money must be a decimal string, got {type(value).__name__}")
    if not parsed.is_finite():
        raise ValueError(f"money must be finite, got {value!r}")
    return parsed


Money = Annotated[Decimal, BeforeValidator(_parse_money)]
"""Cents as `Decimal`, parsed from the API's string (`"41280.000000"` = US $412.80)."""


class ApiModel(BaseModel):
    """Base of every response model: immutable, tolerant of new fields."""

    model_config = ConfigDict(extra="allow", frozen=True, defer_build=True)


RowT = TypeVar("RowT", bound=BaseModel)


MONEY_FIELDS = ("amount", "list_amount", "estimated_overage_spend", "attributed_list_price")
_BARE_MONEY = re.compile(
    rb'(?<!\\)("(?:' + b"|".join(f.encode() for f in MONEY_FIELDS) + rb')"\s*:\s*)'
    rb"(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)(?=\s*[,}\]])"
)


def quote_money(body: bytes) -> bytes:
    """JSON bytes with every money field sent as a bare number rewritten as a string of the same
    digits (`"amount": 41280.5` → `"amount": "41280.5"`).

    The reference promises decimal strings, but other servers send numbers, and any JSON parser
    turns a number into a float first: `12345678901234567.123456` comes back as
    `12345678901234568`. Quoting the text before parsing keeps every digit. Runs on raw bytes in
    C (a regex), so it costs nothing next to the parse; a body without money is returned as is.
    """
    if b'"amount"' not in body and b"_spend" not in body and b"_price" not in body:
        return body
    return _BARE_MONEY.sub(rb'\1"\2"', body)
