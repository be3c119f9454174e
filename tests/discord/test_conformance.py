"""The Discord adapter passes the shared conformance suite against the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from invitekit.testing import AdapterConformance, Scenario
from invitekit_discord import DiscordAdapter
from invitekit_discord.testing import DiscordEmulator
from tests.discord.conftest import TOKEN
from tests.http._support import ManualTime


async def _scenario(*, token: str | None) -> AsyncIterator[Scenario]:
    clock = ManualTime(start=1_772_323_200.0)
    emulator = DiscordEmulator(clock=clock)
    guild = emulator.add_guild("Conformance")
    channel = emulator.add_channel(guild, "general")
    bot = emulator.add_bot(
        TOKEN, permissions={guild: {"CREATE_INSTANT_INVITE", "MANAGE_CHANNELS", "MANAGE_GUILD"}}
    )
    invite = emulator.add_invite(channel, inviter=bot, max_age=0)
    async with emulator.serve() as api_base:
        adapter = DiscordAdapter(token, api_base=api_base, clock=clock, sleep=clock.sleep)
        yield Scenario(
            adapter=adapter,
            channel_id=channel.id,
            existing_code=invite.code,
            missing_code="doesnotexist",
            server_id=guild.id,
        )
        await adapter.close()


class TestDiscordConformance(AdapterConformance):
    """A bot: everything but accept, which Discord does not let bots do."""

    @pytest.fixture
    async def scenario(self) -> AsyncIterator[Scenario]:
        async for scenario in _scenario(token=TOKEN):
            yield scenario


class TestAnonymousDiscordConformance(AdapterConformance):
    """No token: fetching only; every other verb refuses before any request."""

    @pytest.fixture
    async def scenario(self) -> AsyncIterator[Scenario]:
        async for scenario in _scenario(token=None):
            yield scenario
