"""The terminal surface: `/claude-usage` answered in a terminal exactly as Slack would show it.

    identity.py   who the console is in Slack's terms: a Slack user (`--as`) in a channel
    answer.py     one `/claude-usage` line → text, through Slack's own path (`bot.slack.answer`)
    render.py     Block Kit → readable text (the one renderer for `command`, the demo and tests)
    ask.py        a free-form question, as a DM from the console's user
    loop.py       the interactive console: lines, numbered buttons, the paged tour
    lineedit.py   readline's line editing, history and completion on a terminal
    sanitize.py   API text made safe for a terminal (no markup, escapes or bidi overrides)
    demo.py       `claude-usage demo`: simulator + temporary store + console (or a scripted tour)
    cli.py        `claude-usage command` and `claude-usage demo`

The package imports nothing itself, so `claude-usage --help` does not pay for rich or Slack.
"""
