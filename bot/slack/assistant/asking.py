"""A question asked in Slack (a DM or the assistant panel), answered in its thread.

With ANTHROPIC_API_KEY: Claude, through `tools.agent`, streamed (`stream.AnswerStream`). The
asker's role comes from the same `Directory` the slash command uses, so the tools offered and
refused are decided by the Slack identity, never by the text. Without a key: the keyless router
reads the question as `/claude-usage` words, which then go through the slash command's own
parse → authorize → report → render path (`bot.slack.answer.answer`), so a routed DM can never
show more than typing the command would; the reply says it was routed and why.

The thread (channel + thread ts) is the conversation: follow-ups in it keep Claude's context,
which lives in the store. Errors become one sentence in the thread; tracebacks go to the log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import ClaudeUsageError
from bot.slack.answer import GENERIC_ERROR, answer
from bot.slack.assistant.stream import AnswerStream, footer_blocks
from bot.slack.blocks import error_message, escape_sentence
from bot.slack.blocks.message import Message
from bot.slack.blocks.primitives import context, section
from bot.slack.deps import Deps
from bot.slack.mrkdwn import escape_entities
from bot.store.conversations import (
    QuestionRecord,
    load_history,
    record_question,
    set_answer_ts,
    thread_context,
)
from bot.store.freshness import read_freshness
from tools.agent import Agent
from tools.fallback import FALLBACK_NOTE, route
from tools.report_tools import Asker
from tools.session import claude, outcome, tool_context
from tools.turn import AskEvents

log = logging.getLogger(__name__)

THINKING = "is looking at the usage data…"


@dataclass(frozen=True)
class Question:
    user_id: str
    channel: str
    thread_ts: str
    text: str
    team_id: str | None = None

    @property
    def thread(self) -> str:
        return f"{self.channel}:{self.thread_ts}"


class Asking:
    """Answers questions for one Slack app: Claude when a key is set, else the router."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def answer(self, client: WebClient, question: Question) -> None:
        try:
            with claude(self.deps.settings) as agent:  # its HTTP client closes after the answer
                if agent is None:
                    self._fallback(client, question)
                else:
                    self._claude(client, agent, question)
        except ClaudeUsageError as exc:
            self._post_error(client, question, str(exc))
        except Exception:
            log.exception("answering a question from %s failed", question.user_id)
            self._post_error(client, question, GENERIC_ERROR)

    def _claude(self, client: WebClient, agent: Agent, question: Question) -> None:
        viewer = self.deps.directory.viewer(question.user_id)
        asker = Asker(question.user_id, is_admin=viewer.is_admin, email=viewer.email)
        stream = AnswerStream(
            client,
            channel=question.channel,
            thread_ts=question.thread_ts,
            user_id=question.user_id,
            team_id=question.team_id,
        )
        stream.status(THINKING)
        with self.deps.store.connect() as db:
            if self.deps.refresher is not None:
                self.deps.refresher.refresh_in_background(db)  # never waits
            self._title(client, question, first=not load_history(db, question.thread))
            ctx = tool_context(self.deps.settings, db, asker=asker, now=self.deps.now())
            events = AskEvents(
                tool_started=stream.tool_started,
                tool_finished=stream.tool_finished,
                text=stream.text,
            )
            try:
                result = agent.ask(
                    question.text,
                    ctx=ctx,
                    thread=question.thread,
                    events=events,
                    context_channel=thread_context(db, question.thread),
                )
            except ClaudeUsageError as exc:
                stream.finish(tail=f"⚠️ {exc}", footer=[])
                return
            footer = footer_blocks(
                [call.summary for call in result.calls],
                read_freshness(db).sentence(),
                result.question_id,
            )
            started = stream.ts  # known once the stream started: stored before it completes
            if started:
                set_answer_ts(db, result.question_id, started)
            ts = stream.finish(tail=result.caveat or "", footer=footer)
            if ts and ts != started:  # the stream started only now, or was posted instead
                set_answer_ts(db, result.question_id, ts)

    def _fallback(self, client: WebClient, question: Question) -> None:
        today = self.deps.today()
        read = route(question.text, today=today)
        with self.deps.store.connect() as db:
            record_question(
                db,
                QuestionRecord(
                    thread=question.thread,
                    user_id=question.user_id,
                    asked_at=self.deps.now(),
                    mode="fallback",
                    outcome=outcome(read),
                ),
            )
        if read.declined:  # no report answers it: the sentence naming the closest ones, only
            message = Message(
                read.explanation,
                [section(escape_sentence(read.explanation))],
                tail=[context(escape_sentence(FALLBACK_NOTE))],
            )
        else:
            result = answer(self.deps, user_id=question.user_id, channel_id=None, text=read.words)
            notes = context(escape_sentence(read.explanation), escape_sentence(FALLBACK_NOTE))
            message = result.message.noted(notes)
        client.chat_postMessage(
            channel=question.channel,
            thread_ts=question.thread_ts,
            text=message.text,
            blocks=message.blocks,
        )

    def _title(self, client: WebClient, question: Question, *, first: bool) -> None:
        """The assistant panel lists threads by title: the first question names the thread."""
        if not first:
            return
        try:
            client.assistant_threads_setTitle(
                channel_id=question.channel,
                thread_ts=question.thread_ts,
                title=escape_entities(question.text[:80]),
            )
        except SlackApiError as exc:
            log.debug("setTitle refused: %s", exc.response.get("error"))

    def _post_error(self, client: WebClient, question: Question, sentence: str) -> None:
        message = error_message(sentence)
        try:
            client.chat_postMessage(
                channel=question.channel,
                thread_ts=question.thread_ts,
                text=message.text,
                blocks=message.blocks,
            )
        except SlackApiError as exc:
            log.warning("could not post the error to %s: %s", question.channel,
                        exc.response.get("error"))  # fmt: skip
