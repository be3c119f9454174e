"""A local Stoat: the invite endpoints as an ``aiohttp.web`` app over seeded data.

It answers the way the real backend does — the same routes, statuses, typed error bodies,
Rocket's default bodies where the backend has no JSON of its own, rate-limit headers in
milliseconds and 429s — so the real adapter can be tested over real HTTP::

    stoat = StoatEmulator()
    alice = stoat.add_user("alice")
    bob = stoat.add_user("bob")
    devs = stoat.add_server("Devs", owner=alice)
    invite = stoat.add_invite(devs.channel("general"), creator=alice)
    async with stoat.serve() as api_base:
        async with StoatAdapter(token=bob.token, bot=False, api_base=api_base) as adapter:
            joined = await adapter.accept(invite.code)

Join rules run in the backend's order: ``IsBot``, ``TooManyServers``, ``NotFound``,
then ``Banned`` / ``AlreadyInServer`` for servers or ``AlreadyInGroup`` /
``GroupTooLarge`` for groups. Importing this package imports aiohttp.
"""

from __future__ import annotations

from invitekit_stoat.testing._app import StoatEmulator
from invitekit_stoat.testing._limiter import RateLimitConfig
from invitekit_stoat.testing._state import (
    INVITE_CODE_ALPHABET,
    EmulatedChannel,
    EmulatedInvite,
    EmulatedRequest,
    EmulatedServer,
    EmulatedUser,
    EmulatedWorld,
)

__all__ = [
    "INVITE_CODE_ALPHABET",
    "EmulatedChannel",
    "EmulatedInvite",
    "EmulatedRequest",
    "EmulatedServer",
    "EmulatedUser",
    "EmulatedWorld",
    "RateLimitConfig",
    "StoatEmulator",
]
