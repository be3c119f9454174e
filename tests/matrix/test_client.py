"""Matrix through ``InviteClient`` and ``invitekit resolve``, beside Discord and Stoat:
links of all three in one message, each to its platform, the Matrix ones to Synapse."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from invitekit import (
    AlreadyMember,
    InviteClient,
    InviteNotFound,
    JoinedGroup,
    PublicGroupInvite,
    PublicServerInvite,
)
from invitekit_discord import DiscordAdapter
from invitekit_discord.testing import DiscordEmulator
from invitekit_matrix import MatrixAdapter
from invitekit_stoat import StoatAdapter
from invitekit_stoat.testing import StoatEmulator
from tests.matrix._homeserver import SERVER_NAME, Homeserver
from tests.matrix.conftest import Register, alias

DISCORD_TOKEN = "discord-sentinel-token.SECRET"


@dataclass
class Rooms:
    """A public room with an alias, and a dead alias."""

    room_id: str
    alias: str
    dead: str


@pytest.fixture
def rooms(homeserver: Homeserver, register: Register) -> Rooms:
    owner = register("owner")
    room_id = homeserver.create_room(owner, preset="public_chat", name="Matrix lounge")
    code = alias("lounge")
    homeserver.add_alias(owner, code, room_id)
    return Rooms(room_id, code, alias("dead"))


@pytest.fixture
async def others() -> AsyncIterator[tuple[str, str, str]]:
    """Discord's and Stoat's emulators, each with one invite: their API bases and the
    Stoat invite's code."""
    discord = DiscordEmulator()
    guild = discord.add_guild("Cat Lovers", member_count=4821)
    discord.add_bot(DISCORD_TOKEN)
    discord.add_invite(discord.add_channel(guild, "general"), code="catlovers")
    stoat = StoatEmulator()
    alice = stoat.add_user("alice")
    devs = stoat.add_server("Stoat Devs", owner=alice, channels=("general",))
    stoat_code = stoat.add_invite(devs.channel("general"), creator=alice).code
    async with discord.serve() as discord_base, stoat.serve() as stoat_base:
        yield discord_base, stoat_base, stoat_code


async def test_one_client_resolves_matrix_beside_discord_and_stoat(
    homeserver: Homeserver, register: Register, rooms: Rooms, others: tuple[str, str, str]
) -> None:
    discord_base, stoat_base, stoat_code = others
    guest = register("guest")
    client = InviteClient(
        DiscordAdapter(DISCORD_TOKEN, api_base=discord_base, lookup_limit=None),
        StoatAdapter(api_base=stoat_base),
        MatrixAdapter(guest.token, api_base=homeserver.url),
    )
    message = (
        f"cats: discord.gg/catlovers, devs: stt.gg/{stoat_code}, matrix: "
        f"https://matrix.to/#/{rooms.alias}, {rooms.room_id} routed: "
        f"https://matrix.to/#/{rooms.room_id}?via={SERVER_NAME} and "
        f"matrix:r/{rooms.alias[1:]}?action=join (gone: {rooms.dead})"
    )
    async with client:
        results = await client.resolve_all(message)
        # The alias in two forms is one link; the room id needs its via to be found.
        assert [(r.ref.platform, r.ref.code) for r in results] == [
            ("discord", "catlovers"),
            ("stoat", stoat_code),
            ("matrix", rooms.alias),
            ("matrix", rooms.room_id),
            ("matrix", rooms.dead),
        ]
        cats, devs, lounge, routed, dead = results
        assert isinstance(cats.invite, PublicServerInvite)
        assert cats.invite.member_count == 4821
        assert isinstance(devs.invite, PublicServerInvite)
        assert isinstance(lounge.invite, PublicGroupInvite)
        assert lounge.invite.channel is not None
        assert lounge.invite.channel.name == "Matrix lounge"
        assert isinstance(routed.invite, PublicGroupInvite)
        assert routed.ref.via == (SERVER_NAME,)
        assert isinstance(dead.error, InviteNotFound)

        lookups = client.stats.requests
        await client.fetch_invite(f"#{rooms.alias[1:]}", platform="matrix")
        assert client.stats.requests == lookups  # served from the cache

        joined = await client.accept(f"matrix:r/{rooms.alias[1:]}")
        assert isinstance(joined, JoinedGroup)
        with pytest.raises(AlreadyMember):
            await client.accept(f"https://matrix.to/#/{rooms.room_id}?via={SERVER_NAME}")


async def _resolve(homeserver: Homeserver, token: str, *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "invitekit",
        "resolve",
        "--api-base",
        f"matrix={homeserver.url}",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "MATRIX_TOKEN": token},
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_invitekit_resolve_matrix_links(
    homeserver: Homeserver, register: Register, rooms: Rooms
) -> None:
    token = register("cli").token
    code, out, err = await _resolve(
        homeserver,
        token,
        "--json",
        f"https://matrix.to/#/{rooms.alias}",
        f"see https://matrix.to/#/{rooms.room_id}?via={SERVER_NAME}",
        f"matrix:r/{rooms.alias[1:]}",
        f"and {rooms.dead}",
    )
    assert code == 3, err  # one link did not resolve
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["platform"], r["code"], r["ok"]) for r in records] == [
        ("matrix", rooms.alias, True),
        ("matrix", rooms.room_id, True),
        ("matrix", rooms.dead, False),
    ]
    lounge, routed, dead = records
    assert (lounge["kind"], lounge["name"], lounge["members"]) == ("group", "Matrix lounge", 1)
    assert lounge["url"] == f"https://matrix.to/#/%23{rooms.alias[1:]}"
    assert routed["name"] == "Matrix lounge"
    assert (dead["error"], dead["status"], dead["error_code"]) == (
        "InviteNotFound",
        404,
        "M_NOT_FOUND",
    )
    assert token not in out + err

    code, out, _ = await _resolve(homeserver, token, f"gone: {rooms.dead}")
    assert code == 3
    assert out.split()[:4] == ["PLATFORM", "CODE", "KIND", "NAME"]
    assert "InviteNotFound" in out
