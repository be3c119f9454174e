"""A Discord API emulator for tests: the invite endpoints over real HTTP on loopback.

::

    emulator = DiscordEmulator()
    guild = emulator.add_guild("Cats")
    general = emulator.add_channel(guild, "general")
    emulator.add_bot("token", permissions={guild: {"MANAGE_GUILD", "CREATE_INSTANT_INVITE"}})
    invite = emulator.add_invite(general, code="cats")
    async with emulator.serve() as api_base:
        async with DiscordAdapter("token", api_base=api_base) as discord:
            assert (await discord.fetch_invite("cats")).server.name == "Cats"

It answers with Discord's status codes, error bodies and rate-limit headers, sends 429s
when a bucket's window is full (``limits``), and can inject failures (``fail_next``,
HTML pages included) and stalls (``stall_next``). Invites created and deleted through
the API leave the gateway dispatches Discord would send in ``dispatches``; joins are
``use_invite(code)``. Importing it imports aiohttp.
"""

from __future__ import annotations

from invitekit_discord.testing._app import BUCKETS
from invitekit_discord.testing._emulator import (
    API_PREFIX,
    DiscordEmulator,
    InjectedResponse,
    RecordedRequest,
)
from invitekit_discord.testing._limits import DEFAULT_LIMIT, Limit
from invitekit_discord.testing._world import (
    PERMISSIONS,
    EmulatedChannel,
    EmulatedEvent,
    EmulatedGuild,
    EmulatedInvite,
    EmulatedRole,
    EmulatedUser,
    TargetUsersJobState,
)

__all__ = [
    "API_PREFIX",
    "BUCKETS",
    "DEFAULT_LIMIT",
    "PERMISSIONS",
    "DiscordEmulator",
    "EmulatedChannel",
    "EmulatedEvent",
    "EmulatedGuild",
    "EmulatedInvite",
    "EmulatedRole",
    "EmulatedUser",
    "InjectedResponse",
    "Limit",
    "RecordedRequest",
    "TargetUsersJobState",
]
