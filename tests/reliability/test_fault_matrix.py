"""The fault matrix: every fault against every kind of call, on every platform, over HTTP.

Each row injects one fault into a platform's emulator and states, per kind of call, what
the caller gets and how many requests reached the server. The rules the rows follow:

* ``GET`` and ``DELETE`` are retried after 5xx, timeouts and resets, within
  ``max_retries``; then the typed error comes out.
* ``POST`` (``create_invite``, ``accept``) is sent once whenever the request may have
  reached the server; the emulator's state proves the invite was made (or the server
  joined) once, never twice.
* A 429 is a refusal, so every method is sent again after the wait it asks for.
* A complete answer that is not the API's (cut JSON, an empty body where one is due, a
  CDN's page) is a ``PayloadError`` at once: sending it again would not mend it.

Every send is one the transport made and counted: aiohttp's own hidden re-send of an
idempotent request after a dropped connection is switched off, so the retry budget and
the rate limiter's counts are exact.
"""

from __future__ import annotations

from collections.abc import Callable
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
from invitekit.http import RetryPolicy
from invitekit.testing.emulation import Fault
from tests.http._support import ManualTime
from tests.reliability._pages import BAD_GATEWAY_PAGE, BAN_PAGE, CDN_HEADERS, CHALLENGE_PAGE
from tests.reliability._sites import DISCORD_TOKEN, KINDS, PLATFORMS, DiscordSite, StoatSite

RETRIES = 2
ATTEMPTS = RETRIES + 1
BACKOFF = RetryPolicy()
TIMEOUT = 0.25
"""Real seconds one attempt may take in the rows about timeouts; slow answers stall for
far longer."""
PATIENT = 10.0
"""Real seconds one attempt may take in every other row: on a loaded machine a quick
answer can take longer than ``TIMEOUT``, and a spurious timeout is no fault of the row."""

Outcome = tuple[type[InviteError] | None, int]
"""The error expected (``None``: success) and the number of sends."""
Inject = Callable[[DiscordSite | StoatSite, str], None]


@dataclass(frozen=True)
class Row:
    name: str
    inject: Inject
    """Queue the fault; the second argument is the verb about to be called."""
    outcomes: dict[str, Outcome]
    """By kind of call: ``get``, ``delete``, ``post``."""
    handled: bool = False
    """Whether the emulator acts on the request before the fault spoils the answer."""
    waits: list[float] | None = None
    """The rate-limit waits the client must take; ``None``: backoffs only."""
    platforms: tuple[str, ...] = ("discord", "stoat")
    exceptions: dict[tuple[str, str], Outcome] = field(default_factory=dict)
    """(platform, verb) → an outcome that differs from the kind's, with the reason."""
    timeout: float = PATIENT
    """Real seconds one attempt may take (``TIMEOUT`` in the rows about timeouts)."""


def fault(spoil: Fault, times: int = 1) -> Inject:
    return lambda site, verb: site.inject(spoil, times)


def rate_limit(
    retry_after: float, *, headers: bool = True, scope: str = "bucket", times: int = 1
) -> Inject:
    return lambda site, verb: site.rate_limit(
        retry_after, verb=verb, headers=headers, scope=scope, times=times
    )


def every(outcome: Outcome, **by_kind: Outcome) -> dict[str, Outcome]:
    return {kind: by_kind.get(kind, outcome) for kind in ("get", "delete", "post")}


NO_BODY_TO_SPOIL: dict[tuple[str, str], Outcome] = {("stoat", "delete"): (None, 1)}
"""Stoat answers a DELETE with 204 and no body: the whole answer is out with the headers."""

ROWS = [
    # -- server errors, JSON or a proxy's page ----------------------------------------
    Row(
        "500 burst",
        fault(Fault.respond(500, b'{"message": "Internal", "code": 0}'), 2),
        every((None, ATTEMPTS), post=(ServerError, 1)),
    ),
    Row(
        "502 HTML burst",
        fault(Fault.respond(502, BAD_GATEWAY_PAGE, headers=CDN_HEADERS), 2),
        every((None, ATTEMPTS), post=(ServerError, 1)),
    ),
    Row(
        "503 empty burst",
        fault(Fault.respond(503), 2),
        every((None, ATTEMPTS), post=(ServerError, 1)),
    ),
    Row(
        "503 outlasting the retries",
        fault(Fault.respond(503, b'{"message": "overloaded", "code": 0}'), 9),
        every((ServerError, ATTEMPTS), post=(ServerError, 1)),
    ),
    Row(
        "403 CDN ban page",
        fault(Fault.respond(403, BAN_PAGE, headers=CDN_HEADERS), 9),
        every((Forbidden, 1)),
    ),
    # -- the connection fails or crawls ------------------------------------------------
    Row(
        "reset before the body",
        fault(Fault.reset()),
        # The first DELETE did delete; its re-send finds nothing.
        every((None, 2), delete=(InviteNotFound, 2), post=(TransportError, 1)),
        handled=True,
    ),
    Row(
        "resets outlasting the retries",
        fault(Fault.reset(), 99),
        every((TransportError, ATTEMPTS), post=(TransportError, 1)),
        handled=True,
    ),
    Row(
        "reset during the body",
        fault(Fault.reset_during_body()),
        every((None, 2), delete=(InviteNotFound, 2), post=(TransportError, 1)),
        handled=True,
        exceptions=NO_BODY_TO_SPOIL,
    ),
    Row(
        "resets during the body outlasting the retries",
        fault(Fault.reset_during_body(), 99),
        every((TransportError, ATTEMPTS), post=(TransportError, 1)),
        handled=True,
        exceptions=NO_BODY_TO_SPOIL,
    ),
    Row(
        "body slower than the timeout",
        fault(Fault.slow_body(30.0)),
        every((None, 2), delete=(InviteNotFound, 2), post=(TransportError, 1)),
        handled=True,
        exceptions=NO_BODY_TO_SPOIL,
        timeout=TIMEOUT,
    ),
    Row(
        "answer slower than the timeout",
        # The server has not acted yet when the client gives up.
        fault(Fault.stall(30.0)),
        every((None, 2), post=(TransportError, 1)),
        timeout=TIMEOUT,
    ),
    # -- complete answers that are not the API's ----------------------------------------
    Row(
        "truncated JSON",
        fault(Fault.truncated()),
        every((PayloadError, 1)),
        handled=True,
        platforms=("discord",),
    ),
    Row(
        "truncated JSON, nothing to cut in a 204",
        fault(Fault.truncated()),
        every((PayloadError, 1), delete=(None, 1)),
        handled=True,
        platforms=("stoat",),
    ),
    Row(
        "empty 200",
        fault(Fault.empty()),
        every((PayloadError, 1), delete=(None, 1)),
        handled=True,
    ),
    Row(
        "JSON labelled as HTML",
        # The body decides: JSON is read whatever a proxy calls it.
        fault(Fault.retyped("text/html")),
        every((None, 1)),
        handled=True,
    ),
    Row(
        "CDN challenge page with 200",
        # Never acted on, so a DELETE must not pass for done either.
        fault(Fault.respond(200, CHALLENGE_PAGE, headers=CDN_HEADERS)),
        every((PayloadError, 1)),
    ),
    # -- rate limits ------------------------------------------------------------------
    Row("429 on the bucket, with headers", rate_limit(2.5), every((None, 2)), waits=[2.5]),
    Row(
        "429 with a body and no headers",
        rate_limit(1.25, headers=False),
        every((None, 2)),
        waits=[1.25],
    ),
    Row(
        "429 with neither body nor headers",
        fault(Fault.respond(429)),
        every((None, 2)),
        waits=[BACKOFF.delay(1)],
    ),
    Row(
        "global 429",
        rate_limit(0.75, scope="global"),
        every((None, 2)),
        waits=[0.75],
        platforms=("discord",),
    ),
    Row(
        "429s outlasting the retries",
        rate_limit(1.0, times=9),
        every((RateLimited, ATTEMPTS)),
        waits=[1.0] * RETRIES,
    ),
    Row(
        "429 asking for longer than max_wait",
        rate_limit(3600.0),
        every((RateLimited, 1)),
        waits=[],
    ),
]

CASES = [
    pytest.param(row, platform, verb, id=f"{platform}-{verb}-{row.name}")
    for row in ROWS
    for platform in row.platforms
    for verb in PLATFORMS[platform].verbs
]


@pytest.mark.parametrize(("row", "platform", "verb"), CASES)
async def test_fault_matrix(clock: ManualTime, row: Row, platform: str, verb: str) -> None:
    site = PLATFORMS[platform](clock)
    options = {"timeout": row.timeout, "max_retries": RETRIES, "clock": clock, "sleep": clock.sleep}
    async with site.connected(**options):
        method = site.verbs[verb]
        expected_error, expected_sends = row.exceptions.get(
            (platform, verb), row.outcomes[KINDS[verb]]
        )
        effects_before = site.effects()
        row.inject(site, verb)

        if expected_error is None:
            await site.call(verb)
        else:
            with pytest.raises(expected_error) as caught:
                await site.call(verb)
            assert type(caught.value) is expected_error
            assert caught.value.platform == platform
            assert DISCORD_TOKEN not in str(caught.value)

        sends = site.sends(method)
        effects = site.effects() - effects_before
    assert sends == expected_sends
    if row.waits is not None:
        assert clock.sleeps == row.waits
    else:  # backoffs only, one per retry
        assert clock.sleeps == [BACKOFF.delay(n) for n in range(1, len(clock.sleeps) + 1)]
        assert len(clock.sleeps) <= RETRIES
    if KINDS[verb] == "post":
        # Made exactly once when the emulator acted, even though the answer was lost.
        assert effects == (1 if expected_error is None or row.handled else 0)
