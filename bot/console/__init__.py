"""The terminal surface: `/claude-usage` answered in a terminal exactly as Slack would show it.

    render.py     Block Kit → readable text (the one renderer for `command`, the demo and tests)
    answer.py     one `/claude-usage` line → text, through Slack's own grammar, reports and blocks
    sanitize.py   API text made safe for a terminal (no markup, escapes or bidi overrides)
    demo.py       `claude-usage demo`: simulator + temporary store + console (or a scripted tour)
    cli.py        `claude-usage command` and `claude-usage demo`

The package imports nothing itself, so `claude-usage --help` does not pay for rich or Slack.
"""
