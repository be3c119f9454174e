"""``RedisRateLimitStore``: one set of rate limits for every process of a bot.

Each scope (a platform, for one bot) keeps its state under
``NAMESPACE:ratelimit:{SCOPE}:…`` — the braces make it one Redis Cluster hash slot:

- ``window:NAME``: a sorted set of send times per throttle (the invite-lookup cap, the
  global cap): a sliding-window log, as in memory;
- ``pause``: when a global 429 ends;
- ``routes``: route → the bucket id the platform named;
- ``bucket:ID:RESOURCE``: ``limit``, ``remaining`` and ``reset_at`` learnt from headers;
- ``probe:ROUTE:RESOURCE``: a request is out to learn a bucket nobody has seen yet, so
  the fleet does not send a blind burst into it.

Each operation is one Lua script, so checking every limit and counting the request in
all of them is atomic: a request either counts everywhere or waits, and no two processes
can take the last slot of a window. Times are Redis's clock (milliseconds), which every
process shares, unless a ``clock`` is given (tests).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import time
import uuid
from collections.abc import Callable, Sequence

from redis.asyncio import Redis

from invitekit.http import (
    MemoryRateLimitStore,
    RateLimitInfo,
    RateLimitStore,
    RateLimitWait,
    RouteKey,
    Throttle,
)
from invitekit.redis._fleet import RedisFleet

__all__ = ["RedisRateLimitStore"]

_NOW = """
local function now_ms(given)
  if given ~= '' then return tonumber(given) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function bucket_key(prefix, route, resource)
  local bucket = redis.call('HGET', prefix .. ':routes', route) or route
  return prefix .. ':bucket:' .. bucket .. ':' .. resource
end
"""

_ACQUIRE = (
    _NOW
    + """
-- ARGV: prefix, route, resource, member, now, n, then n * (name, limit, period_ms),
-- then how long a probe of an unknown bucket may take (ms)
local prefix, route, resource, member = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local now = now_ms(ARGV[5])
local n = tonumber(ARGV[6])
for i = 0, n - 1 do
  local name, limit, period = ARGV[7 + 3 * i], tonumber(ARGV[8 + 3 * i]), tonumber(ARGV[9 + 3 * i])
  local key = prefix .. ':window:' .. name
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - period)
  if redis.call('ZCARD', key) >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    return {'throttle', name, tonumber(oldest[2]) + period - now}
  end
end
local pause = tonumber(redis.call('GET', prefix .. ':pause') or '0')
if pause > now then return {'global', '', pause - now} end
local bkey = bucket_key(prefix, route, resource)
local probe = prefix .. ':probe:' .. route .. ':' .. resource
local known = redis.call('HEXISTS', bkey, 'seen') == 1
if not known then
  local probing = redis.call('PTTL', probe)
  if probing > 0 then return {'learning', route, math.min(probing, 50)} end
end
local state = redis.call('HMGET', bkey, 'limit', 'remaining', 'reset_at')
local limit, remaining, reset_at = tonumber(state[1]), tonumber(state[2]), tonumber(state[3])
if reset_at and reset_at <= now then remaining, reset_at = limit, nil end
if remaining and remaining <= 0 then
  if reset_at then return {'bucket', route, reset_at - now} end
  remaining = limit
end
for i = 0, n - 1 do
  local key = prefix .. ':window:' .. ARGV[7 + 3 * i]
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, ARGV[9 + 3 * i])
end
if remaining then
  redis.call('HSET', bkey, 'remaining', remaining - 1)
  if not reset_at then redis.call('HDEL', bkey, 'reset_at') end
end
if not known then redis.call('SET', probe, member, 'PX', ARGV[7 + 3 * n]) end
return {'', '', 0}
"""
)

_UPDATE = (
    _NOW
    + """
-- ARGV: prefix, route, resource, now, bucket, limit, remaining, reset_after_ms, tolerance_ms
local prefix, route, resource = ARGV[1], ARGV[2], ARGV[3]
local now = now_ms(ARGV[4])
local routes = prefix .. ':routes'
if ARGV[5] ~= '' then
  local previous = redis.call('HGET', routes, route) or route
  if previous ~= ARGV[5] then
    redis.call('HSET', routes, route, ARGV[5])
    local old = prefix .. ':bucket:' .. previous .. ':' .. resource
    local new = prefix .. ':bucket:' .. ARGV[5] .. ':' .. resource
    if redis.call('EXISTS', new) == 0 and redis.call('EXISTS', old) == 1 then
      redis.call('COPY', old, new)
    end
  end
  redis.call('PEXPIRE', routes, 86400000)
end
local bkey = bucket_key(prefix, route, resource)
redis.call('HSET', bkey, 'seen', 1)
redis.call('DEL', prefix .. ':probe:' .. route .. ':' .. resource)
if ARGV[6] ~= '' then redis.call('HSET', bkey, 'limit', ARGV[6]) end
if ARGV[7] ~= '' and ARGV[8] ~= '' then
  local remaining, reset_after = tonumber(ARGV[7]), tonumber(ARGV[8])
  local reset_at = now + reset_after
  local stored = redis.call('HMGET', bkey, 'remaining', 'reset_at', 'window')
  local stored_remaining, stored_reset = tonumber(stored[1]), tonumber(stored[2])
  -- Responses of one window give reset times apart by their latency only; the next
  -- window's are a whole window later. Half the longest reset seen tells them apart.
  local window = math.max(tonumber(stored[3]) or 0, reset_after)
  redis.call('HSET', bkey, 'window', window)
  local same_window = stored_reset and stored_reset > now
    and math.abs(reset_at - stored_reset) <= math.max(window / 2, tonumber(ARGV[9]))
  -- No reset time next to a count: the bucket refilled and requests are being counted
  -- in the new window already.
  local counting = stored_remaining and not stored_reset
  if stored_remaining and (same_window or counting) then
    -- A response that left before the requests counted since: keep the lower count.
    if stored_remaining < remaining then remaining = stored_remaining end
    redis.call('HSET', bkey, 'remaining', remaining)
    if counting then redis.call('HSET', bkey, 'reset_at', reset_at) end
  elseif not stored_reset or reset_at > stored_reset then
    redis.call('HSET', bkey, 'remaining', remaining, 'reset_at', reset_at)
  end
end
redis.call('PEXPIRE', bkey, 3600000)
return 1
"""
)

_RATE_LIMITED = (
    _NOW
    + """
-- ARGV: prefix, route, resource, now, global (1/0), retry_ms
local prefix, route, resource = ARGV[1], ARGV[2], ARGV[3]
local now = now_ms(ARGV[4])
local retry = tonumber(ARGV[6])
if ARGV[5] == '1' then
  local pause = tonumber(redis.call('GET', prefix .. ':pause') or '0')
  if now + retry > pause then
    redis.call('SET', prefix .. ':pause', now + retry, 'PX', math.max(1, retry))
  end
  return 1
end
local bkey = bucket_key(prefix, route, resource)
local reset_at = tonumber(redis.call('HGET', bkey, 'reset_at') or '0')
redis.call('HSET', bkey, 'remaining', 0, 'reset_at', math.max(reset_at, now + retry))
redis.call('PEXPIRE', bkey, 3600000)
return 1
"""
)

_PROBE_MS = 1000
"""While a bucket's limits are unknown, one request goes first to learn them; the others
wait for its response, or this long at most."""
_SAME_WINDOW_MS = 100
"""Reset times closer than this always belong to one window, however short it is."""


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def _optional(value: object) -> str:
    return "" if value is None else str(value)


class RedisRateLimitStore:
    """A ``RateLimitStore`` in Redis: give the same one to every process's adapter.

    Args:
        fleet: The Redis and its failure policy.
        clock: Seconds for the limits' clock; Redis's own clock when ``None`` (the
            right choice outside tests: every process reads the same clock).
        fallback: The store used while Redis is unavailable; an in-process
            ``MemoryRateLimitStore`` by default. During an outage each process obeys
            the limits on its own, so a fleet of N processes may send up to N times as
            much until Redis is back.
    """

    def __init__(
        self,
        fleet: RedisFleet,
        *,
        clock: Callable[[], float] | None = None,
        fallback: RateLimitStore | None = None,
    ) -> None:
        self.fleet = fleet
        self.fallback: RateLimitStore = (
            MemoryRateLimitStore(clock or time.monotonic) if fallback is None else fallback
        )
        self._clock = clock
        self._acquire = fleet.client.register_script(_ACQUIRE)
        self._update = fleet.client.register_script(_UPDATE)
        self._rate_limited = fleet.client.register_script(_RATE_LIMITED)
        self._members = (f"{os.getpid()}-{uuid.uuid4().hex[:12]}-{n}" for n in itertools.count())

    def prefix(self, scope: str) -> str:
        """The key prefix of ``scope``'s state."""
        tag = scope.replace("{", "(").replace("}", ")")
        return self.fleet.key("ratelimit", "{" + tag + "}")

    def _routing_key(self, scope: str) -> str:
        # The scripts build their keys from the prefix; this one only routes the call
        # to the node of the scope's hash slot in a cluster.
        return self.prefix(scope) + ":routes"

    def _now(self) -> str:
        return "" if self._clock is None else str(_ms(self._clock()))

    async def acquire(
        self,
        scope: str,
        key: RouteKey,
        throttles: Sequence[tuple[str, Throttle]],
        wait: RateLimitWait,
    ) -> object:
        """Wait until every shared limit lets a request on ``key`` go, and count it.

        Returns the ticket for ``update``: ``None`` when Redis counted the request, or
        the fallback's own ticket when the fallback did.

        Raises:
            RateLimited: Through ``wait``, when a needed wait is not allowed.
            RedisUnavailable: Redis failed and the fleet does not fall back.
        """
        windows: list[str | int] = []
        for name, throttle in throttles:
            windows += [name, throttle.limit, max(1, _ms(throttle.period))]
        while True:
            member = next(self._members)

            async def attempt(client: Redis, member: str = member) -> list[object]:
                args = [self.prefix(scope), key.route, key.resource, member, self._now()]
                result: list[object] = await self._acquire(
                    keys=[self._routing_key(scope)],
                    args=[*args, len(throttles), *windows, _PROBE_MS],
                )
                return result

            verdict = await self.fleet.call("rate limit", attempt, _local)
            if verdict is None:
                # Settled where it was counted, even if Redis is back by then.
                return _FellBack(await self.fallback.acquire(scope, key, throttles, wait))
            kind, name, delay_ms = _text(verdict[0]), _text(verdict[1]), verdict[2]
            if not kind:
                return None
            assert isinstance(delay_ms, int)
            if kind == "learning":
                # Not a rate limit: another request is learning the bucket's limits.
                await asyncio.sleep(delay_ms / 1000)
                continue
            if kind == "throttle":
                why = f"throttle {name!r}"
            elif kind == "bucket":
                why = f"bucket {name!r}"
            else:
                why = "global rate limit"
            # At least a millisecond: the script counts in whole milliseconds.
            await wait(max(delay_ms, 1) / 1000, why)

    async def update(
        self, scope: str, key: RouteKey, info: RateLimitInfo | None, ticket: object = None
    ) -> None:
        """Learn a response's rate-limit headers for every process; with ``info`` of
        ``None`` (no response came), only end the probe the request may have been.

        Raises:
            RedisUnavailable: Redis failed and the fleet does not fall back.
        """
        if isinstance(ticket, _FellBack):
            await self.fallback.update(scope, key, info, ticket.ticket)
            return
        info = info or RateLimitInfo()
        args: list[str | int] = [
            self.prefix(scope),
            key.route,
            key.resource,
            self._now(),
            _optional(info.bucket),
            _optional(info.limit),
            _optional(info.remaining),
            "" if info.reset_after is None else str(_ms(info.reset_after)),
            _SAME_WINDOW_MS,
        ]

        async def learn(client: Redis) -> None:
            await self._update(keys=[self._routing_key(scope)], args=args)

        await self.fleet.call(
            "rate limit update", learn, lambda: self.fallback.update(scope, key, info)
        )

    async def rate_limited(
        self, scope: str, key: RouteKey, info: RateLimitInfo, retry_after: float
    ) -> None:
        """Record a 429 for every process: a global pause or an empty bucket.

        Raises:
            RedisUnavailable: Redis failed and the fleet does not fall back.
        """
        args: list[str | int] = [
            self.prefix(scope),
            key.route,
            key.resource,
            self._now(),
            "1" if info.is_global else "0",
            _ms(retry_after),
        ]

        async def record(client: Redis) -> None:
            await self._rate_limited(keys=[self._routing_key(scope)], args=args)

        await self.fleet.call(
            "rate limit 429",
            record,
            lambda: self.fallback.rate_limited(scope, key, info, retry_after),
        )

    def __repr__(self) -> str:
        return f"<RedisRateLimitStore {self.fleet.key('ratelimit')}:…>"


class _FellBack:
    """The ticket of a request the fallback store counted while Redis was unavailable."""

    __slots__ = ("ticket",)

    def __init__(self, ticket: object) -> None:
        self.ticket = ticket


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


async def _local() -> None:
    return None
