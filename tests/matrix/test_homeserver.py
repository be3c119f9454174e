"""What the Matrix adapter will stand on: the homeserver answers as the reference says.

These tests talk plain HTTP to the real Synapse the suite starts, so a change of the
pinned release that moves a status code or an errcode shows up here first, and a
stand-in server for the demo can be held to the same answers.
"""

from __future__ import annotations

import secrets
from urllib.parse import quote

from tests.matrix._homeserver import SERVER_NAME, Homeserver, User


def _alias(name: str) -> str:
    return f"#{name}:{SERVER_NAME}"


def _room(homeserver: Homeserver, owner: User, **options: object) -> str:
    status, body = homeserver.request(
        "POST", "/_matrix/client/v3/createRoom", options, token=owner.token
    )
    assert status == 200, body
    room_id: str = body["room_id"]
    return room_id


def _summary(
    homeserver: Homeserver, target: str, token: str | None = None
) -> tuple[int, dict[str, object]]:
    return homeserver.request(
        "GET", f"/_matrix/client/v1/room_summary/{quote(target, safe='')}", token=token
    )


def test_an_alias_lives_and_dies(homeserver: Homeserver) -> None:
    owner = homeserver.register(f"owner{secrets.token_hex(3)}")
    name = f"lounge{secrets.token_hex(3)}"
    room_id = _room(homeserver, owner, name="Lounge", topic="all welcome", preset="public_chat")
    assert room_id.startswith("!")
    assert ":" not in room_id  # room version 12: no server part

    path = f"/_matrix/client/v3/directory/room/{quote(_alias(name), safe='')}"
    assert homeserver.request("PUT", path, {"room_id": room_id}, token=owner.token) == (200, {})
    status, body = homeserver.request("PUT", path, {"room_id": room_id}, token=owner.token)
    assert (status, body["errcode"]) == (409, "M_UNKNOWN")

    status, summary = _summary(homeserver, _alias(name))
    assert status == 200
    assert summary["room_id"] == room_id
    assert summary["name"] == "Lounge"
    assert summary["topic"] == "all welcome"
    assert summary["join_rule"] == "public"
    assert summary["num_joined_members"] == 1
    assert "room_type" not in summary  # unset keys are absent, not null

    status, listed = homeserver.request(
        "GET", f"/_matrix/client/v3/rooms/{quote(room_id, safe='')}/aliases", token=owner.token
    )
    assert status == 200
    assert _alias(name) in listed["aliases"]

    assert homeserver.request("DELETE", path, token=owner.token) == (200, {})
    status, body = homeserver.request("DELETE", path, token=owner.token)
    assert (status, body["errcode"]) == (404, "M_NOT_FOUND")
    status, body = _summary(homeserver, _alias(name))
    assert (status, body["errcode"]) == (404, "M_NOT_FOUND")


def test_joining_twice_is_not_an_error_and_membership_tells(homeserver: Homeserver) -> None:
    owner = homeserver.register(f"owner{secrets.token_hex(3)}")
    guest = homeserver.register(f"guest{secrets.token_hex(3)}")
    room_id = _room(homeserver, owner, preset="public_chat")
    join = f"/_matrix/client/v3/join/{quote(room_id, safe='')}"
    assert homeserver.request("POST", join, {}, token=guest.token) == (200, {"room_id": room_id})
    assert homeserver.request("POST", join, {}, token=guest.token) == (200, {"room_id": room_id})
    status, summary = _summary(homeserver, room_id, guest.token)
    assert (status, summary["membership"]) == (200, "join")


def test_invite_only_rooms_bans_and_tokens(homeserver: Homeserver) -> None:
    owner = homeserver.register(f"owner{secrets.token_hex(3)}")
    stranger = homeserver.register(f"stranger{secrets.token_hex(3)}")
    room_id = _room(homeserver, owner, preset="private_chat")
    join = f"/_matrix/client/v3/join/{quote(room_id, safe='')}"

    status, body = _summary(homeserver, room_id, stranger.token)
    assert (status, body["errcode"]) == (404, "M_NOT_FOUND")  # "not found or not accessible"
    status, body = homeserver.request("POST", join, {}, token=stranger.token)
    assert (status, body["errcode"]) == (403, "M_FORBIDDEN")

    ban = f"/_matrix/client/v3/rooms/{quote(room_id, safe='')}/ban"
    assert (
        homeserver.request("POST", ban, {"user_id": stranger.user_id}, token=owner.token)[0] == 200
    )
    status, body = homeserver.request("POST", join, {}, token=stranger.token)
    assert (status, body["errcode"]) == (403, "M_BAD_STATE")

    status, body = homeserver.request(
        "GET", f"/_matrix/client/v3/rooms/{quote(room_id, safe='')}/aliases"
    )
    assert (status, body["errcode"]) == (401, "M_MISSING_TOKEN")
    status, body = homeserver.request(
        "GET", f"/_matrix/client/v3/rooms/{quote(room_id, safe='')}/aliases", token="nonsense"
    )
    assert (status, body["errcode"]) == (401, "M_UNKNOWN_TOKEN")


def test_a_tight_server_answers_429_with_retry_after_ms(tight_homeserver: Homeserver) -> None:
    owner = tight_homeserver.register(f"owner{secrets.token_hex(3)}")
    answers = [
        tight_homeserver.request("POST", "/_matrix/client/v3/createRoom", {}, token=owner.token)
        for _ in range(4)
    ]
    limited = [body for status, body in answers if status == 429]
    assert limited, [status for status, _ in answers]
    assert limited[0]["errcode"] == "M_LIMIT_EXCEEDED"
    assert isinstance(limited[0]["retry_after_ms"], int)
    assert limited[0]["retry_after_ms"] > 0
