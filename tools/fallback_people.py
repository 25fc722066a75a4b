"""Who a question names: a mention, an email, or a display name ("what did Leslie Allen spend?").

Mentions and emails are unambiguous. A display name is read only where a sentence puts a person:
before a verb of spending or using ("did Leslie Allen spend", "has ada used"), after "usage of"
or "spend for", before "'s usage", or as two or more capitalised words ("Leslie Allen last
month"). A candidate whose words include one of `NOT_NAMES` (we, the team, Opus, Claude Code,
last week…) is not a person, so "what did we spend?" stays an organisation question and "what
does Opus cost us?" a model question. The name is only words for `user "…"`: the report decides
whether anyone is called that (and only admins get that far).
"""

from __future__ import annotations

import re

PERSON = "<person>"
"""What a person becomes in the text the intent cues read."""

_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
_MAILTO = re.compile(r"<mailto:([^|>]+)(?:\|[^>]*)?>", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_W = r"[^\W\d_]+(?:['’.-][^\W\d_]+)*(?![\w-])"
_NAME = rf"(?P<n>{_W}(?:\s+{_W}){{0,3}}?)"
_ABOUT = r"(?:usage|use|spend|spending|spent|costs?|activity|stats|numbers|tokens|bill)"
_NAMED = (  # (pattern, whether words before the name may be dropped)
    (
        rf"\b(?:did|does|do|has|have|had|is|was)\s+{_NAME}\s+(?:spend|spent|spending|use|used"
        rf"|using|cost|costs|been)\b",
        False,
    ),
    (rf"\b{_ABOUT}\s+(?:of|for|by|from)\s+(?P<n>{_W}(?:\s+{_W}){{0,3}})", False),
    (rf"{_NAME}(?:'s|’s)\s+{_ABOUT}\b", True),  # the match starts at the sentence's start
)
_CAPITALISED = re.compile(
    r"\b[A-Z][^\W\d_]*(?:[-'’][^\W\d_]+)*(?:\s+[A-Z][^\W\d_]*(?:[-'’][^\W\d_]+)*)+"
)
_STOP_WORDS = """
    i me my mine we us our ours you your they them their he she him her it its this that these
    those who whom whose what which how why when where anyone anybody everyone everybody someone
    somebody nobody people person persons user users folks member members employee employees
    engineer engineers developer developers dev devs staff team teams org orgs organisation
    organization company department departments division group groups seat seats licence
    license a an the all each any every most much many more less ever really actually also just
    even already so too still only total overall average top bottom spenders spender heaviest
    biggest claude code cowork chat office chrome design slack excel word powerpoint outlook
    science opus sonnet haiku model models product products api apis key keys mcp connector
    connectors skill skills project projects plugin plugins token tokens spend spent spending
    usage cost costs bill budget adoption status list price prices type types today yesterday
    tomorrow last this next past previous current week weeks weekly month months monthly year
    years day days daily quarter fortnight mtd ytd monday tuesday wednesday thursday friday
    saturday sunday january february march april may june july august september october
    november december jan feb mar apr jun jul aug sep sept oct nov dec did does do has have had
    is was were be been use used using in on at for of by from to and or vs versus per show
    give tell please lately recently so far since one two three four five six seven eight nine
    ten eleven twelve fifteen twenty thirty few couple several half
"""
NOT_NAMES = frozenset(_STOP_WORDS.split())


def find_person(question: str) -> tuple[str, str | None]:
    """Lower-cased text with the person named replaced by `PERSON`, and the `user` target as
    typed: a mention, an email (lower-cased) or a display name in double quotes."""
    text = _MAILTO.sub(lambda m: f" {m[1]} ", question)
    found = _MENTION.search(text) or _EMAIL.search(text)
    if found is not None:
        target = found[0] if found[0].startswith("<") else found[0].lower()
        text = _EMAIL.sub(f" {PERSON} ", _MENTION.sub(f" {PERSON} ", text))
        return text.lower(), target
    span = _display_name(text)
    if span is None:
        return text.lower(), None
    start, end = span
    name = " ".join(text[start:end].split())
    return f"{text[:start]} {PERSON} {text[end:]}".lower(), f'"{name}"'


def _display_name(text: str) -> tuple[int, int] | None:
    """Where a display name sits in `text`, if anywhere (see the module docstring)."""
    for pattern, lead in _NAMED:
        for match in re.finditer(pattern, text, re.IGNORECASE):
            if span := _trimmed(text, match.start("n"), match.end("n"), lead=lead):
                return span
    for match in _CAPITALISED.finditer(text):
        span = _trimmed(text, match.start(), match.end(), lead=True)
        if span and " " in text[slice(*span)]:
            return span
    return None


def _trimmed(text: str, start: int, end: int, *, lead: bool) -> tuple[int, int] | None:
    """The span without trailing `NOT_NAMES` words (and leading ones when `lead`); None when
    what is left is not a name (empty, or a stop word inside it: "Jane's team")."""
    if text[end - 2 : end].lower() in ("'s", "’s"):
        end -= 2  # "Leslie Allen's usage": the name is without the possessive
    words = list(re.finditer(r"\S+", text[start:end]))
    while lead and words and _stop(words[0][0]):
        words.pop(0)
    while words and _stop(words[-1][0]):
        words.pop()
    if not words or any(_stop(w[0]) or w[0].lower().endswith(("'s", "’s")) for w in words):
        return None  # a stop word inside, or someone's something ("Jane's team")
    return start + words[0].start(), start + words[-1].end()


def _stop(word: str) -> bool:
    return word.casefold().strip(".'’-") in NOT_NAMES
