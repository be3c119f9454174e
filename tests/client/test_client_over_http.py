"""InviteClient against the Discord emulator over real HTTP: requests counted at the server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from invitekit import InviteClient, InviteNotFound, PublicServerInvite
from invitekit.client import CacheSettings
from invitekit_discord import DiscordAdapter
from invitekit_discord.testing import DiscordEmulator

TOKEN = "client-test-token.SECRET"


@dataclass
class Served:
    emulator: DiscordEmulator
    api_base: str
    codes: list[str]

    def lookups(self) -> int:
        return sum(
            r.method == "GET" and r.path.startswith("/api/v10/invites/")
            for r in self.emulator.requests
        )

    def adapter(self) -> DiscordAdapter:
        return DiscordAdapter(TOKEN, api_base=self.api_base, lookup_limit=None)


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    emulator = DiscordEmulator()
    guild = emulator.add_guild("Bridge", member_count=12)
    channel = emulator.add_channel(guild, "general")
    emulator.add_bot(TOKEN, permissions={guild: {"MANAGE_GUILD", "MANAGE_CHANNELS"}})
    codes = [emulator.add_invite(channel, code=f"bridge{i:02d}").code for i in range(10)]
    async with emulator.serve() as api_base:
        yield Served(emulator, api_base, codes)


async def test_a_thousand_concurrent_lookups_of_ten_codes_send_ten_requests(served: Served) -> None:
    async with InviteClient(served.adapter()) as client:
        results = await asyncio.gather(
            *(client.fetch_invite(served.codes[i % 10], platform="discord") for i in range(1000))
        )
    assert [r.code for r in results] == [served.codes[i % 10] for i in range(1000)]
    assert all(isinstance(r, PublicServerInvite) for r in results)
    assert served.lookups() == 10


async def test_coalescing_alone_shares_one_request(served: Served) -> None:
    served.emulator.stall_next(0.3)
    async with InviteClient(served.adapter(), cache=None) as client:
        results = await asyncio.gather(
            *(client.fetch_invite(served.codes[0], platform="discord") for _ in range(200))
        )
        assert {r.code for r in results} == {served.codes[0]}
        assert served.lookups() == 1
        await client.fetch_invite(served.codes[0], platform="discord")
    assert served.lookups() == 2


async def test_a_cancelled_waiter_leaves_the_others_their_invite(served: Served) -> None:
    served.emulator.stall_next(1.0)
    async with InviteClient(served.adapter()) as client:
        waiters = [
            asyncio.ensure_future(client.fetch_invite(served.codes[1], platform="discord"))
            for _ in range(4)
        ]
        await asyncio.sleep(0.1)  # well inside the stall: the request is in flight
        assert not any(w.done() for w in waiters)
        waiters[0].cancel()
        outcomes = await asyncio.gather(*waiters, return_exceptions=True)
    assert isinstance(outcomes[0], asyncio.CancelledError)
    assert all(isinstance(o, PublicServerInvite) for o in outcomes[1:])
    assert served.lookups() == 1


async def test_misses_are_cached_and_delete_evicts(served: Served) -> None:
    async with InviteClient(served.adapter(), cache=CacheSettings(not_found_ttl=60)) as client:
        for _ in range(3):
            with pytest.raises(InviteNotFound) as caught:
                await client.fetch_invite("https://discord.gg/nosuchcode")
            assert caught.value.code == 10006
        assert served.lookups() == 1
        await client.fetch_invite(served.codes[2], platform="discord")
        await client.delete(f"https://discord.gg/{served.codes[2]}", reason="cleanup")
        with pytest.raises(InviteNotFound):
            await client.fetch_invite(served.codes[2], platform="discord")
    assert served.lookups() == 3


async def test_resolve_all_mixes_platforms_and_isolates_failures(served: Served) -> None:
    from invitekit_fake import FakeAdapter, FakeWorld

    world = FakeWorld()
    owner = world.add_user("owner")
    lounge = world.add_invite(world.add_server("Lounge", owner=owner).channel("general"))
    text = (
        f"discord.gg/{served.codes[3]} then https://fake.invitekit.test/{lounge.code}, "
        "a dead one discord.gg/deadlink and again "
        f"<https://discord.com/invite/{served.codes[3]}>"
    )
    async with InviteClient(served.adapter(), FakeAdapter(world)) as client:
        results = await client.resolve_all(text)
    assert [(r.ref.platform, r.ref.code, r.ok) for r in results] == [
        ("discord", served.codes[3], True),
        ("fake", lounge.code, True),
        ("discord", "deadlink", False),
    ]
    assert isinstance(results[2].error, InviteNotFound)
    assert served.lookups() == 2


async def test_stoat_lookups_are_shared_too() -> None:
    from invitekit_stoat import StoatAdapter
    from invitekit_stoat.testing import StoatEmulator

    stoat = StoatEmulator()
    owner = stoat.add_user("owner")
    lounge = stoat.add_server("Lounge", owner=owner)
    codes = [
        stoat.add_invite(lounge.channel("general"), creator=owner, code=f"Lounge{i:02d}").code
        for i in range(5)
    ]
    async with stoat.serve() as api_base, InviteClient(StoatAdapter(api_base=api_base)) as client:
        results = await asyncio.gather(
            *(client.fetch_invite(f"https://stt.gg/{codes[i % 5]}") for i in range(200))
        )
    assert [r.code for r in results] == [codes[i % 5] for i in range(200)]
    assert sum(r.method == "GET" for r in stoat.requests) == 5
