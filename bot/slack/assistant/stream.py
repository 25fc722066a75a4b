"""One answer streamed into a Slack thread: tool calls as task cards, then the checked text.

`AnswerStream` adapts the agent's `AskEvents` to `client.chat_stream(...)` (chat.startStream /
appendStream / stopStream): each tool call appears as a task-update chunk when it starts and is
marked complete (or error) with its one-line summary when it ends, while the thread's status
says what is running (`assistant.threads.setStatus`). Text arrives a sentence at a time, already
figure-checked, and is made inert (`markdown.answer_markdown`: no link, image or autolink, API
names included) before it is appended, in pieces that keep each request under Slack's
12,000-character `markdown_text` limit however long a "sentence" is. `finish` adds the caveat,
and the footer blocks: "How I got this", the freshness line and 👍/👎 buttons.

If Slack refuses the stream (an old workspace, a missing scope), the answer is not lost: the
whole text is kept and posted in the thread at the end as `markdown` blocks (the same Markdown
the stream shows), one message per 12,000 characters, the footer under the last.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web.chat_stream import ChatStream

from bot.slack.assistant.markdown import answer_markdown, split_markdown
from bot.slack.blocks.primitives import MAX_FALLBACK_TEXT, Block, actions, button, context
from bot.slack.mrkdwn import escape, plain, truncate
from tools.handlers import ToolOutcome

log = logging.getLogger(__name__)

ACTION_FEEDBACK = "claude_ask.feedback"
"""👍/👎 action ids: `claude_ask.feedback.up|down` (`claude_usage.` buttons run words)."""
SHOWN_CALLS = 8
MAX_MARKDOWN = 12_000
"""Slack's limit for one `markdown_text` (append/stop) and for a message's markdown blocks."""
STREAM_BUFFER = 200
"""What `ChatStream` holds back before it sends; it may add up to this much to a piece."""
STREAM_PIECE = MAX_MARKDOWN - 2 * STREAM_BUFFER
"""The longest piece appended at once (the SDK counts code points, Slack maybe UTF-16)."""
TOOL_LABELS = {
    "top_spenders": "top spenders", "spend": "spend", "tokens": "tokens", "adoption": "adoption",
    "projects": "projects", "skills": "skills", "connectors": "connectors",
    "user_usage": "a person's usage", "my_usage": "your usage", "compare": "a comparison",
    "finance": "finance", "data_status": "data freshness", "sql": "the store (SQL)",
}  # fmt: skip


def call_line(summary: str, limit: int = 300) -> str:
    """A tool call's summary for Slack: the call itself as code (`spend(period=7d)`), then its
    period and figures; all of it inert (the call may quote anything the model sent)."""
    call, sep, rest = summary.partition(" · ")
    shown = f"`{escape(call, code=True)}`" + (f"{sep}{plain(rest)}" if sep else "")
    return truncate(shown, limit)


def tool_title(name: str, raw: Mapping[str, Any]) -> str:
    label = TOOL_LABELS.get(name) or f"the Analytics API ({name.removeprefix('api_')})"
    period = (
        raw.get("period") or raw.get("date") or raw.get("starting_date") or raw.get("starting_at")
    )
    return plain(f"Looking up {label}" + (f" ({period})" if period else ""), 150)


class AnswerStream:
    def __init__(
        self,
        client: WebClient,
        *,
        channel: str,
        thread_ts: str,
        user_id: str,
        team_id: str | None,
    ) -> None:
        self.client = client
        self.channel, self.thread_ts = channel, thread_ts
        self.stream: ChatStream = client.chat_stream(
            channel=channel,
            thread_ts=thread_ts,
            recipient_user_id=user_id,
            recipient_team_id=team_id,
            buffer_size=STREAM_BUFFER,
        )
        self.broken = False
        self.text_parts: list[str] = []

    @property
    def ts(self) -> str | None:
        return self.stream.ts

    def status(self, text: str) -> None:
        """`assistant.threads.setStatus`; outside an assistant thread Slack may refuse it."""
        try:
            self.client.assistant_threads_setStatus(
                channel_id=self.channel, thread_ts=self.thread_ts, status=text
            )
        except SlackApiError as exc:
            log.debug("setStatus refused: %s", exc.response.get("error"))

    def _append(self, **kwargs: Any) -> None:
        if self.broken:
            return
        try:
            self.stream.append(**kwargs)
        except SlackApiError as exc:
            log.warning("chat stream refused (%s); will post instead", exc.response.get("error"))
            self.broken = True

    def tool_started(self, call_id: str, name: str, raw: Mapping[str, Any]) -> None:
        self.status(f"is looking up {TOOL_LABELS.get(name, 'the Analytics API')}…")
        chunk = {"type": "task_update", "id": call_id, "title": tool_title(name, raw),
                 "status": "in_progress"}  # fmt: skip
        self._append(chunks=[chunk])

    def tool_finished(self, call_id: str, outcome: ToolOutcome) -> None:
        chunk = {
            "type": "task_update",
            "id": call_id,
            "title": tool_title(outcome.name, outcome.input),
            "status": "error" if outcome.is_error else "complete",
            "output": call_line(outcome.summary, 500),
        }
        self._append(chunks=[chunk])

    def text(self, piece: str) -> None:
        self.text_parts.append(piece)
        for part in split_markdown(answer_markdown(piece), STREAM_PIECE):
            self._append(markdown_text=part)

    def finish(self, *, tail: str, footer: Sequence[Block]) -> str | None:
        """Stop the stream with `tail` (caveat) and the footer; post instead if it broke."""
        if tail:
            self.text(f"\n\n{tail}" if self.text_parts else tail)
        if not self.broken:
            try:
                response = self.stream.stop(blocks=list(footer))
                return str(response.get("ts") or self.ts or "") or None
            except SlackApiError as exc:
                log.warning("chat stream could not stop (%s); posting", exc.response.get("error"))
        return self._post("".join(self.text_parts), footer)

    def _post(self, answer: str, footer: Sequence[Block]) -> str | None:
        """The whole answer as threaded messages of `markdown` blocks, the footer under the
        last; the first message's ts is the answer's."""
        parts = split_markdown(answer_markdown(answer), MAX_MARKDOWN) or ["…"]
        first: str | None = None
        for n, part in enumerate(parts, start=1):
            blocks: list[Block] = [{"type": "markdown", "text": part}]
            response = self.client.chat_postMessage(
                channel=self.channel,
                thread_ts=self.thread_ts,
                text=truncate(part, MAX_FALLBACK_TEXT),
                blocks=[*blocks, *footer] if n == len(parts) else blocks,
            )
            first = first or str(response.get("ts") or "") or None
        return first


def footer_blocks(summaries: Sequence[str], freshness: str, question_id: int | None) -> list[Block]:
    """ "How I got this" (one element per tool call), the freshness line, and 👍/👎."""
    blocks: list[Block] = []
    if summaries:
        shown = [call_line(s) for s in summaries[:SHOWN_CALLS]]
        if len(summaries) > SHOWN_CALLS:
            shown.append(f"…and {len(summaries) - SHOWN_CALLS} more")
        blocks.append(context("*How I got this:*", *shown))
    blocks.append(context(escape(freshness)))
    if question_id is not None:
        value = str(question_id)
        blocks.append(
            actions(
                [
                    button("👍 Helpful", f"{ACTION_FEEDBACK}.up", value),
                    button("👎 Not helpful", f"{ACTION_FEEDBACK}.down", value),
                ],
                block_id="claude_ask_feedback",
            )
        )
    return blocks
