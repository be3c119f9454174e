"""``InviteClient``: many platforms behind one object, for bridge bots."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from typing_extensions import Self

from invitekit._instances import owner_name
from invitekit.adapter import Adapter
from invitekit.client._cache import CacheSettings
from invitekit.client._coalesce import Coalescing, MemoryCoalescing
from invitekit.client._stores import InviteCache, LookupKey, MemoryInviteCache
from invitekit.errors import InvalidArgument, InviteError, InviteNotFound, UnknownPlatform
from invitekit.links import LinkScanner
from invitekit.models import JoinResult, PublicInvite
from invitekit.refs import InviteRef
from invitekit.registry import get_adapter

__all__ = ["ClientStats", "InviteClient", "Resolution"]


@dataclass(frozen=True)
class Resolution:
    """The outcome for one link found by ``resolve_all``: an invite or the error for it."""

    ref: InviteRef
    """The link, as found in the text."""
    invite: PublicInvite | None = None
    """The invite it resolved to, bound to its adapter; ``None`` if it failed."""
    error: InviteError | None = None
    """Why it failed (``InviteNotFound``, ``RateLimited`` …); ``None`` if it resolved."""

    @property
    def ok(self) -> bool:
        """Whether the link resolved to an invite."""
        return self.invite is not None


@dataclass
class ClientStats:
    """Counters of what the client did, for monitoring and tests."""

    lookups: int = 0
    """Calls to ``fetch_invite`` (``resolve_all`` makes one per link)."""
    cache_hits: int = 0
    """Lookups answered from the cache (found or not found)."""
    coalesced: int = 0
    """Lookups that joined a request already in flight."""
    requests: int = 0
    """Lookups that reached an adapter."""


class InviteClient:
    """Resolves, accepts and deletes invites across every platform it was given.

    Args:
        adapters: Adapter instances, or platform names built from the registry with
            ``options[name]`` as their constructor options. Several instances of one
            platform (the official one and self-hosted ones) may be given; each link
            goes to the instance whose hosts it names.
        options: Per-platform constructor options for adapters given by name
            (``{"discord": {"token": ...}, "stoat": {"api_base": ...}}``).
        cache: How lookups are cached: ``CacheSettings`` for the in-memory cache, any
            ``InviteCache`` (a shared one, say), or ``None`` for no cache.
        coalescing: How concurrent lookups of one invite share a request:
            ``MemoryCoalescing`` within this process by default, or a shared
            ``Coalescing`` (``invitekit.redis.RedisCoalescing``) across processes.
        max_concurrency: The most adapter calls in flight overall.
        per_platform_concurrency: The most adapter calls in flight per platform.
        clock: Monotonic seconds, for cache expiry (injectable for tests).

    The client owns its adapters, cache and coalescing: leaving ``async with`` (or
    ``close()``) closes them.
    Concurrent lookups of the same invite share one request; found invites and misses
    are cached (misses for a shorter time); ``delete``/``revoke`` evict.

    Raises:
        InvalidArgument: Two adapters for one instance of a platform (or claiming one
            link host), no adapters, options for a platform not given by name, or a
            concurrency limit below 1.
        UnknownPlatform: A platform name is not registered.
    """

    def __init__(
        self,
        *adapters: Adapter | str,
        options: Mapping[str, Mapping[str, Any]] | None = None,
        cache: CacheSettings | InviteCache | None = CacheSettings(),  # noqa: B008 - frozen
        coalescing: Coalescing | None = None,
        max_concurrency: int = 64,
        per_platform_concurrency: int = 16,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not adapters:
            raise InvalidArgument("InviteClient needs at least one adapter or platform name")
        if max_concurrency < 1 or per_platform_concurrency < 1:
            raise InvalidArgument("concurrency limits must be at least 1")
        options = dict(options or {})
        # By platform and instance: one client may hold the official Stoat and a
        # self-hosted one, each answering for the links of its own hosts.
        self._adapters: dict[tuple[str, str | None], Adapter] = {}
        for given in adapters:
            adapter = (
                get_adapter(given, **options.pop(given, {})) if isinstance(given, str) else given
            )
            identity = (adapter.platform, adapter.instance)
            if identity in self._adapters:
                raise InvalidArgument(
                    f"two adapters for {owner_name(*identity)!r}", platform=adapter.platform
                )
            self._adapters[identity] = adapter
        if options:
            raise InvalidArgument(f"options for platforms not given by name: {sorted(options)}")
        try:
            self._scanner = LinkScanner(a.active_link_rules for a in self._adapters.values())
        except ValueError as exc:
            raise InvalidArgument(f"two adapters claim one link form: {exc}") from None
        self._cache: InviteCache | None = (
            MemoryInviteCache(cache, clock=clock) if isinstance(cache, CacheSettings) else cache
        )
        # Not `or`: an idle MemoryCoalescing is empty, so falsy.
        self._coalescer: Coalescing = MemoryCoalescing() if coalescing is None else coalescing
        self._overall = asyncio.Semaphore(max_concurrency)
        self._per_platform = {
            identity: asyncio.Semaphore(per_platform_concurrency) for identity in self._adapters
        }
        self.stats = ClientStats()
        self._closed = False

    # -- lifecycle ----------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Cancel requests in flight, wait for them to end, and close every adapter.

        Safe to call twice. Callers still waiting on a cancelled lookup get
        ``asyncio.CancelledError``; no task the client started outlives this call.
        """
        if self._closed:
            return
        self._closed = True
        await self._coalescer.close()
        closing = [adapter.close() for adapter in self._adapters.values()]
        if self._cache is not None:
            closing.append(self._cache.close())
        await asyncio.gather(*closing)

    # -- adapters and links -------------------------------------------------------------

    @property
    def platforms(self) -> list[str]:
        """The platforms this client serves, in the order given, each once."""
        return list(dict.fromkeys(platform for platform, _ in self._adapters))

    @property
    def adapters(self) -> list[Adapter]:
        """Every adapter of this client, in the order given."""
        return list(self._adapters.values())

    def adapter(self, platform: str, instance: str | None = None) -> Adapter:
        """Return the adapter for ``platform`` (its official instance's, or ``instance``'s).

        With several instances of a platform and no ``instance``, the official one's;
        with one instance of it, that one's.

        Raises:
            UnknownPlatform: The client has no adapter for it.
        """
        adapter = self._adapters.get((platform, instance))
        if adapter is None and instance is None:
            of_platform = [a for (p, _), a in self._adapters.items() if p == platform]
            if len(of_platform) == 1:
                adapter = of_platform[0]
        if adapter is None:
            held = ", ".join(owner_name(*identity) for identity in self._adapters)
            raise UnknownPlatform(
                f"this client has no {owner_name(platform, instance)!r} adapter (it has {held})",
                platform=platform,
            )
        return adapter

    def find_invites(self, text: str) -> list[InviteRef]:
        """Return every invite link to this client's platforms in ``text``, in order, each once.

        The client's adapters decide the link forms, self-hosted hosts included.
        """
        return self._scanner.find(text)

    def to_ref(self, target: str | InviteRef, *, platform: str | None = None) -> InviteRef:
        """Turn a link, a bare code (with ``platform``) or an ``InviteRef`` into a ref of
        the instance that answers for it: a link's is the instance whose hosts it names,
        a bare code's the platform's official instance (without one here, the first of
        the platform given), a ref's the one it names.

        Raises:
            InvalidInviteLink: ``target`` is not an invite link of this client's platforms.
            UnknownPlatform: The ref's platform or instance is not one of this client's.
        """
        if isinstance(target, InviteRef):
            # Exactly its instance: an official code sent to a self-hosted instance (or
            # back) means another server there, or nothing.
            self._serving(target)
            return target
        return self._scanner.parse(target, platform=platform)

    def _serving(self, ref: InviteRef) -> Adapter:
        adapter = self._adapters.get((ref.platform, ref.instance))
        if adapter is None:
            held = ", ".join(owner_name(*identity) for identity in self._adapters)
            raise UnknownPlatform(
                f"this client has no {owner_name(ref.platform, ref.instance)!r} adapter "
                f"(it has {held})",
                platform=ref.platform,
            )
        return adapter

    # -- lookups ------------------------------------------------------------------------

    async def fetch_invite(
        self,
        target: str | InviteRef,
        *,
        platform: str | None = None,
        with_counts: bool = True,
    ) -> PublicInvite:
        """Resolve a link, ``InviteRef`` or bare code (with ``platform``) to its public invite.

        Served from the cache when fresh; shares the request of any identical lookup in
        flight.

        Raises:
            InvalidInviteLink: ``target`` is not an invite of this client's platforms.
            UnknownPlatform: The client has no adapter for the platform.
            InviteNotFound: No such invite (possibly remembered from a recent lookup).
            InviteError: Any other failure of the adapter (see ``Adapter.fetch_invite``).
        """
        ref = self.to_ref(target, platform=platform)
        self.stats.lookups += 1
        key = LookupKey(ref.platform, ref.code, ref.event_id, with_counts, ref.instance)
        if key in self._coalescer:
            # Join the lookup in flight without asking the cache: a shared cache costs a
            # round trip, and a burst of one link would cost one per message.
            self.stats.coalesced += 1
            return self._own(await self._coalescer.run(key, lambda: self._load(ref, key)))
        cached = await self._cache.get(key) if self._cache is not None else None
        if isinstance(cached, InviteNotFound):
            self.stats.cache_hits += 1
            raise _copy_not_found(cached)
        if cached is not None:
            self.stats.cache_hits += 1
            return self._own(cached)
        if key in self._coalescer:
            self.stats.coalesced += 1
        return self._own(await self._coalescer.run(key, lambda: self._load(ref, key)))

    def _own(self, invite: PublicInvite) -> PublicInvite:
        """Bind ``invite`` to this client's adapter: a shared cache or coalescing hands
        over unbound invites, or invites another client bound (those are copied)."""
        adapter = self._adapters[(invite.platform, invite.instance)]
        if invite.adapter is adapter:
            return invite
        return adapter.bind(invite if invite.adapter is None else copy.copy(invite))

    async def _load(self, ref: InviteRef, key: LookupKey) -> PublicInvite:
        if self._cache is not None:
            # Another process may have stored the outcome while this one waited its turn.
            cached = await self._cache.get(key)
            if isinstance(cached, InviteNotFound):
                self.stats.cache_hits += 1
                raise _copy_not_found(cached)
            if cached is not None:
                self.stats.cache_hits += 1
                return cached
        identity = (ref.platform, ref.instance)
        adapter = self._adapters[identity]
        async with self._overall, self._per_platform[identity]:
            self.stats.requests += 1
            try:
                invite = await adapter.fetch_invite(
                    ref, with_counts=key.with_counts, event_id=ref.event_id
                )
            except InviteNotFound as missing:
                if self._cache is not None:
                    await self._cache.put(key, missing)
                raise
        if self._cache is not None:
            await self._cache.put(key, invite)
        return invite

    async def resolve_all(self, text: str, *, with_counts: bool = True) -> list[Resolution]:
        """Find every invite link in ``text`` and resolve them concurrently.

        Returns one ``Resolution`` per link, in order of appearance; a link that fails
        carries its typed error and costs none of the others their result.
        """
        refs = self.find_invites(text)

        async def resolve(ref: InviteRef) -> Resolution:
            try:
                return Resolution(ref, invite=await self.fetch_invite(ref, with_counts=with_counts))
            except InviteError as error:
                return Resolution(ref, error=error)

        return list(await asyncio.gather(*(resolve(ref) for ref in refs)))

    # -- verbs --------------------------------------------------------------------------

    async def accept(self, target: str | InviteRef, *, platform: str | None = None) -> JoinResult:
        """Join through an invite, with the adapter of its platform.

        Raises:
            InvalidInviteLink, UnknownPlatform: As for ``fetch_invite``.
            InviteError: What the adapter's ``accept`` raises.
        """
        ref = self.to_ref(target, platform=platform)
        joined = await self._serving(ref).accept(ref)
        await self.invalidate(ref)  # its use count (and maybe its existence) changed
        return joined

    async def delete(
        self, target: str | InviteRef, *, platform: str | None = None, reason: str | None = None
    ) -> None:
        """Delete an invite with the adapter of its platform, and forget it.

        Raises:
            InvalidInviteLink, UnknownPlatform: As for ``fetch_invite``.
            InviteError: What the adapter's ``delete`` raises.
        """
        ref = self.to_ref(target, platform=platform)
        try:
            await self._serving(ref).delete(ref, reason=reason)
        finally:
            await self.invalidate(ref)

    async def revoke(
        self, target: str | InviteRef, *, platform: str | None = None, reason: str | None = None
    ) -> None:
        """Revoke an invite: the same as ``delete``.

        Raises:
            InvalidInviteLink, UnknownPlatform: As for ``fetch_invite``.
            InviteError: What the adapter's ``delete`` raises.
        """
        await self.delete(target, platform=platform, reason=reason)

    async def invalidate(self, target: str | InviteRef, *, platform: str | None = None) -> None:
        """Forget what the cache knows of one invite.

        Raises:
            InvalidInviteLink, UnknownPlatform: As for ``fetch_invite``.
        """
        ref = self.to_ref(target, platform=platform)
        if self._cache is not None:
            # Every instance's entry of the code goes: over-evicting only costs a lookup,
            # and InviteCache.evict predates instances.
            await self._cache.evict(ref.platform, ref.code)

    def __repr__(self) -> str:
        return f"<InviteClient platforms={self.platforms}>"


def _copy_not_found(cached: InviteNotFound) -> InviteNotFound:
    return InviteNotFound(
        cached.message, platform=cached.platform, status=cached.status, code=cached.code
    )
