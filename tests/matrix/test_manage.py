"""Joining and managing aliases against the session's Synapse: the alias lifecycle,
invite-only rooms, bans, joins Matrix answers twice with success, permissions, and
hostile codes and ids refused before any request."""

from __future__ import annotations

import pytest

from invitekit import (
    AlreadyMember,
    Banned,
    Conflict,
    Forbidden,
    GroupInvite,
    InvalidArgument,
    InvalidInviteLink,
    InviteNotFound,
    JoinedGroup,
    JoinedServer,
    MissingPermissions,
    PublicGroupInvite,
    UnsupportedOperation,
)
from invitekit_matrix import MatrixAdapter, MatrixRoomDetails
from tests.matrix._homeserver import SERVER_NAME, Homeserver
from tests.matrix._recording import Recording
from tests.matrix.conftest import Connect, Register, alias, unique


async def test_an_alias_lives_and_dies(
    homeserver: Homeserver, register: Register, connect: Connect
) -> None:
    owner, guest = register("owner"), register("guest")
    room_id = homeserver.create_room(owner, preset="public_chat", name="Lifecycle")
    matrix = connect(owner)

    created = await matrix.create_invite(room_id, alias=unique("life"))
    assert isinstance(created, GroupInvite)
    assert created.code.endswith(f":{SERVER_NAME}")
    assert (created.channel_id, created.max_uses, created.max_age) == (room_id, None, None)
    assert created.creator_id == owner.user_id  # learnt from whoami, for the server name
    generated = await matrix.create_invite(room_id)
    assert generated.code != created.code

    listed = await matrix.list_invites(channel_id=room_id)
    assert {invite.code for invite in listed} == {created.code, generated.code}
    assert all(isinstance(invite, GroupInvite) for invite in listed)
    assert all(invite.adapter is matrix for invite in listed)
    assert {getattr(invite, "channel_id", None) for invite in listed} == {room_id}

    fetched = await connect(guest).fetch_invite(created.code)
    assert fetched == created
    joined = await fetched.accept()
    assert isinstance(joined, JoinedGroup)
    assert (joined.code, joined.channel.id, joined.channel.name) == (
        created.code,
        room_id,
        "Lifecycle",
    )
    assert isinstance(joined.details, MatrixRoomDetails)
    assert joined.details.membership == "join"

    await created.delete(reason="Matrix keeps no reason")
    with pytest.raises(InviteNotFound):
        await matrix.fetch_invite(created.code)
    with pytest.raises(InviteNotFound):
        await matrix.revoke(created.code)
    assert [invite.code for invite in await matrix.list_invites(channel_id=room_id)] == [
        generated.code
    ]


async def test_creating_aliases_refuses_what_matrix_has_not(
    homeserver: Homeserver, register: Register, connect: Connect
) -> None:
    owner = register("owner")
    room_id = homeserver.create_room(owner, preset="public_chat")
    matrix = connect(owner, server_name=SERVER_NAME)
    taken = alias("taken")
    await matrix.create_invite(room_id, alias=taken)
    with pytest.raises(Conflict) as conflict:
        await matrix.create_invite(room_id, alias=taken)
    assert conflict.value.status == 409
    for options in ({"max_uses": 5}, {"max_age": 60}, {"temporary": True}, {"colour": "red"}):
        with pytest.raises(UnsupportedOperation):
            await matrix.create_invite(room_id, **options)
    for bad in ("has space", "a:b", "#x", 42):
        with pytest.raises(InvalidArgument):
            await matrix.create_invite(room_id, alias=bad)
    with pytest.raises(InvalidArgument):
        await matrix.create_invite(taken)  # an alias is no room id
    with pytest.raises(UnsupportedOperation):
        await connect().create_invite(room_id)  # no token


async def test_an_invite_only_room_opens_to_a_user_invited(
    homeserver: Homeserver, register: Register, connect: Connect
) -> None:
    owner, stranger = register("owner"), register("stranger")
    room_id = homeserver.create_room(owner, preset="private_chat", name="Back room")
    code = alias("back")
    homeserver.add_alias(owner, code, room_id)
    outsider = connect(stranger)

    with pytest.raises(InviteNotFound):  # Synapse: "not found or not accessible"
        await outsider.fetch_invite(code)
    with pytest.raises(Forbidden) as refused:  # the join tells it exists
        await outsider.accept(code)
    assert (refused.value.status, refused.value.code) == (403, "M_FORBIDDEN")
    assert not isinstance(refused.value, MissingPermissions)

    await connect(owner).invite_user(room_id, stranger.user_id, reason="come in")
    invite = await outsider.fetch_invite(code)
    assert isinstance(invite, PublicGroupInvite)
    assert isinstance(invite.details, MatrixRoomDetails)
    assert (invite.details.join_rule, invite.details.membership) == ("invite", "invite")
    joined = await outsider.accept(code)
    assert isinstance(joined, JoinedGroup)
    assert joined.channel.name == "Back room"
    with pytest.raises(AlreadyMember):
        await outsider.accept(room_id)


async def test_joining_twice_is_already_member_whatever_the_form(
    homeserver: Homeserver, register: Register, connect: Connect
) -> None:
    owner, guest = register("owner"), register("guest")
    space_id = homeserver.create_room(
        owner, preset="public_chat", name="Guild", creation_content={"type": "m.space"}
    )
    matrix = connect(guest)
    joined = await matrix.accept(f"https://matrix.to/#/{space_id}?via={SERVER_NAME}")
    assert isinstance(joined, JoinedServer)
    assert (joined.server.id, joined.server.name) == (space_id, "Guild")
    for again in (space_id, f"matrix:roomid/{space_id[1:]}?via={SERVER_NAME}"):
        with pytest.raises(AlreadyMember) as caught:
            await matrix.accept(again)
        assert caught.value.status == 409
    with pytest.raises(AlreadyMember):
        await connect(owner).accept(space_id)  # its creator is in it from the start


async def test_a_banned_account_cannot_join(
    homeserver: Homeserver, register: Register, connect: Connect
) -> None:
    owner, rowdy = register("owner"), register("rowdy")
    room_id = homeserver.create_room(owner, preset="public_chat")
    homeserver.room_action(owner, room_id, "ban", rowdy)
    with pytest.raises(Banned) as caught:
        await connect(rowdy).accept(room_id)
    assert (caught.value.status, caught.value.code) == (403, "M_BAD_STATE")


async def test_managing_someone_elses_room_is_missing_permissions(
    homeserver: Homeserver, register: Register, connect: Connect
) -> None:
    owner, stranger = register("owner"), register("stranger")
    room_id = homeserver.create_room(owner, preset="public_chat")
    code = alias("theirs")
    homeserver.add_alias(owner, code, room_id)
    outsider = connect(stranger)
    with pytest.raises(MissingPermissions):
        await outsider.list_invites(channel_id=room_id)
    with pytest.raises(MissingPermissions):
        await outsider.delete(code)
    with pytest.raises(MissingPermissions):
        await outsider.invite_user(room_id, stranger.user_id)
    with pytest.raises(UnsupportedOperation):
        await outsider.list_invites(server_id=room_id)  # aliases belong to rooms
    with pytest.raises(UnsupportedOperation):
        await outsider.delete(room_id)  # a room id is no alias


HOSTILE_CODES = [
    "#a/../b:example.org",
    "#a b:example.org",
    "#a?x=1:example.org",
    "#a%2F:example.org",
    "#a\u202eb:example.org",
    "#a:example.org/../../admin",
    "#a:evil.example@example.org",
    "#a:example.org\r\nX-Injected: 1",
    "!room:example.org/..",
    "!" + "A" * 42,  # a room version 12 id is 43 characters
    "@alice:example.org",
    "$event:example.org",
    "lounge",
    "#..:example.org",
    "https://matrix.to/#/@alice:example.org",
    "https://evil.example/#/room/#a:example.org",
]


@pytest.mark.parametrize("code", HOSTILE_CODES)
async def test_hostile_codes_and_ids_never_reach_the_server(
    homeserver: Homeserver, register: Register, code: str
) -> None:
    recording = Recording()
    user = register("careful")
    async with MatrixAdapter(user.token, api_base=homeserver.url, transport=recording) as matrix:
        for verb in (matrix.fetch_invite, matrix.accept, matrix.delete):
            with pytest.raises(InvalidInviteLink):
                await verb(code)
        with pytest.raises(InvalidArgument):
            await matrix.create_invite(code)
        with pytest.raises(InvalidArgument):
            await matrix.list_invites(channel_id=code)
        with pytest.raises(InvalidArgument):
            await matrix.invite_user(code, user.user_id)
        if not code.startswith("@"):
            with pytest.raises(InvalidArgument):
                await matrix.invite_user(f"!{'a' * 43}", code)
    assert recording.sent == []
