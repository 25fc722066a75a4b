"""`claude-usage doctor`: every credential, scope, channel and the store, checked in one go.

    store             the store's directory and file are writable by this user (path and uid)
    store schema      which migrations the store has: current, behind (applied at start), or
                      written by a newer release
    Analytics API key valid, with read:analytics (one cheap request)
    Analytics /cost   whether the current cost report is offered or the legacy ones are needed
    Slack bot token   auth.test
    Slack scopes      granted (x-oauth-scopes) against manifest.yaml's
    Slack mode        socket mode's app token, or HTTP mode's signing secret
    channel C…        the bot is a member of every channel it must post in
    Claude            ANTHROPIC_API_KEY and CLAUDE_USAGE_MODEL (models.retrieve)

Each finding is one line, with its fix when something is wrong (`bot.doctor.model`). `serve`
runs the same checks at start and refuses to start, naming every failure at once, instead of
failing one at a time hours later (the first digest in a channel the bot was never invited to).
Nothing is changed: the store is opened read-only, Slack and the APIs are only asked.

`run_checks` is in `bot.doctor.checks`; this package file stays empty so that registering the
command (`bot.doctor.cli`) imports nothing heavy (`claude-usage --help` loads every command).
"""
