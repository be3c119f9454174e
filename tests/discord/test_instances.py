"""Discord and a Discord-compatible server (a self-hosted instance) in one client.

The same code exists on both emulators and leads to different guilds: each link goes to
the instance whose host it names, and each invite prints with its own instance's link.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from invitekit import (
    InvalidArgument,
    InvalidInviteLink,
    InviteClient,
    InviteRef,
    PublicServerInvite,
    parse_invite,
)
from invitekit_discord import DiscordAdapter
from invitekit_discord.testing import DiscordEmulator
from tests.discord.conftest import TOKEN, World
from tests.http._support import ManualTime

HOST = "chat.spacebar.example"


@pytest.fixture
async def compatible(world: World, clock: ManualTime) -> AsyncIterator[DiscordAdapter]:
    """An adapter of a Discord-compatible server holding its own invite ``world.code``."""
    emulator = DiscordEmulator(clock=clock)
    guild = emulator.add_guild("Self-hosted Cats", member_count=12)
    emulator.add_invite(emulator.add_channel(guild, "general"), code=world.code, max_age=0)
    async with (
        emulator.serve() as base,
        DiscordAdapter(api_base=base, link_hosts=[HOST], clock=clock, sleep=clock.sleep) as adapter,
    ):
        yield adapter


async def test_one_client_holds_discord_and_a_compatible_server(
    world: World, anonymous: DiscordAdapter, compatible: DiscordAdapter
) -> None:
    code = world.code
    text = f"discord.gg/{code} or https://{HOST}/invite/{code}"
    async with InviteClient(anonymous, compatible) as client:
        assert client.find_invites(text) == [
            InviteRef("discord", code),
            InviteRef("discord", code, instance=HOST),
        ]
        official, self_hosted = (r.invite for r in await client.resolve_all(text))
    assert isinstance(official, PublicServerInvite)
    assert isinstance(self_hosted, PublicServerInvite)
    assert (official.server.name, self_hosted.server.name) == ("Cat Lovers", "Self-hosted Cats")
    assert official != self_hosted
    assert (str(official), str(self_hosted)) == (
        f"https://discord.gg/{code}",
        f"https://{HOST}/invite/{code}",
    )
    assert self_hosted.adapter is compatible
    assert repr(compatible).endswith(f"instance={HOST!r}>")


def test_a_compatible_server_claims_only_its_own_links() -> None:
    adapter = DiscordAdapter(api_base=f"https://{HOST}/api/v9", link_hosts=[HOST])
    assert adapter.instance == HOST
    assert adapter.active_link_rules.canonical == f"https://{HOST}/invite/{{code}}"
    with pytest.raises(
        InvalidInviteLink, match=f"a link to a discord invite, not to a discord@{HOST} one"
    ):
        adapter.ref("https://discord.gg/abc")
    with pytest.raises(InvalidInviteLink, match="not a link to a discord invite"):
        DiscordAdapter().ref(f"https://{HOST}/invite/abc")
    # Unbound, its refs print with the host they are named after.
    assert str(InviteRef("discord", "abc", instance=HOST)) == f"https://{HOST}/invite/abc"
    # The global parser knows Discord's own hosts only.
    with pytest.raises(InvalidInviteLink):
        parse_invite(f"https://{HOST}/invite/abc")


def test_compatible_server_options_are_checked() -> None:
    assert DiscordAdapter(instance="work", link_hosts=[HOST]).instance == "work"
    assert DiscordAdapter().instance is None
    for bad in ({"link_hosts": ["a b"]}, {"instance": "x.example", "link_hosts": [HOST]}):
        with pytest.raises(InvalidArgument):
            DiscordAdapter(**bad)


async def test_discord_only_verbs_take_links_and_refs(
    world: World, discord: DiscordAdapter
) -> None:
    created = await discord.create_invite(world.channel.id, unique=True)
    link = f"https://discord.com/invite/{created.code}"
    await discord.update_target_users(link, ["111"])
    await discord.fetch_target_users_job(created.ref)
    await discord.fetch_target_users_job(f"<{link}>")
    assert await discord.fetch_target_users(link) == ["111"]
    paths = [request.path for request in world.emulator.requests[1:]]
    assert all(f"/invites/{created.code}/target-users" in path for path in paths), paths
    with pytest.raises(InvalidInviteLink, match="not a link to a discord invite"):
        await discord.fetch_target_users(f"https://{HOST}/invite/{created.code}")
    assert TOKEN not in repr(discord)
