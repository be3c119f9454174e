"""Bridge-bot fleets: many processes share one invite cache, coalescing and rate limits.

Needs the ``redis`` extra (``pip install 'invitekit[redis]'``, redis-py's asyncio client)
and Redis 6.2 or newer. ``import invitekit`` never imports this module::

    from invitekit import InviteClient
    from invitekit.redis import RedisFleet
    from invitekit_discord import DiscordAdapter

    async with RedisFleet.from_url("redis://127.0.0.1:6379/0", namespace="mybot") as fleet:
        discord = DiscordAdapter(token, rate_limit_store=fleet.rate_limits)
        async with InviteClient(
            discord, cache=fleet.cache(), coalescing=fleet.coalescing()
        ) as client:
            invite = await client.fetch_invite("https://discord.gg/abc")

Invites are stored as msgspec JSON (never pickle) under ``NAMESPACE:invite:PLATFORM:CODE``
with the client's lifetimes for found and missing invites. When Redis is unreachable
every part logs a warning and carries on in process (or raises ``RedisUnavailable`` with
``on_unavailable="raise"``).
"""

from __future__ import annotations

try:
    import redis.asyncio  # noqa: F401 - fail here, with the fix in the message
except ImportError as exc:  # pragma: no cover - exercised without the extra only
    raise ImportError("invitekit.redis needs redis-py: pip install 'invitekit[redis]'") from exc

from invitekit.redis._cache import RedisInviteCache
from invitekit.redis._coalescing import CoalescingStats, RedisCoalescing
from invitekit.redis._fleet import OnUnavailable, RedisFleet, RedisUnavailable
from invitekit.redis._ratelimits import RedisRateLimitStore
from invitekit.storage import UndecodableOutcome, decode_outcome, encode_outcome

__all__ = [
    "CoalescingStats",
    "OnUnavailable",
    "RedisCoalescing",
    "RedisFleet",
    "RedisInviteCache",
    "RedisRateLimitStore",
    "RedisUnavailable",
    "UndecodableOutcome",
    "decode_outcome",
    "encode_outcome",
]
