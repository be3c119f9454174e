"""``RedisRateLimitStore``: one set of rate limits for every process of a bot.

Each scope (a platform, for one bot) keeps its state under
``NAMESPACE:ratelimit:{SCOPE}:…`` — the braces make it one Redis Cluster hash slot:

- ``window:NAME``: per throttle (the invite-lookup cap, the global cap), the requests it
  counts, each until a period after its answer, as in memory: a request the platform
  counts late, on arrival, is still counted here then;
- ``pause``: when a global 429 ends;
- ``routes``: route → the bucket id the platform named;
- ``bucket:ID:RESOURCE``: ``limit``, ``remaining`` and the bounds of the window's end
  learnt from headers, and when the window before it ended;
- ``bucket:ID:RESOURCE:flying``: the requests out on that bucket, which keep a place in
  the next window until they are answered;
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

from invitekit.errors import InvalidArgument
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
-- then how long a probe of an unknown bucket may take (ms), the longest a request may
-- stay in flight before it is forgotten (ms), and how soon to look again for answers (ms)
local prefix, route, resource, member = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local now = now_ms(ARGV[5])
local n = tonumber(ARGV[6])
for i = 0, n - 1 do
  local name, limit, period = ARGV[7 + 3 * i], tonumber(ARGV[8 + 3 * i]), tonumber(ARGV[9 + 3 * i])
  local key = prefix .. ':window:' .. name
  -- Scores are when each request stops counting: a period after its answer.
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZCARD', key) >= limit then
    local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    -- Still in flight, it counts until a period after its answer: at least a period.
    return {'throttle', name, math.min(tonumber(first[2]) - now, period)}
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
local state = redis.call('HMGET', bkey, 'limit', 'remaining', 'reset_at', 'earliest')
local limit, remaining, reset_at = tonumber(state[1]), tonumber(state[2]), tonumber(state[3])
local flying = bkey .. ':flying'
if reset_at and reset_at <= now then
  -- A new window: each request still in flight keeps a place in it, where it may land.
  redis.call('ZREMRANGEBYSCORE', flying, '-inf', now)
  redis.call('HSET', bkey, 'ended', reset_at, 'refilled', now)
  if state[4] then
    redis.call('HSET', bkey, 'ended_earliest', state[4])
  else
    redis.call('HDEL', bkey, 'ended_earliest')
  end
  redis.call('HDEL', bkey, 'reset_at', 'earliest')
  reset_at = nil
  if limit then remaining = math.max(0, limit - redis.call('ZCARD', flying)) end
end
if remaining and remaining <= 0 then
  if reset_at then return {'bucket', route, reset_at - now} end
  redis.call('ZREMRANGEBYSCORE', flying, '-inf', now)
  if redis.call('ZCARD', flying) > 0 then
    -- The window ended with these still out: their answers tell more.
    return {'answers', route, tonumber(ARGV[9 + 3 * n])}
  end
  remaining = limit
end
local flight = tonumber(ARGV[8 + 3 * n])
for i = 0, n - 1 do
  local key = prefix .. ':window:' .. ARGV[7 + 3 * i]
  -- Counted from now until its answer says otherwise (or, if its process never
  -- settles it, until it can no longer be in flight).
  redis.call('ZADD', key, now + flight, member)
  redis.call('PEXPIRE', key, flight + tonumber(ARGV[9 + 3 * i]))
end
if remaining then redis.call('HSET', bkey, 'remaining', remaining - 1) end
redis.call('ZADD', flying, now + flight, member)
redis.call('PEXPIRE', flying, flight)
if not known then redis.call('SET', probe, member, 'PX', ARGV[7 + 3 * n]) end
return {'', flying, 0, now}
"""
)

_UPDATE = (
    _NOW
    + """
-- ARGV: prefix, route, resource, now, bucket, limit, remaining, reset_after_ms, slack_ms,
-- then, from the ticket: when the request was let out (ms), its in-flight set, its
-- member, and m * (throttle name, period_ms) it was counted in
local prefix, route, resource = ARGV[1], ARGV[2], ARGV[3]
local now = now_ms(ARGV[4])
local slack = tonumber(ARGV[9])
local sent = now
if ARGV[10] ~= '' then sent = math.min(tonumber(ARGV[10]), now) end
if ARGV[11] ~= '' then redis.call('ZREM', ARGV[11], ARGV[12]) end
for i = 0, tonumber(ARGV[13]) - 1 do
  -- Answered or lost, the platform may have counted it as late as now.
  local key = prefix .. ':window:' .. ARGV[14 + 2 * i]
  redis.call('ZADD', key, 'XX', now + tonumber(ARGV[15 + 2 * i]), ARGV[12])
end
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
  -- The platform counted the request between its sending and now, so the window it
  -- landed in ends between these two; comparing bounds, not one estimate, tells windows
  -- apart however slow the answer was. When they cannot tell, the count only goes down.
  local remaining, reset_after = tonumber(ARGV[7]), tonumber(ARGV[8])
  local earliest, latest = sent + reset_after, now + reset_after
  local stored = redis.call('HMGET', bkey, 'remaining', 'reset_at', 'earliest', 'ended',
    'ended_earliest', 'refilled', 'span', 'limit')
  local s_remaining, s_reset, s_earliest = tonumber(stored[1]), tonumber(stored[2]),
    tonumber(stored[3])
  local ended, ended_earliest, refilled = tonumber(stored[4]), tonumber(stored[5]),
    tonumber(stored[6])
  local span, limit = math.max(tonumber(stored[7]) or 0, reset_after), tonumber(stored[8])
  redis.call('HSET', bkey, 'span', span)
  -- This request left the in-flight set above; the others may still land uncounted.
  local others = redis.call('ZCOUNT', bkey .. ':flying', now, '+inf')
  local counted = math.max(0, remaining - others)
  if s_remaining and s_remaining < counted then counted = s_remaining end
  if s_reset then
    if earliest > s_reset + slack then
      -- A later window than the known one: its count replaces ours.
      redis.call('HSET', bkey, 'remaining', math.max(0, remaining - others),
        'reset_at', latest, 'earliest', earliest)
    elseif not s_earliest or latest >= s_earliest - slack then
      -- The known window: counts only go down within it.
      if s_remaining and s_remaining < remaining then remaining = s_remaining end
      redis.call('HSET', bkey, 'remaining', remaining,
        'earliest', math.max(s_earliest or earliest, earliest))
    end
  elseif not ended or (refilled and sent >= refilled) or earliest > ended + slack then
    -- Certainly from the window being counted since the refill: its end is learnt.
    redis.call('HSET', bkey, 'remaining', counted, 'reset_at', latest, 'earliest', earliest)
  elseif ended_earliest and latest < ended_earliest + span - slack then
    -- Certainly from the window that ended: if it was out when counting began, the
    -- place it kept in the new window is free again.
    if refilled and sent < refilled and limit then
      redis.call('HSET', bkey, 'remaining', math.min(limit, (s_remaining or 0) + 1))
    end
  else
    redis.call('HSET', bkey, 'remaining', counted)
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
_SLACK_MS = 100
"""Slack for comparing window ends: platforms round ``reset_after``."""
_ANSWERS_POLL_MS = 20
"""How often a request waiting for answers to requests in flight looks again."""


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
        max_flight: Seconds a request counts as in flight at most, when its process
            dies before settling it. Keep it above the transports' ``timeout`` (an
            attempt never takes longer); until it passes, a dead process's requests
            keep their places in a bucket's next window.

    Raises:
        InvalidArgument: ``max_flight`` is not positive.
    """

    def __init__(
        self,
        fleet: RedisFleet,
        *,
        clock: Callable[[], float] | None = None,
        fallback: RateLimitStore | None = None,
        max_flight: float = 30.0,
    ) -> None:
        if not max_flight > 0:
            raise InvalidArgument(f"max_flight must be positive: {max_flight!r}")
        self.fleet = fleet
        self.max_flight = max_flight
        # The script's trailing arguments, the same for every request.
        self._limits = [_PROBE_MS, max(1, _ms(max_flight)), _ANSWERS_POLL_MS]
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

        Returns the ticket for ``update``: when and where Redis counted the request, or
        the fallback's own ticket when the fallback did.

        Raises:
            RateLimited: Through ``wait``, when a needed wait is not allowed.
            RedisUnavailable: Redis failed and the fleet does not fall back.
        """
        windows: list[str | int] = []
        periods: list[tuple[str, int]] = []
        for name, throttle in throttles:
            periods.append((name, max(1, _ms(throttle.period))))
            windows += [name, throttle.limit, periods[-1][1]]
        while True:
            member = next(self._members)

            async def attempt(client: Redis, member: str = member) -> list[object]:
                args = [self.prefix(scope), key.route, key.resource, member, self._now()]
                result: list[object] = await self._acquire(
                    keys=[self._routing_key(scope)],
                    args=[*args, len(throttles), *windows, *self._limits],
                )
                return result

            verdict = await self.fleet.call("rate limit", attempt, _local)
            if verdict is None:
                # Settled where it was counted, even if Redis is back by then.
                return _FellBack(await self.fallback.acquire(scope, key, throttles, wait))
            kind, name, delay_ms = _text(verdict[0]), _text(verdict[1]), verdict[2]
            if not kind:
                sent = verdict[3]
                assert isinstance(sent, int)
                return _Counted(sent, name, member, periods)
            assert isinstance(delay_ms, int)
            if kind in ("learning", "answers"):
                # Not a rate limit: another request is learning the bucket's limits, or
                # the answers of requests in flight will tell when the window ends.
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
        counted = ticket if isinstance(ticket, _Counted) else _Counted(None, "", "", [])
        args: list[str | int] = [
            self.prefix(scope),
            key.route,
            key.resource,
            self._now(),
            _optional(info.bucket),
            _optional(info.limit),
            _optional(info.remaining),
            "" if info.reset_after is None else str(_ms(info.reset_after)),
            _SLACK_MS,
            _optional(counted.sent),
            counted.flying,
            counted.member,
            len(counted.periods),
        ]
        for name, period_ms in counted.periods:
            args += [name, period_ms]

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


class _Counted:
    """The ticket of a request Redis counted: when (Redis milliseconds), the in-flight
    set it is in until settled, and the throttles (name, period in ms) that count it."""

    __slots__ = ("flying", "member", "periods", "sent")

    def __init__(
        self, sent: int | None, flying: str, member: str, periods: list[tuple[str, int]]
    ) -> None:
        self.sent = sent
        self.flying = flying
        self.member = member
        self.periods = periods


class _FellBack:
    """The ticket of a request the fallback store counted while Redis was unavailable."""

    __slots__ = ("ticket",)

    def __init__(self, ticket: object) -> None:
        self.ticket = ticket


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


async def _local() -> None:
    return None
