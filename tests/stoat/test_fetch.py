"""``fetch_invite`` over HTTP against the emulator."""

from __future__ import annotations

import pytest

from invitekit import (
    ChannelType,
    InvalidInviteLink,
    InviteNotFound,
    NotFound,
    PublicGroupInvite,
    PublicServerInvite,
    UnsupportedOperation,
)
from invitekit_stoat import StoatImageMetadata, StoatInviteDetails, StoatServerFlags
from invitekit_stoat.testing import StoatEmulator
from tests.stoat.conftest import Connect, Scene


async def test_server_invite(stoat: StoatEmulator, scene: Scene, connect: Connect) -> None:
    adapter = connect()
    invite = await adapter.fetch_invite(scene.server_invite.code)
    assert isinstance(invite, PublicServerInvite)
    assert invite.code == scene.server_invite.code
    assert invite.server.id == scene.devs.id
    assert invite.server.name == "Stoat Devs"
    assert scene.devs.icon is not None
    assert (
        invite.server.icon_url == f"https://cdn.stoatusercontent.com/icons/{scene.devs.icon['_id']}"
    )
    assert invite.channel is not None
    assert (invite.channel.id, invite.channel.name) == (scene.general.id, "general")
    assert invite.inviter is not None
    assert invite.inviter.name == "alice"  # the username, not the display name
    assert scene.alice.avatar is not None
    assert (
        invite.inviter.avatar_url
        == f"https://cdn.stoatusercontent.com/avatars/{scene.alice.avatar['_id']}"
    )
    assert invite.member_count == 3
    details = invite.details
    assert isinstance(details, StoatInviteDetails)
    assert details.server_flags == StoatServerFlags.OFFICIAL | StoatServerFlags.VERIFIED
    assert details.server_icon is not None
    # The newest backend sends thumbhash/animated as null; they decode.
    assert details.server_icon.metadata == StoatImageMetadata(width=512, height=512)
    assert invite.adapter is adapter
    assert stoat.requests[-1].method == "GET"
    assert stoat.requests[-1].path == f"/invites/{scene.server_invite.code}"
    assert stoat.requests[-1].auth is None
    assert stoat.requests[-1].accept == "application/json"


async def test_group_invite(scene: Scene, connect: Connect) -> None:
    invite = await connect().fetch_invite(scene.group_invite.code)
    assert isinstance(invite, PublicGroupInvite)
    assert invite.channel is not None
    assert (invite.channel.id, invite.channel.name, invite.channel.type) == (
        scene.trip.id,
        "weekend plans",
        ChannelType.GROUP,
    )
    assert invite.member_count is None
    assert invite.details == StoatInviteDetails(user_avatar=invite.details.user_avatar)  # type: ignore[union-attr]


async def test_flagless_server_has_no_flags(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    plain = stoat.add_server("Plain", owner=scene.bob)
    invite = stoat.add_invite(plain.channels[0], creator=scene.bob)
    fetched = await connect().fetch_invite(invite.code)
    assert isinstance(fetched, PublicServerInvite)
    assert fetched.server.icon_url is None
    assert fetched.inviter is not None
    assert fetched.inviter.avatar_url is None
    assert fetched.details == StoatInviteDetails(server_flags=StoatServerFlags.NONE)


async def test_cdn_base_is_configurable(scene: Scene, connect: Connect) -> None:
    adapter = connect(cdn_base="https://files.example.org/autumn/")
    invite = await adapter.fetch_invite(scene.server_invite.code)
    assert isinstance(invite, PublicServerInvite)
    assert scene.devs.banner is not None
    assert (
        invite.server.banner_url
        == f"https://files.example.org/autumn/banners/{scene.devs.banner['_id']}"
    )


async def test_vanity_codes_are_case_sensitive(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    stoat.add_invite(scene.general, creator=scene.alice, code="Testers")
    adapter = connect()
    assert (await adapter.fetch_invite("Testers")).code == "Testers"
    with pytest.raises(InviteNotFound):
        await adapter.fetch_invite("testers")


async def test_discoverable_server_id_works_as_a_code(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    public = stoat.add_server("Open", owner=scene.bob, discoverable=True)
    adapter = connect()
    invite = await adapter.fetch_invite(public.id)
    assert isinstance(invite, PublicServerInvite)
    assert invite.code == invite.server.id == public.id
    with pytest.raises(InviteNotFound):
        await adapter.fetch_invite(scene.devs.id)  # not discoverable


async def test_unknown_code(stoat: StoatEmulator, connect: Connect) -> None:
    with pytest.raises(InviteNotFound) as caught:
        await connect().fetch_invite("nOtThErE")
    assert (caught.value.status, caught.value.code, caught.value.platform) == (
        404,
        "NotFound",
        "stoat",
    )


async def test_a_token_is_sent_but_not_needed(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    invite = await connect(scene.robot).fetch_invite(scene.server_invite.code)
    assert invite.code == scene.server_invite.code
    assert stoat.requests[-1].auth == "bot"


@pytest.mark.parametrize("code", ["a/b", "..", "x?y", "x#y", "x%2F", "x y", ""])
async def test_codes_are_checked_before_any_request(
    stoat: StoatEmulator, connect: Connect, code: str
) -> None:
    with pytest.raises(InvalidInviteLink):
        await connect().fetch_invite(code)
    assert stoat.requests == []


async def test_events_are_unsupported(stoat: StoatEmulator, scene: Scene, connect: Connect) -> None:
    with pytest.raises(UnsupportedOperation):
        await connect().fetch_invite(scene.server_invite.code, event_id="123")
    assert stoat.requests == []


async def test_wrong_api_base_is_not_an_invite_not_found(
    api_base: str, scene: Scene, connect: Connect
) -> None:
    adapter = connect(api_base=api_base + "/v9")
    with pytest.raises(NotFound) as caught:
        await adapter.fetch_invite(scene.server_invite.code)
    assert not isinstance(caught.value, InviteNotFound)
    assert caught.value.code is None
