"""Instances are first-class: the official Stoat and a self-hosted one side by side.

The same code exists on both emulators and leads to different servers; a client holding
both routes each link to the instance whose host it names, keeps their invites apart
(equality, cache), and prints each with its own instance's link.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass

import pytest

from invitekit import (
    InvalidArgument,
    InvalidInviteLink,
    InviteClient,
    InviteRef,
    JoinedServer,
    PublicServerInvite,
    UnknownPlatform,
    decode_public_invite,
    find_invites,
    register_adapter,
    unregister_adapter,
)
from invitekit.client import LookupKey
from invitekit_discord import DiscordAdapter
from invitekit_fake import FakeAdapter, FakeWorld
from invitekit_stoat import StoatAdapter
from invitekit_stoat.testing import StoatEmulator

CODE = "Sh4redC0"
HOST = "chat.example.org"


@dataclass
class TwoInstances:
    official: StoatAdapter
    self_hosted: StoatAdapter
    official_api: StoatEmulator
    self_hosted_api: StoatEmulator


def _seed(emulator: StoatEmulator, server_name: str) -> None:
    owner = emulator.add_user("owner")
    server = emulator.add_server(server_name, owner=owner)
    channel = emulator.add_channel(server, "general")
    emulator.add_invite(channel, creator=owner, code=CODE)


@pytest.fixture
async def instances() -> AsyncIterator[TwoInstances]:
    official_api, self_hosted_api = StoatEmulator(), StoatEmulator()
    _seed(official_api, "Official Lounge")
    _seed(self_hosted_api, "Self-hosted Lounge")
    async with AsyncExitStack() as stack:
        official_base = await stack.enter_async_context(official_api.serve())
        self_hosted_base = await stack.enter_async_context(self_hosted_api.serve())
        yield TwoInstances(
            StoatAdapter(api_base=official_base),
            StoatAdapter(api_base=self_hosted_base, link_hosts=[HOST]),
            official_api,
            self_hosted_api,
        )


async def test_a_self_hosted_invite_prints_as_a_link_of_its_own_instance(
    instances: TwoInstances,
) -> None:
    # The bug of issue 15: this invite printed as https://stt.gg/CODE, the official
    # instance, where the code leads to another server (here "Official Lounge").
    adapter = instances.self_hosted
    async with adapter:
        invite = await adapter.fetch_invite(CODE)
    assert str(invite) == f"https://{HOST}/invite/{CODE}"
    assert invite.url == f"https://{HOST}/invite/{CODE}"
    assert invite.instance == HOST
    assert str(invite.ref) == f"https://{HOST}/invite/{CODE}"
    assert invite.ref == InviteRef("stoat", CODE, instance=HOST)


async def test_one_client_routes_each_link_to_its_instance(instances: TwoInstances) -> None:
    text = f"old home https://stt.gg/{CODE} and the new one <https://{HOST}/invite/{CODE}>"
    async with InviteClient(instances.official, instances.self_hosted) as client:
        assert client.platforms == ["stoat"]
        refs = client.find_invites(text)
        assert refs == [
            InviteRef("stoat", CODE),
            InviteRef("stoat", CODE, instance=HOST),
        ]
        official, self_hosted = (result.invite for result in await client.resolve_all(text))
        assert isinstance(official, PublicServerInvite)
        assert isinstance(self_hosted, PublicServerInvite)
        assert official.server.name == "Official Lounge"
        assert self_hosted.server.name == "Self-hosted Lounge"
        assert official != self_hosted
        assert len({official, self_hosted}) == 2
        assert official.adapter is instances.official
        assert self_hosted.adapter is instances.self_hosted
        assert (str(official), str(self_hosted)) == (
            f"https://stt.gg/{CODE}",
            f"https://{HOST}/invite/{CODE}",
        )
        # Both are cached apart: asking again sends nothing.
        again = await client.resolve_all(text)
        assert [r.invite for r in again] == [official, self_hosted]
        assert client.stats.cache_hits == 2
        assert client.adapter("stoat") is instances.official
        assert client.adapter("stoat", HOST) is instances.self_hosted
    assert len(instances.official_api.requests) == 1
    assert len(instances.self_hosted_api.requests) == 1


def test_lookup_keys_and_redis_views_of_two_instances_differ() -> None:
    from invitekit.redis._cache import lookup_view

    official = LookupKey("stoat", CODE, None, True)
    self_hosted = LookupKey("stoat", CODE, None, True, HOST)
    assert official != self_hosted
    assert lookup_view(official) != lookup_view(self_hosted)
    assert lookup_view(official) == "[null,true]"  # unchanged for the official instance


def test_two_adapters_of_one_instance_are_refused() -> None:
    with pytest.raises(InvalidArgument, match=f"stoat@{HOST}"):
        InviteClient(StoatAdapter(link_hosts=[HOST]), StoatAdapter(link_hosts=[HOST]))


def test_a_self_hosted_instance_recognises_only_its_own_links() -> None:
    adapter = StoatAdapter(link_hosts=[HOST, "invite.example.org"])
    assert adapter.instance == HOST
    assert adapter.active_link_rules.canonical == f"https://{HOST}/invite/{{code}}"
    assert adapter.ref(f"https://invite.example.org/invite/{CODE}") == InviteRef(
        "stoat", CODE, instance=HOST
    )
    with pytest.raises(InvalidInviteLink, match=re.escape(f"stoat@{HOST}")) as caught:
        adapter.ref(f"https://stt.gg/{CODE}")
    assert "a link to a stoat invite" in str(caught.value)


def test_an_instance_can_be_named_by_the_user() -> None:
    adapter = StoatAdapter(link_hosts=[HOST], instance="work")
    assert adapter.instance == "work"
    ref = adapter.ref(CODE)
    assert ref == InviteRef("stoat", CODE, instance="work")
    with pytest.raises(InvalidArgument):
        StoatAdapter(instance="  ")


def test_verbs_take_links_of_their_own_instance_and_name_both_sides_otherwise() -> None:
    discord = DiscordAdapter()
    assert discord.ref("https://discord.gg/abc") == InviteRef("discord", "abc")
    assert discord.ref(" <https://discord.com/invite/abc?event=123> ") == InviteRef(
        "discord", "abc", "123"
    )
    assert discord.ref(InviteRef("discord", "abc")) == InviteRef("discord", "abc")
    with pytest.raises(InvalidInviteLink, match="a link to a stoat invite, not to a discord one"):
        discord.ref(f"https://stt.gg/{CODE}")
    with pytest.raises(InvalidInviteLink, match="not a stoat@"):
        StoatAdapter(link_hosts=[HOST]).ref(InviteRef("stoat", CODE))
    with pytest.raises(InvalidInviteLink, match="is not a link to a discord invite"):
        discord.ref("https://example.org/abc")


async def test_fetch_invite_takes_what_users_paste(instances: TwoInstances) -> None:
    async with instances.official as adapter:
        by_link = await adapter.fetch_invite(f"https://stt.gg/{CODE}")
        by_ref = await adapter.fetch_invite(InviteRef("stoat", CODE))
        by_code = await adapter.fetch_invite(CODE)
    assert by_link == by_ref == by_code
    assert [r.path for r in instances.official_api.requests] == [f"/invites/{CODE}"] * 3


def test_str_never_raises() -> None:
    assert str(InviteRef("nope", "abc")) == "nope:abc"
    assert str(InviteRef("nope", "abc", instance="x.example")) == "nope@x.example:abc"
    with pytest.raises(UnknownPlatform):
        InviteRef("nope", "abc").url  # noqa: B018
    # A Stoat instance named after a host can be linked to without its adapter.
    assert str(InviteRef("stoat", CODE, instance=HOST)) == f"https://{HOST}/invite/{CODE}"
    # Discord has no self-hosted instances: an unknown one prints, never raises.
    assert str(InviteRef("discord", "abc", instance="x")) == "discord@x:abc"


async def test_a_bound_invite_prints_after_its_platform_is_unregistered() -> None:
    world = FakeWorld()
    owner = world.add_user("owner")
    server = world.add_server("S", owner=owner)
    world.add_invite(server.channel("general"), code="keepme")
    adapter = FakeAdapter(world)
    invite = await adapter.fetch_invite("keepme")
    unbound = decode_public_invite(
        "fake",
        b'{"type":"server","code":"keepme","server":{"id":"s","name":"S"},'
        b'"channel":{"id":"c","name":"g"},"member_count":1}',
    )
    unregister_adapter("fake")
    try:
        assert str(invite) == "https://fake.invitekit.test/keepme"
        assert str(unbound) == "fake:keepme"
    finally:
        register_adapter(FakeAdapter)


def test_an_invite_of_one_instance_does_not_bind_to_another() -> None:
    assert find_invites(f"see https://stt.gg/{CODE}") == [InviteRef("stoat", CODE)]
    self_hosted = StoatAdapter(link_hosts=[HOST])
    # An unbound invite (no instance) takes the instance of the adapter it is bound to.
    bound = self_hosted.bind(
        decode_public_invite(
            "stoat",
            b'{"type":"Server","code":"Sh4redC0","server_id":"s","server_name":"S",'
            b'"channel_id":"c","channel_name":"g","user_name":"u","member_count":1}',
        )
    )
    assert bound.instance == HOST
    with pytest.raises(InvalidArgument, match=f"stoat@{HOST}"):
        StoatAdapter().bind(bound)


async def test_a_ref_goes_to_the_instance_it_names_or_nowhere(instances: TwoInstances) -> None:
    async with InviteClient(instances.self_hosted) as client:
        # An official ref was routed to the only Stoat here: to another server's invite.
        with pytest.raises(UnknownPlatform, match=f"no 'stoat' adapter .*stoat@{HOST}"):
            await client.fetch_invite(InviteRef("stoat", CODE))
        with pytest.raises(InvalidInviteLink):
            await client.fetch_invite(f"https://stt.gg/{CODE}")
        # A bare code is the platform's, and the only Stoat here answers for it.
        invite = await client.fetch_invite(CODE, platform="stoat")
        assert invite.instance == HOST
    assert instances.official_api.requests == []


async def test_a_join_says_which_instance_it_was_on(instances: TwoInstances) -> None:
    joiner = instances.self_hosted_api.add_user("joiner")
    async with StoatAdapter(
        joiner.token,
        bot=False,
        api_base=instances.self_hosted.api_base,
        link_hosts=[HOST],
    ) as adapter:
        joined = await adapter.accept(f"https://{HOST}/invite/{CODE}")
    assert isinstance(joined, JoinedServer)
    assert (joined.instance, joined.server.name) == (HOST, "Self-hosted Lounge")
