"""Fixtures for the Discord adapter: registration, a manual clock, a running emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from invitekit import register_adapter
from invitekit.testing import isolated_registry
from invitekit_discord import DiscordAdapter
from invitekit_discord.testing import DiscordEmulator, EmulatedChannel, EmulatedGuild, EmulatedUser
from tests.http._support import ManualTime

PAYLOADS = Path(__file__).parent / "data" / "payloads"
TOKEN = "MTEwMDAw.bot-token.SECRET"
EPOCH_2026 = 1_772_323_200.0  # 2026-03-01T00:00:00Z


@pytest.fixture(autouse=True)
def discord_registered() -> Iterator[None]:
    """Make ``discord`` resolvable whether or not the installed metadata names it."""
    with isolated_registry():
        register_adapter(DiscordAdapter, replace=True)
        yield


@pytest.fixture
def clock() -> ManualTime:
    """Epoch seconds that move only when the adapter sleeps (or a test moves them)."""
    return ManualTime(start=EPOCH_2026)


@dataclass
class World:
    """A seeded emulator: a guild with a text channel, a member, a bot and one invite."""

    emulator: DiscordEmulator
    guild: EmulatedGuild
    channel: EmulatedChannel
    alice: EmulatedUser
    bot: EmulatedUser
    code: str


@pytest.fixture
def world(clock: ManualTime) -> World:
    emulator = DiscordEmulator(clock=clock)
    guild = emulator.add_guild(
        "Cat Lovers",
        description="photos welcome",
        icon="a_1269e74af4df7417b13759eae50c83dc",
        features=["COMMUNITY", "VANITY_URL"],
        vanity_code="cats",
        vanity_uses=7,
        member_count=4821,
        presence_count=1370,
    )
    channel = emulator.add_channel(guild, "general")
    alice = emulator.add_user("alice", global_name="Alice", avatar="deadbeef")
    bot = emulator.add_bot(
        TOKEN,
        permissions={
            guild: {"CREATE_INSTANT_INVITE", "MANAGE_CHANNELS", "MANAGE_GUILD", "MANAGE_ROLES"}
        },
    )
    emulator.add_invite(channel, code="catlovers", inviter=alice, max_age=0)
    return World(emulator, guild, channel, alice, bot, "catlovers")


@pytest.fixture
async def api_base(world: World) -> AsyncIterator[str]:
    async with world.emulator.serve() as base:
        yield base


@pytest.fixture
async def discord(api_base: str, clock: ManualTime) -> AsyncIterator[DiscordAdapter]:
    """A bot adapter talking to the emulator on the shared manual clock."""
    async with DiscordAdapter(TOKEN, api_base=api_base, clock=clock, sleep=clock.sleep) as adapter:
        yield adapter


@pytest.fixture
async def anonymous(api_base: str, clock: ManualTime) -> AsyncIterator[DiscordAdapter]:
    """An adapter without a token."""
    async with DiscordAdapter(api_base=api_base, clock=clock, sleep=clock.sleep) as adapter:
        yield adapter
