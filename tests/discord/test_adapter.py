"""The adapter itself: options, registration, secrets, sessions, lazy imports."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

import invitekit
from invitekit import Capability, InvalidArgument, TransportError, get_adapter
from invitekit_discord import DEFAULT_API_BASE, DiscordAdapter
from tests.discord.conftest import TOKEN, World
from tests.http._support import ManualTime


def test_registry_builds_it_with_options() -> None:
    adapter = get_adapter("discord", token=TOKEN, api_base="http://127.0.0.1:1/api/v10")
    assert isinstance(adapter, DiscordAdapter)
    assert adapter.api_base == "http://127.0.0.1:1/api/v10"
    assert adapter.authenticated
    assert DiscordAdapter().api_base == DEFAULT_API_BASE == "https://discord.com/api/v10"
    with pytest.raises(InvalidArgument):
        get_adapter("discord", bot=True)


def test_capabilities() -> None:
    assert Capability.ACCEPT not in DiscordAdapter.capabilities
    assert DiscordAdapter(TOKEN).supports(Capability.CREATE)
    assert not DiscordAdapter().supports(Capability.CREATE)
    assert DiscordAdapter().supports(Capability.FETCH)


@pytest.mark.parametrize(
    "options",
    [
        {"token": "abc\r\nX-Evil: 1"},
        {"token": ""},
        {"token": 123},
        {"api_base": "discord.com/api"},
        {"timeout": 0},
        {"max_retries": -1},
        {"max_wait": -1.0},
    ],
)
def test_malformed_options_are_invalid_arguments(options: dict[str, object]) -> None:
    with pytest.raises(InvalidArgument) as caught:
        DiscordAdapter(**options)  # type: ignore[arg-type]
    assert caught.value.platform == "discord"
    assert "X-Evil" not in str(caught.value)  # a token is never echoed back


async def test_the_header_form_of_a_token_is_accepted(world: World, api_base: str) -> None:
    async with DiscordAdapter(f"Bot {TOKEN}", api_base=api_base) as discord:
        await discord.list_invites(server_id=world.guild.id)
    assert world.emulator.requests[0].headers["authorization"] == f"Bot {TOKEN}"


async def test_the_token_never_shows(
    world: World, api_base: str, clock: ManualTime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    adapter = DiscordAdapter(TOKEN, api_base=api_base, clock=clock, sleep=clock.sleep)
    texts = [repr(adapter), str(adapter), repr(adapter.transport)]
    async with adapter:
        invite = await adapter.fetch_invite(world.code)
        texts += [repr(invite), str(invite)]
        world.emulator.fail_next(401, code=50014, message="Invalid authentication token")
        with pytest.raises(invitekit.Unauthorized) as caught:
            await adapter.delete(world.code)
        texts += [str(caught.value), repr(caught.value)]
    texts.append(caplog.text)
    assert all(TOKEN not in text for text in texts)
    assert "<DiscordAdapter" in repr(adapter)


async def test_one_session_closed_on_exit(world: World, api_base: str) -> None:
    adapter = DiscordAdapter(TOKEN, api_base=api_base)
    assert not adapter.transport.session_open
    await adapter.fetch_invite(world.code)
    await adapter.list_invites(server_id=world.guild.id)
    assert adapter.transport.session_open
    await adapter.close()
    assert not adapter.transport.session_open
    with pytest.raises(TransportError, match="closed"):
        await adapter.fetch_invite(world.code)
    await adapter.close()


def _run(code: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_importing_the_adapter_and_scanning_links_do_not_import_aiohttp() -> None:
    result = _run(
        "import sys, invitekit, invitekit_discord\n"
        'PAYLOAD = b\'{"code": "abc", "guild_id": "1"}\'\n'
        "invitekit.register_adapter(invitekit_discord.DiscordAdapter, replace=True)\n"
        "assert invitekit.find_invites('discord.gg/abc123')[0].platform == 'discord'\n"
        "invitekit_discord.DiscordAdapter('t')\n"
        "invitekit_discord.DiscordAdapter.decode_public_invite(PAYLOAD)\n"
        "assert 'aiohttp' not in sys.modules, 'aiohttp was imported'\n"
    )
    assert result.returncode == 0, result.stderr


async def test_the_bridge_demo_platform_resolves_its_own_links() -> None:
    from invitekit_discord.demo import emulated_platform

    async with emulated_platform() as demo:
        assert demo.platform == "discord"
        refs = invitekit.find_invites(demo.message)
        assert [ref.code for ref in refs] == ["emuguild", "raidplan"]
        async with DiscordAdapter(**demo.adapter_options) as discord:
            for ref in refs:
                invite = await discord.fetch_invite(ref.code, event_id=ref.event_id)
                assert invite.ref == ref
            dead = invitekit.parse_invite(demo.dead_links[0])
            with pytest.raises(invitekit.InviteNotFound):
                await discord.fetch_invite(dead.code)
