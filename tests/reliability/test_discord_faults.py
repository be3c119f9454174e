"""The fault matrix for Discord: every fault against every kind of call, over real HTTP.

Each row injects one fault into the emulator and states, per verb, what the caller gets
and how many requests reached the server. The rules the rows follow:

* ``GET`` and ``DELETE`` are retried after 5xx, timeouts and resets, within
  ``max_retries``; then the typed error comes out.
* ``POST`` (``create_invite``) is sent once whenever the request may have reached the
  server; the emulator's invite count proves the invite was made once, never twice.
* A 429 is a refusal, so every method is sent again after the wait it asks for.
* A complete answer that is not the API's (cut JSON, an empty body, a CDN's page) is a
  ``PayloadError`` at once: sending again would not mend it.

aiohttp re-sends an idempotent request once by itself when a connection drops before
the answer starts (RFC 9112, 9.3.1), so a reset costs a ``GET`` up to two sends per
attempt; it never does that for ``POST``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest

from invitekit import (
    Forbidden,
    InviteError,
    InviteNotFound,
    PayloadError,
    RateLimited,
    ServerError,
    TransportError,
)
from invitekit.emulation import Fault
from invitekit.http import RetryPolicy
from invitekit_discord import DiscordAdapter
from invitekit_discord.emulator import DiscordEmulator, EmulatedChannel
from tests.http._support import ManualTime
from tests.reliability._pages import BAD_GATEWAY_PAGE, BAN_PAGE, CDN_HEADERS, CHALLENGE_PAGE

TOKEN = "MTIz.fault-matrix.TOKEN"
RETRIES = 2
ATTEMPTS = RETRIES + 1
BACKOFF = RetryPolicy()
TIMEOUT = 0.25
"""Real seconds one attempt may take; slow bodies stall for far longer."""


@dataclass
class Site:
    emulator: DiscordEmulator
    channel: EmulatedChannel
    adapter: DiscordAdapter
    code: str = "sturdy"

    def sends(self, method: str) -> int:
        return sum(1 for request in self.emulator.requests if request.method == method)

    def invites(self) -> int:
        return len(self.emulator.world.invites)


@pytest.fixture
async def site(clock: ManualTime) -> AsyncIterator[Site]:
    emulator = DiscordEmulator(clock=clock)
    guild = emulator.add_guild("Sturdy")
    channel = emulator.add_channel(guild, "general")
    emulator.add_bot(TOKEN, permissions={guild: {"CREATE_INSTANT_INVITE", "MANAGE_CHANNELS"}})
    emulator.add_invite(channel, code="sturdy", max_age=0)
    async with emulator.serve() as api_base:
        adapter = DiscordAdapter(
            TOKEN,
            api_base=api_base,
            timeout=TIMEOUT,
            max_retries=RETRIES,
            lookup_limit=None,
            clock=clock,
            sleep=clock.sleep,
        )
        async with adapter:
            yield Site(emulator, channel, adapter)
        assert not adapter.transport.session_open


async def fetch(site: Site) -> object:
    return await site.adapter.fetch_invite(site.code)


async def list_invites(site: Site) -> object:
    return await site.adapter.list_invites(channel_id=site.channel.id)


async def delete(site: Site) -> object:
    await site.adapter.delete(site.code)
    return None


async def create(site: Site) -> object:
    return await site.adapter.create_invite(site.channel.id, max_age=60)


VERBS: dict[str, tuple[str, str, Callable[[Site], Awaitable[object]]]] = {
    "fetch": ("GET", "invites.get", fetch),
    "list": ("GET", "channels.invites.get", list_invites),
    "delete": ("DELETE", "invites.delete", delete),
    "create": ("POST", "channels.invites.post", create),
}
"""verb → the method it sends, the emulator's bucket for it, and the call."""

Outcome = tuple[type[InviteError] | None, int | range]
"""The error expected (``None``: success) and the number of sends, exact or a range."""


@dataclass(frozen=True)
class Row:
    name: str
    inject: Callable[[DiscordEmulator, str], None]
    """Queue the fault; the second argument names the bucket of the call."""
    outcomes: dict[str, Outcome]
    handled: bool = False
    """Whether the emulator acts on the request before the fault spoils the answer."""
    waits: list[float] = field(default_factory=list)
    """Rate-limit waits the client must take, in seconds."""


def faults(fault: Fault, times: int = 1) -> Callable[[DiscordEmulator, str], None]:
    return lambda emulator, bucket: emulator.faults.add(fault, times=times)


def every(outcome: Outcome, **overrides: Outcome) -> dict[str, Outcome]:
    return {verb: overrides.get(verb, outcome) for verb in VERBS}


def retried_then_ok(**overrides: Outcome) -> dict[str, Outcome]:
    """A burst of two failures: idempotent calls succeed on the third try, POST fails."""
    return every((None, ATTEMPTS), **overrides)


RESETS_PER_ATTEMPT = range(ATTEMPTS, 2 * ATTEMPTS + 1)

ROWS = [
    # -- server errors, JSON or a proxy's page ----------------------------------------
    Row(
        "500 burst",
        faults(Fault.respond(500, b'{"message": "500: Internal Server Error", "code": 0}'), 2),
        retried_then_ok(create=(ServerError, 1)),
    ),
    Row(
        "502 HTML burst",
        faults(Fault.respond(502, BAD_GATEWAY_PAGE, headers=CDN_HEADERS), 2),
        retried_then_ok(create=(ServerError, 1)),
    ),
    Row(
        "503 empty burst",
        faults(Fault.respond(503), 2),
        retried_then_ok(create=(ServerError, 1)),
    ),
    Row(
        "503 outlasting the retries",
        faults(Fault.respond(503, b'{"message": "overloaded", "code": 0}'), 9),
        every((ServerError, ATTEMPTS), create=(ServerError, 1)),
    ),
    Row(
        "403 CDN ban page",
        faults(Fault.respond(403, BAN_PAGE, headers=CDN_HEADERS), 9),
        every((Forbidden, 1)),
    ),
    # -- the connection fails ---------------------------------------------------------
    Row(
        "reset before the body",
        faults(Fault.reset()),
        # The first DELETE did delete; its re-send finds nothing.
        every((None, 2), delete=(InviteNotFound, 2), create=(TransportError, 1)),
        handled=True,
    ),
    Row(
        "resets outlasting the retries",
        faults(Fault.reset(), 99),
        every((TransportError, RESETS_PER_ATTEMPT), create=(TransportError, 1)),
        handled=True,
    ),
    Row(
        "reset during the body",
        faults(Fault.reset_during_body()),
        every((None, 2), delete=(InviteNotFound, 2), create=(TransportError, 1)),
        handled=True,
    ),
    Row(
        "resets during the body outlasting the retries",
        faults(Fault.reset_during_body(), 99),
        every((TransportError, ATTEMPTS), create=(TransportError, 1)),
        handled=True,
    ),
    Row(
        "body slower than the timeout",
        faults(Fault.slow_body(30.0)),
        every((None, 2), delete=(InviteNotFound, 2), create=(TransportError, 1)),
        handled=True,
    ),
    Row(
        "headers slower than the timeout",
        lambda emulator, bucket: emulator.stall_next(30.0),
        # The emulator stalls before acting, and drops the request when the client goes.
        every((None, 2), create=(TransportError, 1)),
    ),
    # -- complete answers that are not the API's ----------------------------------------
    Row(
        "truncated JSON",
        faults(Fault.truncated()),
        every((PayloadError, 1)),
        handled=True,
    ),
    Row(
        "empty 200",
        faults(Fault.empty()),
        every((PayloadError, 1), delete=(None, 1)),
        handled=True,
    ),
    Row(
        "JSON labelled as HTML",
        faults(Fault.retyped("text/html")),
        # The body decides: JSON is read whatever a proxy calls it.
        every((None, 1)),
        handled=True,
    ),
    Row(
        "CDN challenge page with 200",
        faults(Fault.respond(200, CHALLENGE_PAGE, headers=CDN_HEADERS)),
        # Never acted on, so a DELETE must not pass for done either.
        every((PayloadError, 1)),
    ),
    # -- rate limits ------------------------------------------------------------------
    Row(
        "429 on the bucket with headers",
        lambda emulator, bucket: emulator.rate_limit_next(2.5, bucket=bucket),
        every((None, 2)),
        waits=[2.5],
    ),
    Row(
        "429 with a body and no headers",
        lambda emulator, bucket: emulator.rate_limit_next(1.25, headers=False),
        every((None, 2)),
        waits=[1.25],
    ),
    Row(
        "429 with neither body nor headers",
        faults(Fault.respond(429)),
        every((None, 2)),
        waits=[0.5],  # RetryPolicy's first backoff
    ),
    Row(
        "global 429",
        lambda emulator, bucket: emulator.rate_limit_next(0.75, scope="global"),
        every((None, 2)),
        waits=[0.75],
    ),
    Row(
        "429s outlasting the retries",
        lambda emulator, bucket: emulator.rate_limit_next(1.0, times=9),
        every((RateLimited, ATTEMPTS)),
        waits=[1.0] * RETRIES,
    ),
    Row(
        "429 asking for longer than max_wait",
        lambda emulator, bucket: emulator.rate_limit_next(3600.0, scope="global"),
        every((RateLimited, 1)),
    ),
]


@pytest.mark.parametrize("verb", list(VERBS))
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
async def test_fault_matrix(site: Site, clock: ManualTime, row: Row, verb: str) -> None:
    method, bucket, call = VERBS[verb]
    expected_error, expected_sends = row.outcomes[verb]
    invites_before = site.invites()
    row.inject(site.emulator, bucket)

    if expected_error is None:
        await call(site)
    else:
        with pytest.raises(expected_error) as caught:
            await call(site)
        assert type(caught.value) is expected_error
        assert caught.value.platform == "discord"
        assert TOKEN not in str(caught.value)

    sends = site.sends(method)
    if isinstance(expected_sends, range):
        assert sends in expected_sends
    else:
        assert sends == expected_sends
    if row.waits or row.name.startswith("429"):
        assert clock.sleeps == row.waits
    else:  # backoffs only, one per retry
        assert clock.sleeps == [BACKOFF.delay(n) for n in range(1, len(clock.sleeps) + 1)]
        assert len(clock.sleeps) <= RETRIES
    if verb == "create":
        made = site.invites() - invites_before
        # Made exactly once when the emulator acted, even though the answer was lost.
        assert made == (1 if expected_error is None or row.handled else 0)
