"""The body of `claude-usage api`: API-spelled `k=v` parameters → the client's typed keywords.

Parameters use the API's own names (`date=2026-03-02`, `products[]=chat`, `filter[]=…`) and are
converted to the client method's typed keywords by reading its signature, so the CLI cannot drift
from the client: every rule the client enforces (dates, windows, limits) applies here too, and
errors surface as the same one-sentence `ClaudeUsageError`s (`bot.cli` prints them and exits).
Kept apart from `bot.analytics.cli` so `claude-usage --help` never imports the client.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import types
import typing
from collections.abc import Sequence
from typing import Any

import typer
from pydantic import SecretStr

from bot.analytics.cli import ALIASES, ENDPOINTS, PASSTHROUGH
from bot.analytics.client import AnalyticsClient
from bot.analytics.errors import InvalidParameterError, MissingApiKeyError
from bot.analytics.output import print_table, rows_as_json
from bot.analytics.pagination import Paged
from bot.analytics.params import ARRAY_NAMES
from bot.config import Settings
from bot.console.sanitize import json_safe
from bot.errors import InputError

_KEYWORD_OF = {api.removesuffix("[]"): kw for kw, api in ARRAY_NAMES.items()}


def resolve_endpoint(name: str) -> str:
    """The canonical endpoint for `name` (leading slashes and the API prefix are tolerated)."""
    cleaned = name.strip().strip("/").removeprefix("v1/organizations/analytics/")
    cleaned = ALIASES.get(cleaned, cleaned)
    if cleaned not in ENDPOINTS:
        raise InputError(f"Unknown endpoint {name!r}; choose one of: {', '.join(ENDPOINTS)}.")
    return cleaned


def _convert(raw: str, hint: Any, name: str) -> Any:
    """`raw` converted to the (non-None part of the) annotation `hint`."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    try:
        if hint is dt.datetime:
            value = dt.datetime.fromisoformat(raw)
            return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        if hint is dt.date:
            return dt.date.fromisoformat(raw)
        if hint is int:
            return int(raw)
        if hint is bool:
            if raw.lower() not in ("true", "false"):
                raise ValueError(raw)
            return raw.lower() == "true"
    except ValueError:
        kind = {dt.datetime: "an RFC 3339 timestamp", dt.date: "a date YYYY-MM-DD",
                int: "an integer", bool: "true or false"}[hint]  # fmt: skip
        raise InvalidParameterError(f"{name} must be {kind}, not {raw!r}.") from None
    if typing.get_origin(hint) is typing.Literal and raw not in typing.get_args(hint):
        choices = ", ".join(str(arg) for arg in typing.get_args(hint))
        raise InvalidParameterError(f"{name} must be one of {choices}, not {raw!r}.")
    return raw


def build_kwargs(method: Any, params: Sequence[str]) -> dict[str, Any]:
    """Typed keyword arguments for `method` from `k=v` strings in the API's spelling."""
    hints = typing.get_type_hints(method)
    accepted = [p for p in inspect.signature(method).parameters if p != "extra_params"]
    kwargs: dict[str, Any] = {}
    extra: list[tuple[str, str]] = []
    for item in params:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise InvalidParameterError(f"--param takes key=value, not {item!r}.")
        if key in PASSTHROUGH and "products" in accepted:
            extra.append((key, raw))
            continue
        bare = key.removesuffix("[]")
        keyword = _KEYWORD_OF.get(bare, bare)
        if keyword not in accepted:
            shown = [ARRAY_NAMES.get(p, p) for p in accepted]
            raise InvalidParameterError(
                f"Unknown parameter {key!r} for this endpoint; valid: {', '.join(shown)}."
            )
        if keyword in ARRAY_NAMES:
            kwargs.setdefault(keyword, []).append(raw)
        elif keyword in kwargs:
            raise InvalidParameterError(f"{key} was given twice; only list parameters repeat.")
        else:
            kwargs[keyword] = _convert(raw, hints[keyword], key)
    if extra:
        kwargs["extra_params"] = extra
    signature = inspect.signature(method).parameters.values()
    missing = [p.name for p in signature if p.default is inspect.Parameter.empty]
    for name in missing:
        if name not in kwargs:
            raise InvalidParameterError(f"This endpoint needs --param {name}=….")
    return kwargs


def run(
    settings: Settings, endpoint: str, params: Sequence[str], *, all_pages: bool, as_json: bool
) -> None:
    """Call one endpoint and print its rows (the body of `claude-usage api`)."""
    canonical = resolve_endpoint(endpoint)
    key = settings.analytics_api_key
    # Requests are lazy: building the query validates dates and parameters without a key, so
    # a bad date is reported as such even before a key is configured.
    with AnalyticsClient(
        base_url=settings.analytics_base_url, api_key=key or SecretStr("")
    ) as client:
        method = getattr(client, ENDPOINTS[canonical])
        paged: Paged[Any, Any] = method(**build_kwargs(method, params))
        if key is None:
            raise MissingApiKeyError()
        pages = list(paged.pages()) if all_pages else [paged.first_page()]
    if as_json:
        typer.echo(json_safe(json.dumps(rows_as_json(pages), ensure_ascii=False, indent=2)))
    else:
        print_table(canonical, pages, complete=all_pages)
