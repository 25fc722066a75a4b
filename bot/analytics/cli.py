"""`claude-usage api ENDPOINT [--param k=v]… [--all] [--json]`: one raw endpoint call.

Only the command's declaration lives here (it must import nothing heavy: `claude-usage --help`
loads every command's module); the body is `bot.analytics.raw_call.run`.
"""

from __future__ import annotations

from typing import Annotated

import typer

ENDPOINTS: dict[str, str] = {
    "users": "users",
    "summaries": "summaries",
    "apps/chat/projects": "chat_projects",
    "projects": "projects",
    "skills": "skills",
    "connectors": "connectors",
    "plugins": "plugins",
    "artifacts": "artifacts",
    "user_usage_report": "user_usage_report",
    "user_cost_report": "user_cost_report",
    "usage_report": "usage_report",
    "cost_report": "cost_report",
}
"""API endpoint path (below /v1/organizations/analytics/) → client method."""
ALIASES = {"chat-projects": "apps/chat/projects", "chat_projects": "apps/chat/projects"}
"""Short names. `projects` is the API's own `/projects` (the new projects experience); the
classic claude.ai chat projects are `chat-projects` (`/apps/chat/projects`)."""
PASSTHROUGH = frozenset({"claude_tag_categories[]", "claude_tag_user_ids[]", "slack_channel_ids[]"})
"""Newer optional cost parameters the client does not type yet; sent as given."""


def register(app: typer.Typer) -> None:
    """Add the `api` command to the root CLI."""

    @app.command("api")
    def api(
        endpoint: Annotated[
            str, typer.Argument(help=f"One of: {', '.join([*ENDPOINTS, *ALIASES])}.")
        ],
        param: Annotated[
            list[str] | None,
            typer.Option("--param", "-p", help="key=value in the API's spelling; repeat lists."),
        ] = None,
        all_pages: Annotated[
            bool, typer.Option("--all", help="Follow every page and split long windows.")
        ] = False,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print one JSON array of every row.")
        ] = False,
    ) -> None:
        """One raw Analytics API call (`--all` follows every page)."""
        from bot.analytics.raw_call import run
        from bot.config import load_settings

        run(load_settings(), endpoint, param or [], all_pages=all_pages, as_json=as_json)
