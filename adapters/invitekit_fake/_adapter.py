"""``FakeAdapter``: the ``fake`` platform as an adapter, for tests that need no network."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from invitekit import (
    Adapter,
    Capability,
    InviteError,
    JoinResult,
    LinkRules,
    PrivateInvite,
    PublicInvite,
    UnsupportedOperation,
)
from invitekit.decoding import decode_payload, decode_tagged, decode_tagged_list
from invitekit_fake import _wire
from invitekit_fake._links import FAKE_LINK_RULES
from invitekit_fake._world import FakeUser, FakeWorld

__all__ = ["FakeAdapter", "RecordedCall"]

_ALL_CAPABILITIES = frozenset(Capability)


@dataclass(frozen=True)
class RecordedCall:
    """One request the fake received: the verb and its arguments, after validation."""

    verb: str
    args: dict[str, Any] = field(default_factory=dict)


class FakeAdapter(Adapter):
    """An adapter for an in-memory platform with real semantics.

    Args:
        world: The platform state to act on; a fresh ``FakeWorld`` by default. Several
            adapters can share one world, each acting as a different user.
        user: The account this adapter acts as; ``None`` acts anonymously (fetching
            works, everything else is ``Unauthorized``).
        clock: The clock of a fresh world (ignored when ``world`` is given).
        capabilities: Restrict what this instance supports, to test how code copes with
            a less capable platform.
        latency: Seconds every call waits before it is served, like a network round trip;
            lets tests see concurrency, coalescing and cancellation.

    Every verb that passes validation is recorded in ``calls``; ``fail_next`` makes the
    next such call raise a chosen error instead of doing anything.
    """

    platform: ClassVar[str] = _wire.PLATFORM
    capabilities: ClassVar[frozenset[Capability]] = _ALL_CAPABILITIES
    link_rules: ClassVar[LinkRules] = FAKE_LINK_RULES

    def __init__(
        self,
        world: FakeWorld | None = None,
        *,
        user: FakeUser | None = None,
        clock: Callable[[], datetime] | None = None,
        capabilities: Iterable[Capability] | None = None,
        latency: float = 0.0,
    ) -> None:
        self.world = world if world is not None else FakeWorld(clock=clock)
        self.user = user
        self.calls: list[RecordedCall] = []
        self._failures: deque[tuple[InviteError, str | None]] = deque()
        self._capabilities = _ALL_CAPABILITIES if capabilities is None else frozenset(capabilities)
        self.latency = latency
        self.closed = False

    def as_user(self, user: FakeUser | None) -> FakeAdapter:
        """Return an adapter on the same world acting as ``user`` (``None``: anonymous).

        It keeps this adapter's capabilities and latency, and has its own call log and
        failure queue.
        """
        return FakeAdapter(
            self.world, user=user, capabilities=self._capabilities, latency=self.latency
        )

    def supports(self, capability: Capability) -> bool:
        """Return whether this instance may ``capability``: all of them, unless restricted
        with ``capabilities=``."""
        return capability in self._capabilities

    def fail_next(self, error: InviteError, *, verb: str | None = None) -> None:
        """Make the next call (or the next call of ``verb``) raise ``error``.

        Failures queue up: each one is used once, in the order given.

        Raises:
            ValueError: ``verb`` is not one of the adapter's verbs.
        """
        if verb is not None and verb not in _VERBS:
            raise ValueError(f"unknown verb {verb!r}; expected one of {sorted(_VERBS)}")
        self._failures.append((error, verb))

    async def _record(self, verb: str, **args: Any) -> None:
        self.calls.append(RecordedCall(verb, args))
        if self.latency:
            await asyncio.sleep(self.latency)
        for index, (error, wanted) in enumerate(self._failures):
            if wanted is None or wanted == verb:
                del self._failures[index]
                raise error

    # -- decoding -----------------------------------------------------------------------

    @classmethod
    def decode_public_invite(cls, data: Any) -> PublicInvite:
        """Decode the fake's public payload into a public invite model.

        Raises:
            PayloadError: ``data`` is malformed; unknown types become ``UnknownPublicInvite``.
        """
        payload = decode_tagged(
            _wire.PUBLIC_DECODER, data, platform=cls.platform, unknown=_wire.unknown_public
        )
        if isinstance(payload, (_wire.PublicServer, _wire.PublicGroup, _wire.PublicFriend)):
            return _wire.public_invite(payload)
        return payload

    @classmethod
    def decode_private_invite(cls, data: Any) -> PrivateInvite:
        """Decode the fake's private payload into a private invite model.

        Raises:
            PayloadError: ``data`` is malformed; unknown types become ``UnknownPrivateInvite``.
        """
        payload = decode_tagged(
            _wire.PRIVATE_DECODER, data, platform=cls.platform, unknown=_wire.unknown_private
        )
        if isinstance(payload, (_wire.PrivateServer, _wire.PrivateGroup)):
            return _wire.private_invite(payload)
        return payload

    @classmethod
    def decode_private_invites(cls, data: Any) -> list[PrivateInvite]:
        """Decode a JSON array of the fake's private payloads.

        Raises:
            PayloadError: ``data`` is not an array, or an item is malformed.
        """
        payloads = decode_tagged_list(
            _wire.PRIVATE_DECODER, data, platform=cls.platform, unknown=_wire.unknown_private
        )
        return [
            _wire.private_invite(p)
            if isinstance(p, (_wire.PrivateServer, _wire.PrivateGroup))
            else p
            for p in payloads
        ]

    # -- verbs --------------------------------------------------------------------------

    async def _fetch_invite(
        self, code: str, *, with_counts: bool, event_id: str | None
    ) -> PublicInvite:
        await self._record("fetch_invite", code=code, with_counts=with_counts, event_id=event_id)
        return self.decode_public_invite(self.world.public_payload(code, with_counts=with_counts))

    async def _accept(self, code: str) -> JoinResult:
        await self._record("accept", code=code)
        payload = decode_payload(
            _wire.JOIN_DECODER, self.world.join(code, self.user), platform=self.platform
        )
        return _wire.join_result(payload)

    async def _delete(self, code: str, *, reason: str | None) -> None:
        await self._record("delete", code=code, reason=reason)
        self.world.delete(code, self.user)

    async def _create_invite(
        self,
        channel_id: str,
        *,
        max_uses: int | None,
        max_age: int | None,
        temporary: bool,
        reason: str | None,
        **platform_options: Any,
    ) -> PrivateInvite:
        if platform_options:
            raise UnsupportedOperation(
                f"the fake platform has no create options {sorted(platform_options)}",
                platform=self.platform,
            )
        await self._record(
            "create_invite",
            channel_id=channel_id,
            max_uses=max_uses,
            max_age=max_age,
            temporary=temporary,
            reason=reason,
        )
        payload = self.world.create(
            channel_id, self.user, max_uses=max_uses, max_age=max_age, temporary=temporary
        )
        return self.decode_private_invite(payload)

    async def _list_invites(
        self, *, server_id: str | None, channel_id: str | None
    ) -> list[PrivateInvite]:
        await self._record("list_invites", server_id=server_id, channel_id=channel_id)
        return self.decode_private_invites(
            self.world.list(self.user, server_id=server_id, channel_id=channel_id)
        )

    async def close(self) -> None:
        """Mark the adapter closed (``closed`` becomes true); there is nothing to release."""
        self.closed = True

    def __repr__(self) -> str:
        who = "anonymous" if self.user is None else self.user.name
        return f"<FakeAdapter as {who}>"


_VERBS = frozenset({"fetch_invite", "accept", "delete", "create_invite", "list_invites"})
