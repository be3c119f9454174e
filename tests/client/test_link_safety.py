"""Adversarial links: none of them may make the client send a single request."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from invitekit import InvalidInviteLink, InviteClient
from invitekit_discord import DiscordAdapter
from invitekit_discord.testing import DiscordEmulator
from invitekit_fake import FakeAdapter
from invitekit_stoat import StoatAdapter
from invitekit_stoat.testing import StoatEmulator

ADVERSARIAL = [
    # look-alike hosts
    "https://discord.gg.evil.com/abc",
    "https://discord.gg-evil.com/abc",
    "https://evildiscord.gg/abc",
    "https://discord.gq/abc",
    "https://disc0rd.gg/abc",
    "https://discordd.gg/abc",
    "https://discord.com.evil.net/invite/abc",
    "https://discordapp.co/invite/abc",
    "https://discord.gift/abc",
    "https://fake.invitekit.test.evil.com/abc",
    "https://invitekit.test/abc",
    # userinfo and port tricks
    "https://discord.gg@evil.com/abc",
    "https://discord.gg:443@evil.com/abc",
    "https://user:pass@discord.gg/abc",
    "https://evil.com@discord.gg/abc",
    "https://discord.gg:8080/abc",
    "https://fake.invitekit.test@evil.com/abc",
    "https://discord.gg\\@evil.com/abc",
    # homoglyph and punycode hosts
    "https://dіscord.gg/abc",  # noqa: RUF001 - Cyrillic i, on purpose
    "https://discοrd.gg/abc",  # noqa: RUF001 - Greek omicron, on purpose
    "https://xn--dscord-7fg.gg/abc",
    "https://xn--discord-9ua.gg/abc",
    "https://discord.xn--gg-1ia/abc",
    "https://fаke.invitekit.test/abc",  # noqa: RUF001 - Cyrillic a, on purpose
    # links embedded in other URLs
    "https://evil.com/discord.gg/abc",
    "https://evil.com/?next=https://discord.gg/abc",
    "https://evil.com/#https://discord.gg/abc",
    "https://evil.com/redirect/https://discord.com/invite/abc",
    "evil.com/discord.gg/abc",
    "https://evil.com/fake.invitekit.test/abc",
    "https://t.co/discord.gg/abc",
    "https://discord.gg.evil.com/discord.gg/abc",
    # empty codes and wrong paths
    "https://discord.gg/",
    "https://discord.gg",
    "https://discord.com/invite/",
    "https://discord.com/invite",
    "https://discord.com/abc",
    "https://discord.com/invites/abc",
    "https://discord.gg/invite/abc",
    "https://discord.gg//abc",
    "https://fake.invitekit.test/",
    "https://discord.gg/?event=1",
    # path traversal
    "https://discord.gg/../abc",
    "https://discord.gg/abc/..",
    "https://discord.gg/abc/../../guilds",
    "https://discord.com/invite/../users/@me",
    "https://discord.gg/..%2Fabc",
    "https://fake.invitekit.test/../abc",
    # percent-encoding
    "https://discord.gg/%61bc",
    "https://discord.gg/abc%2F",
    "https://discord.gg/%2e%2e",
    "https://discord%2Egg/abc",
    "https://discord.gg/abc%00",
    "https://fake.invitekit.test/%2Fabc",
    # schemes and characters
    "ftp://discord.gg/abc",
    "javascript://discord.gg/abc",
    "https:/discord.gg/abc",
    "//discord.gg/abc",
    "https://discord.gg/abç",
    "https://discord.gg/abc/.",
    "https://discord.gg/ab\u200bc",
    "https://discord.gg/abc\u0000",
    "https://discord.gg/ab.cd",
    "https://discord.gg/abc/def",
    "https://discord.gg/a",
    # Stoat and Revolt hosts
    "https://stt.gg.evil.com/abcd1234",
    "https://evil.com/stt.gg/abcd1234",
    "https://stt.gg@evil.com/abcd1234",
    "https://stt.gg/discover",
    "https://stt.gg/discover/servers",
    "https://rvlt.gg/discover",
    "https://stoat.chat/invite/",
    "https://stoat.chat/invites/abcd1234",
    "https://stoat.chat/abcd1234",
    "https://app.revolt.chat.evil.com/invite/abcd1234",
    "https://evil.revolt.chat/invite/abcd1234",
    "https://app.revolt.chat/invite/../abcd1234",
    "https://stt.gg/%2e%2e",
    "https://sтt.gg/abcd1234",
    "https://rvlt.gg/abcd-1234",
]


def test_the_table_is_large_enough() -> None:
    assert len(ADVERSARIAL) >= 60
    assert len(set(ADVERSARIAL)) == len(ADVERSARIAL)


@pytest.fixture
async def served() -> AsyncIterator[tuple[DiscordEmulator, str, StoatEmulator, str]]:
    emulator = DiscordEmulator()
    emulator.add_invite(emulator.add_channel(emulator.add_guild("G"), "general"), code="abc")
    stoat = StoatEmulator()
    async with emulator.serve() as api_base, stoat.serve() as stoat_base:
        yield emulator, api_base, stoat, stoat_base


async def test_no_adversarial_input_produces_a_lookup(
    served: tuple[DiscordEmulator, str, StoatEmulator, str],
) -> None:
    emulator, api_base, stoat, stoat_base = served
    fake = FakeAdapter()
    adapters = (DiscordAdapter(api_base=api_base), StoatAdapter(api_base=stoat_base), fake)
    async with InviteClient(*adapters) as client:
        for text in ADVERSARIAL:
            assert await client.resolve_all(text) == [], text
            assert await client.resolve_all(f"look: {text} !") == [], text
            with pytest.raises(InvalidInviteLink):
                await client.fetch_invite(text)
        # The genuine link still works, so the emulator was reachable all along.
        assert (await client.fetch_invite("https://discord.gg/abc")).code == "abc"
    assert len(emulator.requests) == 1
    assert stoat.requests == []
    assert fake.calls == []
