"""Looking rooms up: the room summary as an invite, against the session's Synapse."""

from __future__ import annotations

import pytest

from invitekit import (
    BadRequest,
    ChannelType,
    InviteNotFound,
    PublicGroupInvite,
    PublicServerInvite,
    Unauthorized,
)
from invitekit_matrix import MatrixAdapter, MatrixRoomDetails
from tests.matrix._homeserver import SERVER_NAME, Homeserver
from tests.matrix._recording import Recording
from tests.matrix.conftest import Connect, Register, alias

AVATAR = f"mxc://{SERVER_NAME}/AvatarOfTheRoom01"


def _details(invite: object) -> MatrixRoomDetails:
    details = getattr(invite, "details", None)
    assert isinstance(details, MatrixRoomDetails)
    return details


async def test_a_public_room_is_a_group_invite_without_a_token(
    homeserver: Homeserver, register: Register, connect: Connect
) -> None:
    owner = register("owner")
    room_id = homeserver.create_room(
        owner,
        preset="public_chat",
        name="Lounge",
        topic="all welcome",
        initial_state=[
            {"type": "m.room.avatar", "state_key": "", "content": {"url": AVATAR}},
            {
                "type": "m.room.guest_access",
                "state_key": "",
                "content": {"guest_access": "can_join"},
            },
        ],
    )
    code = alias("lounge")
    homeserver.add_alias(owner, code, room_id)
    homeserver.send_state(owner, room_id, "m.room.canonical_alias", {"alias": code})

    invite = await connect().fetch_invite(f"https://matrix.to/#/{code}")
    assert isinstance(invite, PublicGroupInvite)
    assert (invite.code, invite.instance, invite.member_count) == (code, None, 1)
    assert invite.channel is not None
    assert (invite.channel.id, invite.channel.name, invite.channel.type) == (
        room_id,
        "Lounge",
        ChannelType.TEXT,
    )
    assert invite.channel.description == "all welcome"
    details = _details(invite)
    assert (details.room_id, details.canonical_alias, details.join_rule) == (
        room_id,
        code,
        "public",
    )
    assert details.guest_can_join is True
    assert details.encryption is None
    assert details.membership is None  # no token, no membership
    assert details.room_version == "12"
    assert details.avatar_mxc == AVATAR
    assert details.avatar_url == (
        f"{homeserver.url}/_matrix/client/v1/media/download/{SERVER_NAME}/AvatarOfTheRoom01"
    )
    assert str(invite) == f"https://matrix.to/#/%23{code[1:]}"


async def test_a_space_is_a_server_invite(
    homeserver: Homeserver, register: Register, connect: Connect
) -> None:
    owner = register("owner")
    space_id = homeserver.create_room(
        owner,
        preset="public_chat",
        name="Guild",
        topic="rooms about cats",
        creation_content={"type": "m.space"},
        initial_state=[{"type": "m.room.avatar", "state_key": "", "content": {"url": AVATAR}}],
    )
    invite = await connect(owner).fetch_invite(space_id)
    assert isinstance(invite, PublicServerInvite)
    assert (invite.server.id, invite.server.name, invite.server.description) == (
        space_id,
        "Guild",
        "rooms about cats",
    )
    assert invite.server.icon_url is not None
    assert invite.server.icon_url.endswith("/AvatarOfTheRoom01")
    assert _details(invite).room_type == "m.space"
    assert _details(invite).membership == "join"


async def test_an_encrypted_room_of_an_older_version(
    homeserver: Homeserver, register: Register, connect: Connect
) -> None:
    owner = register("owner")
    room_id = homeserver.create_room(
        owner,
        preset="public_chat",
        room_version="10",
        initial_state=[
            {
                "type": "m.room.encryption",
                "state_key": "",
                "content": {"algorithm": "m.megolm.v1.aes-sha2"},
            }
        ],
    )
    assert room_id.endswith(f":{SERVER_NAME}")  # versions before 12 name their server
    invite = await connect().fetch_invite(room_id)
    assert _details(invite).encryption == "m.megolm.v1.aes-sha2"
    assert _details(invite).room_version == "10"
    assert invite.url == f"https://matrix.to/#/{room_id}?via={SERVER_NAME}"


async def test_a_room_id_link_sends_its_via_and_a_permalink_keeps_its_event(
    homeserver: Homeserver, register: Register
) -> None:
    owner = register("owner")
    room_id = homeserver.create_room(owner, preset="public_chat", name="Routed")
    event_id = homeserver.send_state(owner, room_id, "m.room.topic", {"topic": "pinned"})
    recording = Recording()
    async with MatrixAdapter(api_base=homeserver.url, transport=recording) as matrix:
        link = f"https://matrix.to/#/{room_id}/{event_id}?via={SERVER_NAME}&via=elsewhere.example"
        invite = await matrix.fetch_invite(link)
    assert (invite.code, invite.event_id) == (room_id, event_id)
    assert isinstance(invite, PublicGroupInvite)
    assert _details(invite).via == (SERVER_NAME, "elsewhere.example")
    (sent,) = recording.paths
    assert sent.endswith(f"?via={SERVER_NAME}&via=elsewhere.example")
    assert sent.startswith("GET client/v1/room_summary/%21")


async def test_a_matrix_uri_and_a_client_link(
    homeserver: Homeserver, register: Register, connect: Connect
) -> None:
    owner = register("owner")
    room_id = homeserver.create_room(owner, preset="public_chat", name="Linked")
    code = alias("linked")
    homeserver.add_alias(owner, code, room_id)
    matrix = connect(client_hosts=["chat.example.org"])
    for link in (
        f"matrix:r/{code[1:]}?action=join",
        f"https://app.element.io/#/room/{code}",
        f"https://chat.example.org/#/room/{code}",
        f"  <{code}>  ",
    ):
        invite = await matrix.fetch_invite(link)
        assert isinstance(invite, PublicGroupInvite)
        assert (invite.code, invite.member_count) == (code, 1), link


async def test_missing_rooms_and_bad_tokens(homeserver: Homeserver, connect: Connect) -> None:
    anonymous = connect()
    unknown_v12 = "!NoSuchRoomNoSuchRoomNoSuchRoomNoSuchRoom123"
    for code in (alias("nowhere"), f"!gone:{SERVER_NAME}"):
        with pytest.raises(InviteNotFound) as caught:
            await anonymous.fetch_invite(code)
        assert (caught.value.status, caught.value.platform) == (404, "matrix")
        assert caught.value.code == "M_NOT_FOUND"
    # A room id of a room the server is not in, with no server to ask: its own server
    # name is the guess when it has one; a room version 12 id has none.
    for target in ("!x:elsewhere.invalid", f"https://matrix.to/#/{unknown_v12}?via={SERVER_NAME}"):
        with pytest.raises(InviteNotFound):
            await anonymous.fetch_invite(target)
    with pytest.raises(BadRequest) as unroutable:
        await anonymous.fetch_invite(unknown_v12)
    assert unroutable.value.code == "M_UNKNOWN"
    assert "via" in unroutable.value.message
    token = "syt_not_a_real_token_SECRET"
    async with MatrixAdapter(token, api_base=homeserver.url) as stranger:
        with pytest.raises(Unauthorized) as refused:
            await stranger.fetch_invite(alias("x"))
    assert refused.value.code == "M_UNKNOWN_TOKEN"
    assert token not in str(refused.value) + repr(refused.value)
