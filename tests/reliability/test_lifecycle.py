"""Nothing outlives ``close()``: no task, no aiohttp session, no bucket waiting on a ghost.

The emulator runs on its own thread and loop, so every task on the test's loop belongs
to the code under test, and ``asyncio.all_tasks()`` says exactly what it left behind.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import aiohttp
import pytest

from invitekit import InviteClient, InviteError, TransportError
from invitekit.testing.emulation import Fault
from invitekit_discord import DiscordAdapter
from invitekit_discord.testing import DiscordEmulator
from invitekit_stoat import StoatAdapter
from invitekit_stoat.testing import StoatEmulator
from tests.http._support import ManualTime
from tests.reliability._threaded import served_in_thread

TOKEN = "MTIz.lifecycle.TOKEN"


@pytest.fixture
def emulator() -> DiscordEmulator:
    emulator = DiscordEmulator()
    guild = emulator.add_guild("Lifecycle")
    channel = emulator.add_channel(guild, "general")
    emulator.add_bot(TOKEN, permissions={guild: {"CREATE_INSTANT_INVITE", "MANAGE_CHANNELS"}})
    for number in range(20):
        emulator.add_invite(channel, code=f"life{number:02d}", max_age=0)
    return emulator


@pytest.fixture
def api_base(emulator: DiscordEmulator) -> Iterator[str]:
    with served_in_thread(emulator.serve()) as base:
        yield base


def others() -> set[asyncio.Task[object]]:
    return asyncio.all_tasks() - {asyncio.current_task()}


def open_sessions() -> list[aiohttp.ClientSession]:
    gc.collect()
    return [o for o in gc.get_objects() if isinstance(o, aiohttp.ClientSession) and not o.closed]


async def test_an_adapter_leaves_nothing_open(api_base: str) -> None:
    async with DiscordAdapter(TOKEN, api_base=api_base, lookup_limit=None) as adapter:
        await asyncio.gather(*(adapter.fetch_invite(f"life{n:02d}") for n in range(20)))
        assert adapter.transport.session_open
    assert not adapter.transport.session_open
    assert others() == set()
    assert open_sessions() == []


async def test_a_client_closed_mid_flight_cancels_and_awaits_its_lookups(
    emulator: DiscordEmulator, api_base: str
) -> None:
    for _ in range(5):
        emulator.stall_next(30.0)
    client = InviteClient(DiscordAdapter(TOKEN, api_base=api_base, lookup_limit=None))
    callers = [
        asyncio.ensure_future(client.fetch_invite(f"life{n:02d}", platform="discord"))
        for n in range(5)
    ]
    for _ in range(1000):  # until the first (the bucket's probe) is on the wire
        if emulator.requests:
            break
        await asyncio.sleep(0.01)
    await client.close()
    outcomes = await asyncio.gather(*callers, return_exceptions=True)
    assert all(isinstance(o, asyncio.CancelledError) for o in outcomes)
    assert others() == set()
    assert not client.adapter("discord").transport.session_open  # type: ignore[attr-defined]
    assert open_sessions() == []
    with pytest.raises(TransportError, match="closed"):
        await client.fetch_invite("life19", platform="discord")


async def test_a_cancelled_request_does_not_hold_its_bucket(
    emulator: DiscordEmulator, api_base: str
) -> None:
    emulator.stall_next(30.0)
    async with DiscordAdapter(TOKEN, api_base=api_base, lookup_limit=None) as adapter:
        # The first request on a bucket goes alone; cancel it while it is out.
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(adapter.fetch_invite("life00"), 0.2)
        # Had the bucket kept counting it, this would wait for an answer forever.
        invites = await asyncio.wait_for(
            asyncio.gather(*(adapter.fetch_invite(f"life{n:02d}") for n in range(1, 6))), 10.0
        )
        assert [invite.code for invite in invites] == [f"life{n:02d}" for n in range(1, 6)]
    assert others() == set()


async def test_timeouts_and_resets_leave_nothing_open(
    emulator: DiscordEmulator, api_base: str
) -> None:
    emulator.stall_next(30.0)
    emulator.faults.add(Fault.reset(), times=4)
    emulator.faults.add(Fault.slow_body(30.0))
    (channel_id,) = emulator.world.channels
    adapter = DiscordAdapter(TOKEN, api_base=api_base, timeout=0.2, max_retries=0)
    async with adapter:
        for _ in range(6):
            with pytest.raises(TransportError):
                await adapter.create_invite(channel_id)
    assert others() == set()
    assert open_sessions() == []


def test_a_stoat_adapter_leaves_nothing_open_after_faults() -> None:
    stoat = StoatEmulator(rate_limits=None)
    owner = stoat.add_user("owner")
    channel = stoat.add_server("Lifecycle", owner=owner).channel("general")
    codes = [stoat.add_invite(channel, creator=owner).code for _ in range(10)]
    stoat.faults.every(3, [Fault.reset(), Fault.slow_body(30.0), Fault.stall(30.0)])

    async def run(api_base: str) -> None:
        time = ManualTime()  # backoffs take no real time
        adapter = StoatAdapter(
            token=owner.token,
            bot=False,
            api_base=api_base,
            timeout=0.2,
            clock=time,
            sleep=time.sleep,
        )
        async with adapter:
            outcomes = await asyncio.gather(
                *(adapter.fetch_invite(code) for code in codes),
                adapter.create_invite(channel.id),
                return_exceptions=True,
            )
            assert all(
                not isinstance(o, BaseException) or isinstance(o, InviteError) for o in outcomes
            )
        assert not adapter.transport.session_open
        assert others() == set()
        assert open_sessions() == []

    with served_in_thread(stoat.serve()) as api_base:
        asyncio.run(run(api_base))
