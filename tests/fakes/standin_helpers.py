"""Helpers for tests of (or against) the Analytics API stand-in.

standin_client(api)            an httpx.Client on the API prefix with key and version headers
walk(client, path, params)     every page of a paginated listing, following `next_page`
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.fakes.standin_api import API_PREFIX, RunningStandin

Params = list[tuple[str, str | int | float | bool | None]]
"""Query parameters as httpx takes them, brackets kept literally (`group_by[]`)."""


def standin_client(api: RunningStandin, key: str | None = None) -> httpx.Client:
    """An httpx client for `api` sending the headers every real request carries."""
    headers = {"x-api-key": api.config.api_key if key is None else key}
    headers["anthropic-version"] = "2023-06-01"
    return httpx.Client(base_url=api.base_url + API_PREFIX, headers=headers, timeout=30)


def walk(
    client: httpx.Client, path: str, params: Params, max_pages: int = 200
) -> list[dict[str, Any]]:
    """All pages (parsed bodies) of one listing, first to the one whose `next_page` is null."""
    pages: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(max_pages):
        query: Params = [*params, ("page", cursor)] if cursor else list(params)
        response = client.get(path, params=query)
        assert response.status_code == 200, response.text
        pages.append(response.json())
        cursor = pages[-1]["next_page"]
        if cursor is None:
            return pages
    raise AssertionError(f"{path} did not end within {max_pages} pages")
