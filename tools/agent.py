"""The Claude tool-use loop: a question in, a checked answer out (anthropic SDK).

    agent = Agent(anthropic.Anthropic(...), model=settings.model)
    result = agent.ask("who were the top spenders last week?", ctx=tool_context, thread="D1:1.2")

One question is at most `max_rounds` requests. Each request carries the tools offered to the
asker (`tools.definitions.tools_for`, the last one a cache breakpoint), the system prompt (fixed
rules cached, then today / role / freshness) and the thread's remembered exchanges, with
automatic caching on the newest message so each round reads the previous one from cache. Every
tool call of a reply (Claude may make several at once) runs through `tools.handlers.run_tool`
and all results go back in one message. When the rounds run out the loop stops with
`ROUND_LIMIT` instead of guessing.

Text streams (SSE) and is released a sentence at a time through `AskEvents.text`, each sentence
checked against the turn's evidence first (`tools.turn`, `tools.figures`): a figure is checked
before it is shown. The exchange is remembered in the store (`bot.store.conversations`) with
the question's tokens and cost. Anthropic errors become `AskError`, one sentence, never the raw
message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import anthropic
from anthropic.types import Message, MessageParam, ToolResultBlockParam

from bot.errors import ClaudeUsageError
from bot.store.conversations import QuestionRecord, load_history, record_question, remember
from bot.store.freshness import read_freshness
from tools.definitions import ToolSpec, tool_params, tools_for
from tools.handlers import ToolContext, ToolOutcome, run_tool
from tools.pricing import TokenUsage
from tools.prompt import system_blocks
from tools.sql_tool import schema_description
from tools.turn import AskEvents, AskResult, Outcome, Turn

log = logging.getLogger(__name__)

MAX_ROUNDS = 6
MAX_TOKENS = 2048
ROUND_LIMIT = (
    "I stopped after {rounds} rounds of looking things up without reaching an answer, rather "
    "than guess. Try a narrower question: one period, one product or one person."
)
CUT_SHORT = "(My answer was cut short; ask for less at once.)"
Runner = Callable[[str, Mapping[str, Any], ToolContext], ToolOutcome]


class AskError(ClaudeUsageError):
    """Claude could not be asked; the message says what to do."""


def _ask_error(exc: anthropic.APIError) -> AskError:
    if isinstance(exc, anthropic.AuthenticationError | anthropic.PermissionDeniedError):
        return AskError("Claude rejected the Anthropic API key (ANTHROPIC_API_KEY); an admin must "
                        "check it.")  # fmt: skip
    if isinstance(exc, anthropic.RateLimitError | anthropic.InternalServerError):
        return AskError("Claude is busy right now; try again in a minute.")
    if isinstance(exc, anthropic.APIConnectionError):
        return AskError("I couldn't reach Claude (the Anthropic API); try again in a minute.")
    return AskError("Claude could not answer this question; the error was logged.")


class Agent:
    def __init__(
        self,
        client: anthropic.Anthropic,
        *,
        model: str,
        max_rounds: int = MAX_ROUNDS,
        max_tokens: int = MAX_TOKENS,
        stream: bool = True,
        runner: Runner = run_tool,
    ) -> None:
        self.client = client
        self.model = model
        self.max_rounds = max_rounds
        self.max_tokens = max_tokens
        self.stream = stream
        self.runner = runner
        """Runs one tool call (`tools.handlers.run_tool`; bench/ask.py swaps in raw pages)."""

    def offered(self, ctx: ToolContext) -> list[ToolSpec]:
        schema = schema_description(ctx.db_path) if ctx.db_path and ctx.asker.is_admin else None
        return tools_for(ctx.asker, api=ctx.analytics is not None, sql_schema=schema)

    def ask(
        self,
        question: str,
        *,
        ctx: ToolContext,
        thread: str,
        events: AskEvents | None = None,
        context_channel: str | None = None,
    ) -> AskResult:
        specs = self.offered(ctx)
        ctx.specs = {spec.name: spec for spec in specs}
        turn = Turn(question, events or AskEvents())  # evidence: tool results only
        history = [_message(t.role, t.text) for t in load_history(ctx.db, thread)]
        messages: list[MessageParam] = [*history, {"role": "user", "content": question}]
        params: dict[str, Any] = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "tools": tool_params(specs),
            "system": system_blocks(
                today=ctx.today,
                asker=ctx.asker,
                freshness=read_freshness(ctx.db).sentence(),
                context_channel=context_channel,
            ),
            "cache_control": {"type": "ephemeral"},
        }
        outcome: Outcome = "answered"
        rounds = 0
        try:
            while True:
                rounds += 1
                turn.begin_round()
                reply = self._request(params, messages, turn)
                turn.piece("", final=True)
                if reply.stop_reason == "max_tokens":
                    turn.note(CUT_SHORT)
                    break
                uses = [block for block in reply.content if block.type == "tool_use"]
                if not uses:
                    break
                if rounds >= self.max_rounds:
                    outcome = "round_limit"
                    turn.note(ROUND_LIMIT.format(rounds=rounds))
                    break
                messages.append({"role": "assistant", "content": _assistant_content(reply)})
                messages.append({"role": "user", "content": self._run_tools(uses, ctx, turn)})
        except AskError:
            self._record(turn, ctx, thread, rounds, "error")
            raise
        return self._finish(turn, ctx, thread, rounds, outcome)

    def _request(self, params: dict[str, Any], messages: list[MessageParam], turn: Turn) -> Message:
        try:
            if self.stream:
                with self.client.messages.stream(**params, messages=messages) as stream:
                    for event in stream:
                        if event.type == "text":
                            turn.piece(event.text)
                    reply = stream.get_final_message()
            else:
                reply = self.client.messages.create(**params, messages=messages)
                for block in reply.content:
                    if block.type == "text":
                        turn.piece(block.text)
        except anthropic.APIError as exc:
            log.warning("asking Claude failed: %s", type(exc).__name__, exc_info=True)
            raise _ask_error(exc) from None
        usage = reply.usage
        created = usage.cache_creation
        five = created.ephemeral_5m_input_tokens if created else usage.cache_creation_input_tokens
        turn.usage += TokenUsage(
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cache_read_tokens=usage.cache_read_input_tokens or 0,
            cache_write_5m_tokens=five or 0,
            cache_write_1h_tokens=created.ephemeral_1h_input_tokens if created else 0,
        )
        return reply

    def _run_tools(
        self, uses: list[Any], ctx: ToolContext, turn: Turn
    ) -> list[ToolResultBlockParam]:
        for use in uses:
            turn.events.tool_started(use.id, use.name, dict(use.input))
        results: list[ToolResultBlockParam] = []
        for use in uses:
            outcome = self.runner(use.name, dict(use.input), ctx)
            turn.calls.append(outcome)
            turn.check.add_evidence(outcome.content)
            turn.events.tool_finished(use.id, outcome)
            results.append(
                {
                    "type": "tool_result",
                    "tool_use_id": use.id,
                    "content": outcome.content,
                    "is_error": outcome.is_error,
                }
            )
        return results

    def _record(self, turn: Turn, ctx: ToolContext, thread: str, rounds: int, outcome: str) -> int:
        """The question's row in the store: tokens, cost, rounds and the figure check."""
        return record_question(
            ctx.db,
            QuestionRecord(
                thread=thread, user_id=ctx.asker.user_id, asked_at=ctx.now, mode="claude",
                outcome=outcome, model=self.model, rounds=rounds, tool_calls=len(turn.calls),
                input_tokens=turn.usage.input_tokens, output_tokens=turn.usage.output_tokens,
                cache_read_tokens=turn.usage.cache_read_tokens,
                cache_write_tokens=turn.usage.cache_write_tokens,
                cost_microcents=turn.usage.cost_microcents(self.model),
                figures=turn.check.checked, unverified=tuple(turn.check.unverified),
            ),
        )  # fmt: skip

    def _finish(
        self, turn: Turn, ctx: ToolContext, thread: str, rounds: int, outcome: Outcome
    ) -> AskResult:
        text = "".join(turn.shown).strip()
        caveat = turn.check.caveat()
        log.info(
            "figure check: %d figures, %d not found in tool results%s",
            turn.check.checked,
            len(turn.check.unverified),
            f": {', '.join(turn.check.unverified)}" if turn.check.unverified else "",
        )
        remembered = text + (f"\n\n{caveat}" if caveat else "")
        remember(ctx.db, thread, turn.question, remembered, at=ctx.now)
        question_id = self._record(turn, ctx, thread, rounds, outcome)
        cost = turn.usage.cost_microcents(self.model)
        return AskResult(
            text=text,
            caveat=caveat,
            calls=tuple(turn.calls),
            rounds=rounds,
            outcome=outcome,
            usage=turn.usage,
            cost_microcents=cost,
            figures_checked=turn.check.checked,
            unverified=tuple(turn.check.unverified),
            question_id=question_id,
        )


def _assistant_content(reply: Message) -> list[Any]:
    """The reply as the next request's assistant message (text and tool_use blocks only)."""
    content: list[Any] = []
    for block in reply.content:
        if block.type == "text" and block.text:
            content.append({"type": "text", "text": block.text})
        elif block.type == "tool_use":
            content.append(
                {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
            )
    return content


def _message(role: str, text: str) -> MessageParam:
    if role == "assistant":
        return {"role": "assistant", "content": text}
    return {"role": "user", "content": text}
