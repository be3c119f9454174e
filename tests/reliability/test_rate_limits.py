"""No avoidable 429s: once the client has the platform's headers, it never earns one.

Many concurrent callers against the emulator's real windows, on a manual clock shared by
both sides (time moves only when the client waits). A 429 counts as avoidable when the
client had been told the bucket's state before sending; here every 429 would be, since
the first request on a bucket goes out alone to learn it.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from invitekit import InviteError, RateLimited
from invitekit.http import Throttle
from invitekit.testing.emulation import Fault
from invitekit_discord import DiscordAdapter
from invitekit_discord.testing import DiscordEmulator, EmulatedChannel, Limit
from invitekit_stoat import StoatAdapter
from invitekit_stoat.testing import EmulatedServer, RateLimitConfig, StoatEmulator
from invitekit_stoat.testing import EmulatedUser as EmulatedStoatUser
from tests.http._support import ManualTime

TOKEN = "MTIz.limits.TOKEN"


@dataclass
class Limited:
    emulator: DiscordEmulator
    channels: list[EmulatedChannel]
    codes: list[str]

    def statuses(self) -> Counter[int]:
        return Counter(self.emulator.statuses())


def build(clock: ManualTime, **options: object) -> Limited:
    emulator = DiscordEmulator(clock=clock, **options)  # type: ignore[arg-type]
    guild = emulator.add_guild("Limited")
    channels = [emulator.add_channel(guild, f"room-{n}") for n in range(3)]
    emulator.add_bot(TOKEN, permissions={guild: {"MANAGE_CHANNELS", "CREATE_INSTANT_INVITE"}})
    codes = [emulator.add_invite(channels[n % 3], code=f"lim{n:03d}").code for n in range(60)]
    return Limited(emulator, channels, codes)


def adapter(api_base: str, clock: ManualTime, **options: object) -> DiscordAdapter:
    settings: dict[str, object] = {
        "api_base": api_base,
        "lookup_limit": None,
        "global_limit": None,
        "clock": clock,
        "sleep": clock.sleep,
    }
    settings.update(options)
    return DiscordAdapter(TOKEN, **settings)  # type: ignore[arg-type]


@pytest.fixture
def limited(clock: ManualTime) -> Limited:
    return build(
        clock, limits={"invites.get": Limit(5, 1.0), "channels.invites.get": Limit(2, 1.0)}
    )


@pytest.fixture
async def api_base(limited: Limited) -> AsyncIterator[str]:
    async with limited.emulator.serve() as base:
        yield base


async def test_concurrent_lookups_on_one_bucket_earn_no_429(
    limited: Limited, api_base: str, clock: ManualTime
) -> None:
    start = clock.now
    async with adapter(api_base, clock) as discord:
        invites = await asyncio.gather(*(discord.fetch_invite(code) for code in limited.codes))
    assert [invite.code for invite in invites] == limited.codes
    assert limited.statuses() == Counter({200: 60})
    # 60 lookups at 5 a window take at least 11 more windows; the client waited them out.
    assert clock.now - start >= 11.0


async def test_buckets_split_by_channel_earn_no_429(
    limited: Limited, api_base: str, clock: ManualTime
) -> None:
    async with adapter(api_base, clock) as discord:
        lists = await asyncio.gather(
            *(discord.list_invites(channel_id=c.id) for c in limited.channels * 6)
        )
    assert all(len(found) == 20 for found in lists)
    assert limited.statuses() == Counter({200: 18})


async def test_the_global_cap_keeps_every_route_under_the_global_limit(clock: ManualTime) -> None:
    site = build(clock, global_limit=Limit(8, 1.0), limits={"invites.get": Limit(50, 1.0)})
    async with site.emulator.serve() as api_base:
        options = {"global_limit": Throttle(8, 1.0)}
        async with adapter(api_base, clock, **options) as discord:
            await asyncio.gather(
                *(discord.fetch_invite(code) for code in site.codes[:30]),
                *(discord.list_invites(channel_id=c.id) for c in site.channels * 3),
            )
    assert site.statuses() == Counter({200: 39})


async def test_without_headers_429s_are_unavoidable_but_every_caller_gets_an_answer(
    clock: ManualTime,
) -> None:
    site = build(clock, limits={"invites.get": Limit(5, 1.0)}, rate_limit_headers=False)
    async with site.emulator.serve() as api_base, adapter(api_base, clock, max_retries=10) as d:
        outcomes = await asyncio.gather(
            *(d.fetch_invite(code) for code in site.codes[:30]), return_exceptions=True
        )
    assert all(not isinstance(o, BaseException) or isinstance(o, InviteError) for o in outcomes)
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 30
    statuses = site.statuses()
    assert statuses[200] == 30
    assert statuses[429] > 0  # nothing announced the window, so the client had to find it


async def test_a_429_earned_by_another_process_is_waited_out_once(
    limited: Limited, api_base: str, clock: ManualTime
) -> None:
    """Another process with the same token drains the bucket; this client learns it from
    the 429's headers and earns no second one."""
    async with adapter(api_base, clock) as other, adapter(api_base, clock) as ours:
        await other.fetch_invite(limited.codes[0])  # the probe; the window opens
        await asyncio.gather(*(other.fetch_invite(code) for code in limited.codes[1:5]))
        invites = await asyncio.gather(*(ours.fetch_invite(code) for code in limited.codes[5:25]))
    assert len(invites) == 20
    assert limited.statuses()[429] == 1


async def test_a_client_that_may_not_wait_raises_instead_of_earning_a_429(
    limited: Limited, api_base: str, clock: ManualTime
) -> None:
    async with adapter(api_base, clock, wait_for_rate_limits=False) as discord:
        outcomes = await asyncio.gather(
            *(discord.fetch_invite(code) for code in limited.codes[:12]), return_exceptions=True
        )
    assert sum(isinstance(o, RateLimited) for o in outcomes) == 7
    assert limited.statuses() == Counter({200: 5})


# -- Stoat: the same guarantees, with its millisecond headers and per-server buckets ----


@dataclass
class StoatLimited:
    emulator: StoatEmulator
    owner: EmulatedStoatUser
    servers: list[EmulatedServer]
    codes: list[str]


def build_stoat(clock: ManualTime, **options: object) -> StoatLimited:
    emulator = StoatEmulator(clock=clock, **options)  # type: ignore[arg-type]
    owner = emulator.add_user("owner")
    servers = [emulator.add_server(f"Limited {n}", owner=owner) for n in range(3)]
    codes = [
        emulator.add_invite(servers[n % 3].channel("general"), creator=owner).code
        for n in range(60)
    ]
    return StoatLimited(emulator, owner, servers, codes)


STOAT_LIMITS = RateLimitConfig(window=1.0, limits={"any": 5, "servers": 2, "channels": 2})


async def test_stoat_concurrent_lookups_and_lists_earn_no_429(clock: ManualTime) -> None:
    site = build_stoat(clock, rate_limits=STOAT_LIMITS)
    start = clock.now
    async with site.emulator.serve() as api_base:
        stoat_adapter = StoatAdapter(
            token=site.owner.token, bot=False, api_base=api_base, clock=clock, sleep=clock.sleep
        )
        async with stoat_adapter as stoat:
            invites, lists = await asyncio.gather(
                asyncio.gather(*(stoat.fetch_invite(code) for code in site.codes)),
                asyncio.gather(*(stoat.list_invites(server_id=s.id) for s in site.servers * 4)),
            )
    assert [invite.code for invite in invites] == site.codes
    assert all(len(found) == 20 for found in lists)
    assert site.emulator.rate_limited == 0
    assert clock.now - start >= 11.0


async def test_stoat_without_headers_every_caller_still_gets_an_answer(clock: ManualTime) -> None:
    site = build_stoat(clock, rate_limits=STOAT_LIMITS, rate_limit_headers=False)
    async with site.emulator.serve() as api_base:
        anonymous = StoatAdapter(api_base=api_base, clock=clock, sleep=clock.sleep, max_retries=10)
        async with anonymous as stoat:
            invites = await asyncio.gather(*(stoat.fetch_invite(c) for c in site.codes[:30]))
    assert len(invites) == 30
    assert site.emulator.rate_limited > 0


async def test_answers_read_late_earn_no_429() -> None:
    # Real time: Discord's invite bucket takes 50 a second (the emulator's default), and
    # the bucket alone guards. Three answers reach the client 0.6 s after the platform
    # counted them, as in a busy process; lookups made just after must still wait for
    # the window rather than believe the "40 left" those answers carried.
    emulator = DiscordEmulator()
    guild = emulator.add_guild("Busy")
    channel = emulator.add_channel(guild, "general")
    emulator.add_bot(TOKEN)
    codes = [emulator.add_invite(channel, code=f"late{n:03d}").code for n in range(60)]
    for _ in range(8):
        emulator.faults.add(Fault.stall(0.0))  # a no-op: the late answers come after
    emulator.faults.add(Fault.slow_body(0.6), times=3)
    async with (
        emulator.serve() as api_base,
        DiscordAdapter(TOKEN, api_base=api_base, global_limit=None) as discord,
    ):
        first = await asyncio.gather(*(discord.fetch_invite(code) for code in codes[:50]))
        await asyncio.sleep(0.1)  # the late answers are in; the window has ~0.3 s to go
        second = await asyncio.gather(*(discord.fetch_invite(code) for code in codes[50:]))
    assert [invite.code for invite in first + second] == codes
    assert Counter(emulator.statuses()) == Counter({200: 60})
