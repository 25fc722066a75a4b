"""Free-form question → the `/claude-usage` report that answers it, when there is no Anthropic key.

Without `ANTHROPIC_API_KEY` nothing can read a DM the way Claude does, yet most DMs ask for a
report we already have. `route` scores the question against `CUES` (regex → intent, weighted),
pulls out a period (`tools.fallback_periods`), product, model, person (`tools.fallback_people`)
and limit, and returns the exact words to run plus a sentence saying how it read the question.
A question no report answers (`DECLINES`: teams, what a group of people uses, "why" beyond what
changed) is declined in so many words, naming the closest reports: a confident answer to a
different question does more harm than "I can't answer that without Claude".

Pure and deterministic: no clock (the caller passes `today`), no network, no ML. It only produces
words: `parse_command` still validates them and the access rule (`bot.reports.access`) still
decides who may see the answer, so routing can never widen anyone's access.
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, ConfigDict

from bot.errors import InputError
from bot.reports.command_models import MAX_LIMIT
from bot.reports.command_words import DEFAULT_PERIOD, PRODUCT_ALIASES
from bot.reports.commands import parse_command
from bot.reports.labels import PRODUCTS as PRODUCTS_SAID
from bot.reports.periods import parse_period
from tools.fallback_declines import decline
from tools.fallback_people import PERSON, find_person
from tools.fallback_periods import before, describe, read_period, settle

FALLBACK_NOTE = (
    "Without Claude I can only run reports: free-form answers need an Anthropic API key "
    "(`ANTHROPIC_API_KEY`)."
)
MIN_SCORE = 2
"""Below this no intent is trusted, and the asker gets `help` with example phrasings."""


class Route(BaseModel):
    """The report a question was read as: words for `parse_command`, and how we got there."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    words: str
    """What follows `/claude-usage`; parses for that day."""
    matched: bool
    """False when nothing fitted well, or the question was declined, and `words` is `help`."""
    explanation: str
    """Plain text for the reply: "I read this as: spend last month by model." (plus any bending),
    or for a decline "I can't answer that without Claude: … The closest reports: …"."""
    declined: bool = False
    """No report answers this question; `explanation` names the closest ones (nothing to run)."""


_NONE: frozenset[str] = frozenset()
_TOP = frozenset({"period", "product", "model", "limit", "list"})
_SPLIT = frozenset({"period", "breakdown"})
_RANKED = frozenset({"period", "limit"})
_MOVED = frozenset({"period", "product", "people"})
_FAMILY = r"\b(opus|sonnet|haiku)\b"
_PRODUCT_WORD = r"\b(claude[ -]?code|code|cowork|chat|office|chrome|design|slack)\b"
_COST_WORD = (
    r"(\bcosts?\b|\bspen(d|t|ding)\b|\bpa(y|id)\b|\bbill\b|\bexpensive\b|\bprice\b|\bhow much\b|\$)"
)
_COSTED = (  # what a model or product costs the organisation (not who, not me, not a person)
    rf"^(?!.*(\bwho\b|\bwhich (people|users|folks|devs|developers|engineers)\b|\btop[ -]?spen"
    rf"|\bmy\b|\bi\b|{PERSON}))(?=.*({_FAMILY}|{_PRODUCT_WORD}))(?=.*{_COST_WORD})"
)
_SIDE_BY_SIDE = (  # "Opus vs Sonnet", "chat against Cowork": a breakdown, not two periods
    rf"({_FAMILY}|{_PRODUCT_WORD}).*\b(vs\.?|versus|against|compared|or)\b.*({_FAMILY}|{_PRODUCT_WORD})"
)
_MOVED_WORDS = (
    r"\b(jump\w*|spik\w*|ris\w*|rose|increas\w*|grow\w*|grew|up|doubl\w*|drop\w*|dip\w*"
    r"|fall\w*|fell|decreas\w*|down|chang\w*)\b"
)

INTENTS: dict[str, tuple[str, frozenset[str], str | None]] = {
    # intent: (subcommand, facts it accepts, period when none is named; None = the grammar's 7d).
    # Dict order breaks ties between equal scores.
    "help": ("help", _NONE, None),
    "status": ("status", _NONE, None),
    "finance": ("finance", _NONE, None),
    "compare": ("compare", frozenset({"compare"}), None),
    "user": ("user", frozenset({"period", "target"}), None),
    "new-people": ("adoption", _MOVED, None),  # `--people new`
    "lapsed-people": ("adoption", _MOVED, "30d"),  # `--people lapsed`: quiet for a while
    "why": ("compare", frozenset({"compare"}), None),  # what changed, and who moved it
    "spike-day": ("spend", frozenset({"period"}), "30d"),  # spend names its highest day
    "who-uses": ("top-spenders", _TOP, "30d"),  # a habit: a month says more than a week
    "top-spenders": ("top-spenders", _TOP, None),
    "spend": ("spend", _SPLIT, None),
    "tokens": ("tokens", _SPLIT, None),
    "adoption": ("adoption", frozenset({"period"}), None),
    "projects": ("projects", _RANKED, None),
    "skills": ("skills", _RANKED, None),
    "connectors": ("connectors", _RANKED, None),
}
CUES: tuple[tuple[str, int, str], ...] = (  # an intent scores the weights of its matching cues
    (
        "new-people",
        6,
        r"\b(who|whom|which|list|names?|show)\b.*\b(started|starting|began|begun|new to|first "
        r"time|onboarded|joined|picked up|adopted|tried)\b",
    ),
    ("new-people", 6, r"\b(who|which|list|names?|show)\b.*\bnew (users?|people|members|folks)\b"),
    (
        "lapsed-people",
        6,
        r"\bwho\b.*\b(hasn'?t|haven'?t|has not|have not|didn'?t|did not|isn'?t|aren'?t|stopped|"
        r"quit|no longer|not (used|using|been)|inactive|lapsed|churned|dropped off|gone quiet|"
        r"went quiet)\b",
    ),
    ("lapsed-people", 6, r"\b(which|list|names?|show)\b.*\b(lapsed|inactive|churned|dormant)\b"),
    ("why", 6, rf"\bwhy\b.*{_MOVED_WORDS}"),
    ("why", 6, r"\b(what|who)\s+(drove|drives|caused|causes|is behind|was behind)\b"),
    (
        "spike-day",
        6,
        r"\b(when|which day|what day|which date)\b.*\b(spik\w*|jump\w*|peak\w*|highest|biggest)\b",
    ),
    ("spend", 4, _COSTED),
    ("compare", -4, _SIDE_BY_SIDE),
    ("help", 4, r"^\W*(help|\?)\W*$|what can (you do|i ask)|how do i use|\bcommands\b"),
    ("status", 3, r"\bfresh|\bstale\b|\blast (sync|refresh|update)|\bsync|up[ -]to[ -]date"),
    ("status", 3, r"\bstatus\b|how old is|data (as of|lag)"),
    ("finance", 3, r"\bbudget|forecast|\bprojected|\bprojection|run[ -]?rate|\bburn|\bfinanc"),
    ("finance", 3, r"\b(idle|unused|wasted|empty) (seats?|licen)"),
    ("finance", 2, r"month[ -]to[ -]date|\bmtd\b"),
    ("compare", 3, r"\bcompar|\bvs\.?\b|\bversus\b|\b(week|month)[ -]over[ -](week|month)"),
    ("compare", 3, r"\bgrowth\b|\bchanged?\b|than (last|the previous)"),
    ("user", 4, PERSON),
    ("user", 4, r"\bmy (own )?(usage|spend|spending|costs?|tokens|activity|stats|numbers|bill)\b"),
    ("user", 4, r"\b(have|did|do|am) i\b.*\b(spen|use|cost)|\bi('ve| have)? (spent|used)\b"),
    ("who-uses", 3, r"\bwho\b.*\b(uses?|using|used)\b"),
    ("who-uses", 3, r"\bwhich (people|users|folks|devs|developers|engineers)\b"),
    ("top-spenders", 4, r"\btop[ -]?spen"),
    ("top-spenders", 3, r"\bwho\b.*\b(spen[dt]|spending|costs?|most|biggest)\b"),
    ("top-spenders", 3, r"\b(top|biggest|heaviest|largest|power)\b.*\b(users?|spenders?|people)\b"),
    ("top-spenders", 3, r"leaderboard|most expensive (users|people)|\b(spends?|spent) the most\b"),
    ("spend", 2, r"\bspen[dt]|\bspending|\bcosts?\b|\bbill|\binvoice|\bdollars?\b|\$|\bmoney"),
    ("spend", 1, r"\bhow much\b|\b(opus|sonnet|haiku)\b|\bby (product|model|cost)"),
    ("tokens", 3, r"\btoke?ns?\b"),
    ("adoption", 4, r"\badop"),
    ("adoption", 3, r"\bactive\b|\b[dwm]au\b|utili[sz]ation|\bengage|\brollout\b|\bonboard"),
    ("adoption", 2, r"how many (people|users|folks|employees|seats)|\bseats?\b|\blicen[cs]e"),
    ("adoption", 3, r"\bnew (users|people)\b|\blapsed\b|\bchurn"),
    ("projects", 4, r"\bproje?cts?\b"),  # "most active projects" ranks projects
    ("skills", 4, r"\bskill?s?\b"),
    ("connectors", 4, r"\bconn?ectors?\b|\bmcps?\b|\bintegrations?\b"),
)
PRODUCTS: tuple[tuple[str, str], ...] = (  # regex → a word that PRODUCT_ALIASES may translate
    (r"\bclaude[ -]?code\b|\bcc\b|\bcode\b", "code"),
    (r"\bco-?work\b", "cowork"),
    (r"\bchat\b", "chat"),
    (r"\b(office|chrome|design)\b", ""),  # "" = the matched word itself
    (r"\bclaude in slack\b", "slack"),
)
BREAKDOWNS: tuple[tuple[str, str], ...] = (  # the first that matches; "type" = cost/token type
    (r"\b(?:by|per|each|across) (product|model)", ""),
    (r"\b(?:by|per|each|across) (?:cost |token )?types?\b|\b(cost|token)[ -]?types?\b", "type"),
    (r"\bmodels?\b|\b(opus|sonnet|haiku)\b", "model"),
    (r"\bproducts?\b|\bapps?\b|\bsurfaces?\b", "product"),
    (r"\bcach|\binput\b|\boutput\b|web search|\bkinds? of", "type"),
)
_SAY = {  # how the explanation names what is not just its own words with spaces
    "tokens": "token usage",
    "projects": "top projects",
    "skills": "most used skills",
    "connectors": "most used connectors",
    "finance": "the finance summary (month to date, yesterday vs the 7-day average, idle seats)",
    "status": "how fresh the data is",
    "help": "a request for the list of reports",
    "compare week": "last week against the week before",
    "compare month": "last month against the month before",
}
_HELP = Route(
    words="help",
    matched=False,
    explanation='I couldn\'t match that to a report; try e.g. "top spenders last week", "spend '
    'by model this month", "adoption last 30 days", "my usage" or "how fresh is the data".',
)

_MODEL_ID = re.compile(r"\bclaude-(?:opus|sonnet|haiku)(?:-[a-z0-9]+)*")
_NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def route(question: str, *, today: date) -> Route:
    """The `/claude-usage` words for `question`; `help` (matched=False) when nothing fits, and a
    decline (declined=True) naming the closest reports when no report answers it."""
    text, target = _read(question)
    model_id = found[0] if (found := _MODEL_ID.search(text)) else None
    plain = _MODEL_ID.sub(" ", text)  # model ids hold digits that are not periods
    scores = dict.fromkeys(INTENTS, 0)
    for intent, weight, cue in CUES:
        scores[intent] += weight if re.search(cue, text) else 0
    best = max(scores, key=lambda intent: scores[intent])  # max keeps the first of equals
    period, note = read_period(plain, today)
    declined = decline(plain, period) if best != "why" else None
    if declined is not None:
        return Route(words="help", matched=False, declined=True, explanation=declined)
    if scores[best] < MIN_SCORE:
        return _HELP
    sub, takes, default = INTENTS[best]
    if period is None and "period" in takes:
        usual = default or DEFAULT_PERIOD
        period, late = settle(usual, usual, today)
        period, late = (period, late) if period else ("today", " The data starts today.")
        note, period = note or late, None if period == DEFAULT_PERIOD else period
    words, said = [sub], [_SAY.get(sub, sub.replace("-", " "))]
    if "target" in takes:
        who = target.strip('"') if target else None
        words, said = [sub, target or "me"], [f"usage of {who}" if who else "your own usage"]
    if "compare" in takes:
        words, said = _compare(period, plain, today)
        if best == "why":
            said = [f"what changed {_changed(words[1], today)}, and whose spend moved most"]
            note += " I can show what changed and who moved it, not why."
    if "period" in takes:
        words += [period] if period else []
        said.append(describe(period, today))
    more, extra = _options(plain, sub, takes, model_id)
    if "people" in takes:
        kind = "new" if best == "new-people" else "lapsed"
        more = ["--people", kind, *more]
        product = _product(plain)
        label = f" {PRODUCTS_SAID.get(product or '', product)}" if product else ""
        said, extra = [_moved(kind, label, period, today)], []
    if best == "spike-day":
        said.append("day by day (it names the highest day; `compare` that day shows who moved)")
    if "by" in more and re.search(_SIDE_BY_SIDE, plain):
        extra.append("(side by side)")
    elif "by" in more and re.search(r"\b(vs\.?|versus|than|against|compar\w*)\b", plain):
        extra.append(f"(each against {before(period, today)})")
    words, said = words + more, said + extra
    family = re.search(r"\b(opus|sonnet|haiku)\b", plain) if "model" in takes else None
    if family and not model_id:
        note += f" I can only filter people by an exact model id, not by “{family[1]}”."
    try:  # a safety net: whatever we say must run (`me` is the asker, filled in by Slack)
        parse_command(" ".join(words).replace("user me", "user <@U0ASKER>", 1), today=today)
    except InputError:
        return _HELP
    return Route(
        words=" ".join(words), matched=True, explanation=f"I read this as: {' '.join(said)}.{note}"
    )


def _read(question: str) -> tuple[str, str | None]:
    """Lower-cased text with any person replaced by `<person>` (`tools.fallback_people`),
    numbers as digits, and that person as the `user` target."""
    text, target = find_person(question)
    text = re.sub(rf"\b({'|'.join(_NUMBERS)})\b", lambda m: str(_NUMBERS.index(m[1]) + 1), text)
    return " ".join(text.replace("’", "'").split()), target


def _options(
    text: str, sub: str, takes: frozenset[str], model_id: str | None
) -> tuple[list[str], list[str]]:
    """The `by X`, `--product`, `--model`, `--limit` and `--list` words the question asks for."""
    product = _product(text)
    limit = re.search(r"\btop\s+(\d{1,3})\b|\b(\d{1,3})\s+(?:biggest|top|heaviest)\b", text)
    count = str(min(max(int(limit[1] or limit[2]), 1), MAX_LIMIT)) if limit else ""
    by = (_breakdown(text, sub, product) if "breakdown" in takes else None) or ""
    by = by or ("model" if model_id and "breakdown" in takes else "")  # never a made-up id
    at_list = "--list" if re.search(r"list[ -]price", text) else ""
    words: list[str] = []
    said: list[str] = []
    for fact, value, more, say in (
        ("breakdown", by, ["by", by], f"by {by}"),
        ("product", product or "", ["--product", product or ""], f"in {product}"),
        ("model", model_id or "", ["--model", model_id or ""], f"on {model_id}"),
        ("limit", count, ["--limit", count], f"(top {count})"),
        ("list", at_list, [at_list], "at list price"),
    ):
        if fact in takes and value:
            words += more
            said.append(say)
    return words, said


def _changed(word: str, today: date) -> str:
    """`compare WORD` as "last week against the week before", "on Tue Dec 1 against the day
    before"."""
    if word in ("week", "month"):
        return _SAY[f"compare {word}"]
    found = parse_period(word, today=today)
    when = f"on {found.start:%a %b %-d}" if found.days == 1 else describe(word, today)
    return f"{when} against {before(word, today)}"


def _moved(kind: str, product: str, period: str | None, today: date) -> str:
    """How `adoption --people` reads: "the people new to Claude Code last week (active in it
    then, not the week before)"."""
    when, earlier = describe(period, today), before(period, today)
    used = "active in it" if product else "active"
    if kind == "new":
        to = f" to{product}" if product else ""
        return f"the people new{to} {when} ({used} then, not {earlier})"
    lapsed = f" from{product}" if product else ""
    return f"the people who lapsed{lapsed} {when} ({used} during {earlier}, not since)"


def _compare(period: str | None, text: str, today: date) -> tuple[list[str], list[str]]:
    """Named weeks and months compare whole ones; any other period, the one just before it."""
    monthly = period in ("mtd", "last-month") or re.search(r"\bmonths?\b|\bmtd\b", text)
    mode = "month" if monthly else "week"
    why = ""
    if period in (None, "this-week", "last-week", "mtd", "last-month"):
        if settle(f"last-{mode}", "", today)[0]:
            return ["compare", mode], [_SAY[f"compare {mode}"]]
        period, why = "mtd", f" (there is no whole {mode} of data yet)"
    return ["compare", period], [f"a comparison {describe(period, today)} with the one before{why}"]


def _product(text: str) -> str | None:
    """The product id a word names, through the grammar's own PRODUCT_ALIASES."""
    for pattern, word in PRODUCTS:
        if found := re.search(pattern, text):
            return PRODUCT_ALIASES.get(word or found[1], word or found[1])
    return None


def _breakdown(text: str, sub: str, product: str | None) -> str | None:
    """`by model` for Opus/Sonnet/Haiku (never a made-up model id), `by product` for products."""
    kind = "product" if product else None
    for pattern, named in BREAKDOWNS:
        if found := re.search(pattern, text):
            kind = named or found[1]
            break
    return {"type": "cost-type" if sub == "spend" else "token-type"}.get(kind or "", kind)
