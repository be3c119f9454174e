"""Room objects of mautrix and matrix-nio convert into the invites the adapter decodes.

The objects are the libraries' own, built by their own parsers (``PublicRoomInfo``
from a directory answer, nio's ``PublicRoomsResponse``) or as nio's client keeps them
(``MatrixRoom`` with its state); each converted invite must equal what decoding the
matching room summary gives.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mautrix.types import JSON, RoomID
from mautrix.types.misc import PublicRoomInfo, RoomAliasInfo
from nio.responses import PublicRoomsResponse
from nio.rooms import MatrixInvitedRoom, MatrixRoom

from invitekit import InvalidArgument, PayloadError, PublicGroupInvite, PublicServerInvite
from invitekit_matrix import MatrixAdapter, MatrixRoomDetails
from invitekit_matrix.converters import convert, from_mautrix, from_nio

API = "https://matrix.example.org"
ENTRY: dict[str, Any] = {
    "room_id": "!lounge:example.org",
    "num_joined_members": 42,
    "world_readable": False,
    "guest_can_join": True,
    "name": "Lounge",
    "topic": "all welcome",
    "avatar_url": "mxc://example.org/AvatarOfTheLounge",
    "canonical_alias": "#lounge:example.org",
}


def _mautrix_room(entry: dict[str, Any]) -> PublicRoomInfo:
    """A directory entry as mautrix parses it."""
    room: PublicRoomInfo = PublicRoomInfo.deserialize(JSON(entry))
    return room


def _details(invite: object) -> MatrixRoomDetails:
    details = getattr(invite, "details", None)
    assert isinstance(details, MatrixRoomDetails)
    return details


def _decoded(summary: dict[str, Any]) -> Any:
    return MatrixAdapter.decode_public_invite(summary)


def test_a_mautrix_directory_entry() -> None:
    room = _mautrix_room(ENTRY)
    invite = from_mautrix(room, api_base=API)
    assert isinstance(invite, PublicGroupInvite)
    assert (invite.code, invite.member_count) == ("#lounge:example.org", 42)
    assert invite.channel is not None
    assert (invite.channel.id, invite.channel.name, invite.channel.description) == (
        "!lounge:example.org",
        "Lounge",
        "all welcome",
    )
    details = _details(invite)
    assert details.avatar_url == (
        f"{API}/_matrix/client/v1/media/download/example.org/AvatarOfTheLounge"
    )
    assert (details.guest_can_join, details.world_readable) == (True, False)
    assert details.membership is None  # a directory entry says nothing of the bot
    on_default_server = from_mautrix(room)
    decoded = _decoded(ENTRY)
    assert isinstance(on_default_server, PublicGroupInvite)
    assert on_default_server == decoded
    assert (on_default_server.channel, on_default_server.details) == (
        decoded.channel,
        decoded.details,
    )


def test_a_nio_directory_entry_of_a_space() -> None:
    answer = PublicRoomsResponse.from_dict(
        {"chunk": [{**ENTRY, "room_type": "m.space", "join_rule": "public"}]}
    )
    assert isinstance(answer, PublicRoomsResponse)
    (room,) = answer.public_rooms
    invite = from_nio(room, api_base=API)
    assert isinstance(invite, PublicServerInvite)
    assert (invite.server.id, invite.server.name, invite.member_count) == (
        "!lounge:example.org",
        "Lounge",
        42,
    )
    assert invite.server.icon_url is not None
    assert _details(invite).join_rule == "public"
    assert convert(room, api_base=API) == invite


def _nio_room(kind: type[MatrixRoom] = MatrixRoom) -> MatrixRoom:
    room = kind("!den:example.org", "@bot:example.org")
    room.room_version = "11"
    room.name, room.topic = "Den", "quiet please"
    room.canonical_alias = "#den:example.org"
    room.room_avatar_url = "mxc://example.org/DenAvatar"
    room.join_rule, room.guest_access, room.history_visibility = "invite", "can_join", "joined"
    room.encrypted = True
    for user in ("@bot:example.org", "@ada:example.org", "@ben:example.org"):
        room.add_member(user, None, None)
    return room


def test_a_nio_room_the_bot_is_in() -> None:
    room = _nio_room()
    invite = from_nio(room, api_base=API)
    assert isinstance(invite, PublicGroupInvite)
    assert (invite.code, invite.member_count) == ("#den:example.org", 3)
    details = _details(invite)
    assert (details.membership, details.join_rule, details.room_version) == (
        "join",
        "invite",
        "11",
    )
    assert (details.guest_can_join, details.world_readable) == (True, False)
    # nio keeps that the room is encrypted, not with what: nothing is guessed.
    assert details.encryption is None


def test_a_nio_room_the_bot_is_invited_to() -> None:
    invite = from_nio(_nio_room(MatrixInvitedRoom), api_base=API)
    assert _details(invite).membership == "invite"


def test_other_objects_are_refused() -> None:
    alias_only = RoomAliasInfo(room_id=RoomID("!x:example.org"), servers=["example.org"])
    for thing in (alias_only, object(), 42):
        with pytest.raises(InvalidArgument):
            convert(thing)
    with pytest.raises(InvalidArgument):
        from_mautrix(_nio_room())
    with pytest.raises(InvalidArgument):
        from_nio(_mautrix_room(ENTRY))


def test_a_room_object_holding_nonsense_is_a_payload_error() -> None:
    room = _nio_room()
    room.room_id = ""
    with pytest.raises(PayloadError):
        from_nio(room)


def test_payloads_convert_too() -> None:
    assert convert(ENTRY, api_base=API) == from_mautrix(_mautrix_room(ENTRY))


names = st.none() | st.text(max_size=40)


@given(name=names, topic=names, members=st.integers(min_value=0, max_value=10**6))
def test_any_directory_entry_converts_alike_from_both_libraries(
    name: str | None, topic: str | None, members: int
) -> None:
    entry: dict[str, Any] = {**ENTRY, "num_joined_members": members, "name": name, "topic": topic}
    entry = {key: value for key, value in entry.items() if value is not None}
    nio_answer = PublicRoomsResponse.from_dict({"chunk": [entry]})
    assert isinstance(nio_answer, PublicRoomsResponse)
    from_mautrix_room = from_mautrix(_mautrix_room(entry))
    from_nio_room = from_nio(nio_answer.public_rooms[0])
    expected = _decoded(entry)
    for invite in (from_mautrix_room, from_nio_room):
        assert isinstance(invite, PublicGroupInvite)
        assert invite == expected
        assert (invite.channel, invite.member_count, invite.details) == (
            expected.channel,
            expected.member_count,
            expected.details,
        )
        assert invite.member_count == members
        assert invite.channel is not None
        assert invite.channel.name == name
