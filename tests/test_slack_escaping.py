"""Names from the API such as `<!channel>`, `<@U123ABC>` and `*bold*` reach Slack escaped on every
surface: command answers, buttons, App Home, DMs, errors and the notification text."""

from __future__ import annotations

from tests.fakes.slack_env import ADMIN, HOSTILE, SlackEnv

pytest_plugins = ["tests.fakes.slack_fixtures"]

COMMANDS = (
    "top-spenders 60d --limit 100",
    "top-spenders 60d --list --limit 100",
    "spend 30d by model",
    "spend 30d by product",
    "tokens 30d by product",
    "adoption 30d",
    "projects 60d --limit 100",
    "skills 60d --limit 100",
    "connectors 60d --limit 100",
    "compare week",
    "compare month",
    "finance",
    "status",
    "export projects 60d --limit 100",
    "user <!channel>",
    "frobnicate <@U123ABC> <https://evil.example|click>",
)


def test_no_recorded_payload_contains_an_unescaped_api_string(slack_env: SlackEnv) -> None:
    for words in COMMANDS:
        slack_env.ask(words)
    event = {"type": "app_home_opened", "user": ADMIN, "channel": "D0HOME0001", "tab": "home"}
    slack_env.sender.event(event)
    slack_env.fake.wait_for("views.publish")
    strings = list(slack_env.sent_strings())
    everything = "\n".join(strings)
    # The adversarial names really were in the answers, escaped …
    assert "&lt;!channel&gt;" in everything
    assert "&lt;@U123ABC&gt;" in everything
    assert "∗bold∗" in everything
    # … and never raw, anywhere.
    for raw in HOSTILE:
        offenders = [s[:120] for s in strings if raw in s]
        assert not offenders, (raw, offenders)


def test_the_csv_keeps_names_exact(slack_env: SlackEnv) -> None:
    slack_env.ask("export projects 60d")
    (upload,) = slack_env.fake.requests("upload")
    text = upload.raw.decode("utf-8")
    assert "<!here>" in text  # a file is not mrkdwn: names are kept as the API sent them
