"""Fixtures for the Matrix tests: a real Synapse for the session, started on 127.0.0.1,
and adapters connected to it.

Synapse comes with the development install (``pip install -e '.[dev]'``). Without it the
Matrix tests that need it are skipped, except under CI (``CI`` set), where that is a
failure. Every test registers accounts of its own, so tests share the server but never
a room.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Callable, Iterator

import pytest

from invitekit_matrix import MatrixAdapter
from tests.matrix._synapse import SERVER_NAME, Synapse, SynapseError, User


def _start(*, tight: bool) -> Synapse:
    server = Synapse(tight=tight)
    try:
        server.start()
    except SynapseError as exc:
        server.stop()
        if os.environ.get("CI"):
            pytest.fail(f"CI must be able to run Synapse: {exc}")
        pytest.skip(f"Synapse cannot start here: {exc}")
    return server


@pytest.fixture(scope="session")
def synapse() -> Iterator[Synapse]:
    """The relaxed homeserver every Matrix test shares."""
    server = _start(tight=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def tight_synapse() -> Iterator[Synapse]:
    """A homeserver with tight rate limits, for 429 handling."""
    server = _start(tight=True)
    yield server
    server.stop()


Register = Callable[[str], User]
Connect = Callable[..., MatrixAdapter]


def unique(name: str) -> str:
    """``name`` with a random suffix: accounts, rooms and aliases of one test."""
    return f"{name}{secrets.token_hex(4)}"


def alias(name: str) -> str:
    """A fresh alias on the test server."""
    return f"#{unique(name)}:{SERVER_NAME}"


@pytest.fixture
def register(synapse: Synapse) -> Register:
    """Registers a fresh account named after ``name``."""
    return lambda name: synapse.register(unique(name))


@pytest.fixture
async def connect(synapse: Synapse) -> AsyncIterator[Connect]:
    """Builds adapters on the relaxed server (``connect(user, **options)``; no user: no
    token), closed when the test ends."""
    adapters: list[MatrixAdapter] = []

    def make(user: User | None = None, **options: object) -> MatrixAdapter:
        adapter = MatrixAdapter(
            None if user is None else user.token,
            api_base=synapse.url,
            **options,  # type: ignore[arg-type]
        )
        adapters.append(adapter)
        return adapter

    yield make
    for adapter in adapters:
        await adapter.close()
