"""Discord's part in the bridge demo (``invitekit demo bridge``): the emulator on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from invitekit.cli.demo import DemoPlatform
from invitekit_discord._links import LINK_RULES
from invitekit_discord.testing import DiscordEmulator

__all__ = ["emulated_platform"]

_TOKEN = "demo-bot-token"


@asynccontextmanager
async def emulated_platform() -> AsyncIterator[DemoPlatform]:
    """Start a seeded Discord emulator on 127.0.0.1 and say how to reach it."""
    emulator = DiscordEmulator()
    guild = emulator.add_guild(
        "Emulated Guild", description="served on 127.0.0.1", member_count=42, presence_count=7
    )
    lobby = emulator.add_channel(guild, "lobby")
    host = emulator.add_user("gwen", global_name="Gwen")
    emulator.add_bot(_TOKEN, permissions={guild: {"MANAGE_GUILD"}})
    event = emulator.add_event(guild, "Game night", location="the lobby")
    # Short codes: the demo's table is laid out for the longest code of any platform.
    emulator.add_invite(lobby, code="emuguild", inviter=host, max_age=0)
    group = emulator.add_group_dm("raid planning", [host, emulator.add_user("hal")])
    emulator.add_invite(group, code="raidplan", inviter=host)
    async with emulator.serve() as api_base:
        yield DemoPlatform(
            platform="discord",
            adapter_options={"token": _TOKEN, "api_base": api_base},
            message=(
                f"discord: {LINK_RULES.canonical_url('emuguild', event.id)} and "
                "[the raid](https://discord.com/invite/raidplan)"
            ),
            dead_links=(LINK_RULES.canonical_url("expired1"),),
        )
