"""Fixtures for the Matrix tests: homeservers for the session, started on 127.0.0.1, and
adapters connected to them.

Every test that takes ``homeserver`` runs twice: against a real Synapse and against
invitekit's stand-in (``invitekit_matrix.testing``), seeded the same way over HTTP, so
the stand-in the demo runs on cannot drift from the real server. Synapse comes with the
development install (``pip install -e '.[dev]'``); without it the Synapse half is
skipped, except under CI (``CI`` set), where that is a failure. Every test registers
accounts of its own, so tests share a server but never a room.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Callable, Iterator

import pytest

from invitekit_matrix import MatrixAdapter
from tests.matrix._homeserver import SERVER_NAME, Homeserver, HomeserverError, User
from tests.matrix._standin import StandIn
from tests.matrix._synapse import Synapse

KINDS = ["synapse", "stand-in"]


def _start(kind: str, *, tight: bool) -> Homeserver:
    server: Homeserver = Synapse(tight=tight) if kind == "synapse" else StandIn(tight=tight)
    try:
        server.start()
    except HomeserverError as exc:
        server.stop()
        if os.environ.get("CI"):
            pytest.fail(f"CI must be able to run the {kind} homeserver: {exc}")
        pytest.skip(f"the {kind} homeserver cannot start here: {exc}")
    return server


def _serving(kind: str, *, tight: bool) -> Iterator[Homeserver]:
    server = _start(kind, tight=tight)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def synapse() -> Iterator[Homeserver]:
    """A real Synapse, relaxed."""
    yield from _serving("synapse", tight=False)


@pytest.fixture(scope="session")
def stand_in() -> Iterator[Homeserver]:
    """invitekit's stand-in, relaxed."""
    yield from _serving("stand-in", tight=False)


@pytest.fixture(scope="session", params=KINDS)
def homeserver(request: pytest.FixtureRequest) -> Homeserver:
    """The relaxed homeserver every Matrix test shares: Synapse, then the stand-in."""
    server: Homeserver = request.getfixturevalue(
        "synapse" if request.param == "synapse" else "stand_in"
    )
    return server


@pytest.fixture(scope="session", params=KINDS)
def tight_homeserver(request: pytest.FixtureRequest) -> Iterator[Homeserver]:
    """A homeserver with tight rate limits, for 429 handling."""
    yield from _serving(request.param, tight=True)


Register = Callable[[str], User]
Connect = Callable[..., MatrixAdapter]


def unique(name: str) -> str:
    """``name`` with a random suffix: accounts, rooms and aliases of one test."""
    return f"{name}{secrets.token_hex(4)}"


def alias(name: str) -> str:
    """A fresh alias on the test server."""
    return f"#{unique(name)}:{SERVER_NAME}"


@pytest.fixture
def register(homeserver: Homeserver) -> Register:
    """Registers a fresh account named after ``name``."""
    return lambda name: homeserver.register(unique(name))


@pytest.fixture
async def connect(homeserver: Homeserver) -> AsyncIterator[Connect]:
    """Builds adapters on the relaxed server (``connect(user, **options)``; no user: no
    token), closed when the test ends."""
    adapters: list[MatrixAdapter] = []

    def make(user: User | None = None, **options: object) -> MatrixAdapter:
        adapter = MatrixAdapter(
            None if user is None else user.token,
            api_base=homeserver.url,
            **options,  # type: ignore[arg-type]
        )
        adapters.append(adapter)
        return adapter

    yield make
    for adapter in adapters:
        await adapter.close()
