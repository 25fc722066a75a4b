"""`simulate --sparse`: the same org as the dense simulator, thinned deterministically.

Every test talks HTTP to two simulators of the same org, one dense and one sparse, and compares
their answers row by row: the sparse one may only leave keys out, add undocumented ones and send
money as JSON numbers of exactly the same value; rows, pages and cursors must not change.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
import typer
from typer.testing import CliRunner

from bot.simulator.config import SimConfig
from bot.simulator.server import RunningSimulator, start_simulator
from bot.simulator.sparse import EXTRA_ENVELOPE_FIELD, SUMMARY_KEEP
from tests.sim_fixtures import SIM_NOW, api_client

Row = dict[str, Any]
Params = list[tuple[str, str | int | float | bool | None]]
"""httpx's own query-parameter item type (its list parameter is invariant)."""
Pair = tuple[httpx.Client, httpx.Client]
"""(dense, sparse) clients of the same org."""

EXTRAS = {"voice_metrics", "chrome_metrics", "archived", "preview_count", "service_tier"}
ENVELOPE_EXTRA = "schema_revision"
MONEY = {"amount", "list_amount"}
LAST_DAY = date(2026, 11, 17)  # the newest engagement day at SIM_NOW
DAYS = [(LAST_DAY - timedelta(days=i)).isoformat() for i in range(14)]
COST_WINDOW: Params = [
    ("starting_at", "2026-11-01T00:00:00Z"),
    ("ending_at", "2026-11-15T00:00:00Z"),
]
GROUP_KEYS = ("product", "model", "context_window", "inference_geo", "speed", "rbac_group_id")
_OFFICE_APP = re.compile(r"office_metrics\.(excel|powerpoint|word|outlook)")


@pytest.fixture(scope="module")
def clients() -> Iterator[Pair]:
    dense_config = SimConfig(users=80, now=SIM_NOW)
    sparse_config = dense_config.model_copy(update={"sparse": True})
    with (
        start_simulator(dense_config) as dense,
        start_simulator(sparse_config) as sparse,
        api_client(dense) as d,
        api_client(sparse) as s,
    ):
        yield d, s


def body_of(client: httpx.Client, path: str, params: Params) -> dict[str, Any]:
    """The JSON body with every non-integer number read as Decimal from its text (never float)."""
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = json.loads(response.content, parse_float=Decimal)
    return body


def rows_of(path: str, body: dict[str, Any]) -> list[Row]:
    if path == "/summaries":
        return list(body["summaries"] if "summaries" in body else body["data"])
    if path in ("/usage_report", "/cost_report"):
        return [row for bucket in body["data"] for row in bucket["results"]]
    return list(body["data"])


def row_pairs(clients: Pair, path: str, queries: list[Params]) -> list[tuple[Row, Row]]:
    """(dense, sparse) rows of every query, after checking the envelopes match."""
    pairs: list[tuple[Row, Row]] = []
    for params in queries:
        dense, sparse = (body_of(c, path, params) for c in clients)
        assert set(sparse) - {ENVELOPE_EXTRA} == set(dense)
        for key in ("next_page", "has_more", "data_refreshed_at", "organization_id"):
            assert sparse.get(key) == dense.get(key)
        dense_rows, sparse_rows = rows_of(path, dense), rows_of(path, sparse)
        assert len(sparse_rows) == len(dense_rows)
        pairs += zip(dense_rows, sparse_rows, strict=True)
    assert pairs, f"no rows from {path}: the fixture org is too small"
    return pairs


def dropped(dense: Row, sparse: Row, prefix: str = "") -> set[str]:
    """Dotted paths the sparse row left out (Office apps as `<app>`), after asserting that
    everything it kept equals the dense row (money: the same Decimal, string or number)."""
    gone = {_OFFICE_APP.sub("office_metrics.<app>", prefix + k) for k in dense if k not in sparse}
    for key, value in sparse.items():
        if not prefix and key in EXTRAS:
            continue
        assert key in dense, f"{prefix}{key}: not in the dense row"
        if isinstance(value, dict):
            gone |= dropped(dense[key], value, f"{prefix}{key}.")
        elif key in MONEY:
            assert isinstance(dense[key], str)
            assert isinstance(value, str | Decimal), f"{prefix}{key}: {value!r}"
            assert Decimal(value) == Decimal(dense[key]), f"{prefix}{key}: {value} vs {dense[key]}"
        else:
            assert value == dense[key], f"{prefix}{key}: {value!r} vs {dense[key]!r}"
    return gone


def census(pairs: list[tuple[Row, Row]]) -> Counter[str]:
    """How many rows left out each path, plus `+extra` for each undocumented key they added."""
    seen: Counter[str] = Counter()
    for dense, sparse in pairs:
        seen.update(dropped(dense, sparse))
        seen.update(f"+{key}" for key in sparse if key in EXTRAS)
    return seen


def engagement(*extra: tuple[str, str]) -> list[Params]:
    """One single-day query per day of DAYS, whole days on one page."""
    return [[("date", day), ("limit", 1000), *extra] for day in DAYS]


def assert_some(seen: Counter[str], total: int, paths: list[str]) -> None:
    for path in paths:
        assert 0 < seen[path] < total, f"{path}: left out of {seen[path]} of {total} rows"


def assert_every(seen: Counter[str], total: int, paths: list[str]) -> None:
    for path in paths:
        assert seen[path] == total, f"{path}: left out of {seen[path]} of {total} rows"


# --- what is dropped --------------------------------------------------------------------------


def test_summaries_keep_only_activity_counts_and_seats(clients: Pair) -> None:
    pairs = row_pairs(clients, "/summaries", [[("starting_date", "2026-10-20")]])
    for dense, sparse in pairs:
        assert set(sparse) == {
            "starting_at", "ending_at", "daily_active_user_count", "weekly_active_user_count",
            "monthly_active_user_count", "assigned_seat_count",
        }  # fmt: skip
        assert "chat_daily_active_user_count" in dense  # the dense org has the breakdown
        dropped(dense, sparse)


def test_users_rows_lose_blocks_and_counters(clients: Pair) -> None:
    pairs = row_pairs(clients, "/users", engagement())
    seen, total = census(pairs), len(pairs)
    assert_every(seen, total, ["last_activity_date"])
    assert_some(
        seen,
        total,
        [
            "design_metrics", "science_metrics", "office_metrics", "cowork_metrics",
            "office_metrics.<app>", "web_search_count", "chat_metrics.thinking_message_count",
            "chat_metrics.distinct_files_uploaded_count",
            "claude_code_metrics.core_metrics.lines_of_code",
            "claude_code_metrics.tool_actions.notebook_edit_tool", "+voice_metrics",
        ],
    )  # fmt: skip
    kept_cowork = total - seen["cowork_metrics"]
    assert_every(seen, kept_cowork, ["cowork_metrics.file_edit_count"])
    for _, sparse in pairs:
        assert sparse["user"]["id"].startswith("user_")
        assert "email_address" in sparse["user"]


def test_grouped_users_rows_keep_the_group(clients: Pair) -> None:
    pairs = row_pairs(clients, "/users", engagement(("group_by[]", "rbac_group_id")))
    for dense, sparse in pairs:
        for key in ("rbac_group_id", "rbac_group_name", "distinct_user_count"):
            assert sparse[key] == dense[key]


@pytest.mark.parametrize(
    ("path", "name", "every", "some"),
    [
        (
            "/skills",
            "skill_name",
            ["estimated_overage_spend", "attributed_list_price", "currency"],
            ["invocation_count", "enable_count", "share_status", "skill_display_name"],
        ),
        (
            "/connectors",
            "connector_name",
            ["read_call_count", "write_call_count", "unclassified_call_count"],
            [],
        ),
        ("/plugins", "plugin_name", [], ["plugin_id"]),
    ],
)
def test_breakdown_rows_lose_blocks_and_gated_fields(
    clients: Pair, path: str, name: str, every: list[str], some: list[str]
) -> None:
    pairs = row_pairs(clients, path, engagement())
    seen, total = census(pairs), len(pairs)
    assert_every(seen, total, every)
    blocks = ["claude_code_metrics", "cowork_metrics", "+chrome_metrics"]
    if path != "/plugins":
        blocks += ["chat_metrics", "office_metrics", "office_metrics.<app>"]
    assert_some(seen, total, some + blocks)
    for dense, sparse in pairs:
        assert sparse[name] == dense[name]
        assert sparse["distinct_user_count"] == dense["distinct_user_count"]


def test_grouped_breakdown_rows_keep_their_keys(clients: Pair) -> None:
    queries = engagement(("group_by[]", "product"), ("group_by[]", "rbac_group_id"))
    for dense, sparse in row_pairs(clients, "/skills", queries):
        for key in ("skill_name", "product", "rbac_group_id", "rbac_group_name"):
            assert sparse[key] == dense[key]


def test_project_rows_lose_optional_fields(clients: Pair) -> None:
    pairs = row_pairs(clients, "/apps/chat/projects", engagement())
    seen, total = census(pairs), len(pairs)
    assert_some(
        seen, total, ["distinct_conversation_count", "created_at", "created_by", "+archived"]
    )
    for dense, sparse in pairs:
        assert (sparse["project_id"], sparse["project_name"]) == (
            dense["project_id"],
            dense["project_name"],
        )


def test_artifact_rows_keep_their_cell(clients: Pair) -> None:
    pairs = row_pairs(clients, "/artifacts", engagement())
    seen, total = census(pairs), len(pairs)
    assert_some(seen, total, ["published_artifacts_created_count", "+preview_count"])
    for dense, sparse in pairs:
        assert (sparse["artifact_type"], sparse["is_shared"]) == (
            dense["artifact_type"],
            dense["is_shared"],
        )


def _amount_kinds(pairs: list[tuple[Row, Row]], key: str) -> Counter[str]:
    return Counter(type(sparse[key]).__name__ for _, sparse in pairs if key in sparse)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/user_cost_report", [*COST_WINDOW, ("bucket_width", "1d"), ("limit", 1000)]),
        ("/user_cost_report", [*COST_WINDOW, ("group_by[]", "cost_type"), ("limit", 1000)]),
        ("/cost_report", [*COST_WINDOW, ("group_by[]", "product"), ("limit", 31)]),
        ("/cost_report", [*COST_WINDOW, ("group_by[]", "model"), ("group_by[]", "token_type")]),
    ],
)
def test_cost_rows_lose_list_amount_and_requests_and_send_numbers(
    clients: Pair, path: str, params: Params
) -> None:
    pairs = row_pairs(clients, path, [params])  # `dropped` checks every amount's exact value
    seen, total = census(pairs), len(pairs)
    assert_some(seen, total, ["list_amount", "+service_tier"])
    if any(dense["requests"] is not None for dense, _ in pairs):
        assert_some(seen, total, ["requests"])
    for key in ("amount", "list_amount"):
        kinds = _amount_kinds(pairs, key)
        assert kinds["str"], f"{key}: {kinds}"
        assert kinds["Decimal"], f"{key}: {kinds}"
    for dense, sparse in pairs:
        assert "amount" in sparse
        assert sparse.get("actor") == dense.get("actor")
        for key in (*GROUP_KEYS, "cost_type", "token_type", "currency"):
            assert sparse[key] == dense[key]


def test_money_numbers_are_exact_in_the_json_text(clients: Pair) -> None:
    """Read the raw text: a number like 29098.200196 must be those digits, not a float's."""
    params: Params = [*COST_WINDOW, ("bucket_width", "1d"), ("limit", 1000)]
    dense, sparse = (c.get("/user_cost_report", params=params).text for c in clients)
    strings = re.findall(r'"amount":"([0-9.]+)"', dense)
    served = re.findall(r'"amount":"?([0-9.e+]+)"?', sparse)
    assert len(strings) == len(served)
    assert [Decimal(s) for s in served] == [Decimal(s) for s in strings]
    assert re.search(r'"amount":[0-9]', sparse)


@pytest.mark.parametrize(
    ("path", "params", "dropped_keys"),
    [
        (
            "/user_usage_report",
            [*COST_WINDOW, ("bucket_width", "1d"), ("limit", 1000)],
            ["server_tool_use", "cache_creation", "total_tokens", "requests"],
        ),
        (
            "/usage_report",
            [*COST_WINDOW, ("group_by[]", "product"), ("limit", 31)],
            ["server_tool_use", "cache_creation", "requests"],
        ),
    ],
)
def test_usage_rows_lose_token_blocks(
    clients: Pair, path: str, params: Params, dropped_keys: list[str]
) -> None:
    pairs = row_pairs(clients, path, [params])
    seen, total = census(pairs), len(pairs)
    assert_some(seen, total, [*dropped_keys, "+service_tier"])
    for dense, sparse in pairs:
        assert sparse.get("actor") == dense.get("actor")
        for key in GROUP_KEYS:
            assert sparse[key] == dense[key]


def test_some_envelopes_carry_an_undocumented_field(clients: Pair) -> None:
    _, sparse = clients
    bodies = [body_of(sparse, "/users", [("date", day), ("limit", 1000)]) for day in DAYS]
    with_extra = sum(ENVELOPE_EXTRA in body for body in bodies)
    assert 0 < with_extra < len(bodies)


# --- determinism, pages and cursors ----------------------------------------------------------

REQUESTS: list[tuple[str, Params]] = [
    ("/users", [("date", "2026-11-16"), ("limit", 1000)]),
    ("/summaries", [("starting_date", "2026-11-01")]),
    ("/skills", [("date", "2026-11-16")]),
    ("/user_cost_report", [*COST_WINDOW, ("limit", 50)]),
    ("/cost_report", [*COST_WINDOW, ("group_by[]", "product")]),
    ("/usage_report", [*COST_WINDOW, ("group_by[]", "model")]),
]


def test_same_request_gives_same_bytes(make_simulator: Callable[..., RunningSimulator]) -> None:
    runs: list[list[bytes]] = []
    for _ in range(2):  # two processes' worth of state: a fresh simulator each time
        sim = make_simulator(sparse=True)
        with api_client(sim) as client:
            for _ in range(2):
                runs.append([client.get(path, params=p).content for path, p in REQUESTS])
    assert runs[0] == runs[1] == runs[2] == runs[3]


def _pages(client: httpx.Client, path: str, params: Params) -> list[dict[str, Any]]:
    bodies, page = [], None
    for _ in range(200):
        body = body_of(client, path, params + ([("page", page)] if page else []))
        bodies.append(body)
        page = body["next_page"]
        if page is None:
            return bodies
    raise AssertionError("pagination did not end")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/users", [("date", "2026-11-16"), ("limit", 4)]),
        ("/users", [("starting_date", "2026-11-01"), ("ending_date", "2026-11-15"), ("limit", 9)]),
        ("/skills", [("date", "2026-11-16"), ("limit", 2)]),
        ("/user_cost_report", [*COST_WINDOW, ("limit", 5)]),
        ("/user_cost_report", [*COST_WINDOW, ("group_by[]", "token_type"), ("limit", 5)]),
        ("/usage_report", [*COST_WINDOW, ("bucket_width", "1h"), ("limit", 100)]),
    ],
)
def test_pages_and_cursors_are_the_dense_ones(clients: Pair, path: str, params: Params) -> None:
    dense, sparse = (_pages(c, path, params) for c in clients)
    assert len(dense) > 1
    assert [b["next_page"] for b in sparse] == [b["next_page"] for b in dense]
    assert [b.get("has_more") for b in sparse] == [b.get("has_more") for b in dense]
    assert [len(rows_of(path, b)) for b in sparse] == [len(rows_of(path, b)) for b in dense]


@pytest.mark.parametrize("path", ["/users", "/skills", "/user_cost_report"])
def test_the_page_size_does_not_change_a_rows_shape(clients: Pair, path: str) -> None:
    """Two syncs with different page sizes must see the same row the same way."""
    _, sparse = clients
    params: Params = (
        [*COST_WINDOW, ("bucket_width", "1d")]
        if path.endswith("report")
        else [("date", "2026-11-16")]
    )
    small = [r for b in _pages(sparse, path, [*params, ("limit", 3)]) for r in rows_of(path, b)]
    (whole,) = _pages(sparse, path, [*params, ("limit", 1000)])
    assert small == rows_of(path, whole)


# --- the command line -------------------------------------------------------------------------


def _cli() -> typer.Typer:
    from bot.simulator.cli import register

    app = typer.Typer()
    register(app)

    @app.command()
    def other() -> None:  # a second command keeps typer from collapsing to a single command
        """Unused."""

    return app


def test_simulate_help_lists_sparse() -> None:
    result = CliRunner().invoke(_cli(), ["simulate", "--help"])
    assert result.exit_code == 0
    assert "--sparse" in result.output
    assert "--legacy" in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["--sparse"], (True, False)), ([], (False, False)), (["--legacy", "--sparse"], (True, True))],
)
def test_simulate_sparse_reaches_the_config(
    monkeypatch: pytest.MonkeyPatch, args: list[str], expected: tuple[bool, bool]
) -> None:
    served: list[SimConfig] = []

    def fake_serve(config: SimConfig, *_: object) -> None:
        served.append(config)

    monkeypatch.setattr("bot.simulator.server.serve", fake_serve)
    result = CliRunner().invoke(_cli(), ["simulate", "--port", "0", *args])
    assert result.exit_code == 0, result.output
    assert [(c.sparse, c.legacy) for c in served] == [expected]


def test_sparse_applies_on_top_of_the_legacy_shapes(
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    """`--sparse --legacy`: the guide's shapes, thinned the same way."""
    sim = make_simulator(sparse=True, legacy=True)
    with api_client(sim) as client:
        summaries = client.get("/summaries", params={"starting_date": "2026-10-20"}).json()
        users = client.get("/users", params={"date": "2026-11-10", "limit": 1000}).json()
    assert set(summaries) - {EXTRA_ENVELOPE_FIELD} == {"summaries"}
    for row in summaries["summaries"]:
        assert set(row) <= set(SUMMARY_KEEP)
    assert users["data"]
    for row in users["data"]:
        assert set(row["user"]) == {"id", "email_address"}
        assert "chat_cowork_unified_metrics" not in row
        assert "claude_tag_metrics" not in row
        assert "last_activity_date" not in row
