"""Benchmark: what a question costs in Claude's input tokens — compact results vs raw pages.

    .venv/bin/python bench/ask.py [--users 300] [--days 40]

Ten scripted questions, each answered the way Claude would: it calls Analytics API tools (two in
parallel for the comparison), reads the results and answers. The fake Anthropic Messages API
(tests/fakes) plays Claude and counts every request's input tokens, cache reads and writes
with its documented tokenizer (⌈UTF-8 bytes / 4⌉ per piece). The same script runs twice against
the same simulated org and store:

    compact   the bot's handlers: totals, top rows and "N more", at most 4 KB per result
    raw       the naive tool: the endpoint's pages as JSON, every row (`claude-usage api --all`)

and prints, per question and in total, the input (prompt) tokens each way, their ratio, and the
share of the compact prompt read from the prompt cache (tools and system prompt are cache
breakpoints; automatic caching covers the conversation). Ratios are measured in this one run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydantic import SecretStr

from bot.analytics.client import AnalyticsClient
from bot.analytics.output import rows_as_json
from bot.config import DEFAULT_MODEL, Settings
from bot.simulator.config import SimConfig
from bot.simulator.server import start_simulator
from bot.store.schema import open_store
from bot.store.sync import sync
from tests.fakes.anthropic_api import FakeAnthropic, Usage, prompt_tokens, reply, tool_use
from tests.fakes.anthropic_fixtures import anthropic_client
from tools.agent import Agent
from tools.api_tools import METHODS, endpoint_input_model
from tools.handlers import ToolContext, ToolOutcome, run_tool
from tools.report_tools import Asker

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
Call = tuple[str, dict[str, Any]]
QUESTIONS: tuple[tuple[str, tuple[Call, ...]], ...] = (
    ("Who were the top spenders last week?",
     (("api_user_cost_report", {"starting_at": "2026-11-09", "ending_at": "2026-11-16"}),)),
    ("How much did we spend by product this month?",
     (("api_cost_report", {"starting_at": "2026-11-01", "group_by": ["product"]}),)),
    ("Which models cost the most in the last 30 days?",
     (("api_cost_report", {"starting_at": "2026-10-21", "ending_at": "2026-11-20",
                           "group_by": ["model"]}),)),
    ("How many people were active last week?",
     (("api_summaries", {"starting_date": "2026-11-09", "ending_date": "2026-11-16"}),)),
    ("Who used Claude Code the most on November 16?",
     (("api_users", {"date": "2026-11-16"}),)),
    ("Which connectors were used most last week?",
     (("api_connectors", {"starting_date": "2026-11-09", "ending_date": "2026-11-16"}),)),
    ("Which skills are used most?",
     (("api_skills", {"starting_date": "2026-11-09", "ending_date": "2026-11-16"}),)),
    ("Tokens by model yesterday?",
     (("api_usage_report", {"starting_at": "2026-11-19", "ending_at": "2026-11-20",
                            "group_by": ["model"]}),)),
    ("Who used the most tokens this month?",
     (("api_user_usage_report", {"starting_at": "2026-11-01"}),)),
    ("Compare spend this week with last week.",
     (("api_cost_report", {"starting_at": "2026-11-09", "ending_at": "2026-11-16"}),
      ("api_cost_report", {"starting_at": "2026-11-02", "ending_at": "2026-11-09"}))),
)  # fmt: skip
ANSWER = "Here is what the data shows for that period."


def raw_pages(name: str, raw: Mapping[str, Any], ctx: ToolContext) -> ToolOutcome:
    """The naive tool: the same endpoint call, every page's rows as JSON (no compaction)."""
    values = endpoint_input_model(name).model_validate(dict(raw)).model_dump()
    assert ctx.analytics is not None
    with ctx.analytics() as client:
        method = getattr(client, METHODS[name])
        pages = list(method(**{k: v for k, v in values.items() if v is not None}).pages())
    content = json.dumps(rows_as_json(pages), ensure_ascii=False)
    return ToolOutcome(name, raw, content, False, name)


@dataclass
class Measured:
    prompt: list[int]
    cached: int
    total: int
    result_bytes: int
    fixed: int
    """Tokens of the tools and system prompt: in every request, read from cache after the
    first."""


def run_script(fake: FakeAnthropic, ctx: ToolContext, *, raw: bool) -> Measured:
    """Ask the ten questions; per question, the prompt tokens the fake counted."""
    fake.cache.clear()
    fake.clear()
    per_question: list[int] = []
    sizes = 0
    with anthropic_client(fake) as client:
        # the naive baseline differs only in how a tool call is answered
        agent = Agent(client, model=DEFAULT_MODEL, stream=False,
                      runner=raw_pages if raw else run_tool)  # fmt: skip
        for index, (question, calls) in enumerate(QUESTIONS):
            fake.set_script([reply(*(tool_use(n, i) for n, i in calls)), ANSWER])
            before = len(fake.requests())
            result = agent.ask(question, ctx=ctx, thread=f"bench:{raw}:{index}")
            requests = fake.requests()[before:]
            per_question.append(sum(r.usage.prompt_tokens for r in requests if r.usage))
            sizes += sum(len(c.content.encode()) for c in result.calls)
    totals: Usage = fake.totals()
    first = fake.requests()[0].body
    fixed = prompt_tokens({"tools": first["tools"], "system": first["system"], "messages": []})
    return Measured(
        per_question, totals.cache_read_input_tokens, totals.prompt_tokens, sizes, fixed
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--days", type=int, default=40)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="claude-usage-bench-ask-") as tmp,
        start_simulator(SimConfig(seed=7, users=args.users, days=args.days + 60, now=NOW)) as sim,
        FakeAnthropic() as fake,
    ):
        path = str(Path(tmp) / "store.db")
        db = open_store(path)
        key = SecretStr(sim.config.api_key)
        with AnalyticsClient(base_url=sim.base_url, api_key=key, clock=lambda: NOW) as client:
            sync(db, client, now=NOW, since=date(2026, 10, 1))

        def analytics() -> AnalyticsClient:
            return AnalyticsClient(base_url=sim.base_url, api_key=key, clock=lambda: NOW)

        ctx = ToolContext(db=db, today=NOW.date(), now=NOW, asker=Asker("UBENCH", True),
                          settings=Settings(), db_path=path, analytics=analytics)  # fmt: skip
        compact = run_script(fake, ctx, raw=False)
        raw = run_script(fake, ctx, raw=True)
        db.close()
    print(f"ask: {len(QUESTIONS)} scripted questions, {args.users}-user simulated org, "
          "input tokens per question as the fake Anthropic API counts them")  # fmt: skip
    print(f"{'question':<50} {'compact':>9} {'raw pages':>11} {'raw/compact':>12}")
    for (question, _), small, big in zip(QUESTIONS, compact.prompt, raw.prompt, strict=True):
        print(f"{question[:50]:<50} {small:>9,} {big:>11,} {big / small:>11.1f}×")
    mean_small = sum(compact.prompt) / len(compact.prompt)
    mean_big = sum(raw.prompt) / len(raw.prompt)
    print(
        f"mean input tokens per question: compact {mean_small:,.0f} vs raw pages "
        f"{mean_big:,.0f} ({mean_big / mean_small:.1f}× fewer with compact results)"
    )
    print(
        f"tool results sent: compact {compact.result_bytes:,} bytes vs raw "
        f"{raw.result_bytes:,} bytes ({raw.result_bytes / compact.result_bytes:.1f}×)"
    )
    variable_small = mean_small - 2 * compact.fixed
    variable_big = mean_big - 2 * raw.fixed
    print(
        f"every request carries the tools and system prompt ({compact.fixed:,} tokens); beyond "
        f"them a question costs {variable_small:,.0f} input tokens compact vs "
        f"{variable_big:,.0f} raw ({variable_big / variable_small:.1f}×)"
    )
    print(
        f"cached share of the prompt (compact run): {compact.cached / compact.total:.0%} "
        f"({compact.cached:,} of {compact.total:,} input tokens read from the prompt cache)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
