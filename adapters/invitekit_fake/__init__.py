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

from typing import TYPE_CHECKING

from invitekit.ext import lazy_exports

if TYPE_CHECKING:
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

# Imported when first named: link scanning (``invitekit find``) reads only ``_links``,
# and must not pay for the adapter, its HTTP layer and its converters.
_LAZY = {
    "FakeAdapter": "invitekit_fake._adapter",
    "RecordedCall": "invitekit_fake._adapter",
    "FakeClock": "invitekit_fake._clock",
    "FakeChannel": "invitekit_fake._world",
    "FakeGroup": "invitekit_fake._world",
    "FakeInvite": "invitekit_fake._world",
    "FakeServer": "invitekit_fake._world",
    "FakeUser": "invitekit_fake._world",
    "FakeWorld": "invitekit_fake._world",
}


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

__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
