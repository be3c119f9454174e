"""Two instances of one platform through a fleet's shared cache and leases.

The official Stoat and a self-hosted one both have the code ``Sh4redC0``, leading to
different servers. Clients of a fleet (each with connections of its own, as processes
would have) hold both instances; each code is fetched once per instance, and never
answered with the other instance's invite.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from invitekit import InviteClient, PublicServerInvite
from invitekit.redis import RedisFleet
from invitekit_stoat import StoatAdapter
from invitekit_stoat.testing import StoatEmulator
from tests.redis._server import RedisServer

CODE = "Sh4redC0"
HOST = "chat.example.org"
TEXT = f"https://stt.gg/{CODE} and https://{HOST}/invite/{CODE}"


def _seeded(server_name: str) -> StoatEmulator:
    emulator = StoatEmulator()
    owner = emulator.add_user("owner")
    server = emulator.add_server(server_name, owner=owner)
    emulator.add_invite(emulator.add_channel(server, "general"), creator=owner, code=CODE)
    return emulator


async def test_a_fleet_keeps_two_instances_apart(redis_server: RedisServer, namespace: str) -> None:
    official_api, self_hosted_api = _seeded("Official Lounge"), _seeded("Self-hosted Lounge")
    async with AsyncExitStack() as stack:
        official_base = await stack.enter_async_context(official_api.serve())
        self_hosted_base = await stack.enter_async_context(self_hosted_api.serve())

        async def process() -> InviteClient:
            fleet = await stack.enter_async_context(
                RedisFleet.from_url(redis_server.url, namespace=namespace)
            )
            return await stack.enter_async_context(
                InviteClient(
                    StoatAdapter(api_base=official_base),
                    StoatAdapter(api_base=self_hosted_base, link_hosts=[HOST]),
                    cache=fleet.cache(),
                    coalescing=fleet.coalescing(),
                )
            )

        first, second, late = [await process() for _ in range(3)]
        at_once = await asyncio.gather(first.resolve_all(TEXT), second.resolve_all(TEXT))
        from_cache = await late.resolve_all(TEXT)

    for results in (*at_once, from_cache):
        official, self_hosted = (result.invite for result in results)
        assert isinstance(official, PublicServerInvite)
        assert isinstance(self_hosted, PublicServerInvite)
        assert (official.server.name, self_hosted.server.name) == (
            "Official Lounge",
            "Self-hosted Lounge",
        )
        assert (str(official), str(self_hosted)) == (
            f"https://stt.gg/{CODE}",
            f"https://{HOST}/invite/{CODE}",
        )
    assert late.stats.requests == 0
    assert (len(official_api.requests), len(self_hosted_api.requests)) == (1, 1)
