"""What the API says about itself, remembered in the store (`api_state`): freshness from the API,
not from a constant.

* **The latest available engagement day.** Today's API publishes a day "typically with a 1-day
  lag (varies by query)", the older guide three days after; neither is a number to hard-code.
  Before planning, a sync asks `/users` for yesterday, one row: a 200 means yesterday is
  published, and a 400 for a day not published yet names the latest one ("date must be on or
  before …"), in both eras and from third-party stand-ins alike. One request either way. The
  day is remembered with when it was learned, so `status` can show it. A sync whose probe
  failed plans up to yesterday, and each day the API has not published answers its own 400
  (counted as "not available yet", never as a failure).
* **Whether `/projects` exists for this organisation.** The new projects experience answers 404
  where it is not turned on (and every guide-era API does). A 404 is remembered for a day, so a
  sync does not spend a request per day asking again; it is asked again the next UTC day.

Authentication and permission errors propagate (no other request would succeed either); any
other failure is logged and answered with what the store remembers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlite_utils import Database

from bot.analytics.client import AnalyticsClient
from bot.analytics.errors import (
    AnalyticsError,
    ApiUnavailableError,
    AuthenticationError,
    DataNotYetAvailableError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
)
from bot.analytics.windows import FIRST_DAY
from bot.errors import InputError
from bot.store.api_state import LATEST_DAY, PROJECTS, note_projects, recall, remember

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Latest:
    """What the probe learned: the day (None if unreadable), requests sent, and whether the API
    looked down (then no further probe is worth sending)."""

    day: date | None
    requests: int
    down: bool = False


def probe_latest_day(client: AnalyticsClient, now: datetime) -> Latest:
    """The API's latest available engagement day, from one `/users` request (see the module
    docstring)."""
    yesterday = now.astimezone(UTC).date() - timedelta(days=1)
    if yesterday < FIRST_DAY:
        return Latest(None, 0)
    try:
        client.users(date=yesterday, limit=1).first_page()
    except DataNotYetAvailableError as exc:
        return Latest(exc.latest_available, 1)
    except (AuthenticationError, PermissionDeniedError):
        raise
    except (AnalyticsError, InputError) as exc:
        log.warning("could not ask the API for its latest available day (%s)", exc)
        return Latest(None, 1, isinstance(exc, ApiUnavailableError | RateLimitedError))
    return Latest(yesterday, 1)


def learn_latest_day(db: Database, client: AnalyticsClient, now: datetime) -> Latest:
    """The latest available engagement day to plan up to, learned now and remembered; its
    `day` is None when the API did not say (plan up to yesterday and let each request's 400
    say what is missing)."""
    found = probe_latest_day(client, now)
    if found.day is not None:
        remember(db, LATEST_DAY, found.day.isoformat(), now)
    return found


def probe_projects(
    db: Database, client: AnalyticsClient, now: datetime, latest: date | None
) -> tuple[bool, int]:
    """(whether to sync `/projects`, requests sent). Known present: no request (a later 404 is
    caught by the sync itself). Otherwise one request for one row of the latest day."""
    found = recall(db, PROJECTS)
    if found is not None and found[0] == "present":
        return True, 0
    day = latest or now.astimezone(UTC).date() - timedelta(days=1)
    if day < FIRST_DAY:
        return False, 0
    try:
        client.projects(date=day, limit=1).first_page()
    except NotFoundError:
        note_projects(db, now, present=False)
        return False, 1
    except (AuthenticationError, PermissionDeniedError):
        raise
    except (AnalyticsError, InputError) as exc:
        log.info("could not tell whether /projects exists (%s); syncing it anyway", exc)
        return True, 1
    note_projects(db, now, present=True)
    return True, 1


def is_absent_endpoint(error: Exception) -> bool:
    """A 404 from an endpoint only some organisations have (`/projects`)."""
    return isinstance(error, NotFoundError)
