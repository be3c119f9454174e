"""``accept`` (``POST /invites/{code}``) and the join rules, over HTTP against the emulator."""

from __future__ import annotations

import pytest

from invitekit import (
    AlreadyMember,
    Banned,
    BotAccountRejected,
    Capability,
    ChannelType,
    GroupTooLarge,
    InviteNotFound,
    JoinedGroup,
    JoinedServer,
    TooManyServers,
    Unauthorized,
)
from invitekit_stoat import (
    StoatAdapter,
    StoatGroupTooLarge,
    StoatJoinedGroupDetails,
    StoatJoinedServerDetails,
    StoatServerFlags,
    StoatTooManyServers,
)
from invitekit_stoat.testing import EmulatedUser, StoatEmulator
from tests.stoat.conftest import Connect, Scene


class UncheckedAdapter(StoatAdapter):
    """Claims every capability, to show what the API itself answers a bot."""

    def supports(self, capability: Capability) -> bool:
        return True


def unchecked(api_base: str, user: EmulatedUser) -> UncheckedAdapter:
    return UncheckedAdapter(token=user.token, bot=user.bot, api_base=api_base)


async def test_join_a_server(stoat: StoatEmulator, scene: Scene, connect: Connect) -> None:
    joined = await connect(scene.bob).accept(scene.server_invite.code)
    assert isinstance(joined, JoinedServer)
    assert joined.platform == "stoat"
    assert joined.code == scene.server_invite.code
    assert joined.server.id == scene.devs.id
    assert joined.server.description == "Building things"
    assert [(c.id, c.name, c.type) for c in joined.channels] == [
        (channel.id, channel.name, ChannelType.TEXT) for channel in scene.devs.channels
    ]
    details = joined.details
    assert isinstance(details, StoatJoinedServerDetails)
    assert details.owner_id == scene.alice.id
    assert details.flags == StoatServerFlags.OFFICIAL | StoatServerFlags.VERIFIED
    assert details.approximate_member_count == 4
    assert scene.bob in scene.devs.members
    request = stoat.requests[-1]
    assert (request.method, request.auth, request.user_id) == ("POST", "session", scene.bob.id)


async def test_voice_channels_are_voice(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    stoat.add_channel(scene.devs, "lounge", voice=True)
    joined = await connect(scene.bob).accept(scene.server_invite.code)
    assert isinstance(joined, JoinedServer)
    assert joined.channels[-1].type is ChannelType.VOICE


async def test_join_a_group(scene: Scene, connect: Connect) -> None:
    joined = await connect(scene.bob).accept(scene.group_invite.code)
    assert isinstance(joined, JoinedGroup)
    assert joined.channel.id == scene.trip.id
    assert joined.channel.type is ChannelType.GROUP
    assert [(m.id, m.name, m.display_name, m.bot) for m in joined.members] == [
        (scene.alice.id, "alice", "Alice", False),
        (scene.carol.id, "carol", None, False),
        (scene.bob.id, "bob", None, False),
    ]
    assert joined.members[0].avatar_url is not None
    assert joined.details == StoatJoinedGroupDetails(
        owner_id=scene.alice.id, recipient_ids=(scene.alice.id, scene.carol.id, scene.bob.id)
    )


async def test_accept_through_a_fetched_invite(scene: Scene, connect: Connect) -> None:
    invite = await connect(scene.bob).fetch_invite(scene.server_invite.code)
    joined = await invite.accept()
    assert isinstance(joined, JoinedServer)


async def test_discoverable_server_id_joins(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    public = stoat.add_server("Open", owner=scene.alice, discoverable=True)
    joined = await connect(scene.bob).accept(public.id)
    assert isinstance(joined, JoinedServer)
    assert joined.server.id == public.id


async def test_unknown_code(scene: Scene, connect: Connect) -> None:
    with pytest.raises(InviteNotFound) as caught:
        await connect(scene.bob).accept("nOtThErE")
    assert caught.value.code == "NotFound"


async def test_banned(stoat: StoatEmulator, scene: Scene, connect: Connect) -> None:
    stoat.ban(scene.devs, scene.bob)
    with pytest.raises(Banned) as caught:
        await connect(scene.bob).accept(scene.server_invite.code)
    assert (caught.value.status, caught.value.code) == (403, "Banned")


async def test_already_in_server(scene: Scene, connect: Connect) -> None:
    with pytest.raises(AlreadyMember) as caught:
        await connect(scene.carol).accept(scene.server_invite.code)
    assert (caught.value.status, caught.value.code) == (409, "AlreadyInServer")


async def test_already_in_group(scene: Scene, connect: Connect) -> None:
    with pytest.raises(AlreadyMember) as caught:
        await connect(scene.carol).accept(scene.group_invite.code)
    assert (caught.value.status, caught.value.code) == (409, "AlreadyInGroup")


async def test_group_too_large(stoat: StoatEmulator, scene: Scene, connect: Connect) -> None:
    stoat.group_size = 2  # alice and carol fill it
    with pytest.raises(GroupTooLarge) as caught:
        await connect(scene.bob).accept(scene.group_invite.code)
    assert isinstance(caught.value, StoatGroupTooLarge)
    assert (caught.value.status, caught.value.code, caught.value.max) == (403, "GroupTooLarge", 2)
    assert scene.bob not in scene.trip.recipients


async def test_already_in_group_comes_before_group_too_large(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    stoat.group_size = 2
    with pytest.raises(AlreadyMember):
        await connect(scene.carol).accept(scene.group_invite.code)


async def test_too_many_servers(stoat: StoatEmulator, scene: Scene, connect: Connect) -> None:
    dave = stoat.add_user("dave", server_limit=1)
    for name in ("one", "two"):
        stoat.add_server(name, owner=dave)
    with pytest.raises(TooManyServers) as caught:
        await connect(dave).accept(scene.server_invite.code)
    assert isinstance(caught.value, StoatTooManyServers)
    assert (caught.value.status, caught.value.code, caught.value.max) == (400, "TooManyServers", 1)


async def test_the_server_limit_is_checked_for_groups_and_before_the_code(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    dave = stoat.add_user("dave", server_limit=0)
    stoat.add_server("one", owner=dave)
    adapter = connect(dave)
    with pytest.raises(TooManyServers):
        await adapter.accept(scene.group_invite.code)
    with pytest.raises(TooManyServers):
        await adapter.accept("nOtThErE")


async def test_the_limit_itself_may_be_reached(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    dave = stoat.add_user("dave", server_limit=1)
    stoat.add_server("one", owner=dave)
    assert isinstance(await connect(dave).accept(scene.server_invite.code), JoinedServer)


async def test_bots_are_refused_by_the_api_before_anything_else(
    stoat: StoatEmulator, api_base: str, scene: Scene
) -> None:
    stoat.ban(scene.devs, scene.robot)
    async with unchecked(api_base, scene.robot) as adapter:
        for code in (scene.server_invite.code, scene.group_invite.code, "nOtThErE"):
            with pytest.raises(BotAccountRejected) as caught:
                await adapter.accept(code)
            assert (caught.value.status, caught.value.code) == (400, "IsBot")
    assert stoat.requests[-1].auth == "bot"


async def test_invalid_token(stoat: StoatEmulator, scene: Scene, connect: Connect) -> None:
    with pytest.raises(Unauthorized) as caught:
        await connect(token="not-a-session", bot=False).accept(scene.server_invite.code)
    assert caught.value.status == 401
    assert caught.value.code is None  # Rocket's default body has no type
    assert "not-a-session" not in str(caught.value)
    assert "not-a-session" not in repr(caught.value)


async def test_a_bot_token_is_no_session_token(scene: Scene, connect: Connect) -> None:
    with pytest.raises(Unauthorized):
        await connect(token=scene.robot.token, bot=False).accept(scene.server_invite.code)
