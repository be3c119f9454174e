"""The load run: many callers resolving codes through one ``InviteClient`` on an emulator.

Callers are ``concurrency`` workers taking lookups off a shared list; every outcome is
recorded in the caller's slot, so a lookup that never came back stays ``None`` (lost)
and a run that does not finish is cut off by ``deadline`` (hung). Rate limits are on,
on the real clock, with faults sprinkled through the run.
"""

from __future__ import annotations

import asyncio
import gc
import random
import time
import tracemalloc
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import invitekit
import invitekit_discord
import invitekit_stoat
from invitekit import Adapter, InviteClient, InviteError, InviteNotFound, PublicInvite
from invitekit.client import CacheSettings
from invitekit.http import Throttle
from invitekit.testing.emulation import Fault, FaultQueue
from invitekit_discord import DiscordAdapter
from invitekit_discord.testing import DiscordEmulator, Limit
from invitekit_stoat import StoatAdapter
from invitekit_stoat.testing import RateLimitConfig, StoatEmulator

__all__ = [
    "LoadSize",
    "Platform",
    "RoundResult",
    "load_platform",
    "loaded_client",
    "memory_held_by_invitekit",
    "run_round",
    "traced_memory",
]

SPRINKLED = (
    Fault.respond(503, b'{"message": "overloaded", "code": 0}'),
    Fault.reset(),
    Fault.reset_during_body(),
    Fault.respond(502, "<html><body>bad gateway</body></html>"),
    Fault.truncated(),
)
"""Faults spread through a load run, one every ``FAULT_PERIOD`` requests, in turn."""
FAULT_PERIOD = 97
UNKNOWN_SHARE = 10
"""One code in this many does not exist, so callers get ``InviteNotFound``."""


@dataclass(frozen=True)
class LoadSize:
    lookups: int
    codes: int
    concurrency: int = 200
    rounds: int = 3


@dataclass
class RoundResult:
    """What one round of lookups came to."""

    lookups: int
    invites: int = 0
    not_found: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    """Other typed errors by class name."""
    lost: int = 0
    """Callers left without an outcome."""
    wrong: int = 0
    """Invites for another code than asked, or unknown codes that resolved."""
    untyped: list[str] = field(default_factory=list)
    """Exceptions that were not ``InviteError`` (there must be none)."""
    requests: int = 0
    rate_limited: int = 0
    seconds: float = 0.0


@dataclass
class Platform:
    """An emulator seeded for load, and how to read what it saw."""

    name: str
    serve: Callable[[], AsyncIterator[str]]
    adapter: Callable[[str], Adapter]
    codes: list[str]
    known: set[str]
    faults: FaultQueue
    requests: Callable[[], int]
    rate_limited: Callable[[], int]
    forget: Callable[[], None]
    """Drop the emulator's request log (so memory measures the client, not it)."""


def _split(codes: list[str]) -> set[str]:
    return {code for n, code in enumerate(codes) if n % UNKNOWN_SHARE}


def discord_platform(codes: int) -> Platform:
    emulator = DiscordEmulator(
        limits={"invites.get": Limit(250, 0.25)}, global_limit=Limit(2000, 1.0)
    )
    channel = emulator.add_channel(emulator.add_guild("Load"), "general")
    all_codes = [f"load{n:05d}" for n in range(codes)]
    known = _split(all_codes)
    for code in sorted(known):
        emulator.add_invite(channel, code=code, max_age=0)
    counted = {"requests": 0, "rate_limited": 0}

    def forget() -> None:
        counted["requests"] += len(emulator.requests)
        counted["rate_limited"] += sum(1 for r in emulator.requests if r.status == 429)
        emulator.requests.clear()

    def adapter(api_base: str) -> Adapter:
        return DiscordAdapter(
            api_base=api_base,
            lookup_limit=None,
            global_limit=Throttle(2000, 1.0),
            timeout=2.0,
        )

    return Platform(
        "discord",
        emulator.serve,  # type: ignore[arg-type]
        adapter,
        all_codes,
        known,
        emulator.faults,
        lambda: counted["requests"] + len(emulator.requests),
        lambda: counted["rate_limited"] + sum(1 for r in emulator.requests if r.status == 429),
        forget,
    )


def stoat_platform(codes: int) -> Platform:
    emulator = StoatEmulator(rate_limits=RateLimitConfig(window=0.25, limits={"any": 250}))
    owner = emulator.add_user("owner")
    channel = emulator.add_server("Load", owner=owner).channel("general")
    all_codes = [f"ld{n:06d}" for n in range(codes)]
    known = _split(all_codes)
    for code in sorted(known):
        emulator.add_invite(channel, creator=owner, code=code)
    counted = {"requests": 0}

    def forget() -> None:
        counted["requests"] += len(emulator.requests)
        emulator.requests.clear()

    return Platform(
        "stoat",
        emulator.serve,  # type: ignore[arg-type]
        lambda api_base: StoatAdapter(api_base=api_base, timeout=2.0),
        all_codes,
        known,
        emulator.faults,
        lambda: counted["requests"] + len(emulator.requests),
        lambda: emulator.rate_limited,
        forget,
    )


def load_platform(name: str, codes: int) -> Platform:
    """The platform ``name`` seeded with ``codes`` codes, one in ten unknown."""
    return {"discord": discord_platform, "stoat": stoat_platform}[name](codes)


@asynccontextmanager
async def loaded_client(
    platform: Platform, size: LoadSize, *, cache: bool
) -> AsyncIterator[InviteClient]:
    """Serve ``platform`` and yield a client on it; faults are sprinkled from the start."""
    platform.faults.every(FAULT_PERIOD, SPRINKLED)
    async with platform.serve() as api_base:  # type: ignore[attr-defined]
        client = InviteClient(
            platform.adapter(api_base),
            cache=CacheSettings() if cache else None,
            max_concurrency=size.concurrency,
            per_platform_concurrency=size.concurrency,
        )
        async with client:
            yield client
    platform.faults.clear()


async def run_round(
    client: InviteClient, platform: Platform, size: LoadSize, *, seed: int, deadline: float
) -> RoundResult:
    """Make ``size.lookups`` lookups with ``size.concurrency`` callers.

    Raises:
        TimeoutError: The round outlasted ``deadline`` seconds: something hung.
    """
    rng = random.Random(seed)
    targets = [rng.choice(platform.codes) for _ in range(size.lookups)]
    outcomes: list[PublicInvite | BaseException | None] = [None] * size.lookups
    next_index = iter(range(size.lookups))
    requests_before = platform.requests()
    limited_before = platform.rate_limited()

    async def caller() -> None:
        for index in next_index:
            try:
                outcomes[index] = await client.fetch_invite(targets[index], platform=platform.name)
            except Exception as error:  # every kind is recorded, typed or not
                outcomes[index] = error

    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(caller() for _ in range(size.concurrency))), deadline)
    result = RoundResult(lookups=size.lookups, seconds=time.perf_counter() - started)
    for target, outcome in zip(targets, outcomes, strict=True):
        if outcome is None:
            result.lost += 1
        elif isinstance(outcome, InviteNotFound):
            result.not_found += 1
            result.wrong += target in platform.known
        elif isinstance(outcome, InviteError):
            result.errors[type(outcome).__name__] += 1
        elif isinstance(outcome, BaseException):
            result.untyped.append(repr(outcome))
        else:
            result.invites += 1
            result.wrong += outcome.code != target or target not in platform.known
    result.requests = platform.requests() - requests_before
    result.rate_limited = platform.rate_limited() - limited_before
    platform.forget()
    return result


def traced_memory() -> int:
    """Bytes ``tracemalloc`` traces once garbage is collected (0 when not tracing)."""
    gc.collect()
    return tracemalloc.get_traced_memory()[0] if tracemalloc.is_tracing() else 0


_OURS = [
    tracemalloc.Filter(True, str(Path(package.__path__[0]) / "*"))
    for package in (invitekit, invitekit_discord, invitekit_stoat)
] + [tracemalloc.Filter(False, "*/emulator/*")]


def memory_held_by_invitekit() -> int:
    """Bytes still held that invitekit's own code (not the emulators) allocated.

    Needs ``tracemalloc`` running; noise from aiohttp's and asyncio's pools is left out,
    so a request that leaves anything of invitekit's behind shows at once.
    """
    gc.collect()
    snapshot = tracemalloc.take_snapshot().filter_traces(_OURS)
    return sum(stat.size for stat in snapshot.statistics("filename"))
