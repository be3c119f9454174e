"""resolve: 1,000 lookups of 100 distinct codes, 50 at a time, against the local emulators.

Discord (discord.py as the peer) and Stoat (stoat.py as the peer).

invitekit without its client (every lookup is one request: no cache, no coalescing), then
through ``InviteClient`` (cache and coalescing on), against each peer's own HTTP client
pointed at the same emulator on 127.0.0.1. Reported: lookups per second (median of the
repeats) and the HTTP requests the emulator received per run. Every contender starts
each repeat with fresh clients, so no cache carries over. Client-side rate-limit
throttles are off and the emulator's limits raised: this measures the client libraries,
not Discord's limits.
"""

from __future__ import annotations

import asyncio
import gc
import random
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from benchmarks._measure import Role
from benchmarks._peers import installed_version
from benchmarks._report import Row, Table, Target
from benchmarks._settings import Settings
from invitekit import Adapter, InviteClient
from invitekit_discord import DiscordAdapter
from invitekit_discord.testing import DiscordEmulator, Limit
from invitekit_stoat import StoatAdapter
from invitekit_stoat.testing import StoatEmulator

__all__ = ["RESOLVE_TARGET_CACHED", "run"]

RESOLVE_TARGET_CACHED = 10.0
"""With its cache on, invitekit must resolve at least this many times as fast as the best peer."""

Lookup = Callable[[str], Awaitable[Any]]
Opener = Callable[[str], AbstractAsyncContextManager[Lookup]]
UNLIMITED = Limit(10**9, 1.0)


@dataclass(frozen=True)
class HTTPContender:
    """A client that resolves codes against the emulator at ``api_base``."""

    name: str
    role: Role
    open: Opener


async def drive(lookup: Lookup, sequence: Sequence[str], concurrency: int) -> list[Any]:
    """Resolve every code of ``sequence`` with ``concurrency`` lookups in flight."""
    codes = iter(sequence)
    results: list[Any] = []

    async def worker() -> None:
        for code in codes:  # shared: each worker takes the next code when it is free
            results.append(await lookup(code))

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results


def _discord_adapter(api_base: str) -> Adapter:
    return DiscordAdapter(api_base=api_base, lookup_limit=None, global_limit=None)


def _stoat_adapter(api_base: str) -> Adapter:
    return StoatAdapter(api_base=api_base)


def _invitekit_uncached(make: Callable[[str], Adapter]) -> Opener:
    @asynccontextmanager
    async def open_(api_base: str) -> AsyncIterator[Lookup]:
        async with make(api_base) as adapter:
            yield adapter.fetch_invite

    return open_


def _invitekit_client(make: Callable[[str], Adapter], concurrency: int) -> Opener:
    @asynccontextmanager
    async def open_(api_base: str) -> AsyncIterator[Lookup]:
        adapter = make(api_base)
        client = InviteClient(
            adapter, max_concurrency=concurrency, per_platform_concurrency=concurrency
        )
        async with client:

            async def lookup(code: str) -> Any:
                return await client.fetch_invite(code, platform=adapter.platform)

            yield lookup

    return open_


def ours(make: Callable[[str], Adapter], concurrency: int) -> list[HTTPContender]:
    return [
        HTTPContender("invitekit (cache/coalescing off)", "ours", _invitekit_uncached(make)),
        HTTPContender("invitekit InviteClient (on)", "ours", _invitekit_client(make, concurrency)),
    ]


@asynccontextmanager
async def _discord_py(api_base: str) -> AsyncIterator[Lookup]:
    import aiohttp
    import discord
    import discord.http

    http_module: Any = discord.http

    # discord.py opens its session in login(), which also calls GET /users/@me; the
    # emulator serves invites only, so open the session the same way without that call.
    client = discord.Client(intents=discord.Intents.none())
    http: Any = client.http
    http.connector = aiohttp.TCPConnector(limit=0)
    http._HTTPClient__session = aiohttp.ClientSession(
        connector=http.connector,
        ws_response_class=http_module.DiscordClientWebSocketResponse,
        cookie_jar=aiohttp.DummyCookieJar(),
    )
    http._global_over = asyncio.Event()
    http._global_over.set()
    base = discord.http.Route.BASE
    discord.http.Route.BASE = api_base
    try:
        yield client.fetch_invite
    finally:
        discord.http.Route.BASE = base
        await http.close()


@asynccontextmanager
async def _stoat_py(api_base: str) -> AsyncIterator[Lookup]:
    import stoat
    from stoat.parser import Parser

    state = stoat.State()
    http = stoat.HTTPClient(base=api_base, state=state)
    state.setup(http=http, parser=Parser(state=state))
    async with http:
        yield http.get_invite


def discord_contenders(concurrency: int) -> list[HTTPContender]:
    """invitekit uncached, invitekit's client, and discord.py if installed."""
    contenders = ours(_discord_adapter, concurrency)
    version = installed_version("discord.py")
    if version is not None:
        contenders.append(HTTPContender(f"discord.py {version}", "peer", _discord_py))
    return contenders


def stoat_contenders(concurrency: int) -> list[HTTPContender]:
    """invitekit uncached, invitekit's client, and stoat.py if installed."""
    contenders = ours(_stoat_adapter, concurrency)
    version = installed_version("stoat.py")
    if version is not None:
        contenders.append(HTTPContender(f"stoat.py {version}", "peer", _stoat_py))
    return contenders


def discord_emulator(codes: int) -> tuple[DiscordEmulator, list[str]]:
    """An emulator with ``codes`` live guild invites and no effective rate limit."""
    emulator = DiscordEmulator(limits={"invites.get": UNLIMITED})
    guild = emulator.add_guild("Benchmarks", features=["COMMUNITY", "DISCOVERABLE"])
    channel = emulator.add_channel(guild, "general")
    inviter = emulator.add_user("speed", global_name="Speed", avatar="deadbeef")
    names = [f"bench{i:04d}" for i in range(codes)]
    for code in names:
        emulator.add_invite(channel, code=code, inviter=inviter, max_age=0)
    return emulator, names


async def measure(
    contenders: Sequence[HTTPContender],
    api_base: str,
    requests: Callable[[], int],
    sequence: Sequence[str],
    settings: Settings,
) -> list[tuple[HTTPContender, list[float], int]]:
    samples: list[list[float]] = [[] for _ in contenders]
    sent = [0 for _ in contenders]
    expected = list(sequence)
    for round_ in range(settings.repeats):
        for offset in range(len(contenders)):
            index = (round_ + offset) % len(contenders)
            async with contenders[index].open(api_base) as lookup:
                gc.collect()
                before = requests()
                start = time.perf_counter()
                results = await drive(lookup, sequence, settings.concurrency)
                elapsed = time.perf_counter() - start
                sent[index] = requests() - before
            if sorted(str(r.code) for r in results) != sorted(expected):
                raise AssertionError(f"{contenders[index].name} resolved the wrong invites")
            samples[index].append(len(sequence) / elapsed)
    return [(c, s, n) for c, s, n in zip(contenders, samples, sent, strict=True)]


def stoat_emulator(codes: int) -> tuple[StoatEmulator, list[str]]:
    """A Stoat emulator with ``codes`` live server invites and no rate limits."""
    emulator = StoatEmulator(rate_limits=None)
    alice = emulator.add_user("alice", avatar=True)
    server = emulator.add_server("Benchmarks", owner=alice, icon=True, banner=True)
    general = server.channel("general")
    names = [f"bench{i:04d}" for i in range(codes)]
    for code in names:
        emulator.add_invite(general, creator=alice, code=code)
    return emulator, names


def _table(
    platform: str, measured: list[tuple[HTTPContender, list[float], int]], settings: Settings
) -> Table:
    rows = [
        Row(c.name, c.role, statistics.median(s), f"{n:,} HTTP requests per run")
        for c, s, n in measured
    ]
    return Table(
        f"resolve: {platform}, {settings.lookups:,} lookups of {settings.codes} codes, "
        f"concurrency {settings.concurrency}",
        "lookups/s",
        False,
        rows,
        notes=["The emulator runs in the same process and event loop, on 127.0.0.1."],
    )


def sequence_of(codes: list[str], settings: Settings) -> list[str]:
    sequence = [codes[i % len(codes)] for i in range(settings.lookups)]
    random.Random(6).shuffle(sequence)
    return sequence


async def _discord(settings: Settings) -> Table:
    emulator, codes = discord_emulator(settings.codes)
    contenders = discord_contenders(settings.concurrency)
    async with emulator.serve() as api_base:
        measured = await measure(
            contenders,
            api_base,
            lambda: len(emulator.requests),
            sequence_of(codes, settings),
            settings,
        )
    return _table("Discord", measured, settings)


async def _stoat(settings: Settings) -> Table:
    emulator, codes = stoat_emulator(settings.codes)
    contenders = stoat_contenders(settings.concurrency)
    async with emulator.serve() as api_base:
        measured = await measure(
            contenders,
            api_base,
            lambda: len(emulator.requests),
            sequence_of(codes, settings),
            settings,
        )
    return _table("Stoat", measured, settings)


def lookup_targets(table: Table) -> list[Target]:
    off, on = (row for row in table.rows if row.role == "ours")
    peers = table.peers()
    if not peers:
        return []
    best = max(peers, key=lambda row: row.value)
    return [
        Target(
            table.title,
            "invitekit with cache/coalescing off ≥ the best peer's lookups/s",
            f"{table.advantage(best, ours=off):.2f}x ({best.name})",
            off.value >= best.value,
        ),
        Target(
            table.title,
            f"invitekit with cache/coalescing on ≥ {RESOLVE_TARGET_CACHED:.0f}x the best peer",
            f"{table.advantage(best, ours=on):.2f}x ({best.name})",
            on.value >= RESOLVE_TARGET_CACHED * best.value,
        ),
    ]


def run(settings: Settings) -> tuple[list[Table], list[Target]]:
    """Resolve against each platform's emulator with every contender."""
    tables = [asyncio.run(_discord(settings)), asyncio.run(_stoat(settings))]
    return tables, [target for table in tables for target in lookup_targets(table)]
