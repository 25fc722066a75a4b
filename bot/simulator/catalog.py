"""Static catalogues of the synthetic org: names, models, skills, connectors, plugins, prices.

Adversarial strings (Slack mrkdwn control sequences, mentions, links, HTML entities, emoji, a
300-character name, and for terminals rich markup, ANSI/OSC-8 escape sequences and a bidi
override) are deliberately mixed into every list of display names, so any surface that forgets to
escape API-provided text fails visibly in tests and in the demo.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

LONG_NAME: Final = ("Extremely Long Name " * 20)[:300]
ADVERSARIAL: Final[tuple[str, ...]] = (
    "<!channel>",
    "<!here>",
    "*bold*",
    "_it_",
    "<@U123ABC>",
    "<https://evil.example|click>",
    "&amp;",
    "🚀 Rocket Team 🎉",
    LONG_NAME,
)
TERMINAL_HOSTILE: Final[tuple[str, ...]] = (
    "[bold red]Q4 plan[/] [/]",
    "[link=https://evil.example]docs[/link]",
    "\x1b]8;;https://evil.example\x1b\\Budget\x1b]8;;\x1b\\ \x1b[31mred\x1b[0m",
    "invoice\u202egnp.exe",
)
"""Names a terminal must show as text: rich markup, an OSC-8 hyperlink, ANSI colour, a bidi
override. Served as extra projects (after the others, so existing project ids stay put)."""

FIRST_NAMES: Final = (
    "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Frances", "Dennis",
    "Radia", "Linus", "Hedy", "Tim", "Katherine", "Guido", "Sophie", "John", "Anita", "Niklaus",
    "Shafi", "Leslie", "Jean", "Bjarne", "Lynn", "Yukihiro", "Adele", "James", "Mary", "Vint",
    "José", "Zoë", "Søren", "Łukasz", "Aiko", "Chidi", "Priya", "Mateo", "Fatima", "Oluwaseun",
)  # fmt: skip
LAST_NAMES: Final = (
    "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson", "Allen",
    "Ritchie", "Perlman", "Torvalds", "Lamarr", "Berners-Lee", "Johnson", "van Rossum", "Wilson",
    "McCarthy", "Borg", "Wirth", "Goldwasser", "Lamport", "Bartik", "Stroustrup", "Conway",
    "Matsumoto", "Goldberg", "Gosling", "Keller", "Cerf", "O'Brien", "Nguyen", "Müller", "Okafor",
)  # fmt: skip

GROUP_NAMES: Final = (
    "Platform Eng", "Data Science", "<!channel> Leadership", "Sales", "Marketing",
    "Legal & Compliance", "Finance", "Customer Success", "Design", "People Ops",
)  # fmt: skip

PROJECT_NAMES: Final = (
    *ADVERSARIAL,
    "Q1 Sales Playbook", "Onboarding FAQ", "Contract Review", "Incident Postmortems",
    "Brand Voice", "Board Deck 2026", "Hiring Rubrics", "Pricing Research", "Support Macros",
    "Security Questionnaires", "Product Roadmap", "Release Notes", "Competitive Intel",
    "Data Dictionary", "OKR Drafts", "Customer Interviews", *TERMINAL_HOSTILE,
)  # fmt: skip

# (skill_name, display name or None, share_status or None)
SKILLS: Final[tuple[tuple[str, str | None, str | None], ...]] = (
    ("pdf", None, None),
    ("docx", None, None),
    ("xlsx", None, None),
    ("pptx", None, None),
    ("brand-guidelines", None, "organization"),
    ("frontend-design", None, "public"),
    ("skill_01HQ8Z4M2K9V7R3T5W1X6Y0B2C", "Quarterly Close Checklist", "organization"),
    ("skill_01HQ8Z4M2K9V7R3T5W1X6Y0B2D", "Legal Redlines", "organization"),
    ("my-notes", None, "private"),
    ("unknown", "Unknown skill", None),
    *((name, None, "private") for name in ADVERSARIAL),
)

CONNECTORS: Final = (
    "atlassian", "github", "google-drive", "slack", "linear", "notion", "salesforce", "gmail",
    "asana", "snowflake", *ADVERSARIAL,
)  # fmt: skip

# (plugin_name, plugin_id or None)
PLUGINS: Final[tuple[tuple[str, str | None], ...]] = (
    ("serena", "serena@claude-plugins-official"),
    ("playwright", "playwright@claude-plugins-official"),
    ("context7", "context7@claude-plugins-official"),
    ("commit-commands", "commit-commands@claude-plugins-official"),
    ("pr-review-toolkit", "pr-review-toolkit@claude-plugins-official"),
    ("finance-pack", "finance-pack@acme-internal"),
    ("third-party", None),
)

ARTIFACT_TYPES: Final = (
    "text/markdown", "application/vnd.ant.react", "text/html", "image/svg+xml",
    "application/vnd.ant.mermaid", "application/vnd.ant.code", "other",
)  # fmt: skip

OFFICE_APPS: Final = ("excel", "powerpoint", "word", "outlook")

MODELS: Final = ("claude-opus-5", "claude-sonnet-5-5", "claude-haiku-5-5")

# List prices in cents per token: uncached input, cache read, 5-minute cache write, 1-hour cache
# write, output. Every price and every multiplier below keeps six decimals exact.
TOKEN_PRICES: Final[dict[str, tuple[Decimal, ...]]] = {
    "claude-opus-5": tuple(map(Decimal, ("0.0005", "0.00005", "0.000625", "0.001", "0.0025"))),
    "claude-sonnet-5-5": tuple(map(Decimal, ("0.0003", "0.00003", "0.000375", "0.0006", "0.0015"))),
    "claude-haiku-5-5": tuple(map(Decimal, ("0.0001", "0.00001", "0.000125", "0.0002", "0.0005"))),
}
LONG_CONTEXT_INPUT: Final = Decimal(2)
LONG_CONTEXT_OUTPUT: Final = Decimal("1.5")
FAST_SPEED: Final = Decimal(6)
DISCOUNT: Final = Decimal("0.8")  # amount = list_amount x DISCOUNT for token costs
WEB_SEARCH_CENTS: Final = Decimal(1)  # $10 per 1000 searches, undiscounted
CODE_EXECUTION_CENTS: Final = Decimal("0.5")  # per execution span, undiscounted

TOKEN_TYPES: Final = (
    "uncached_input_tokens",
    "cache_read_input_tokens",
    "cache_creation.ephemeral_5m_input_tokens",
    "cache_creation.ephemeral_1h_input_tokens",
    "output_tokens",
)

# Hour-of-day weights (UTC) of a working day in three regions; minutes are uniform in an hour.
_AMERICAS = (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 6, 10, 12, 12, 11, 12, 12, 10, 6, 3, 2)
_EUROPE = (1, 1, 1, 1, 1, 1, 2, 6, 10, 12, 12, 11, 12, 12, 10, 6, 3, 2, 1, 1, 1, 1, 1, 1)
_APAC = (2, 6, 10, 12, 12, 11, 12, 12, 10, 6, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
_FLAT = (1,) * 24
HOUR_PROFILES: Final = (_AMERICAS, _EUROPE, _APAC, _FLAT)


def _minute_cumulative(hours: tuple[int, ...]) -> tuple[int, ...]:
    cumulative = [0]
    for weight in hours:
        for _ in range(60):
            cumulative.append(cumulative[-1] + weight)
    return tuple(cumulative)


# Cumulative per-minute weights (1441 entries) for `stable.split_counts`.
MINUTE_CUMULATIVE: Final = tuple(_minute_cumulative(p) for p in HOUR_PROFILES)
