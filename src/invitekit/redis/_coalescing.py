"""``RedisCoalescing``: one lookup per invite across a fleet, under a short lease.

Within a process, callers of one key share one task (``Coalescer``). Across processes,
that task first takes the key's lease, ``NAMESPACE:lease:PLATFORM:CODE:VIEW``, holding a
token of its own:

- the holder performs the lookup (``load``, which re-checks the shared cache first, so a
  lookup that reaches the lease just after an earlier holder let it go finds that
  holder's invite), and finishes with one script that drops the lease, keeps the
  outcome — invite or error — under ``NAMESPACE:outcome:TOKEN`` for two lease lengths,
  and publishes it on ``NAMESPACE:outcomes``. It renews the lease every third of its
  length (``LeaseKeeper``) until that script has run;
- a process that finds the lease taken learns the holder's token in the same step and
  waits for that holder's outcome: the published message, or, when it sees the lease
  released before the message reaches it (they travel on different connections), the
  kept outcome. Only a lease that ended without an outcome — its holder died, gave up,
  or stalled past the lease — is taken over.

Every process subscribes to the channel, and takes the connection its renewals use,
before its first lease attempt: an outcome published after a failed attempt reaches it,
and no lease waits for a connection to be renewed on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

import msgspec
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from invitekit.client import Coalescer, LookupKey
from invitekit.errors import InvalidArgument, InviteError
from invitekit.models import PublicInvite
from invitekit.redis._cache import lookup_view
from invitekit.redis._fleet import FAILURES, RedisFleet
from invitekit.redis._leases import FINISH, TAKE, WATCH, LeaseKeeper
from invitekit.storage import UndecodableOutcome, decode_outcome, encode_outcome

__all__ = ["CoalescingStats", "RedisCoalescing"]

logger = logging.getLogger("invitekit.redis")

_NONE = msgspec.Raw(b"null")


class _Notice(msgspec.Struct, array_like=True):
    lease: str
    outcome: msgspec.Raw = _NONE
    """The encoded outcome; JSON ``null`` when the holder gave up without one."""
    holder: str = ""
    """The holder's token. Last, so that processes of the release before, which read
    only the first two fields, still understand the message, and theirs reads here."""


_NOTICE_DECODER = msgspec.json.Decoder(_Notice)
_ENCODER = msgspec.json.Encoder()
_TAKEN = object()
"""This process holds the lease now."""
_TAKE_OVER = object()
"""The lease is gone without an outcome: try to take it."""
_LOCAL = object()
"""Redis is unavailable: do the lookup in this process."""


@dataclass(eq=False)
class _Waiter:
    """A lookup of this process waiting for another process's outcome."""

    heard: asyncio.Future[bytes | None]
    """Set by the subscription: an outcome, or ``None`` when the holder gave up."""
    holder: str | None = None
    """The token of the holder it waits for, once its lease attempt has failed."""


@dataclass
class CoalescingStats:
    """What one process's ``RedisCoalescing`` did, for monitoring and tests."""

    led: int = 0
    """Lookups this process performed under the lease."""
    received: int = 0
    """Lookups answered by another process's outcome."""
    late_messages: int = 0
    """Of those, outcomes read from Redis because the lease was seen released before the
    holder's message arrived (a busy process reads its subscription late)."""
    taken_over: int = 0
    """Times a lease ended without an outcome (a holder died, gave up or stalled)."""
    local: int = 0
    """Lookups done without Redis because it was unavailable."""
    lost: int = 0
    """Leases that ran out while this process still worked under them."""


class RedisCoalescing:
    """A ``Coalescing`` shared by every process of a fleet.

    Args:
        fleet: The Redis and its failure policy.
        lease: Seconds a lease lasts without renewal: the longest a dead holder can
            keep the others waiting. The holder renews it while it works, so a slow
            lookup (a rate-limit wait, say) is not done twice. Outcomes are kept for
            the processes waiting on them for twice as long.

    While Redis is unavailable, lookups are shared within the process only (or raise
    ``RedisUnavailable``; see ``RedisFleet``).

    Raises:
        InvalidArgument: ``lease`` is below 0.05 seconds.
    """

    def __init__(self, fleet: RedisFleet, *, lease: float = 5.0) -> None:
        if not lease >= 0.05:
            raise InvalidArgument(f"a lease lasts at least 0.05 seconds: {lease!r}")
        self.fleet = fleet
        self.lease = lease
        self.stats = CoalescingStats()
        self._lease_ms = max(1, round(lease * 1000))
        self._channel = fleet.key("outcomes")
        self._local: Coalescer[PublicInvite] = Coalescer()
        self._waiters: dict[str, set[_Waiter]] = {}
        self._keeper = LeaseKeeper(fleet, lease, self._lost)
        self._finish = fleet.client.register_script(FINISH)
        self._take = fleet.client.register_script(TAKE)
        self._watch_script = fleet.client.register_script(WATCH)
        self._owner = f"{os.getpid()}-{uuid.uuid4().hex}"
        self._pubsub: PubSub | None = None
        self._listener: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()
        self._subscribing = asyncio.Lock()
        self._waiting = 0
        self._closed = False

    @property
    def waiting(self) -> int:
        """Lookups of this process waiting now for another process's outcome."""
        return self._waiting

    def lease_key(self, key: LookupKey) -> str:
        """The Redis key of the lease of one lookup."""
        return self.fleet.key("lease", key.platform, key.code, lookup_view(key))

    def _outcome_key(self, token: str) -> str:
        return self.fleet.key("outcome", token)

    # -- the Coalescing protocol --------------------------------------------------------

    async def run(
        self, key: LookupKey, load: Callable[[], Awaitable[PublicInvite]]
    ) -> PublicInvite:
        """Return the outcome of ``load`` for ``key``, run here or by a process that
        holds its lease.

        ``load`` runs only under the lease. It should look in any cache the processes
        share before it makes a request (``InviteClient``'s does): the lease's holder
        before may have stored its outcome there a moment ago.

        Raises:
            InviteError: What ``load`` raised, here or in the process that ran it.
            RedisUnavailable: Redis failed and the fleet does not fall back.
        """
        return await self._local.run(key, lambda: self._across(key, load))

    def __contains__(self, key: object) -> bool:
        return key in self._local

    async def close(self) -> None:
        """Cancel lookups in flight here, wait for them to end, and drop the subscription.
        Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        await self._local.cancel_all()
        await self._keeper.close()
        await self._unsubscribe()

    # -- across processes ---------------------------------------------------------------

    async def _across(self, key: LookupKey, load: Callable[[], Awaitable[PublicInvite]]) -> Any:
        lease_key = self.lease_key(key)
        while True:
            if not await self.fleet.call("coalescing subscribe", self._subscribe, _false):
                return await self._alone(load)
            waiter = _Waiter(asyncio.get_running_loop().create_future())
            self._waiters.setdefault(lease_key, set()).add(waiter)
            try:
                token = f"{self._owner}-{uuid.uuid4().hex[:8]}"
                taken = await self.fleet.call("lease", self._taker(lease_key, token), _local)
                if taken is _LOCAL:
                    return await self._alone(load)
                if taken is _TAKEN:
                    self._forget(lease_key, waiter)
                    return await self._lead(lease_key, token, load)
                assert isinstance(taken, str)
                waiter.holder = taken
                outcome = await self._wait(lease_key, waiter)
            finally:
                self._forget(lease_key, waiter)
            if outcome is _LOCAL:
                return await self._alone(load)
            if outcome is _TAKE_OVER:
                self.stats.taken_over += 1
                continue
            assert isinstance(outcome, bytes)
            try:
                decoded = decode_outcome(outcome)
            except UndecodableOutcome as exc:
                logger.debug("an outcome for %s did not decode (%s); taking over", lease_key, exc)
                continue
            self.stats.received += 1
            if isinstance(decoded, InviteError):
                raise decoded
            return decoded

    async def _alone(self, load: Callable[[], Awaitable[PublicInvite]]) -> PublicInvite:
        self.stats.local += 1
        return await load()

    def _taker(self, lease_key: str, token: str) -> Callable[[Redis], Awaitable[object]]:
        async def take(client: Redis) -> object:
            taken, *holder = await self._take(keys=[lease_key], args=[token, self._lease_ms])
            if taken:
                return _TAKEN
            return holder[0].decode() if isinstance(holder[0], bytes) else str(holder[0])

        return take

    async def _lead(
        self, lease_key: str, token: str, load: Callable[[], Awaitable[PublicInvite]]
    ) -> PublicInvite:
        self.stats.led += 1
        self._keeper.hold(lease_key, token)
        outcome: bytes | None = None
        try:
            invite = await load()
            outcome = encode_outcome(invite)
            return invite
        except InviteError as error:
            outcome = encode_outcome(error)
            raise
        finally:
            # Renewed until the outcome is kept: a finish that waits for a connection
            # longer than the lease would otherwise let a waiter take over.
            self._keeper.finishing(lease_key)
            notice = _ENCODER.encode(
                _Notice(lease_key, _NONE if outcome is None else msgspec.Raw(outcome), token)
            )
            keys = [lease_key, self._outcome_key(token)]
            args: list[bytes | str | int] = [
                token,
                self._channel,
                notice,
                outcome or b"",
                2 * self._lease_ms,
            ]

            async def finish(client: Redis) -> None:
                await self._finish(keys=keys, args=args)

            # Waiters in this process got the outcome from the shared task already.
            try:
                await self.fleet.call("lease release", finish, _nothing)
            finally:
                self._keeper.release(lease_key)

    def _lost(self, lease_key: str) -> None:
        # Renewed too late (this process stalled longer than the lease): another
        # process may be doing the same lookup now.
        self.stats.lost += 1
        logger.warning(
            "the lease %s ran out while its lookup was still running; "
            "raise the lease if this process can stall for %gs",
            lease_key,
            self.lease,
        )

    async def _wait(self, lease_key: str, waiter: _Waiter) -> object:
        """Wait for the outcome of the holder ``waiter`` names while its lease lives."""
        self._waiting += 1
        try:
            return await self._watch(lease_key, waiter)
        finally:
            self._waiting -= 1

    async def _watch(self, lease_key: str, waiter: _Waiter) -> object:
        assert waiter.holder is not None
        watch = self._watcher(lease_key, waiter.holder)
        while not waiter.heard.done():
            state = await self.fleet.call("lease watch", watch, _local)
            if waiter.heard.done():
                break
            if state is _LOCAL or state is _TAKE_OVER:
                return state
            if isinstance(state, bytes):
                self.stats.late_messages += 1
                return state
            assert isinstance(state, int)
            timeout = (state if state > 0 else self._lease_ms) / 1000
            await asyncio.wait([waiter.heard], timeout=timeout)
        heard = waiter.heard.result()
        return _TAKE_OVER if heard is None else heard

    def _watcher(self, lease_key: str, holder: str) -> Callable[[Redis], Awaitable[object]]:
        """One look at ``holder``'s lease: milliseconds left while it holds it, its
        outcome once it has one, or ``_TAKE_OVER`` when the lease ended without one."""
        keys = [lease_key, self._outcome_key(holder)]

        async def watch(client: Redis) -> object:
            state, *value = await self._watch_script(keys=keys, args=[holder])
            if state == 0:
                return int(value[0])
            if state == 1:
                return bytes(value[0])
            return _TAKE_OVER

        return watch

    def _forget(self, lease_key: str, waiter: _Waiter) -> None:
        waiting = self._waiters.get(lease_key)
        if waiting is not None:
            waiting.discard(waiter)
            if not waiting:
                del self._waiters[lease_key]

    # -- the subscription ---------------------------------------------------------------

    def _ready(self) -> bool:
        listening = self._listener is not None and not self._listener.done()
        return listening and self._subscribed.is_set() and self._keeper.connected

    async def _subscribe(self, client: Redis) -> bool:
        if self._closed:
            return False
        if self._ready():
            return True
        async with self._subscribing:
            if self._listener is None or self._listener.done():
                await self._unsubscribe()
                self._subscribed = asyncio.Event()
                self._pubsub = client.pubsub()
                await self._pubsub.subscribe(self._channel)
                self._listener = asyncio.ensure_future(self._listen(self._pubsub, self._subscribed))
            timeout = client.connection_pool.connection_kwargs.get("socket_timeout") or 5.0
            await asyncio.wait_for(self._subscribed.wait(), timeout)
            await self._keeper.connect()
        return True

    async def _listen(self, pubsub: PubSub, subscribed: asyncio.Event) -> None:
        try:
            async for message in pubsub.listen():
                if message["type"] == "subscribe":
                    subscribed.set()
                elif message["type"] == "message":
                    self._deliver(message["data"])
        except FAILURES as exc:
            logger.debug("the outcome subscription ended: %s: %s", type(exc).__name__, exc)

    def _deliver(self, data: bytes) -> None:
        try:
            notice = _NOTICE_DECODER.decode(data)
        except msgspec.DecodeError:
            return
        outcome = None if bytes(notice.outcome) == b"null" else bytes(notice.outcome)
        for waiter in self._waiters.get(notice.lease, ()):
            # Any holder's outcome answers every lookup waiting on the key; that a holder
            # gave up matters only to the lookups waiting for that holder.
            if not waiter.heard.done() and (outcome is not None or notice.holder == waiter.holder):
                waiter.heard.set_result(outcome)

    async def _unsubscribe(self) -> None:
        listener, self._listener = self._listener, None
        pubsub, self._pubsub = self._pubsub, None
        if listener is not None:
            listener.cancel()
            # Bounded: a cancellation swallowed inside redis-py must not hang close().
            await asyncio.wait([listener], timeout=2.0)
        if pubsub is not None:
            with contextlib.suppress(*FAILURES):
                # redis-py annotates aclose() only from release 8: typed loosely so
                # mypy is content with every version the redis extra allows.
                await cast("Any", pubsub).aclose()

    def __repr__(self) -> str:
        return f"<RedisCoalescing {self._channel} lease={self.lease:g}s>"


async def _false() -> bool:
    return False


async def _local() -> object:
    return _LOCAL


async def _nothing() -> None:
    return None
