from __future__ import annotations

import pytest

from bot.config import DEFAULT_MODEL, Settings


def test_secrets_are_masked_and_lists_split(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_ANALYTICS_API_KEY", "sk-very-secret")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-secret")
    monkeypatch.setenv("CLAUDE_USAGE_ADMINS", "U1, U2,,")
    settings = Settings()
    assert "sk-very-secret" not in repr(settings)
    assert "xoxb-secret" not in str(settings)
    assert settings.analytics_api_key is not None
    assert settings.analytics_api_key.get_secret_value() == "sk-very-secret"
    assert settings.admins == frozenset({"U1", "U2"})


def test_a_blank_variable_means_not_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_ANALYTICS_API_KEY", "")
    monkeypatch.setenv("CLAUDE_USAGE_DB", "")
    monkeypatch.setenv("CLAUDE_USAGE_TZ", "")
    settings = Settings()
    assert settings.analytics_api_key is None
    assert str(settings.db_path) == "claude-usage.db"
    assert settings.tz == "UTC"


def test_defaults_follow_the_design() -> None:
    settings = Settings()
    assert settings.analytics_base_url == "https://api.anthropic.com"
    assert settings.tz == "UTC"
    assert settings.admins == frozenset()
    assert settings.model == DEFAULT_MODEL
    assert settings.model != "claude-sonnet-4-5"


def test_default_model_is_not_deprecated_by_the_sdk() -> None:
    from anthropic._data import DEPRECATED_MODELS

    assert DEFAULT_MODEL not in DEPRECATED_MODELS


def test_a_mistyped_time_zone_is_one_clear_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.config import ConfigError, load_settings

    monkeypatch.setenv("CLAUDE_USAGE_TZ", "Europe/Berln")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value) == (
        "CLAUDE_USAGE_TZ 'Europe/Berln' is not a time zone; use an IANA name such as "
        "Europe/Berlin, America/New_York or UTC."
    )
    monkeypatch.setenv("CLAUDE_USAGE_TZ", " Pacific/Tongatapu ")
    assert load_settings().tz == "Pacific/Tongatapu"


def test_the_cli_reports_a_bad_time_zone_in_one_line(tmp_path: object) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "SLACK_"))}
    env["CLAUDE_USAGE_TZ"] = "Mars/Olympus"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "status"],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(tmp_path),
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "error: CLAUDE_USAGE_TZ 'Mars/Olympus' is not a time zone; use an IANA name such as "
        "Europe/Berlin, America/New_York or UTC."
    ]


def test_alert_channel_and_digest_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.config import ConfigError, load_settings

    assert (Settings().alert_channel, Settings().digest_grace_minutes) == (None, 180)
    monkeypatch.setenv("CLAUDE_USAGE_ALERT_CHANNEL", " C0ALERTS01 ")
    monkeypatch.setenv("CLAUDE_USAGE_DIGEST_GRACE_MINUTES", "30")
    settings = load_settings()
    assert (settings.alert_channel, settings.digest_grace_minutes) == ("C0ALERTS01", 30)
    monkeypatch.setenv("CLAUDE_USAGE_ALERT_CHANNEL", "#claude-alerts")
    with pytest.raises(ConfigError, match="CLAUDE_USAGE_ALERT_CHANNEL '#claude-alerts' is not"):
        load_settings()


def test_a_bad_number_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.config import ConfigError, load_settings

    monkeypatch.setenv("CLAUDE_USAGE_SEAT_PRICE_CENTS", "12,50")
    monkeypatch.setenv("PORT", "http")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith("CLAUDE_USAGE_SEAT_PRICE_CENTS='12,50' is not valid: input should")
    assert "; PORT='http' is not valid: input should be a valid integer" in message
    assert "\n" not in message
