"""Endpoint methods of the engagement & adoption family (users, summaries, projects, …).

Each method checks the date rules locally (nothing before 2026-01-01, no day that has not ended),
always sends `limit` (default 1000: the fewest requests for bulk sync; the API's own default
differs between sources), and returns a lazy `Paged`. An open range (no `ending_date`) is sent
open, so the API ends it at its latest available day: the client never guesses that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Literal

from bot.analytics.errors import InvalidParameterError
from bot.analytics.models import (
    ArtifactActivity,
    ChatProjectUsage,
    ConnectorUsage,
    DailySummary,
    EngagementPage,
    PluginUsage,
    ProjectUsage,
    SkillUsage,
    SummariesResponse,
    UserActivity,
)
from bot.analytics.pagination import Paged
from bot.analytics.params import check_limit, encode
from bot.analytics.session import ApiSession, Params
from bot.analytics.windows import (
    MAX_WINDOW_DAYS,
    check_engagement_day,
    check_engagement_range,
    split_days,
)

Order = Literal["asc", "desc"]
MAX_LIMIT = 1000
"""Largest page the API serves (`limit` 1–1000)."""
BULK_LIMIT = MAX_LIMIT
"""Bulk sync asks for the largest page, so 10k users cost 10 requests a day, not 100."""


class EngagementEndpoints:
    """Mixin of `AnalyticsClient`: needs `_session` and `_clock`."""

    _session: ApiSession
    _clock: Callable[[], dt.datetime]

    def _today(self) -> dt.date:
        return self._clock().astimezone(dt.UTC).date()

    def _selection(
        self, date: dt.date | None, starting_date: dt.date | None, ending_date: dt.date | None
    ) -> dict[str, dt.date | None]:
        """Single-day or range mode, validated; an open range is sent open (the API ends it at
        its latest available day)."""
        today = self._today()
        if (date is None) == (starting_date is None):
            raise InvalidParameterError("Give exactly one of date (one day) or starting_date.")
        if date is not None:
            if ending_date is not None:
                raise InvalidParameterError("ending_date is only valid with starting_date.")
            check_engagement_day(date, today=today)
            return {"date": date}
        assert starting_date is not None
        check_engagement_range(starting_date, ending_date or today, today=today)
        return {"starting_date": starting_date, "ending_date": ending_date}

    def _engagement(
        self,
        *,
        date: dt.date | None,
        starting_date: dt.date | None,
        ending_date: dt.date | None,
        filters: Sequence[str] | None,
        group_by: Sequence[str] | None,
        limit: int,
        order: Order | None,
        order_by: str | None,
        extra_params: Sequence[tuple[str, str]],
    ) -> Params:
        return encode(
            {
                **self._selection(date, starting_date, ending_date),
                "filters": filters,
                "group_by": group_by,
                "limit": check_limit(limit, maximum=MAX_LIMIT),
                "order": order,
                "order_by": order_by,
            },
            extra_params,
        )

    def users(
        self,
        *,
        date: dt.date | None = None,
        starting_date: dt.date | None = None,
        ending_date: dt.date | None = None,
        filters: Sequence[str] | None = None,
        group_by: Sequence[str] | None = None,
        limit: int = BULK_LIMIT,
        order: Order | None = None,
        order_by: str | None = None,
        extra_params: Sequence[tuple[str, str]] = (),
    ) -> Paged[UserActivity, EngagementPage[UserActivity]]:
        """`/users`: one row per user (or RBAC group) for a day or a date range."""
        params = self._engagement(
            date=date, starting_date=starting_date,
            ending_date=ending_date, filters=filters, group_by=group_by, limit=limit,
            order=order, order_by=order_by, extra_params=extra_params,
        )  # fmt: skip
        return Paged(self._session, "users", EngagementPage[UserActivity], [params])

    def chat_projects(
        self,
        *,
        date: dt.date | None = None,
        starting_date: dt.date | None = None,
        ending_date: dt.date | None = None,
        filters: Sequence[str] | None = None,
        group_by: Sequence[str] | None = None,
        limit: int = BULK_LIMIT,
        order: Order | None = None,
        order_by: str | None = None,
        extra_params: Sequence[tuple[str, str]] = (),
    ) -> Paged[ChatProjectUsage, EngagementPage[ChatProjectUsage]]:
        """`/apps/chat/projects`: one row per claude.ai chat project."""
        params = self._engagement(
            date=date, starting_date=starting_date,
            ending_date=ending_date, filters=filters, group_by=group_by, limit=limit,
            order=order, order_by=order_by, extra_params=extra_params,
        )  # fmt: skip
        page = EngagementPage[ChatProjectUsage]
        return Paged(self._session, "apps/chat/projects", page, [params])

    def projects(
        self,
        *,
        date: dt.date | None = None,
        starting_date: dt.date | None = None,
        ending_date: dt.date | None = None,
        filters: Sequence[str] | None = None,
        group_by: Sequence[str] | None = None,
        limit: int = BULK_LIMIT,
        order: Order | None = None,
        order_by: str | None = None,
        extra_params: Sequence[tuple[str, str]] = (),
    ) -> Paged[ProjectUsage, EngagementPage[ProjectUsage]]:
        """`/projects`: one row per project of the new projects experience (today's API; a 404
        for organisations without it). Classic chat projects are `chat_projects`."""
        params = self._engagement(
            date=date, starting_date=starting_date,
            ending_date=ending_date, filters=filters, group_by=group_by, limit=limit,
            order=order, order_by=order_by, extra_params=extra_params,
        )  # fmt: skip
        return Paged(self._session, "projects", EngagementPage[ProjectUsage], [params])

    def skills(
        self,
        *,
        date: dt.date | None = None,
        starting_date: dt.date | None = None,
        ending_date: dt.date | None = None,
        filters: Sequence[str] | None = None,
        group_by: Sequence[str] | None = None,
        limit: int = BULK_LIMIT,
        order: Order | None = None,
        order_by: str | None = None,
        extra_params: Sequence[tuple[str, str]] = (),
    ) -> Paged[SkillUsage, EngagementPage[SkillUsage]]:
        """`/skills`: one row per skill (used only when explicitly activated)."""
        params = self._engagement(
            date=date, starting_date=starting_date,
            ending_date=ending_date, filters=filters, group_by=group_by, limit=limit,
            order=order, order_by=order_by, extra_params=extra_params,
        )  # fmt: skip
        return Paged(self._session, "skills", EngagementPage[SkillUsage], [params])

    def connectors(
        self,
        *,
        date: dt.date | None = None,
        starting_date: dt.date | None = None,
        ending_date: dt.date | None = None,
        filters: Sequence[str] | None = None,
        group_by: Sequence[str] | None = None,
        limit: int = BULK_LIMIT,
        order: Order | None = None,
        order_by: str | None = None,
        extra_params: Sequence[tuple[str, str]] = (),
    ) -> Paged[ConnectorUsage, EngagementPage[ConnectorUsage]]:
        """`/connectors`: one row per (normalized) MCP connector."""
        params = self._engagement(
            date=date, starting_date=starting_date,
            ending_date=ending_date, filters=filters, group_by=group_by, limit=limit,
            order=order, order_by=order_by, extra_params=extra_params,
        )  # fmt: skip
        return Paged(self._session, "connectors", EngagementPage[ConnectorUsage], [params])

    def plugins(
        self,
        *,
        date: dt.date | None = None,
        starting_date: dt.date | None = None,
        ending_date: dt.date | None = None,
        filters: Sequence[str] | None = None,
        group_by: Sequence[str] | None = None,
        limit: int = BULK_LIMIT,
        order: Order | None = None,
        order_by: str | None = None,
        extra_params: Sequence[tuple[str, str]] = (),
    ) -> Paged[PluginUsage, EngagementPage[PluginUsage]]:
        """`/plugins`: one row per plugin (Cowork and Claude Code)."""
        params = self._engagement(
            date=date, starting_date=starting_date,
            ending_date=ending_date, filters=filters, group_by=group_by, limit=limit,
            order=order, order_by=order_by, extra_params=extra_params,
        )  # fmt: skip
        return Paged(self._session, "plugins", EngagementPage[PluginUsage], [params])

    def artifacts(
        self,
        *,
        date: dt.date,
        filters: Sequence[str] | None = None,
        group_by: Sequence[str] | None = None,
        limit: int = BULK_LIMIT,
        extra_params: Sequence[tuple[str, str]] = (),
    ) -> Paged[ArtifactActivity, EngagementPage[ArtifactActivity]]:
        """`/artifacts`: artifact creation by MIME type for one day (no range mode)."""
        check_engagement_day(date, today=self._today())
        params = encode(
            {
                "date": date,
                "filters": filters,
                "group_by": group_by,
                "limit": check_limit(limit, maximum=MAX_LIMIT),
            },
            extra_params,
        )
        return Paged(self._session, "artifacts", EngagementPage[ArtifactActivity], [params])

    def summaries(
        self,
        *,
        starting_date: dt.date,
        ending_date: dt.date | None = None,
        filters: Sequence[str] | None = None,
        extra_params: Sequence[tuple[str, str]] = (),
    ) -> Paged[DailySummary, SummariesResponse]:
        """`/summaries`: one row per day in `[starting_date, ending_date)`, 31 days per request.

        Today's API serves up to 366 days at once, the older guide's 31: 31-day windows work
        with both, at one request a month. An open range leaves its last window open, so the
        API ends it at its latest available day (its default, "latest available + 1").
        """
        today = self._today()
        end = ending_date or today
        check_engagement_range(starting_date, end, today=today)
        spans = split_days(starting_date, end, max_days=MAX_WINDOW_DAYS)
        windows = [
            encode(
                {
                    "starting_date": a,
                    "ending_date": None if ending_date is None and b == end else b,
                    "filters": filters,
                },
                extra_params,
            )
            for a, b in spans
        ]
        return Paged(self._session, "summaries", SummariesResponse, windows, paginated=False)
