"""Answers of the fake Slack Web API, one function per method, shaped like Slack's payloads.

Each takes the fake (its configured users, groups and recorded uploads), the parsed request body,
a sequence number and a message timestamp, and returns the JSON body Slack would send.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fakes.slack_api import FakeSlack, SlackUser

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yaml"
TEAM_ID = "T0FAKE0001"
BOT_USER_ID = "U0BOT00001"
BOT_ID = "B0BOT00001"


def manifest_scopes() -> tuple[str, ...]:
    """The bot scopes `manifest.yaml` asks for: what an app installed from it is granted."""
    text = MANIFEST.read_text(encoding="utf-8")
    block = text.split("    bot:\n", 1)[1].split("\nsettings:", 1)[0]
    return tuple(re.findall(r"^\s+- ([\w:.]+)\s*$", block, flags=re.MULTILINE))


def _auth_test(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    return {
        "ok": True,
        "url": "https://fake-org.slack.com/",
        "team": "Fake Org",
        "user": "claude-usage",
        "team_id": TEAM_ID,
        "user_id": BOT_USER_ID,
        "bot_id": BOT_ID,
        "is_enterprise_install": False,
    }


def _json_field(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value


def _post_message(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    channel = str(body.get("channel", ""))
    if not channel:
        return {"ok": False, "error": "channel_not_found"}
    if channel in fake.state.not_member:
        return {"ok": False, "error": "not_in_channel"}
    message: dict[str, Any] = {
        "type": "message",
        "text": body.get("text", ""),
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "ts": ts,
    }
    if body.get("blocks"):
        message["blocks"] = _json_field(body["blocks"])
    if body.get("metadata"):
        message["metadata"] = _json_field(body["metadata"])
    if body.get("thread_ts"):
        message["thread_ts"] = body["thread_ts"]
    else:
        fake.state.messages.setdefault(channel, []).append(message)
    return {"ok": True, "channel": channel, "ts": ts, "message": message}


def _post_ephemeral(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    if not body.get("channel") or not body.get("user"):
        return {"ok": False, "error": "invalid_arguments"}
    return {"ok": True, "message_ts": ts}


def _update(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    for message in fake.state.messages.get(str(body.get("channel", "")), []):
        if message["ts"] == body.get("ts"):
            message["text"] = body.get("text", "")
            if body.get("blocks"):
                message["blocks"] = _json_field(body["blocks"])
            message["edited"] = {"user": BOT_USER_ID, "ts": ts}
    return {
        "ok": True,
        "channel": body.get("channel"),
        "ts": body.get("ts"),
        "text": body.get("text"),
    }


def _views_publish(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    view = body.get("view")
    view = json.loads(view) if isinstance(view, str) else view
    if not isinstance(view, dict) or view.get("type") != "home" or not body.get("user_id"):
        return {"ok": False, "error": "invalid_arguments"}
    return {"ok": True, "view": {**view, "id": f"V{n:08d}", "team_id": TEAM_ID, "hash": ts}}


def _user_payload(user: SlackUser) -> dict[str, Any]:
    profile: dict[str, Any] = {"real_name": user.real_name, "display_name": user.name}
    if user.email is not None:
        profile["email"] = user.email
    return {
        "id": user.id,
        "team_id": TEAM_ID,
        "name": user.name,
        "deleted": False,
        "real_name": user.real_name,
        "tz": "Europe/London",
        "is_bot": user.is_bot,
        "profile": profile,
    }


def _users_info(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    user = fake.state.users.get(str(body.get("user", "")))
    if user is None:
        return {"ok": False, "error": "user_not_found"}
    return {"ok": True, "user": _user_payload(user)}


def _lookup_by_email(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    email = str(body.get("email", "")).lower()
    for user in fake.state.users.values():
        if user.email is not None and user.email.lower() == email:
            return {"ok": True, "user": _user_payload(user)}
    return {"ok": False, "error": "users_not_found"}


def _usergroup_users(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    members = fake.state.usergroups.get(str(body.get("usergroup", "")))
    if members is None:
        return {"ok": False, "error": "no_such_subteam"}
    return {"ok": True, "users": members}


def _conversations_open(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    users = str(body.get("users", ""))
    if not users:
        return {"ok": False, "error": "users_list_not_supplied"}
    return {"ok": True, "channel": {"id": "D" + users.split(",")[0][1:], "is_im": True}}


def _upload_url(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    if not body.get("filename") or not body.get("length"):
        return {"ok": False, "error": "invalid_arguments"}
    file_id = f"F{n:08d}"
    return {"ok": True, "upload_url": f"{fake.base_url}/upload/{file_id}", "file_id": file_id}


def _complete_upload(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    files = json.loads(str(body.get("files", "[]")))
    uploaded = {r.path.rsplit("/", 1)[-1] for r in fake.requests("upload")}
    if not files or any(f.get("id") not in uploaded for f in files):
        return {"ok": False, "error": "file_not_found"}
    return {
        "ok": True,
        "files": [
            {"id": f["id"], "title": f.get("title", ""), "name": f.get("title")} for f in files
        ],
    }


def _conversations_info(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    channel = str(body.get("channel", ""))
    if not channel.startswith(("C", "G")):
        return {"ok": False, "error": "channel_not_found"}
    member = channel not in fake.state.not_member
    return {"ok": True, "channel": {"id": channel, "is_channel": True, "is_member": member}}


def _history(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    channel = str(body.get("channel", ""))
    if channel in fake.state.not_member:
        return {"ok": False, "error": "not_in_channel"}
    oldest = float(body.get("oldest") or 0)
    metadata = str(body.get("include_all_metadata", "")).lower() in ("1", "true")
    found = []
    for message in reversed(fake.state.messages.get(channel, [])):
        if float(message["ts"]) <= oldest:
            continue
        shown = dict(message)
        if not metadata:
            shown.pop("metadata", None)
        found.append(shown)
    return {"ok": True, "messages": found, "has_more": False, "response_metadata": {}}


def _connections_open(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    if fake.state.socket_url is None:
        return {"ok": False, "error": "not_allowed_token_type"}
    return {"ok": True, "url": fake.state.socket_url}


def _assistant_ok(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    """assistant.threads.setStatus / setTitle: need the thread they apply to."""
    if not body.get("channel_id") or not body.get("thread_ts"):
        return {"ok": False, "error": "invalid_arguments"}
    return {"ok": True}


def _suggested_prompts(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    prompts = body.get("prompts")
    prompts = json.loads(prompts) if isinstance(prompts, str) else prompts
    if not body.get("channel_id") or not isinstance(prompts, list) or not 1 <= len(prompts) <= 4:
        return {"ok": False, "error": "invalid_arguments"}
    if any(not p.get("title") or not p.get("message") for p in prompts):
        return {"ok": False, "error": "invalid_arguments"}
    return {"ok": True}


def _start_stream(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    if not body.get("channel") or not body.get("thread_ts"):
        return {"ok": False, "error": "invalid_arguments"}
    return {"ok": True, "channel": body["channel"], "ts": ts}


def _append_stream(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    if not body.get("channel") or not body.get("ts"):
        return {"ok": False, "error": "invalid_arguments"}
    if not body.get("markdown_text") and not body.get("chunks"):
        return {"ok": False, "error": "no_text"}
    return {"ok": True, "channel": body["channel"], "ts": body["ts"]}


def _stop_stream(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    if not body.get("channel") or not body.get("ts"):
        return {"ok": False, "error": "invalid_arguments"}
    message = {"type": "message", "user": BOT_USER_ID, "ts": body["ts"]}
    return {"ok": True, "channel": body["channel"], "ts": body["ts"], "message": message}


def _reactions_add(fake: FakeSlack, body: dict[str, Any], n: int, ts: str) -> dict[str, Any]:
    if not body.get("channel") or not body.get("timestamp") or not body.get("name"):
        return {"ok": False, "error": "invalid_arguments"}
    return {"ok": True}


ANSWERS: dict[str, Callable[[FakeSlack, dict[str, Any], int, str], dict[str, Any]]] = {
    "auth.test": _auth_test,
    "chat.postMessage": _post_message,
    "chat.postEphemeral": _post_ephemeral,
    "chat.update": _update,
    "views.publish": _views_publish,
    "users.info": _users_info,
    "users.lookupByEmail": _lookup_by_email,
    "usergroups.users.list": _usergroup_users,
    "conversations.open": _conversations_open,
    "files.getUploadURLExternal": _upload_url,
    "files.completeUploadExternal": _complete_upload,
    "apps.connections.open": _connections_open,
    "assistant.threads.setStatus": _assistant_ok,
    "assistant.threads.setTitle": _assistant_ok,
    "assistant.threads.setSuggestedPrompts": _suggested_prompts,
    "chat.startStream": _start_stream,
    "chat.appendStream": _append_stream,
    "chat.stopStream": _stop_stream,
    "reactions.add": _reactions_add,
    "conversations.info": _conversations_info,
    "conversations.history": _history,
}
