"""Authorization, enforced before any report runs: admins (list + user group) and everyone else."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.reports.commands import parse_command
from bot.slack.auth import AccessDenied, Directory, Viewer, authorize
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_env import (
    ADMIN,
    ADMIN_GROUP,
    GROUP_ADMIN,
    STRANGER,
    TODAY,
    USER,
    SlackEnv,
    make_settings,
)

pytest_plugins = ["tests.fakes.slack_fixtures"]

REFUSAL_NAMES = ("<@UADMIN0001>", "<@UADMIN0002>", f"<!subteam^{ADMIN_GROUP}>")


def section_text(env: SlackEnv, words: str, user: str) -> str:
    reply = env.ask(words, user)
    assert reply.body["response_type"] == "ephemeral"
    return " ".join(str(b.get("text", {}).get("text", "")) for b in reply.blocks)


@pytest.mark.parametrize(
    "words",
    ["top-spenders 7d", "compare week", "export spend 7d", "user someone.else@example.com"],
)
def test_non_admin_is_refused_politely_with_the_admins_named(
    slack_env: SlackEnv, words: str
) -> None:
    text = section_text(slack_env, words, USER)
    assert "is limited to Claude usage admins" in text
    for name in REFUSAL_NAMES:
        assert name in text  # live mentions: built only from validated IDs
    assert "`adoption`" in text
    assert "`user me`" in text
    assert "$" not in text  # no figure leaked


@pytest.mark.parametrize("words", ["adoption 7d", "spend 7d by product", "tokens 7d", "skills"])
def test_non_admin_sees_organisation_level_reports(slack_env: SlackEnv, words: str) -> None:
    text = section_text(slack_env, words, USER)
    assert "limited to" not in text


def test_non_admin_sees_own_profile_matched_by_email(slack_env: SlackEnv) -> None:
    text = section_text(slack_env, "user me 7d", USER)
    assert "limited to" not in text
    assert "Spend" in text
    # Slack has the email in upper case; the match is case-insensitive.
    assert section_text(slack_env, f"user {slack_env.user_email} 7d", USER) == text


def test_someone_unknown_to_claude_gets_a_sentence(slack_env: SlackEnv) -> None:
    text = section_text(slack_env, "user me", STRANGER)
    assert text.startswith(":warning:")
    assert "stranger@elsewhere.example" in text


def test_group_admin_is_an_admin_and_membership_is_cached(slack_env: SlackEnv) -> None:
    assert "limited to" not in section_text(slack_env, "top-spenders 7d", GROUP_ADMIN)
    assert "limited to" not in section_text(slack_env, "top-spenders 30d", GROUP_ADMIN)
    assert len(slack_env.fake.requests("usergroups.users.list")) == 1


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as slack:
        slack.add_user(USER, "ada@example.com")
        slack.set_usergroup(ADMIN_GROUP, [GROUP_ADMIN])
        yield slack


def directory(fake: FakeSlack, **overrides: object) -> Directory:
    client = WebClient(token="xoxb-t", base_url=fake.api_url)
    return Directory(client, make_settings(fake, **overrides))


def test_authorize_resolves_mentions_and_refuses_others(fake: FakeSlack) -> None:
    d = directory(fake)
    viewer = Viewer(user_id=USER, is_admin=False, email="ada@example.com")
    own = authorize(parse_command(f"user <@{USER}|ada>", today=TODAY), viewer, d)
    assert own.target.email == "ada@example.com"  # type: ignore[union-attr]
    with pytest.raises(AccessDenied, match="Other people's usage"):
        authorize(parse_command("user bob@example.com", today=TODAY), viewer, d)
    admin = Viewer(user_id=ADMIN, is_admin=True, email=None)
    resolved = authorize(parse_command(f"user <@{USER}>", today=TODAY), admin, d)
    assert resolved.target.email == "ada@example.com"  # type: ignore[union-attr]


def test_usergroup_failure_fails_closed(fake: FakeSlack) -> None:
    fake.fail("usergroups.users.list", "missing_scope")
    d = directory(fake)
    assert d.viewer(GROUP_ADMIN).is_admin is False
    assert d.viewer(ADMIN).is_admin is True


def test_no_admins_configured_says_so(fake: FakeSlack) -> None:
    d = directory(fake, admins="", admin_usergroup=None)
    viewer = d.viewer(USER)
    with pytest.raises(AccessDenied, match="none are set up yet"):
        authorize(parse_command("top-spenders", today=TODAY), viewer, d)


def test_invalid_admin_ids_never_become_mentions(fake: FakeSlack) -> None:
    d = directory(fake, admins="<!channel>,UADMIN0001", admin_usergroup=None)
    assert d.admin_names() == "<@UADMIN0001>"
