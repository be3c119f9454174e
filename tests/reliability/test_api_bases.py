"""Where a token may go: https anywhere, plain http only to this machine or when allowed."""

from __future__ import annotations

import pytest

from invitekit import InvalidArgument, get_adapter
from invitekit.http import HTTPTransport
from invitekit.http._urls import is_loopback
from invitekit_discord import DiscordAdapter
from invitekit_discord.testing import DiscordEmulator

SECRET_PASSWORD = "hunter2-sentinel"

SECURE_OR_LOCAL = [
    "https://discord.com/api/v10",
    "https://chat.example.org:8443/api/",
    "HTTPS://DISCORD.COM/api",
    "http://127.0.0.1:8080/api/v10",
    "http://127.9.9.9",
    "http://localhost:3000",
    "http://api.localhost",
    "http://[::1]:9000/api",
]

INSECURE_REMOTE = [
    "http://discord.com/api/v10",
    "http://10.0.0.5:8000",
    "http://[2001:db8::1]/api",
    "http://localhost.evil.example/api",
    "http://127.0.0.1.nip.io/api",
    "http://0.0.0.0:8000",
]

MALFORMED = [
    "ftp://discord.com/api",
    "discord.com/api",
    "//discord.com/api",
    "https://",
    "https:///api",
    "https://discord.com/api?token=abc",
    "https://discord.com/api#frag",
    "https://discord.com/api v10",
    "https://discord.com/api\r\nX-Injected: 1",
    "https://discord.com:99999/api",
    "javascript:alert(1)",
    "",
]


@pytest.mark.parametrize("base", SECURE_OR_LOCAL)
def test_https_and_loopback_bases_are_accepted(base: str) -> None:
    transport = HTTPTransport(base)
    assert transport.base_url == base.rstrip("/")
    DiscordAdapter(api_base=base)


@pytest.mark.parametrize("base", INSECURE_REMOTE)
def test_plain_http_to_another_host_needs_allow_insecure(base: str) -> None:
    with pytest.raises(InvalidArgument, match="allow_insecure"):
        HTTPTransport(base, platform="discord")
    with pytest.raises(InvalidArgument, match="allow_insecure") as caught:
        DiscordAdapter("token", api_base=base)
    assert caught.value.platform == "discord"
    assert HTTPTransport(base, allow_insecure=True).base_url == base.rstrip("/")
    assert DiscordAdapter(api_base=base, allow_insecure=True).api_base == base
    adapter = get_adapter("discord", api_base=base, allow_insecure=True)
    assert isinstance(adapter, DiscordAdapter)


@pytest.mark.parametrize("base", MALFORMED)
def test_malformed_bases_are_refused_even_when_insecure_is_allowed(base: str) -> None:
    with pytest.raises(InvalidArgument):
        HTTPTransport(base, allow_insecure=True)


@pytest.mark.parametrize("base", [1234, None, b"https://discord.com"])
def test_bases_must_be_strings(base: object) -> None:
    with pytest.raises(InvalidArgument, match="string"):
        HTTPTransport(base, allow_insecure=True)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "base",
    [
        f"https://bot:{SECRET_PASSWORD}@discord.com/api",
        f"http://user:{SECRET_PASSWORD}@127.0.0.1:8080",
        f"https://{SECRET_PASSWORD}@discord.com/api",
    ],
)
def test_credentials_in_a_base_are_refused_without_echoing_them(base: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        DiscordAdapter(api_base=base, allow_insecure=True)
    assert SECRET_PASSWORD not in str(caught.value)
    assert SECRET_PASSWORD not in repr(caught.value)
    assert caught.value.__cause__ is None


def test_loopback_names() -> None:
    assert is_loopback("127.0.0.1")
    assert is_loopback("LOCALHOST.")
    assert is_loopback("::1")
    assert not is_loopback("::")
    assert not is_loopback("128.0.0.1")
    assert not is_loopback("localhost.example")


async def test_the_emulator_base_is_loopback_and_works_without_opting_in() -> None:
    emulator = DiscordEmulator()
    guild = emulator.add_guild("Local")
    emulator.add_invite(emulator.add_channel(guild, "general"), code="local")
    async with emulator.serve() as api_base:
        assert api_base.startswith("http://127.0.0.1:")
        async with DiscordAdapter(api_base=api_base) as adapter:
            assert (await adapter.fetch_invite("local")).code == "local"
