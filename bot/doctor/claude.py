"""Claude for questions: does `ANTHROPIC_API_KEY` work, and can it use `CLAUDE_USAGE_MODEL`?

`models.retrieve` costs no tokens and answers both (401 for the key, 404 for a model this key
cannot use); it also says when the model retires, which is worth a warning before the day.
Without a key there is nothing to check: questions go to the keyless router.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import anthropic

from bot.config import DEFAULT_MODEL, Settings
from bot.doctor.model import Finding

RETIRES_SOON = timedelta(days=30)
KEY_FIX = (
    "set ANTHROPIC_API_KEY to a key from the Claude Console, or unset it to answer questions "
    "with the keyless router"
)


def check_claude(settings: Settings, *, now: datetime) -> Finding:
    key = settings.anthropic_api_key
    if key is None:
        return Finding(
            "Claude for questions",
            "ok",
            "ANTHROPIC_API_KEY is not set: the keyless router answers questions",
        )
    model = settings.model
    try:
        with anthropic.Anthropic(
            api_key=key.get_secret_value(),
            base_url=settings.anthropic_base_url,
            max_retries=1,
            timeout=10.0,
        ) as client:
            info = client.models.retrieve(model)
    except anthropic.AuthenticationError:
        return Finding(
            "Claude for questions", "fail", "ANTHROPIC_API_KEY was rejected (401)", KEY_FIX
        )
    except anthropic.NotFoundError:
        return Finding(
            "Claude for questions",
            "fail",
            f"the model {model} is not available to this key (404)",
            f"set CLAUDE_USAGE_MODEL to a model the key can use, e.g. {DEFAULT_MODEL}",
        )
    except anthropic.PermissionDeniedError:
        return Finding("Claude for questions", "fail", "the key may not use the API (403)", KEY_FIX)
    except anthropic.APIError as exc:
        return Finding(
            "Claude for questions", "warn", f"not checked ({type(exc).__name__})", "try again later"
        )
    retires = info.retires_at
    if retires is not None and retires - now.astimezone(UTC) < RETIRES_SOON:
        return Finding(
            "Claude for questions",
            "warn",
            f"{model} retires on {retires:%Y-%m-%d}",
            f"set CLAUDE_USAGE_MODEL to a current model, e.g. {DEFAULT_MODEL}",
        )
    return Finding("Claude for questions", "ok", f"{model} answers for this key")
