"""Which headers the simulated API accepts: today's API takes both dialects, strict modes one.

    any    (default, as today's API) the key as `x-api-key` or as `Authorization: Bearer`;
           `anthropic-version` 2023-06-01 or the SDK's, or none
    guide  only what the original guide documents: `x-api-key` and `anthropic-version: 2023-06-01`
           (third-party stand-ins written from the guide behave so)
    sdk    only what the SDK sends: `Authorization: Bearer` and the SDK's `anthropic-version`

A strict mode lets tests prove that the client works against each kind of server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from bot.simulator.errors import ApiError

AuthMode = Literal["any", "guide", "sdk"]
AUTH_MODES: dict[str, AuthMode] = {"any": "any", "guide": "guide", "sdk": "sdk"}
"""`--auth` spelling → mode."""
GUIDE_VERSION = "2023-06-01"
SDK_VERSION = "2026-10-21"
"""What anthropic 2.17 sends (`anthropic._constants.ANTHROPIC_API_VERSION`; a test ties them)."""


def authenticate(headers: Mapping[str, str], mode: AuthMode, api_key: str) -> str:
    """The key the request presents, if this mode accepts how it was presented; else `ApiError`.

    `headers` must be case-insensitive (Starlette's are). Whether the key is the right one is
    the caller's check, after this one.
    """
    key = _key(headers, mode)
    if not key or key != api_key:
        raise ApiError(401, _auth_message(mode))
    version = headers.get("anthropic-version")
    accepted = {"any": (GUIDE_VERSION, SDK_VERSION), "guide": (GUIDE_VERSION,)}.get(
        mode, (SDK_VERSION,)
    )
    if (version is None and mode != "any") or (version is not None and version not in accepted):
        raise ApiError(
            400,
            f"anthropic-version: unsupported version {version!r}; use {' or '.join(accepted)}",
        )
    return key


def _key(headers: Mapping[str, str], mode: AuthMode) -> str | None:
    bearer = headers.get("authorization", "")
    from_bearer = bearer[len("Bearer ") :] if bearer.startswith("Bearer ") else None
    if mode == "guide":
        return headers.get("x-api-key")
    if mode == "sdk":
        return from_bearer
    return headers.get("x-api-key") or from_bearer


def _auth_message(mode: AuthMode) -> str:
    if mode == "sdk":
        return "invalid bearer token: Authorization: Bearer <key> missing, invalid or revoked"
    if mode == "guide":
        return "invalid x-api-key: missing, invalid or revoked API key"
    return "invalid x-api-key or bearer token: missing, invalid or revoked API key"
