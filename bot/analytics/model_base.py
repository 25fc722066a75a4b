"""The base of every response model, and `Money`: shared by engagement and cost/usage models."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict


def _parse_money(value: object) -> Decimal:
    """Money arrives as a decimal string of cents; a float would already have lost precision."""
    if isinstance(value, Decimal):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = Decimal(value)
        except ArithmeticError as exc:
            raise ValueError(f"not a decimal string: {value!r}") from exc
    else:
        raise ValueError(f"money must be a decimal string, got {type(value).__name__}")
    if not parsed.is_finite():
        raise ValueError(f"money must be finite, got {value!r}")
    return parsed


Money = Annotated[Decimal, BeforeValidator(_parse_money)]
"""Cents as `Decimal`, parsed from the API's string (`"41280.000000"` = US $412.80)."""


class ApiModel(BaseModel):
    """Base of every response model: immutable, tolerant of new fields."""

    model_config = ConfigDict(extra="allow", frozen=True)


RowT = TypeVar("RowT", bound=BaseModel)
