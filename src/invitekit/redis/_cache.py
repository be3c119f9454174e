"""``RedisInviteCache``: the client's cache, shared by every process of a fleet.

One Redis hash per invite, ``NAMESPACE:invite:PLATFORM:CODE``, holds every view of it
that was looked up (with or without counts, per scheduled event, per self-hosted
instance with an invite of that code): field ``v…`` the
encoded outcome, field ``e…`` when it expires, in Redis's own clock so processes on
different hosts agree. Evicting an invite deletes one key. The key itself expires with
its longest-lived view.
"""

from __future__ import annotations

import logging

import msgspec
from redis.asyncio import Redis

from invitekit.client import CacheSettings, InviteCache, LookupKey, MemoryInviteCache
from invitekit.errors import InviteError, InviteNotFound
from invitekit.models import PublicInvite
from invitekit.redis._fleet import RedisFleet
from invitekit.storage import UndecodableOutcome, decode_outcome, encode_outcome

__all__ = ["RedisInviteCache", "lookup_view"]

logger = logging.getLogger("invitekit.redis")

_GET = """
local values = redis.call('HMGET', KEYS[1], 'e' .. ARGV[1], 'v' .. ARGV[1])
if not values[1] then return false end
local now = redis.call('TIME')
if tonumber(values[1]) <= tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) then
  return false
end
return values[2]
"""

_PUT = """
local now = redis.call('TIME')
local ttl = tonumber(ARGV[2])
local expires = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) + ttl
redis.call('HSET', KEYS[1], 'e' .. ARGV[1], string.format('%d', expires), 'v' .. ARGV[1], ARGV[3])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
"""


def lookup_view(key: LookupKey) -> str:
    """The part of a Redis key that tells views of one invite apart (counts, event), and
    the instances of a platform that have an invite of that code."""
    if key.instance is None:
        return msgspec.json.encode([key.event_id, key.with_counts]).decode()
    return msgspec.json.encode([key.event_id, key.with_counts, key.instance]).decode()


def _milliseconds(seconds: float) -> int:
    return max(1, round(seconds * 1000))


class RedisInviteCache:
    """An ``InviteCache`` in Redis, with the lifetimes of ``CacheSettings``.

    Args:
        fleet: The Redis and its failure policy.
        settings: ``ttl`` for found invites, ``not_found_ttl`` for misses (``0``: not
            stored). ``max_size`` bounds only the in-process fallback; Redis's own
            ``maxmemory`` policy bounds what Redis keeps.

    While Redis is unavailable, lookups use an in-process ``MemoryInviteCache`` with
    the same settings (or raise ``RedisUnavailable``; see ``RedisFleet``). An invite
    deleted during an outage may still be served from Redis afterwards, until its
    ``ttl`` runs out.
    """

    def __init__(self, fleet: RedisFleet, settings: CacheSettings | None = None) -> None:
        self.fleet = fleet
        self.settings = settings or CacheSettings()
        self.fallback: InviteCache = MemoryInviteCache(self.settings)
        self._get = fleet.client.register_script(_GET)
        self._put = fleet.client.register_script(_PUT)

    def key(self, platform: str, code: str) -> str:
        """The Redis key of the invite ``code`` on ``platform``."""
        return self.fleet.key("invite", platform, code)

    async def get(self, key: LookupKey) -> PublicInvite | InviteNotFound | None:
        """Return the live outcome stored for ``key``, or ``None``.

        Raises:
            RedisUnavailable: Redis failed and the fleet does not fall back.
        """
        redis_key = self.key(key.platform, key.code)

        async def from_redis(client: Redis) -> PublicInvite | InviteNotFound | None:
            stored: bytes | None = await self._get(keys=[redis_key], args=[lookup_view(key)])
            return None if stored is None else _decode(redis_key, stored)

        return await self.fleet.call("cache get", from_redis, lambda: self.fallback.get(key))

    async def put(self, key: LookupKey, outcome: PublicInvite | InviteNotFound) -> None:
        """Store ``outcome`` for ``ttl`` (found) or ``not_found_ttl`` (missing) seconds.

        Raises:
            RedisUnavailable: Redis failed and the fleet does not fall back.
        """
        ttl = (
            self.settings.not_found_ttl
            if isinstance(outcome, InviteNotFound)
            else self.settings.ttl
        )
        if ttl <= 0:
            return
        payload = encode_outcome(outcome)
        redis_key = self.key(key.platform, key.code)

        async def to_redis(client: Redis) -> None:
            await self._put(keys=[redis_key], args=[lookup_view(key), _milliseconds(ttl), payload])

        await self.fleet.call("cache put", to_redis, lambda: self.fallback.put(key, outcome))

    async def evict(self, platform: str, code: str) -> None:
        """Forget every view of the invite, in Redis and in the fallback.

        Raises:
            RedisUnavailable: Redis failed and the fleet does not fall back.
        """
        await self.fallback.evict(platform, code)
        redis_key = self.key(platform, code)

        async def in_redis(client: Redis) -> None:
            await client.delete(redis_key)

        async def nothing() -> None:
            return None

        await self.fleet.call("cache evict", in_redis, nothing)

    async def close(self) -> None:
        """Drop the fallback's entries; the fleet's connection stays open."""
        await self.fallback.close()

    def __repr__(self) -> str:
        return f"<RedisInviteCache {self.fleet.key('invite')}:… ttl={self.settings.ttl:g}s>"


def _decode(redis_key: str, stored: bytes) -> PublicInvite | InviteNotFound | None:
    try:
        outcome = decode_outcome(stored)
    except UndecodableOutcome as exc:
        logger.debug("ignoring the cached entry of %s: %s", redis_key, exc)
        return None
    if isinstance(outcome, InviteError) and not isinstance(outcome, InviteNotFound):
        return None  # only misses are cached; anything else is not ours
    return outcome
