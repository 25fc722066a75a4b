"""Claude's answer as Slack Markdown, inert: no link, image or autolink, API names included.

The streamed answer (`markdown_text` of chat.startStream / appendStream / stopStream) and its
fallback post (`markdown` blocks) are standard Markdown, not mrkdwn. Claude writes the
formatting (bold, bullets); the names it quotes came from the API, and a name can be Markdown
too: `[Re-authenticate to see this report](https://evil.example/login)` quoted verbatim is a
live link whose text hides where it goes. Which characters of an answer are Claude's and which
a quoted name's cannot be told apart afterwards, and escaping names in the tool results would
neither survive a paraphrase nor stop an injected instruction from making Claude write the
link itself. But no answer of ours ever links anywhere (the prompt asks for no links, and our
own sentences have none), so `answer_markdown` neutralises every link in the text, whoever
wrote it:

    &  <  >           entities, as in mrkdwn: no autolink `<https://…>`, no HTML, no
                      `<!channel>` or `<@U…>`
    ](   ]:           `]\\(` and `]\\:` (backslash escapes): no inline link, no image, no
                      reference definition (so no reference link either). A renderer without
                      backslash escapes shows the backslash and still finds no `](`. Applied
                      in code spans too, where it shows: code-span detection is approximate
                      and a link must never depend on it.
    https://…  www.…  a bare URL, which a renderer or Slack itself would link, is put in a
                      code span: shown as it is, copyable, not clickable (outside code spans)

None of these patterns holds whitespace, and a streamed piece always ends in whitespace, so
neutralising piece by piece gives what neutralising the whole answer would.
"""

from __future__ import annotations

import re

from bot.slack.mrkdwn import escape

_LINK_SYNTAX = re.compile(r"\](?=[(:])")
_BARE_URL = re.compile(r"(?<![\w@/`])(?:[a-z][a-z0-9+.\-]*://|www\.)[^\s`<>]*[^\s`<>.,;:!?)\]'\"*_~]",
                       re.IGNORECASE)  # fmt: skip


def answer_markdown(text: str) -> str:
    """Claude's text made inert for Slack Markdown (see the module docstring)."""
    text = _LINK_SYNTAX.sub("]\\\\", text)
    parts = text.split("`")
    if len(parts) % 2 == 0:  # unbalanced backticks: no code spans at all
        return escape(_code_urls(text), code=True)
    return "`".join(
        escape(part if i % 2 else _code_urls(part), code=True) for i, part in enumerate(parts)
    )


def _code_urls(text: str) -> str:
    return _BARE_URL.sub(lambda m: f"`{m[0]}`", text)
