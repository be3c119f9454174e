"""The ``fake`` platform: an in-memory chat platform with real invite semantics.

For tests that need invites without a network::

    world = FakeWorld()
    alice, bob = world.add_user("alice"), world.add_user("bob")
    cats = world.add_server("Cats", owner=alice)
    invite = world.add_invite(cats.channel("general"), max_uses=1)
    joined = await FakeAdapter(world, user=bob).accept(invite.code)

With pytest, the ``fake_invites`` fixture gives a fresh anonymous ``FakeAdapter``.
"""

from __future__ import annotations

from invitekit_fake._adapter import FakeAdapter, RecordedCall
from invitekit_fake._clock import FakeClock
from invitekit_fake._world import (
    FakeChannel,
    FakeGroup,
    FakeInvite,
    FakeServer,
    FakeUser,
    FakeWorld,
)

__all__ = [
    "FakeAdapter",
    "FakeChannel",
    "FakeClock",
    "FakeGroup",
    "FakeInvite",
    "FakeServer",
    "FakeUser",
    "FakeWorld",
    "RecordedCall",
]
