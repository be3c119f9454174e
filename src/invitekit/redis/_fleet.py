"""``RedisFleet``: the Redis a fleet of processes shares, and what happens when it is gone.

Every Redis call of the cache, the coalescing and the rate-limit store goes through
``RedisFleet.call`` with an in-process fallback. The first failure marks Redis down for
``retry_interval`` seconds: the fallback is logged once as a warning, calls skip Redis
meanwhile (no connection attempt, no delay), and the first call after the interval tries
again. With ``on_unavailable="raise"`` callers get ``RedisUnavailable`` instead.

A failed call is an outage only if this process's own stall does not explain it and Redis
does not answer a ping right after it. A process whose event loop stalled (starved of
CPU, a long collection, a blocking call) finds every call in flight timed out when it
resumes, although Redis answered long before: asyncio runs the expired timers in the
same turn as the replies that arrived meanwhile. Taking that for an outage made every
process of a fleet look up the same invites on its own; instead, a call that failed
during a stall is made again (up to five times while stalls go on), and any other
failed call once more if Redis answers a ping. Every operation the fleet runs is safe to
repeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Literal, TypeVar

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from typing_extensions import Self

from invitekit.client import CacheSettings
from invitekit.errors import InvalidArgument, TransportError
from invitekit.redis._stalls import LoopWatch

if TYPE_CHECKING:
    from invitekit.redis._cache import RedisInviteCache
    from invitekit.redis._coalescing import RedisCoalescing
    from invitekit.redis._ratelimits import RedisRateLimitStore

__all__ = ["OnUnavailable", "RedisFleet", "RedisUnavailable"]

logger = logging.getLogger("invitekit.redis")

T = TypeVar("T")
OnUnavailable = Literal["fallback", "raise"]
_NAMESPACE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
FAILURES = (RedisError, OSError, asyncio.TimeoutError)
"""What a Redis call raises when Redis is unreachable, slow, or refuses the command."""
_ATTEMPTS_IN_STALLS = 5
"""How often a call is made while stalls of this process explain its failures."""


class RedisUnavailable(TransportError):
    """Redis could not be reached and the fleet is configured not to fall back."""


class RedisFleet:
    """The Redis shared by every process of a bot, with a namespace and a failure policy.

    Args:
        client: A ``redis.asyncio.Redis`` client. Give it short socket timeouts: a call
            to a Redis that hangs holds up the lookup that made it.
        namespace: Prefixes every key (``NAMESPACE:invite:discord:CODE``); one per bot,
            so bots sharing a Redis keep their caches and limits apart.
        on_unavailable: ``"fallback"`` (the default) logs a warning and carries on in
            process — own cache, coalescing within the process, own rate limits — until
            Redis answers again; ``"raise"`` raises ``RedisUnavailable`` instead.
        retry_interval: Seconds between attempts to reach Redis again after a failure.
        owns_client: Close ``client`` when the fleet closes.
        clock: Monotonic seconds, for the retry interval.

    Use ``RedisFleet.from_url`` to let the fleet make (and own) the client. The
    components come from ``cache()``, ``coalescing()`` and ``rate_limits``.

    Raises:
        InvalidArgument: A namespace with characters other than letters, digits and
            ``_.-`` (or longer than 64), an unknown ``on_unavailable``, a negative
            ``retry_interval``, or a client with ``decode_responses=True``.
    """

    def __init__(
        self,
        client: Redis,
        *,
        namespace: str = "invitekit",
        on_unavailable: OnUnavailable = "fallback",
        retry_interval: float = 5.0,
        owns_client: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not _NAMESPACE.fullmatch(namespace):
            raise InvalidArgument(f"a namespace is 1 to 64 letters, digits or '_.-': {namespace!r}")
        if on_unavailable not in ("fallback", "raise"):
            raise InvalidArgument(
                f"on_unavailable must be 'fallback' or 'raise': {on_unavailable!r}"
            )
        if retry_interval < 0:
            raise InvalidArgument(f"retry_interval cannot be negative: {retry_interval!r}")
        if client.connection_pool.connection_kwargs.get("decode_responses"):
            # Cached invites and outcomes are msgspec bytes; decoded to text they would
            # not round-trip.
            raise InvalidArgument("a fleet's Redis client needs decode_responses=False")
        self.client = client
        self.namespace = namespace
        self.on_unavailable: OnUnavailable = on_unavailable
        self.retry_interval = retry_interval
        self._owns_client = owns_client
        self._clock = clock
        self._down_until: float | None = None
        self._probe: asyncio.Future[bool] | None = None
        timeout = client.connection_pool.connection_kwargs.get("socket_timeout") or 1.0
        self._watch = LoopWatch(late=min(0.25, timeout / 4))
        self._rate_limits: RedisRateLimitStore | None = None
        self.fallbacks = 0
        """Calls answered by the in-process fallback since the fleet was made."""

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        namespace: str = "invitekit",
        on_unavailable: OnUnavailable = "fallback",
        retry_interval: float = 5.0,
        timeout: float = 1.0,
        max_connections: int = 32,
        pool_timeout: float = 10.0,
    ) -> Self:
        """Make a fleet with its own client for ``redis://[:password@]host:port/db``.

        ``timeout`` bounds connecting and every command; failed commands are not retried
        by the client, since the fleet falls back (or raises) at once. Calls share
        ``max_connections`` pooled connections and wait up to ``pool_timeout`` for one:
        a burst of lookups queues for a connection rather than counting as an outage.

        Raises:
            InvalidArgument: As for the constructor, or a malformed URL.
        """
        try:
            pool = BlockingConnectionPool.from_url(
                url,
                max_connections=max_connections,
                timeout=pool_timeout,
                socket_timeout=timeout,
                socket_connect_timeout=timeout,
                retry=Retry(NoBackoff(), 0),
            )
        except ValueError as exc:
            raise InvalidArgument(f"not a Redis URL: {exc}") from None
        client = Redis.from_pool(pool)
        return cls(
            client,
            namespace=namespace,
            on_unavailable=on_unavailable,
            retry_interval=retry_interval,
            owns_client=True,
        )

    # -- components ---------------------------------------------------------------------

    def cache(self, settings: CacheSettings | None = None) -> RedisInviteCache:
        """A shared ``InviteCache`` with the lifetimes of ``settings``."""
        from invitekit.redis._cache import RedisInviteCache

        return RedisInviteCache(self, settings)

    def coalescing(self, *, lease: float = 5.0) -> RedisCoalescing:
        """A ``Coalescing`` that shares lookups in flight across the fleet."""
        from invitekit.redis._coalescing import RedisCoalescing

        return RedisCoalescing(self, lease=lease)

    @property
    def rate_limits(self) -> RedisRateLimitStore:
        """The fleet's ``RateLimitStore``: give it to every adapter of the bot."""
        if self._rate_limits is None:
            from invitekit.redis._ratelimits import RedisRateLimitStore

            self._rate_limits = RedisRateLimitStore(self)
        return self._rate_limits

    # -- keys ---------------------------------------------------------------------------

    def key(self, *parts: str) -> str:
        """``namespace:part:part…``."""
        return ":".join((self.namespace, *parts))

    # -- calls --------------------------------------------------------------------------

    @property
    def location(self) -> str:
        """Where Redis is, for messages: host, port and database, never a password."""
        kwargs = self.client.connection_pool.connection_kwargs
        if "path" in kwargs:
            return f"unix:{kwargs['path']} db {kwargs.get('db', 0)}"
        return (
            f"{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)} db {kwargs.get('db', 0)}"
        )

    @property
    def available(self) -> bool:
        """Whether calls go to Redis now (``False`` during the pause after a failure)."""
        return self._down_until is None or self._clock() >= self._down_until

    async def call(
        self,
        what: str,
        operation: Callable[[Redis], Awaitable[T]],
        fallback: Callable[[], Awaitable[T]],
    ) -> T:
        """Run ``operation`` on Redis, or ``fallback`` when Redis is unavailable.

        Args:
            what: What the call does, for the log (``"cache get"``).
            operation: The Redis work.
            fallback: The in-process replacement.

        Raises:
            RedisUnavailable: Redis failed and ``on_unavailable`` is ``"raise"``.
        """
        if not self.available:
            return await self._unavailable(what, fallback, None)
        self._watch.start()
        pinged = False
        for _ in range(_ATTEMPTS_IN_STALLS):
            started = time.monotonic()
            try:
                result = await operation(self.client)
            except FAILURES as exc:
                failure: BaseException = exc
            else:
                self.succeeded()
                return result
            if self._watch.stalled_since(started):
                logger.debug("Redis %s failed while this process stalled; made again", what)
                continue
            if pinged or not await self._answers():
                break
            pinged = True
            logger.debug("Redis %s failed but Redis answers; made again", what)
        if self.failed(what, failure):
            await self._drop_connections()
        return await self._unavailable(what, fallback, failure)

    async def _answers(self) -> bool:
        """Whether Redis answers a ping now; the calls that timed out together share one."""
        if self._probe is None or self._probe.done():
            self._probe = asyncio.ensure_future(self._ping())
        return await asyncio.shield(self._probe)

    async def _ping(self) -> bool:
        try:
            await self.client.ping()
        except FAILURES:
            return False
        return True

    def failed(self, what: str, exc: BaseException) -> bool:
        """Record a failed Redis call: pause Redis calls for a while, and log it once.

        Calls that were already in flight when Redis went away fail too; they find the
        pause started and add nothing to the log. Returns whether this failure started
        the pause.
        """
        if not self.available:
            logger.debug("Redis %s failed during the pause: %s", what, type(exc).__name__)
            return False
        first = self._down_until is None
        self._down_until = self._clock() + self.retry_interval
        reaction = (
            "raising RedisUnavailable (on_unavailable='raise')"
            if self.on_unavailable == "raise"
            else "falling back to in-process cache, coalescing and rate limits"
        )
        logger.warning(
            "Redis at %s %s during %s (%s: %s); %s; trying again in %gs",
            self.location,
            "is unreachable" if first else "is still unreachable",
            what,
            type(exc).__name__,
            exc,
            reaction,
            self.retry_interval,
        )
        return True

    async def _drop_connections(self) -> None:
        # Pooled connections to a Redis that went away are dead even once it is back;
        # without this, the first calls after an outage fail again on them.
        with contextlib.suppress(*FAILURES):
            await self.client.connection_pool.disconnect()

    def succeeded(self) -> None:
        """Record a successful Redis call: after an outage, say so once."""
        if self._down_until is not None:
            self._down_until = None
            logger.warning("Redis at %s is reachable again; shared state resumes", self.location)

    async def _unavailable(
        self, what: str, fallback: Callable[[], Awaitable[T]], exc: BaseException | None
    ) -> T:
        if self.on_unavailable == "raise":
            raise RedisUnavailable(
                f"Redis at {self.location} is unavailable ({what}); "
                f"shared invite state cannot be used"
            ) from exc
        self.fallbacks += 1
        return await fallback()

    # -- lifecycle ----------------------------------------------------------------------

    async def close(self) -> None:
        """Close the Redis client if the fleet made it. Safe to call twice."""
        self._watch.stop()
        if self._owns_client:
            self._owns_client = False
            await self.client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        state = "available" if self.available else "unavailable"
        return f"<RedisFleet {self.location} namespace={self.namespace!r} {state}>"
