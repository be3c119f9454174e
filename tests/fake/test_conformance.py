"""The fake adapter passes the shared conformance suite, fully capable and restricted."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from invitekit import Capability
from invitekit.testing import AdapterConformance, Scenario
from invitekit_fake import FakeAdapter, FakeWorld


def _scenario(capabilities: frozenset[Capability] | None) -> Scenario:
    world = FakeWorld()
    owner, joiner = world.add_user("owner"), world.add_user("joiner")
    server = world.add_server("Conformance", owner=owner)
    channel = server.channel("general")
    invite = world.add_invite(channel, creator=owner)
    return Scenario(
        adapter=FakeAdapter(world, user=owner, capabilities=capabilities),
        channel_id=channel.id,
        existing_code=invite.code,
        missing_code="doesnotexist",
        server_id=server.id,
        joiner=FakeAdapter(world, user=joiner, capabilities=capabilities),
    )


class TestFakeConformance(AdapterConformance):
    @pytest.fixture
    async def scenario(self) -> AsyncIterator[Scenario]:
        scenario = _scenario(None)
        yield scenario
        await scenario.adapter.close()


class TestFetchOnlyFakeConformance(AdapterConformance):
    """A platform that can only resolve invites: every other verb must refuse up front."""

    @pytest.fixture
    async def scenario(self) -> AsyncIterator[Scenario]:
        scenario = _scenario(frozenset({Capability.FETCH}))
        yield scenario
        await scenario.adapter.close()
