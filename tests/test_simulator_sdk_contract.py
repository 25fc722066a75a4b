"""The simulator speaks today's API, whose contract is the anthropic SDK's types (2.17).

Every endpoint the simulator serves is walked in every parameter mode that changes a row's shape
(one day, a date range, each `group_by[]` and `filter[]` it serves, bucket widths and report
groupings), every page followed. Each row must satisfy its SDK model strictly, which the SDK's
own `BaseModel` does not enforce (it allows extra keys and is built for leniency):

* no key the model does not declare, recursively (aliases as declared);
* every key the model requires present;
* the model validates in pydantic's strict mode (types and `Literal`s respected, no coercion);
* the envelope has exactly the page class's keys (`SyncPageCursor`, `SyncReportPageCursor`).

Across all rows of an endpoint every declared field must be sent somewhere, except the few
listed in `NOT_SERVED`, so the new blocks (Chat and Cowork unified, Claude Tag,
`artifacts_created_count`, connector display names, …) are proven present, not merely allowed.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from anthropic.pagination import SyncPageCursor, SyncReportPageCursor
from anthropic.types.beta.organization import (
    BetaAnalyticsCostReportTimeBucket,
    BetaAnalyticsCostUsersItem,
    BetaAnalyticsSessionProjectActivity,
    BetaAnalyticsUsageReportTimeBucket,
    BetaAnalyticsUsageUsersItem,
)
from anthropic.types.organization import (
    AnalyticsArtifactActivity,
    AnalyticsConnectorActivity,
    AnalyticsPluginActivity,
    AnalyticsProjectActivity,
    AnalyticsSingleDayActivitySummary,
    AnalyticsSkillActivity,
    AnalyticsUserActivity,
)
from pydantic import BaseModel, ValidationError

from bot.simulator.config import SimConfig
from bot.simulator.server import RunningSimulator, start_simulator
from tests.sim_fixtures import SIM_NOW, api_client

TODAY = SIM_NOW.date()
LATEST = TODAY - timedelta(days=1)  # today's API: a 1-day lag
DAY = str(TODAY - timedelta(days=5))
YOUNG = str(LATEST)  # inside the revision window
RANGE = [("starting_date", str(TODAY - timedelta(days=20))), ("ending_date", str(LATEST))]
OPEN_RANGE = [("starting_date", str(TODAY - timedelta(days=9)))]
START = f"{TODAY - timedelta(days=3)}T00:00:00Z"
END = f"{TODAY - timedelta(days=1)}T00:00:00Z"
Params = list[tuple[str, str]]

ENGAGEMENT_PAGE = frozenset(SyncPageCursor.model_fields)
REPORT_PAGE = frozenset(SyncReportPageCursor.model_fields)

MODELS: dict[str, type[BaseModel]] = {
    "/users": AnalyticsUserActivity,
    "/summaries": AnalyticsSingleDayActivitySummary,
    "/apps/chat/projects": AnalyticsProjectActivity,
    "/skills": AnalyticsSkillActivity,
    "/connectors": AnalyticsConnectorActivity,
    "/plugins": AnalyticsPluginActivity,
    "/artifacts": AnalyticsArtifactActivity,
    "/projects": BetaAnalyticsSessionProjectActivity,
    "/user_usage_report": BetaAnalyticsUsageUsersItem,
    "/user_cost_report": BetaAnalyticsCostUsersItem,
    "/usage_report": BetaAnalyticsUsageReportTimeBucket,
    "/cost_report": BetaAnalyticsCostReportTimeBucket,
}
REPORTS = frozenset({"/user_usage_report", "/user_cost_report", "/usage_report", "/cost_report"})


def _group(*dims: str) -> Params:
    return [("group_by[]", d) for d in dims]


def _engagement_modes(dims: tuple[str, ...]) -> list[Params]:
    modes: list[Params] = [[("date", DAY)], [("date", YOUNG)], RANGE, OPEN_RANGE]
    modes += [[("date", DAY), *_group(d)] for d in dims]
    modes += [[*RANGE, *_group(d)] for d in dims]
    return modes


def _modes(sim: RunningSimulator) -> dict[str, list[Params]]:
    org = sim.org
    group = org.groups[0].group_id
    user = next(u.user_id for u in org.users() if org.user_day(u.index, TODAY - timedelta(5)))
    chat_project = org.projects[len(org.projects) // 2].project_id
    new_project = org.session_projects[0].project_id
    per_user_cost = [
        [("starting_at", START), ("ending_at", END)],
        [("starting_at", START), ("ending_at", END), *_group("product", "model")],
        [("starting_at", START), ("ending_at", END), *_group("cost_type", "token_type")],
        [("starting_at", START), ("ending_at", END), ("bucket_width", "1d"), *_group("speed")],
        [("starting_at", START), *_group("rbac_group_id", "context_window", "inference_geo")],
    ]
    per_user_usage = [m for m in per_user_cost if ("group_by[]", "cost_type") not in m]
    bucketed: list[Params] = [
        [("starting_at", START), ("ending_at", END), ("bucket_width", "1d")],
        [("starting_at", START), ("ending_at", END), ("bucket_width", "1d"), *_group("product")],
        [("starting_at", START), ("bucket_width", "1h"), ("limit", "48"), *_group("model")],
        [("starting_at", START), ("ending_at", END), *_group("rbac_group_id", "speed")],
    ]
    return {
        "/users": [
            *_engagement_modes(("rbac_group_id",)),
            [("date", DAY), ("filter[]", f"user_id:{user}")],
            [("date", DAY), ("filter[]", f"rbac_group_id:{group}")],
            [("date", DAY), ("filter[]", f"project_id:{chat_project}")],
            [*RANGE, ("order_by", "chat_message_count")],
        ],
        "/summaries": [
            [("starting_date", str(TODAY - timedelta(days=60)))],
            [("starting_date", str(TODAY - timedelta(days=300))), ("ending_date", str(TODAY))],
            [("starting_date", DAY), ("filter[]", f"rbac_group_id:{group}")],
        ],
        "/apps/chat/projects": [
            *_engagement_modes(("user_id", "rbac_group_id")),
            [("date", DAY), ("filter[]", f"project_id:{chat_project}")],
        ],
        "/skills": [
            *_engagement_modes(("product", "user_id", "rbac_group_id")),
            [*RANGE, ("filter[]", "product:chat_cowork_unified")],
        ],
        "/connectors": [
            *_engagement_modes(("product", "user_id", "rbac_group_id")),
            [("date", DAY), ("filter[]", "product:chat_cowork_unified")],
        ],
        "/plugins": [
            *_engagement_modes(("product", "user_id", "rbac_group_id")),
            [*RANGE, ("filter[]", "product:chat_cowork_unified")],
        ],
        "/artifacts": [
            [("date", DAY)],
            [("date", YOUNG)],
            *([("date", DAY), *_group(d)] for d in ("product", "user_id", "rbac_group_id")),
            [("date", DAY), ("filter[]", "product:claude_code")],
        ],
        "/projects": [
            *_engagement_modes(("user_id", "rbac_group_id")),
            [*RANGE, ("filter[]", f"project_id:{new_project}")],
        ],
        "/user_usage_report": per_user_usage,
        "/user_cost_report": per_user_cost,
        "/usage_report": bucketed,
        "/cost_report": [*bucketed, [*bucketed[1], *_group("cost_type", "token_type")]],
    }


NOT_SERVED: dict[str, frozenset[str]] = {
    # Claude-in-Slack breakdowns of the legacy reports: this org's simulated spend has none.
    "/user_usage_report": frozenset(
        {"claude_tag_category", "claude_tag_user_id", "slack_channel_id"}
    ),
    "/user_cost_report": frozenset(
        {"claude_tag_category", "claude_tag_user_id", "slack_channel_id"}
    ),
    "/usage_report": frozenset(
        {"results.claude_tag_category", "results.claude_tag_user_id", "results.slack_channel_id"}
    ),
    "/cost_report": frozenset(
        {"results.claude_tag_category", "results.claude_tag_user_id", "results.slack_channel_id"}
    ),
}
"""Fields the SDK declares that the simulator never sends (optional ones, by design)."""


@pytest.fixture(scope="module")
def sim() -> Iterator[RunningSimulator]:
    with start_simulator(SimConfig(users=60, now=SIM_NOW)) as running:
        yield running


@pytest.fixture(scope="module")
def client(sim: RunningSimulator) -> Iterator[httpx.Client]:
    with api_client(sim) as c:
        yield c


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models inside `X`, `X | None`, `list[X]`, `Annotated[Union[...], …]`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found += _models_in(arg)
    return found


def strict_problems(model: type[BaseModel], value: Any, where: str) -> list[str]:
    """Every way `value` departs from `model` beyond what pydantic itself checks: keys the
    model does not declare, required keys missing (recursively)."""
    if not isinstance(value, dict):
        return [f"{where}: expected an object for {model.__name__}, got {type(value).__name__}"]
    fields = {info.alias or name: info for name, info in model.model_fields.items()}
    problems = [
        f"{where}.{key}: not declared by {model.__name__}" for key in value if key not in fields
    ]
    problems += [
        f"{where}.{key}: required by {model.__name__}, missing"
        for key, info in fields.items()
        if info.is_required() and key not in value
    ]
    for key, item in value.items():
        info = fields.get(key)
        if info is None or item is None:
            continue
        nested = _models_in(info.annotation)
        if not nested:
            continue
        elements = item if isinstance(item, list) else [item]
        for index, element in enumerate(elements):
            here = f"{where}.{key}" + (f"[{index}]" if isinstance(item, list) else "")
            attempts: list[list[str]] = [strict_problems(m, element, here) for m in nested]
            if all(attempts):
                fewest = sorted(attempts, key=len)[0]
                problems.extend(fewest)
    return problems


def _paths(value: Any, prefix: str = "") -> Iterator[str]:
    """Dotted paths of every key present (lists walked), for coverage of declared fields."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield prefix + key
            yield from _paths(item, f"{prefix}{key}.")
    elif isinstance(value, list):
        for item in value:
            yield from _paths(item, prefix)


def _declared(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    for name, info in model.model_fields.items():
        key = prefix + (info.alias or name)
        yield key
        for nested in _models_in(info.annotation):
            yield from _declared(nested, key + ".")


def _walk(client: httpx.Client, path: str, params: Params) -> Iterator[dict[str, Any]]:
    page: str | None = None
    for _ in range(200):
        response = client.get(path, params=[*params, *([("page", page)] if page else [])])
        assert response.status_code == 200, (path, params, response.text)
        body: dict[str, Any] = response.json()
        yield body
        page = body.get("next_page")
        if not page:
            return
    raise AssertionError(f"{path} {params}: pagination did not end")


@pytest.mark.parametrize("path", list(MODELS))
def test_every_row_is_exactly_what_the_sdk_declares(
    client: httpx.Client, sim: RunningSimulator, path: str
) -> None:
    model = MODELS[path]
    envelope = REPORT_PAGE if path in REPORTS else ENGAGEMENT_PAGE
    seen: set[str] = set()
    rows = 0
    for params in _modes(sim)[path]:
        for body in _walk(client, path, params):
            assert set(body) == envelope, (path, params, sorted(body))
            for index, row in enumerate(body["data"]):
                where = f"{path}?{params} data[{index}]"
                assert strict_problems(model, row, where) == []
                try:
                    model.model_validate_json(json.dumps(row), strict=True)
                except ValidationError as exc:  # pragma: no cover - the message is the point
                    raise AssertionError(f"{where}: {exc}") from exc
                seen.update(_paths(row))
                rows += 1
    assert rows > 0, path
    unsent = set(_declared(model)) - seen
    assert unsent == NOT_SERVED.get(path, frozenset()), (path, sorted(unsent))


def test_the_checker_catches_each_kind_of_departure() -> None:
    """The strictness lives in this test, so it is tested too: an extra key at any depth, a
    missing required key, a null where the SDK wants a string, an unknown Literal value."""
    good = {"id": "user_01", "email_address": "ada@example.com", "type": "user"}
    model = AnalyticsUserActivity
    base = json.loads(json.dumps(_minimal_user_row(good)))
    assert strict_problems(model, base, "row") == []
    model.model_validate_json(json.dumps(base), strict=True)

    extra = json.loads(json.dumps(base))
    extra["chat_metrics"]["voice_count"] = 1
    assert strict_problems(model, extra, "row") == [
        "row.chat_metrics.voice_count: not declared by AnalyticsChatMetrics"
    ]
    missing = json.loads(json.dumps(base))
    del missing["claude_code_metrics"]["core_metrics"]["artifacts_created_count"]
    assert strict_problems(model, missing, "row") == [
        "row.claude_code_metrics.core_metrics.artifacts_created_count: required by "
        "AnalyticsCoreCodeMetrics, missing"
    ]
    for broken in (
        {**base, "user": {**good, "email_address": None}},
        {**base, "user": {**good, "type": "user_actor"}},
        {**base, "web_search_count": "3"},
    ):
        with pytest.raises(ValidationError):
            model.model_validate_json(json.dumps(broken), strict=True)


def _minimal_user_row(user: dict[str, str]) -> dict[str, Any]:
    office = {"message_count": 0, "skills_used_count": 0, "connectors_used_count": 0}
    tool = {"accepted_count": 0, "rejected_count": 0}
    return {
        "user": user,
        "web_search_count": 0,
        "chat_metrics": {
            "message_count": 1, "thinking_message_count": 0, "connectors_used_count": 0,
            "distinct_artifacts_created_count": 0, "distinct_projects_created_count": 0,
            "shared_conversations_viewed_count": 0,
        },
        "claude_code_metrics": {
            "core_metrics": {
                "commit_count": 0, "pull_request_count": 0, "artifacts_created_count": 0,
                "lines_of_code": {"added_count": 0, "removed_count": 0},
            },
            "tool_actions": dict.fromkeys(
                ("edit_tool", "multi_edit_tool", "notebook_edit_tool", "write_tool"), tool
            ),
        },
        "cowork_metrics": {
            "message_count": 0, "action_count": 0, "dispatch_turn_count": 0,
            "skills_used_count": 0, "connectors_used_count": 0, "artifacts_created_count": 0,
        },
        "office_metrics": {app: office for app in ("excel", "powerpoint", "word", "outlook")},
        "design_metrics": {"message_count": 0, "distinct_projects_created_count": 0},
        "science_metrics": {
            "message_count": 0, "delegation_count": 0, "remote_compute_job_count": 0,
            "skills_used_count": 0,
        },
    }  # fmt: skip


def test_types_module_has_no_other_analytics_row_model() -> None:
    """Every engagement and report row model the SDK exports is one this test walks (or the new
    beta `/cost` and `/usage` rows, which are not served by these endpoints), so a model added by
    a newer SDK shows up here rather than going unchecked."""
    import anthropic.types.beta.organization as beta
    import anthropic.types.organization as ga

    def rows(module: types.ModuleType, suffixes: tuple[str, ...]) -> set[str]:
        return {
            name
            for name in dir(module)
            if name.endswith(suffixes) and isinstance(getattr(module, name), type)
        }

    walked = {m.__name__ for m in MODELS.values()}
    ga_rows = rows(ga, ("Activity", "ActivitySummary"))
    beta_rows = rows(beta, ("Activity", "ActivitySummary", "UsersItem", "TimeBucket"))
    beta_twins = {"Beta" + name for name in ga_rows}
    assert ga_rows <= walked
    assert beta_rows - beta_twins <= walked
