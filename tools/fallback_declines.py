"""Questions no report answers, declined in so many words with the closest reports named.

The keyless router reads a question as one report. Some questions need more than one, or data
the Analytics API does not have: spend by team, the connectors of the top spenders, *why*
something happened. Answering those with the nearest report under "I read this as…" would be a
confident answer to a different question; `decline` says instead that it needs Claude, and
which reports come closest, with the period and the "top N" the question named.
"""

from __future__ import annotations

import re

from bot.reports.command_models import MAX_LIMIT

_RANKINGS = r"\b(connectors?|mcps?|integrations?|skills?|projects?|models?|products?|tools?)\b"
_GROUP = (  # a group of people picked by another report: "the people in the top 10"
    r"\b(people|users|spenders|folks|engineers|developers|devs)\s+(in|of|among|from)\s+the\s+top\b"
    r"|\btop\s*\d*\s+(spenders|users|people)\b|\b(people|users|spenders|folks)\s+who\b"
    r"|\b(new|lapsed|inactive) (users|people)\b"
)
DECLINES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # (pattern, why no report answers it, the closest reports' words)
    (
        r"\b(teams?|departments?|divisions?|business units?|cost cent(er|re)s?|managers?|org "
        r"chart|reports? to)\b",
        "the reports know people, products and models, not teams (the Analytics API has none)",
        ("top-spenders", "spend by product"),
    ),
    (
        rf"^(?=.*{_RANKINGS})(?=.*({_GROUP}))",
        "it needs what one group of people uses, which joins two reports",
        ("top-spenders", "{ranking}"),
    ),
    (
        r"\bwhy\b",
        "I can show what changed and who moved it, not why",
        ("compare week", "{topic}"),
    ),
)
_RANKING_WORDS = {
    "connector": "connectors",
    "mcp": "connectors",
    "integration": "connectors",
    "tool": "connectors",
    "skill": "skills",
    "project": "projects",
    "model": "spend by model",
    "product": "spend by product",
}


def decline(text: str, period: str | None) -> str | None:
    """ "I can't answer that without Claude: … The closest reports: …" when one of `DECLINES`
    matches the lower-cased `text`; None otherwise. `period` (grammar words) goes into the
    reports named, so they are the ones to run next."""
    for pattern, why, closest in DECLINES:
        if not re.search(pattern, text):
            continue
        ranking = re.search(_RANKINGS, text)
        noun = _RANKING_WORDS.get(ranking[1].rstrip("s") if ranking else "", "connectors")
        count = re.search(r"\btop\s*(\d{1,3})\b", text)
        named = []
        for words in closest:
            words = words.format(ranking=noun, topic=_topic(text))
            if words == "top-spenders" and count:
                words += f" --limit {min(max(int(count[1]), 1), MAX_LIMIT)}"
            if period and not words.startswith("compare"):
                head, _, tail = words.partition(" ")
                words = f"{head} {period} {tail}".strip()
            named.append(f"`/claude-usage {words}`")
        return (
            f"I can't answer that without Claude: {why}. The closest reports: "
            f"{' and '.join(named)}."
        )
    return None


def _topic(text: str) -> str:
    """The report a "why" is about: adoption for people and actives, else spend by product."""
    if re.search(r"\badop|\bactive|\busers?\b|\bpeople\b|\bseats?\b|\b[dwm]au\b", text):
        return "adoption"
    return "spend by product"
