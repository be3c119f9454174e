"""Fixtures for the Matrix tests: a real Synapse for the session, started on 127.0.0.1.

Synapse comes with the development install (``pip install -e '.[dev]'``). Without it the
Matrix tests are skipped, except under CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.matrix._synapse import Synapse, SynapseError


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
    """A homeserver with Synapse-like tight rate limits, for 429 handling."""
    server = _start(tight=True)
    yield server
    server.stop()
