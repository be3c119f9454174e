"""One emulator and its adapters per platform, behind the same small interface.

The fault matrix runs every row against every platform through a ``Site``: queue a
fault or a 429 shaped the platform's way, call a verb, count what reached the server
and what the server did.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import ClassVar, Protocol

import msgspec

from invitekit.testing.emulation import Fault
from invitekit_discord import DiscordAdapter
from invitekit_discord.testing import DiscordEmulator
from invitekit_stoat import StoatAdapter
from invitekit_stoat.testing import StoatEmulator
from tests.http._support import ManualTime

__all__ = ["DISCORD_TOKEN", "KINDS", "PLATFORMS", "DiscordSite", "Site", "StoatSite"]

DISCORD_TOKEN = "MTIz.reliability.DISCORD-SENTINEL"

KINDS = {
    "fetch": "get",
    "list": "get",
    "delete": "delete",
    "create": "post",
    "accept": "post",
}
"""Each verb's kind: what a fault may do to it depends on the kind alone."""


class Site(Protocol):
    platform: str
    verbs: dict[str, str]
    """verb → the HTTP method it sends."""

    def inject(self, fault: Fault, times: int = 1) -> None: ...

    def rate_limit(
        self, retry_after: float, *, verb: str, headers: bool, scope: str, times: int
    ) -> None:
        """Queue a 429 as the platform sends it: ``scope`` is ``bucket`` or ``global``."""

    def sends(self, method: str) -> int: ...

    def effects(self) -> int:
        """Invites plus memberships: what a ``POST`` changes."""

    async def call(self, verb: str) -> object: ...


class DiscordSite:
    platform = "discord"
    verbs: ClassVar[dict[str, str]] = {
        "fetch": "GET",
        "list": "GET",
        "delete": "DELETE",
        "create": "POST",
    }
    buckets: ClassVar[dict[str, str]] = {
        "fetch": "invites.get",
        "list": "channels.invites.get",
        "delete": "invites.delete",
        "create": "channels.invites.post",
    }

    def __init__(self, clock: ManualTime) -> None:
        self.emulator = DiscordEmulator(clock=clock)
        guild = self.emulator.add_guild("Sturdy")
        self.channel = self.emulator.add_channel(guild, "general")
        self.emulator.add_bot(
            DISCORD_TOKEN, permissions={guild: {"CREATE_INSTANT_INVITE", "MANAGE_CHANNELS"}}
        )
        self.emulator.add_invite(self.channel, code="sturdy", max_age=0)
        self.adapter: DiscordAdapter | None = None

    @asynccontextmanager
    async def connected(self, **options: object) -> AsyncIterator[None]:
        async with self.emulator.serve() as api_base:
            options.setdefault("lookup_limit", None)
            self.adapter = DiscordAdapter(DISCORD_TOKEN, api_base=api_base, **options)  # type: ignore[arg-type]
            async with self.adapter:
                yield
            assert not self.adapter.transport.session_open

    def inject(self, fault: Fault, times: int = 1) -> None:
        self.emulator.faults.add(fault, times=times)

    def rate_limit(
        self, retry_after: float, *, verb: str, headers: bool, scope: str, times: int
    ) -> None:
        self.emulator.rate_limit_next(
            retry_after,
            scope="global" if scope == "global" else "user",
            bucket=self.buckets[verb] if scope == "bucket" else None,
            headers=headers,
            times=times,
        )

    def sends(self, method: str) -> int:
        return sum(1 for request in self.emulator.requests if request.method == method)

    def effects(self) -> int:
        return len(self.emulator.world.invites)

    async def call(self, verb: str) -> object:
        assert self.adapter is not None
        if verb == "fetch":
            return await self.adapter.fetch_invite("sturdy")
        if verb == "list":
            return await self.adapter.list_invites(channel_id=self.channel.id)
        if verb == "delete":
            await self.adapter.delete("sturdy")
            return None
        return await self.adapter.create_invite(self.channel.id, max_age=60)


class StoatSite:
    platform = "stoat"
    verbs: ClassVar[dict[str, str]] = {
        "fetch": "GET",
        "list": "GET",
        "delete": "DELETE",
        "create": "POST",
        "accept": "POST",
    }

    def __init__(self, clock: ManualTime) -> None:
        self.emulator = StoatEmulator(clock=clock)
        self.owner = self.emulator.add_user("owner")
        self.guest = self.emulator.add_user("guest")
        self.server = self.emulator.add_server("Sturdy", owner=self.owner)
        self.channel = self.server.channel("general")
        self.code = self.emulator.add_invite(self.channel, creator=self.owner).code
        self.adapter: StoatAdapter | None = None
        self.guest_adapter: StoatAdapter | None = None

    @asynccontextmanager
    async def connected(self, **options: object) -> AsyncIterator[None]:
        async with self.emulator.serve() as api_base, AsyncExitStack() as stack:
            adapters = [
                StoatAdapter(token=user.token, bot=False, api_base=api_base, **options)  # type: ignore[arg-type]
                for user in (self.owner, self.guest)
            ]
            for adapter in adapters:
                await stack.enter_async_context(adapter)
            self.adapter, self.guest_adapter = adapters
            yield
        for adapter in (self.adapter, self.guest_adapter):
            assert not adapter.transport.session_open

    def inject(self, fault: Fault, times: int = 1) -> None:
        self.emulator.faults.add(fault, times=times)

    def rate_limit(
        self, retry_after: float, *, verb: str, headers: bool, scope: str, times: int
    ) -> None:
        milliseconds = math.ceil(retry_after * 1000)
        sent = {}
        if headers:
            sent = {
                "X-RateLimit-Limit": "20",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": str(milliseconds),
                "X-RateLimit-Bucket": "4242",
            }
        body = msgspec.json.encode({"retry_after": milliseconds})
        fault = Fault.respond(429, body, content_type="application/json", headers=sent)
        self.emulator.faults.add(fault, times=times)

    def sends(self, method: str) -> int:
        return sum(1 for request in self.emulator.requests if request.method == method)

    def effects(self) -> int:
        return len(self.emulator.invites) + len(self.server.members)

    async def call(self, verb: str) -> object:
        assert self.adapter is not None
        assert self.guest_adapter is not None
        if verb == "fetch":
            return await self.adapter.fetch_invite(self.code)
        if verb == "list":
            return await self.adapter.list_invites(server_id=self.server.id)
        if verb == "delete":
            await self.adapter.delete(self.code)
            return None
        if verb == "accept":
            return await self.guest_adapter.accept(self.code)
        return await self.adapter.create_invite(self.channel.id)


PLATFORMS: dict[str, type[DiscordSite] | type[StoatSite]] = {
    "discord": DiscordSite,
    "stoat": StoatSite,
}
