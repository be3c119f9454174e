"""Fixtures: a seeded Stoat emulator on loopback and adapters connected to it.

Time is manual: the emulator's rate-limit windows and the adapter's waits share one
``ManualTime``, so waits are exact and instant.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from invitekit_stoat import StoatAdapter
from invitekit_stoat.testing import (
    EmulatedChannel,
    EmulatedInvite,
    EmulatedServer,
    EmulatedUser,
    StoatEmulator,
)
from tests.http._support import ManualTime


@dataclass
class Scene:
    """The seeded state most tests start from."""

    alice: EmulatedUser
    """Owns the server ``devs`` and the group ``trip``."""
    bob: EmulatedUser
    """A plain user in nothing."""
    carol: EmulatedUser
    """A member of ``devs`` without extra permissions."""
    robot: EmulatedUser
    """A bot, member of ``devs``."""
    devs: EmulatedServer
    general: EmulatedChannel
    trip: EmulatedChannel
    server_invite: EmulatedInvite
    """To ``devs``/general, by alice."""
    group_invite: EmulatedInvite
    """To the group ``trip``, by alice."""


Connect = Callable[..., StoatAdapter]


@pytest.fixture
def clock() -> ManualTime:
    return ManualTime()


@pytest.fixture
def stoat(clock: ManualTime) -> StoatEmulator:
    return StoatEmulator(clock=clock)


@pytest.fixture
def scene(stoat: StoatEmulator) -> Scene:
    alice = stoat.add_user("alice", display_name="Alice", avatar=True)
    bob = stoat.add_user("bob")
    carol = stoat.add_user("carol")
    robot = stoat.add_user("robot", bot=True, owner=alice)
    devs = stoat.add_server(
        "Stoat Devs",
        owner=alice,
        channels=("general", "voice"),
        members=[carol, robot],
        description="Building things",
        flags=3,
        icon=True,
        banner=True,
    )
    trip = stoat.add_group("weekend plans", owner=alice, members=[carol])
    return Scene(
        alice=alice,
        bob=bob,
        carol=carol,
        robot=robot,
        devs=devs,
        general=devs.channel("general"),
        trip=trip,
        server_invite=stoat.add_invite(devs.channel("general"), creator=alice),
        group_invite=stoat.add_invite(trip, creator=alice),
    )


@pytest.fixture
async def api_base(stoat: StoatEmulator) -> AsyncIterator[str]:
    async with stoat.serve() as url:
        yield url


@pytest.fixture
async def connect(api_base: str, clock: ManualTime) -> AsyncIterator[Connect]:
    """Build adapters on the emulator (``connect(user)``, anonymous without one)."""
    adapters: list[StoatAdapter] = []

    def connect(user: EmulatedUser | None = None, **options: Any) -> StoatAdapter:
        if user is not None:
            options.setdefault("token", user.token)
            options.setdefault("bot", user.bot)
        options.setdefault("api_base", api_base)
        options.setdefault("clock", clock)
        options.setdefault("sleep", clock.sleep)
        adapter = StoatAdapter(**options)
        adapters.append(adapter)
        return adapter

    yield connect
    for adapter in adapters:
        await adapter.close()
