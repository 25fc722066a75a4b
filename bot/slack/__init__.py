"""The Slack app: `/claude-usage`, buttons and App Home, in socket or HTTP mode.

app.py          build_app(settings, db) -> slack_bolt.App; register_listeners(app, deps)
listeners/      one module per surface: commands, actions, app_home, dedupe (retries)
answer.py       the one path: parse → authorize → (sync) → report → render; errors → sentence
auth.py         Viewer, Identities / Directory (admins, user group, emails, channel membership),
                authorize(), visibility(), may_post_figures() (the one rule for what a whole
                channel reads)
blocks/         pure Block Kit builders; render(result) -> Message (blocks + fallback text)
mrkdwn.py       escape(): the one escaper for API text; mention(), truncate()
deliver.py      respond / DM / CSV upload        export.py   CSV bytes, files_upload_v2
home.py         the App Home view                refresh.py  sync-before-answer
http.py         create_http_app(bolt) -> Starlette (/slack/events, /healthz, /readyz)
cli.py          `claude-usage serve`
"""
