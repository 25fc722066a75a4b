"""Lazy, restartable iteration over the API's cursor pages and over split windows.

`Paged` is what every list endpoint returns: iterating it yields rows, `.pages()` yields the typed
pages (so callers see `data_refreshed_at` per page and window), `.dict_pages()` the same pages as
validated plain dicts (bulk sync: see `bot.analytics.row_dicts`), `.first_page()` sends exactly
one request. Nothing is sent before iteration starts.

Page sizes are the server's: a page may hold fewer rows than `limit` (even none) or more; only
the cursor (`next_page`) and `has_more` end a sequence. Money sent as bare JSON numbers is quoted
in the raw bytes first, so it is parsed exactly (`model_base.quote_money`).

A query may be several requests: one per window (periods longer than the API allows are split by
the client) and, inside a window, one per page. Each window's page sequence is buffered until its
last page arrives, because a cursor error (400 with changed parameters, 410 when expired) forces a
restart from page one: buffering means a restart never hands the caller duplicate or mixed rows,
and a sync writes one complete window at a time anyway. Restarts are bounded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, Protocol, TypeVar, cast

from pydantic import BaseModel, TypeAdapter, ValidationError

from bot.analytics.errors import CursorError, ResponseFormatError
from bot.analytics.model_base import quote_money
from bot.analytics.row_dicts import dict_adapter
from bot.analytics.session import API_PREFIX, ApiSession, Params

log = logging.getLogger(__name__)

RowT = TypeVar("RowT")
T = TypeVar("T")


class PageModel(Protocol):
    """What `Paged` needs from a page model: its rows and the next cursor."""

    @property
    def rows(self) -> Sequence[Any]: ...

    @property
    def next_page(self) -> str | None: ...


PageT = TypeVar("PageT", bound=PageModel)

DEFAULT_MAX_RESTARTS = 2
MONEY_ENDPOINTS = frozenset({"user_cost_report", "cost_report", "skills", "projects"})
"""Endpoints whose rows carry money (the only ones worth scanning for bare JSON numbers)."""


class Paged(Generic[RowT, PageT]):
    """The rows of one logical query, fetched lazily window by window and page by page.

    `betas` are sent as `anthropic-beta` with every request (beta endpoints such as `/cost`
    and `/usage` require `session.USAGE_COST_BETA`).
    """

    def __init__(
        self,
        session: ApiSession,
        endpoint: str,
        page_model: type[PageT],
        windows: Sequence[Params],
        *,
        paginated: bool = True,
        max_restarts: int = DEFAULT_MAX_RESTARTS,
        betas: Sequence[str] = (),
    ) -> None:
        self._session = session
        self._betas = tuple(betas)
        self._endpoint = endpoint
        self._page_model = page_model
        self._windows = list(windows)
        self._paginated = paginated
        self._max_restarts = max_restarts

    def __iter__(self) -> Iterator[RowT]:
        for page in self.pages():
            yield from cast(Sequence[RowT], page.rows)

    def pages(self) -> Iterator[PageT]:
        """Every page of every window, in order; each window is complete before it is yielded."""
        for params in self._windows:
            yield from self._sequence(params, self._model_page)

    def dict_pages(self) -> Iterator[dict[str, Any]]:
        """The same pages validated into plain dicts: no object per row (bulk sync)."""
        for params in self._windows:
            yield from self._sequence(params, self._dict_page)

    def mapped_pages(self, transform: Callable[[dict[str, Any]], T]) -> Iterator[T]:
        """`transform(page)` of every dict page, applied as each page arrives: a window is still
        complete before anything is yielded (cursor restarts), but what waits for the window is
        the transformed result, not the parsed page (bulk sync keeps table rows, not JSON)."""
        for params in self._windows:
            yield from self._sequence(params, self._dict_page, transform)

    def decoded_pages(
        self, decode: Callable[[bytes], T | None], fallback: Callable[[dict[str, Any]], T]
    ) -> Iterator[T]:
        """Each page through `decode(raw JSON bytes)` (bulk sync's fast path); a page it
        declines (None) is validated into a dict page, as `mapped_pages` does, for `fallback`.
        Either result carries the page's `next_page` (and `has_more`): they decide what follows.
        """

        def page(body: bytes) -> T:
            fast = decode(body)
            return fast if fast is not None else fallback(self._dict_page(body))

        for params in self._windows:
            yield from self._sequence(params, page)

    def first_page(self) -> PageT:
        """Only the first page of the first window: one request (`api` without `--all`)."""
        return self._model_page(self._get(self._windows[0], cursor=None))

    def _get(self, params: Params, *, cursor: str | None) -> bytes:
        sent = [*params, ("page", cursor)] if cursor is not None else list(params)
        body = self._session.get(self._endpoint, sent, betas=self._betas)
        return quote_money(body) if self._endpoint in MONEY_ENDPOINTS else body

    def _model_page(self, body: bytes) -> PageT:
        model = self._page_model
        return self._validated(body, lambda: model.model_validate_json(body))  # type: ignore[attr-defined,no-any-return]

    def _dict_page(self, body: bytes) -> dict[str, Any]:
        adapter: TypeAdapter[Any] = dict_adapter(cast(type[BaseModel], self._page_model))
        page = self._validated(body, lambda: adapter.validate_json(body))
        return cast(dict[str, Any], page)

    def _validated(self, body: bytes, validate: Any) -> Any:
        try:
            return validate()
        except ValidationError as exc:
            first = exc.errors()[0]
            where = _location(first["loc"])
            raise ResponseFormatError(
                f"{where}: {first['msg']} ({exc.error_count()} problems)",
                path=API_PREFIX + self._endpoint,
            ) from exc

    def _sequence(
        self, params: Params, decode: Any, transform: Callable[[Any], Any] | None = None
    ) -> list[Any]:
        """All pages of one window, restarting from page one on a cursor error (bounded)."""
        last_error: CursorError | None = None
        for restart in range(self._max_restarts + 1):
            if restart:
                log.info(
                    "analytics %s: page cursor rejected (%s, request-id %s); restart %d from "
                    "page one",
                    self._endpoint,
                    last_error.status if last_error else "-",
                    last_error.request_id if last_error else "-",
                    restart,
                )
            try:
                return self._walk(params, decode, transform)
            except CursorError as exc:
                last_error = exc
        assert last_error is not None
        raise CursorError(
            last_error.api_message or "",
            status=last_error.status or 400,
            restarts=self._max_restarts,
            request_id=last_error.request_id,
        )

    def _walk(
        self, params: Params, decode: Any, transform: Callable[[Any], Any] | None
    ) -> list[Any]:
        pages: list[Any] = []
        seen: set[str] = set()
        cursor: str | None = None
        while True:
            page = decode(self._get(params, cursor=cursor))
            cursor, more = _continuation(page)
            pages.append(page if transform is None else transform(page))
            if not self._paginated or cursor is None or more is False:
                return pages
            if cursor in seen:
                raise ResponseFormatError(
                    "the API returned the same page cursor twice", path=API_PREFIX + self._endpoint
                )
            seen.add(cursor)


def _continuation(page: Any) -> tuple[str | None, bool | None]:
    """(next cursor, has_more) of a model or dict page; has_more None when the API omits it."""
    if isinstance(page, dict):
        return page.get("next_page"), page.get("has_more")
    return page.next_page, getattr(page, "has_more", None)


def _location(loc: Sequence[int | str]) -> str:
    """`data[3].user.id`: which row and which field, as a person reads it."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"
