"""The emulator answers like Discord where the adapter never goes (raw aiohttp requests)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from invitekit_discord.testing import DiscordEmulator
from tests.discord.conftest import TOKEN, World

UA = {"User-Agent": "DiscordBot (https://example.com, 1.0)"}


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def test_unknown_routes_and_methods(api_base: str, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{api_base}/nothing/here", headers=UA) as response:
        assert response.status == 404
        assert await response.json() == {"message": "404: Not Found", "code": 0}
    async with http.patch(f"{api_base}/invites/abc", headers=UA) as response:
        assert response.status == 405
        assert (await response.json())["code"] == 0


async def test_a_missing_user_agent_is_refused_like_cloudflare(
    world: World, api_base: str, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{api_base}/invites/{world.code}") as response:
        assert response.status == 403
        assert (await response.json())["code"] == 40333


async def test_bot_endpoints_need_a_valid_token(
    world: World, api_base: str, http: aiohttp.ClientSession
) -> None:
    url = f"{api_base}/guilds/{world.guild.id}/invites"
    async with http.get(url, headers=UA) as response:
        assert response.status == 401
        assert await response.json() == {"message": "401: Unauthorized", "code": 0}
    async with http.get(url, headers={**UA, "Authorization": f"Bearer {TOKEN}"}) as response:
        assert response.status == 401
    async with http.get(url, headers={**UA, "Authorization": f"Bot {TOKEN}"}) as response:
        assert response.status == 200
        assert response.headers["X-RateLimit-Bucket"]


async def test_create_validates_its_body(
    world: World, api_base: str, http: aiohttp.ClientSession
) -> None:
    url = f"{api_base}/channels/{world.channel.id}/invites"
    headers = {**UA, "Authorization": f"Bot {TOKEN}", "Content-Type": "application/json"}
    async with http.post(url, data=b"{not json", headers=headers) as response:
        assert response.status == 400
        assert (await response.json())["code"] == 50109
    async with http.post(url, data=b'{"max_uses": "ten"}', headers=headers) as response:
        body = await response.json()
        assert (response.status, body["code"]) == (400, 50035)
        assert body["errors"]["max_uses"]["_errors"][0]["code"] == "NUMBER_TYPE_COERCE"
    async with http.post(url, data=b'{"target_type": 1}', headers=headers) as response:
        assert (await response.json())["code"] == 50035


async def test_the_invite_limit_per_guild(
    world: World, api_base: str, http: aiohttp.ClientSession
) -> None:
    for index in range(999):
        world.emulator.add_invite(world.channel, code=f"filler{index}")
    url = f"{api_base}/channels/{world.channel.id}/invites"
    headers = {**UA, "Authorization": f"Bot {TOKEN}"}
    async with http.post(url, json={"unique": True}, headers=headers) as response:
        assert response.status == 400
        assert (await response.json())["code"] == 30016


def test_seeding_refuses_what_discord_would_not_have() -> None:
    emulator = DiscordEmulator()
    guild = emulator.add_guild("g")
    channel = emulator.add_channel(guild, "c")
    emulator.add_invite(channel, code="taken")
    with pytest.raises(ValueError, match="taken"):
        emulator.add_invite(channel, code="taken")
    with pytest.raises(ValueError, match="unknown permissions"):
        emulator.add_bot("t", permissions={guild: {"BAN_EVERYONE"}})
    with pytest.raises(KeyError):
        emulator.use_invite("missing")
