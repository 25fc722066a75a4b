"""The fake Slack Web API answers real slack_sdk clients the way Slack does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from tests.fakes.slack_api import BOT_USER_ID, FakeSlack


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


TOKEN = "xoxb-test"


def client(slack: FakeSlack) -> WebClient:
    return WebClient(token=TOKEN, base_url=slack.api_url)


def test_auth_and_messages_are_recorded_whole(slack: FakeSlack) -> None:
    web = client(slack)
    assert web.auth_test()["user_id"] == BOT_USER_ID
    posted = web.chat_postMessage(channel="C1", text="hi", blocks=[{"type": "divider"}])
    assert posted["ts"]
    web.chat_postEphemeral(channel="C1", user="U1", text="only you")
    web.chat_update(channel="C1", ts=posted["ts"], text="edited")
    (message,) = slack.requests("chat.postMessage")
    assert message.headers["authorization"] == "Bearer xoxb-test"
    assert message.body["channel"] == "C1"
    assert message.blocks == [{"type": "divider"}]
    assert [r.method for r in slack.requests()] == [
        "auth.test",
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.update",
    ]


def test_missing_token_is_not_authed(slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as error:
        WebClient(base_url=slack.api_url).auth_test()
    assert error.value.response["error"] == "not_authed"


def test_users_groups_and_dm(slack: FakeSlack) -> None:
    slack.add_user("U1", "Ada@Example.com", name="ada")
    slack.set_usergroup("S1", ["U1", "U2"])
    web = client(slack)
    assert web.users_info(user="U1")["user"]["profile"]["email"] == "Ada@Example.com"
    assert web.users_lookupByEmail(email="ada@example.com")["user"]["id"] == "U1"
    assert web.usergroups_users_list(usergroup="S1")["users"] == ["U1", "U2"]
    assert web.conversations_open(users="U1")["channel"]["id"] == "D1"
    with pytest.raises(SlackApiError):
        web.users_info(user="U404")


def test_views_publish_requires_a_home_view(slack: FakeSlack) -> None:
    web = client(slack)
    view = web.views_publish(user_id="U1", view={"type": "home", "blocks": []})["view"]
    assert view["type"] == "home"
    assert slack.requests("views.publish")[0].field_json("view")["type"] == "home"


def test_files_upload_v2_runs_all_three_steps(slack: FakeSlack) -> None:
    web = client(slack)
    result = web.files_upload_v2(channel="D1", content=b"a,b\r\n1,2\r\n", filename="x.csv")
    assert result["file"]["id"].startswith("F")
    (upload,) = slack.requests("upload")
    assert upload.raw == b"a,b\r\n1,2\r\n"
    (complete,) = slack.requests("files.completeUploadExternal")
    assert complete.body["channel_id"] == "D1"


def test_response_url_records_respond_payloads(slack: FakeSlack) -> None:
    WebhookClient(slack.response_url("abc")).send(text="hello", response_type="ephemeral")
    (reply,) = slack.wait_for("response", timeout=5)
    assert reply.path == "/response/abc"
    assert reply.body == {"text": "hello", "response_type": "ephemeral"}


def test_wait_for_times_out_with_what_it_saw(slack: FakeSlack) -> None:
    client(slack).auth_test()
    with pytest.raises(TimeoutError, match=r"auth\.test"):
        slack.wait_for("chat.postMessage", timeout=0.05)


def test_injected_errors(slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", "channel_not_found")
    with pytest.raises(SlackApiError) as error:
        client(slack).chat_postMessage(channel="C1", text="x")
    assert error.value.response["error"] == "channel_not_found"
