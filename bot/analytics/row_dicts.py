"""Plain-dict validators derived from the response models, for bulk sync.

A sync reads hundreds of thousands of rows and only flattens them into table rows; building a
pydantic object per row (and dumping it back to a dict) cost four times the JSON parse itself.
`dict_adapter(PageModel)` validates a page's JSON bytes straight into nested dicts with the same
contract as the model: the same fields, the same required identity (a row without `user.id` or
`skill_name` is a validation error naming row and field), the same exact money parsing, unknown
fields kept. It is generated from the model (one `TypedDict` per model class, recursively), so
there is one schema to maintain; pydantic-core validates it in Rust at about the speed of
`json.loads`.

Differences from the model that the caller relies on: absent keys stay absent (never filled with
defaults), dates and datetimes arrive as `date`/`datetime` objects, money as `Decimal`. Model
validators (the /users "user or rbac_group_id" rule) do not carry over; the flattener checks
identity itself.
"""

from __future__ import annotations

import types
import typing
from functools import cache
from typing import Annotated, Any, NotRequired, Required, Union

from pydantic import BaseModel, ConfigDict, TypeAdapter
from typing_extensions import TypedDict

_KEEP_EXTRA = ConfigDict(extra="allow")


@cache
def dict_adapter(model: type[BaseModel]) -> TypeAdapter[Any]:
    """A cached TypeAdapter validating JSON into plain dicts shaped like `model`."""
    return TypeAdapter(_typed_dict(model))


@cache
def _typed_dict(model: type[BaseModel]) -> Any:
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        inner = _convert(info.annotation)
        if info.metadata:
            inner = Annotated[(inner, *info.metadata)]  # e.g. Money's exact parser
        wrapper = Required if info.is_required() else NotRequired
        fields[info.alias or name] = wrapper[inner]
    shape = TypedDict(f"{model.__name__}Dict", fields)  # type: ignore[misc]
    shape.__pydantic_config__ = _KEEP_EXTRA  # type: ignore[attr-defined]
    return shape


def _convert(annotation: Any) -> Any:
    """`annotation` with every BaseModel inside it replaced by its TypedDict."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _typed_dict(annotation)
    origin = typing.get_origin(annotation)
    if origin is None:
        return annotation
    args = tuple(_convert(arg) for arg in typing.get_args(annotation))
    if origin in (Union, types.UnionType):
        return Union[args]  # noqa: UP007 - built from a runtime tuple
    if origin is Annotated:
        return Annotated[args]
    if origin is list:
        return list[args[0]]  # type: ignore[valid-type]
    if origin is dict:
        return dict[args[0], args[1]]  # type: ignore[valid-type]
    return annotation
