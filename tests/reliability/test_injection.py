"""Codes, ids and reasons that would change a request are refused before any request.

A code or id with ``/``, ``..``, ``%``, ``?``, ``#``, whitespace or a control character
could add a path segment, climb out of the route, start a query or split a header; every
verb of every adapter, and the client in front of them, refuses it with a ``ValueError``
from the error tree — and the emulators' request logs stay empty. Audit-log reasons with
a line break or another control character are refused the same way; any other reason
reaches the server exactly as given.
"""

from __future__ import annotations

import string
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invitekit import InvalidArgument, InviteClient, InviteError, InviteRef
from invitekit_discord import DiscordAdapter
from invitekit_discord.testing import DiscordEmulator
from invitekit_stoat import StoatAdapter
from invitekit_stoat.testing import StoatEmulator

FORBIDDEN = [
    "/", "..", "%", "%2F", "?", "#", " ", "\t", "\n", "\r", "\r\n", "\x00", "\x1b", "\x7f",
    "\\", "\u00a0", "\u2028", "../", "/..", "?with_counts=false", "#frag", "%00",
]  # fmt: skip
TABLE = [
    "../users/@me",
    "abc/../../guilds/1",
    "abc%2F..%2Fx",
    "abc?x=1",
    "abc#x",
    "ab c",
    "abc\r\nX-Injected: 1",
    "abc\x00",
    "..",
    ".",
    "",
    " abc",
    "abc\t",
    "/abc",
    "abc/",
]


@st.composite
def hostile(draw: st.DrawFn) -> str:
    """An otherwise plausible value with something that would change the request."""
    base = draw(st.text(string.ascii_letters + string.digits + "-_", max_size=12))
    bad = draw(st.sampled_from(FORBIDDEN) | st.characters(max_codepoint=0x1F))
    position = draw(st.integers(0, len(base)))
    return base[:position] + bad + base[position:]


@dataclass
class Served:
    discord: DiscordEmulator
    stoat: StoatEmulator
    bot: DiscordAdapter
    user: StoatAdapter
    stoat_code: str
    stoat_server: str
    discord_channel: str

    def quiet(self) -> bool:
        return not self.discord.requests and not self.stoat.requests

    def calls(self, value: str) -> dict[str, Callable[[], Awaitable[object]]]:
        bot, user = self.bot, self.user
        return {
            "discord fetch": lambda: bot.fetch_invite(value),
            "discord delete": lambda: bot.delete(value),
            "discord revoke": lambda: bot.revoke(value),
            "discord target users": lambda: bot.fetch_target_users(value),
            "discord update target users": lambda: bot.update_target_users(value, ["1"]),
            "discord target users job": lambda: bot.fetch_target_users_job(value),
            "discord create": lambda: bot.create_invite(value),
            "discord list channel": lambda: bot.list_invites(channel_id=value),
            "discord list server": lambda: bot.list_invites(server_id=value),
            "discord vanity": lambda: bot.fetch_vanity_url(value),
            "discord event": lambda: bot.fetch_invite("abc", event_id=value),
            "discord target user id": lambda: bot.update_target_users("abc", [value]),
            "stoat fetch": lambda: user.fetch_invite(value),
            "stoat delete": lambda: user.delete(value),
            "stoat accept": lambda: user.accept(value),
            "stoat create": lambda: user.create_invite(value),
            "stoat list": lambda: user.list_invites(server_id=value),
        }


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    discord = DiscordEmulator()
    guild = discord.add_guild("Injection")
    channel = discord.add_channel(guild, "general")
    discord.add_bot("bot-token", permissions={guild: {"MANAGE_GUILD", "MANAGE_CHANNELS"}})
    discord.add_invite(channel, code="abc")
    stoat = StoatEmulator(rate_limits=None)
    owner = stoat.add_user("owner")
    server = stoat.add_server("Injection", owner=owner)
    code = stoat.add_invite(server.channel("general"), creator=owner).code
    async with discord.serve() as discord_base, stoat.serve() as stoat_base:
        bot = DiscordAdapter("bot-token", api_base=discord_base, lookup_limit=None)
        user = StoatAdapter(token=owner.token, bot=False, api_base=stoat_base)
        async with bot, user:
            yield Served(discord, stoat, bot, user, code, server.id, channel.id)


async def refused_everywhere(served: Served, value: str) -> None:
    for name, call in served.calls(value).items():
        with pytest.raises(InviteError) as caught:
            await call()
        assert isinstance(caught.value, ValueError), (name, caught.value)
    assert served.quiet(), value


@pytest.mark.parametrize("value", TABLE)
async def test_hostile_codes_and_ids_are_refused_before_any_request(
    served: Served, value: str
) -> None:
    await refused_everywhere(served, value)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=hostile())
async def test_any_value_that_would_change_the_request_is_refused(
    served: Served, value: str
) -> None:
    await refused_everywhere(served, value)


@given(hostile())
def test_refs_cannot_hold_such_codes(value: str) -> None:
    with pytest.raises(ValueError, match="invalid invite code"):
        InviteRef("discord", value)


async def test_the_client_refuses_them_too(served: Served) -> None:
    # Surrounding whitespace is trimmed off a bare code (as parse_invite documents), so
    # only values that are hostile inside are used here.
    inside = [value for value in TABLE if value.strip() == value]
    async with InviteClient(served.bot, served.user) as client:
        for value in inside:
            for platform in ("discord", "stoat"):
                for call in (client.fetch_invite, client.delete, client.accept, client.invalidate):
                    with pytest.raises(ValueError, match="invite"):
                        await call(value, platform=platform)
                assert await client.resolve_all(value) == []
    assert served.quiet()


# -- audit-log reasons ------------------------------------------------------------------

BAD_REASONS = [
    "spam\r\nX-Injected: 1",
    "line\nbreak",
    "carriage\rreturn",
    "nul\x00byte",
    "escape\x1b[31m",
    "delete\x7f",
    "\r\n",
]


@pytest.mark.parametrize("reason", BAD_REASONS)
async def test_reasons_with_control_characters_are_refused_before_any_request(
    served: Served, reason: str
) -> None:
    calls: list[Callable[[], Awaitable[object]]] = [
        lambda: served.bot.delete("abc", reason=reason),
        lambda: served.bot.create_invite(served.discord_channel, reason=reason),
        lambda: served.user.delete(served.stoat_code, reason=reason),
        lambda: served.user.create_invite("01ANYCHANNEL0000000000000", reason=reason),
    ]
    for call in calls:
        with pytest.raises(InvalidArgument, match="audit-log reason"):
            await call()
    assert served.quiet()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reason=st.text(min_size=1, max_size=60))
async def test_any_reason_is_refused_or_arrives_exactly_as_given(
    served: Served, reason: str
) -> None:
    if "gone" not in served.discord.world.invites:
        served.discord.add_invite(next(iter(served.discord.world.channels.values())), code="gone")
    try:
        await served.bot.delete("gone", reason=reason)
    except InvalidArgument:
        assert any((ord(c) < 0x20 and c != "\t") or c == "\x7f" for c in reason)
        assert served.quiet()
        return
    # HTTP drops spaces and tabs around a header value, so they are dropped before;
    # a blank reason is no reason.
    sent = reason.strip(" \t") or None
    request = served.discord.requests.pop()
    header = request.headers.get("x-audit-log-reason")
    assert (None if header is None else unquote(header)) == sent
    assert not any(name.startswith("x-injected") for name in request.headers)
    assert served.discord.world.audit_log[-1] == ("delete", "gone", sent)
    # Stoat sends the reason as it is.
    owner = next(iter(served.stoat.users.values()))
    channel = served.stoat.servers[served.stoat_server].channel("general")
    await served.user.delete(served.stoat.add_invite(channel, creator=owner).code, reason=reason)
    assert served.stoat.requests.pop().audit_reason == sent
