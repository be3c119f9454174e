"""The Stoat adapter passes the shared conformance suite against the emulator, as a user,
as a bot (which cannot accept or create), anonymously (which can only fetch) and as a
user of a self-hosted instance."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from invitekit.testing import AdapterConformance, Scenario
from invitekit_stoat import StoatAdapter
from invitekit_stoat.testing import StoatEmulator


@asynccontextmanager
async def stoat_scenario(account: str, *link_hosts: str) -> AsyncIterator[Scenario]:
    stoat = StoatEmulator()
    owner = stoat.add_user("owner")
    joiner = stoat.add_user("joiner")
    robot = stoat.add_user("robot", bot=True, owner=owner)
    server = stoat.add_server("Conformance", owner=owner, members=[robot])
    stoat.grant(server, robot, "ManageServer")
    channel = server.channel("general")
    invite = stoat.add_invite(channel, creator=owner)
    async with stoat.serve() as api_base:
        if account == "user":
            adapter = StoatAdapter(
                token=owner.token, bot=False, api_base=api_base, link_hosts=link_hosts
            )
        elif account == "bot":
            adapter = StoatAdapter(token=robot.token, bot=True, api_base=api_base)
        else:
            adapter = StoatAdapter(api_base=api_base)
        joining = StoatAdapter(
            token=joiner.token, bot=False, api_base=api_base, link_hosts=link_hosts
        )
        try:
            yield Scenario(
                adapter=adapter,
                channel_id=channel.id,
                existing_code=invite.code,
                missing_code="nOtThErE",
                server_id=server.id,
                joiner=joining,
            )
        finally:
            await adapter.close()
            await joining.close()


class TestStoatUserConformance(AdapterConformance):
    @pytest.fixture
    async def scenario(self) -> AsyncIterator[Scenario]:
        async with stoat_scenario("user") as scenario:
            yield scenario


class TestStoatBotConformance(AdapterConformance):
    @pytest.fixture
    async def scenario(self) -> AsyncIterator[Scenario]:
        async with stoat_scenario("bot") as scenario:
            yield scenario


class TestStoatAnonymousConformance(AdapterConformance):
    @pytest.fixture
    async def scenario(self) -> AsyncIterator[Scenario]:
        async with stoat_scenario("anonymous") as scenario:
            yield scenario


class TestSelfHostedStoatConformance(AdapterConformance):
    @pytest.fixture
    async def scenario(self) -> AsyncIterator[Scenario]:
        async with stoat_scenario("user", "chat.example.org") as scenario:
            assert scenario.adapter.instance == "chat.example.org"
            yield scenario
