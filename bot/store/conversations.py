"""Asking Claude, as the store remembers it: thread memory, per-question cost, and feedback.

Tables (migration m010): `ask_turns` (the questions and answers of each thread, in order),
`ask_threads` (where an assistant thread was opened), `ask_questions` (one row per question:
tokens, cost, rounds, tool calls and the figure check) and `ask_feedback` (👍 = +1, 👎 = −1).

Memory is kept here rather than in the process so a restart keeps each thread's context, and it
is trimmed on every write to a token budget: the oldest exchanges go first, and a thread always
starts with a question, so the history sent to Claude is a valid alternation. Tokens are
estimated as ⌈UTF-8 bytes / 4⌉: a trim budget needs to be stable and cheap, not exact.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict
from sqlite_utils import Database

from bot.store.money import format_usd

Role = Literal["user", "assistant"]
MEMORY_TOKEN_BUDGET = 6000
"""Tokens of earlier exchanges a thread keeps for Claude (about ten short exchanges)."""


def approx_tokens(text: str) -> int:
    return math.ceil(len(text.encode("utf-8")) / 4)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Turn:
    role: Role
    text: str


def load_history(db: Database, thread: str) -> list[Turn]:
    """The thread's remembered turns, oldest first (already within the budget)."""
    rows = db.execute(
        "SELECT role, text FROM ask_turns WHERE thread = ? ORDER BY id", (thread,)
    ).fetchall()
    return [Turn(role=str(role), text=str(text)) for role, text in rows]  # type: ignore[arg-type]


def remember(
    db: Database,
    thread: str,
    question: str,
    answer: str,
    *,
    at: datetime,
    budget: int = MEMORY_TOKEN_BUDGET,
) -> None:
    """Append one exchange, then drop the oldest exchanges until the thread fits `budget`."""
    with db.atomic():
        for role, text in (("user", question), ("assistant", answer)):
            db.execute(
                "INSERT INTO ask_turns (thread, role, text, tokens, at) VALUES (?, ?, ?, ?, ?)",
                (thread, role, text, approx_tokens(text), _iso(at)),
            )
        rows = db.execute(
            "SELECT id, role, tokens FROM ask_turns WHERE thread = ? ORDER BY id DESC", (thread,)
        ).fetchall()
        kept, total = 0, 0
        for index, (_id, role, tokens) in enumerate(rows):
            total += int(tokens)
            if total > budget and index >= 2:
                break
            if role == "user":
                kept = index + 1  # keep whole exchanges: the oldest kept turn is a question
        doomed = [int(row[0]) for row in rows[kept:]]
        if doomed:
            marks = ",".join("?" * len(doomed))
            db.execute(f"DELETE FROM ask_turns WHERE id IN ({marks})", doomed)  # noqa: S608


def note_thread(
    db: Database,
    thread: str,
    *,
    user_id: str,
    channel: str,
    at: datetime,
    context_channel: str | None = None,
) -> None:
    """Record (or update) who opened an assistant thread and the channel they were viewing."""
    with db.atomic():
        db.execute(
            "INSERT INTO ask_threads (thread, user_id, channel, context_channel, started_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(thread) DO UPDATE SET "
            "context_channel = coalesce(excluded.context_channel, context_channel), "
            "updated_at = excluded.updated_at",
            (thread, user_id, channel, context_channel, _iso(at), _iso(at)),
        )


def thread_context(db: Database, thread: str) -> str | None:
    row = db.execute(
        "SELECT context_channel FROM ask_threads WHERE thread = ?", (thread,)
    ).fetchone()
    return str(row[0]) if row and row[0] else None


@dataclass(frozen=True)
class QuestionRecord:
    """What one question cost and how it went; `cost_microcents` None = model price unknown."""

    thread: str
    user_id: str
    asked_at: datetime
    mode: Literal["claude", "fallback"]
    outcome: str
    model: str | None = None
    rounds: int = 0
    tool_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_microcents: int | None = None
    figures: int = 0
    unverified: tuple[str, ...] = field(default_factory=tuple)


def record_question(db: Database, record: QuestionRecord) -> int:
    with db.atomic():
        cursor = db.execute(
            "INSERT INTO ask_questions (thread, user_id, asked_at, mode, model, outcome, rounds, "
            "tool_calls, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, "
            "cost_microcents, figures, unverified) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                record.thread, record.user_id, _iso(record.asked_at), record.mode, record.model,
                record.outcome, record.rounds, record.tool_calls, record.input_tokens,
                record.output_tokens, record.cache_read_tokens, record.cache_write_tokens,
                record.cost_microcents, record.figures, json.dumps(list(record.unverified)),
            ),
        )  # fmt: skip
    return int(cursor.lastrowid or 0)


def set_answer_ts(db: Database, question_id: int, ts: str) -> None:
    with db.atomic():
        db.execute("UPDATE ask_questions SET answer_ts = ? WHERE id = ?", (ts, question_id))


def record_feedback(db: Database, question_id: int, user_id: str, value: int, at: datetime) -> bool:
    """Store 👍 (+1) or 👎 (−1) from `user_id`, clicked at `at`; the latest click wins. False
    when the question is unknown (a forged or stale button).

    "Latest" is by the click's own time, not by arrival: Slack's two quick clicks run on
    concurrent listener threads and may reach the store in either order."""
    if value not in (1, -1):
        raise ValueError("feedback is +1 or -1")
    clicked = at.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    with db.atomic():
        known = db.execute("SELECT 1 FROM ask_questions WHERE id = ?", (question_id,)).fetchone()
        if known is None:
            return False
        db.execute(
            "INSERT INTO ask_feedback (question_id, user_id, value, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(question_id, user_id) DO UPDATE SET value = excluded.value, at = "
            "excluded.at WHERE excluded.at >= ask_feedback.at",
            (question_id, user_id, value, clicked),
        )
    return True


class AskingCost(BaseModel):
    """What asking Claude cost over `days` days (admins see it in `status`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    days: int
    questions: int
    fallback_answers: int
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    cost_microcents: int | None
    """Sum over questions whose model price is known; None when no question had a price."""
    unpriced: int
    thumbs_up: int
    thumbs_down: int

    @property
    def prompt_tokens(self) -> int:
        return self.input_tokens + self.cache_read_tokens + self.cache_write_tokens

    @property
    def cached_share_pct(self) -> float | None:
        prompt = self.prompt_tokens
        return None if prompt == 0 else self.cache_read_tokens / prompt * 100

    def sentence(self) -> str:
        """`Asking Claude, last 30 days: 12 questions (3 by the keyless router); 45,210 prompt
        tokens (81% from cache), 3,002 output; $0.42 at list price; 👍 3 · 👎 1.`"""
        parts = [f"{self.questions:,} question{'s' if self.questions != 1 else ''}"]
        if self.fallback_answers:
            parts[0] += f" ({self.fallback_answers:,} by the keyless router)"
        cached = self.cached_share_pct
        share = f" ({cached:.0f}% from cache)" if cached is not None else ""
        parts.append(f"{self.prompt_tokens:,} prompt tokens{share}, {self.output_tokens:,} output")
        if self.cost_microcents is not None:
            unpriced = f" ({self.unpriced} on a model without a price)" if self.unpriced else ""
            parts.append(f"{format_usd(self.cost_microcents)} at list price{unpriced}")
        else:
            parts.append("cost not reported (no price for the model)")
        if self.thumbs_up or self.thumbs_down:
            parts.append(f"👍 {self.thumbs_up} · 👎 {self.thumbs_down}")
        return f"Asking Claude, last {self.days} days: " + "; ".join(parts) + "."


def asking_cost(db: Database, *, now: datetime, days: int = 30) -> AskingCost | None:
    """Totals since `now − days`; None when no question was ever asked (nothing to show)."""
    if "ask_questions" not in db.table_names():
        return None
    if db.execute("SELECT 1 FROM ask_questions LIMIT 1").fetchone() is None:
        return None
    since = _iso(now - timedelta(days=days))
    row = db.execute(
        "SELECT count(*), sum(mode = 'fallback'), coalesce(sum(input_tokens), 0), "
        "coalesce(sum(output_tokens), 0), coalesce(sum(cache_read_tokens), 0), "
        "coalesce(sum(cache_write_tokens), 0), sum(cost_microcents), "
        "sum(mode = 'claude' AND cost_microcents IS NULL) FROM ask_questions WHERE asked_at >= ?",
        (since,),
    ).fetchone()
    votes = dict(
        db.execute(
            "SELECT f.value, count(*) FROM ask_feedback f JOIN ask_questions q "
            "ON q.id = f.question_id WHERE q.asked_at >= ? GROUP BY f.value",
            (since,),
        ).fetchall()
    )
    count, fallback, tin, tout, read, write, cost, unpriced = row
    return AskingCost(
        days=days,
        questions=int(count),
        fallback_answers=int(fallback or 0),
        input_tokens=int(tin),
        output_tokens=int(tout),
        cache_read_tokens=int(read),
        cache_write_tokens=int(write),
        cost_microcents=None if cost is None else int(cost),
        unpriced=int(unpriced or 0),
        thumbs_up=int(votes.get(1, 0)),
        thumbs_down=int(votes.get(-1, 0)),
    )
