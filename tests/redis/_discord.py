"""A seeded Discord emulator for the fleet tests, and how to count what reached it."""

from __future__ import annotations

from invitekit_discord.testing import DiscordEmulator

__all__ = ["TOKEN", "invite_lookups", "seeded"]

TOKEN = "MTEwMDAw.fleet-bot.SECRET"


def seeded(count: int, *, seed: int = 0) -> tuple[DiscordEmulator, list[str]]:
    """An emulator with one guild, a bot for ``TOKEN`` and ``count`` invites."""
    emulator = DiscordEmulator(seed=seed)
    guild = emulator.add_guild("Fleet", member_count=100, presence_count=10)
    channel = emulator.add_channel(guild, "general")
    emulator.add_bot(TOKEN)
    codes = [f"fleet{index:04d}" for index in range(count)]
    for code in codes:
        emulator.add_invite(channel, code=code, max_age=0)
    return emulator, codes


def invite_lookups(emulator: DiscordEmulator) -> list[str]:
    """The codes of every ``GET /invites/{code}`` the emulator received, in order."""
    prefix = "/api/v10/invites/"
    return [
        request.path.removeprefix(prefix)
        for request in emulator.requests
        if request.method == "GET" and request.path.startswith(prefix)
    ]
