"""``invitekit resolve`` in a subprocess against the Discord emulator on loopback."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator

import pytest

from invitekit_discord.testing import DiscordEmulator

TOKEN = "cli-sentinel-token.SECRET"


@pytest.fixture
async def api_base() -> AsyncIterator[str]:
    emulator = DiscordEmulator()
    guild = emulator.add_guild("Cat Lovers", member_count=4821)
    emulator.add_bot(TOKEN, permissions={guild: {"MANAGE_GUILD"}})
    emulator.add_invite(emulator.add_channel(guild, "general"), code="catlovers")
    async with emulator.serve() as base:
        yield base


async def resolve(api_base: str, *args: str, stdin: str = "") -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "invitekit",
        "resolve",
        "--api-base",
        f"discord={api_base}",
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "DISCORD_TOKEN": TOKEN},
    )
    out, err = await asyncio.wait_for(process.communicate(stdin.encode()), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_table_for_a_live_and_a_dead_link(api_base: str) -> None:
    code, out, err = await resolve(api_base, "join discord.gg/catlovers or discord.gg/gone404")
    assert code == 3
    rows = [line.split() for line in out.splitlines()]
    assert rows[0] == ["PLATFORM", "CODE", "KIND", "NAME", "CHANNEL", "MEMBERS", "EXPIRES"]
    assert rows[1][:7] == ["discord", "catlovers", "server", "Cat", "Lovers", "general", "4821"]
    assert rows[2][:4] == ["discord", "gone404", "error", "InviteNotFound:"]
    assert TOKEN not in out + err


async def test_json_lines_from_stdin_all_resolved(api_base: str) -> None:
    code, out, err = await resolve(
        api_base, "--json", "--file", "-", stdin="a https://discord.com/invite/catlovers\n"
    )
    assert code == 0, err
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert record["ok"] is True
    assert (record["platform"], record["code"], record["kind"]) == (
        "discord",
        "catlovers",
        "server",
    )
    assert (record["name"], record["members"]) == ("Cat Lovers", 4821)


async def test_no_links_and_bad_usage(api_base: str) -> None:
    assert (await resolve(api_base, "nothing to see, evil.com/discord.gg/x"))[0] == 1
    code, _, err = await resolve(api_base, "--api-base", "broken", "x")
    assert code == 2
    assert "PLATFORM=URL" in err
