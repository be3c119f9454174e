"""``Adapter``: the abstract base every platform adapter subclasses.

The public verbs here are the contract users call; they validate input and check the
adapter's capabilities *before* any I/O, then hand over to the ``_``-prefixed hooks an
adapter implements. Results come back bound to the adapter, so ``invite.delete()`` works.
"""

from __future__ import annotations

import abc
from typing import Any, ClassVar, TypeVar

from msgspec.structs import force_setattr
from typing_extensions import Self

from invitekit._validation import check_code, check_id, check_limit, check_reason
from invitekit.capabilities import Capability
from invitekit.errors import InvalidArgument, UnsupportedOperation
from invitekit.links import LinkRules
from invitekit.models import BaseInvite, JoinResult, PrivateInvite, PublicInvite

__all__ = ["Adapter", "PayloadInput"]

PayloadInput = Any
"""What the ``decode_*`` functions take: JSON ``bytes``/``str`` or already-parsed data."""

_InviteT = TypeVar("_InviteT", bound=BaseInvite)

_VERB_CAPABILITY = {
    "fetch_invite": Capability.FETCH,
    "accept": Capability.ACCEPT,
    "delete": Capability.DELETE,
    "create_invite": Capability.CREATE,
}


class Adapter(abc.ABC):
    """Maps one platform's payloads and API onto invitekit's models and errors.

    Subclasses set ``platform``, ``capabilities`` and ``link_rules``, implement the three
    ``decode_*`` class methods and ``_fetch_invite``, and the hooks of every capability
    they declare. Use it as an async context manager, or call ``close()``.
    """

    platform: ClassVar[str]
    """The registry name of the platform (``"discord"``, ``"stoat"``, ``"fake"``)."""
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.FETCH})
    """Everything this adapter class can do at best; see also ``supports``."""
    link_rules: ClassVar[LinkRules]
    """How this platform's invite links look."""

    @property
    def active_link_rules(self) -> LinkRules:
        """The link rules of this instance: the class's, plus any hosts it was configured
        with (a self-hosted instance, say). Clients scan text with these."""
        return self.link_rules

    # -- capabilities -------------------------------------------------------------------

    def supports(self, capability: Capability) -> bool:
        """Return whether this adapter instance can perform ``capability``.

        The default is membership in ``capabilities``; adapters whose abilities depend on
        the account (a bot token, say) override it.
        """
        return capability in self.capabilities

    def require(self, capability: Capability) -> None:
        """Raise unless this instance supports ``capability``.

        Raises:
            UnsupportedOperation: The capability is missing.
        """
        if not self.supports(capability):
            raise UnsupportedOperation(
                f"{type(self).__name__} cannot {capability.value.replace('_', ' ')}",
                platform=self.platform,
            )

    # -- pure decoding ------------------------------------------------------------------

    @classmethod
    @abc.abstractmethod
    def decode_public_invite(cls, data: PayloadInput) -> PublicInvite:
        """Decode what resolving an invite code returns.

        Raises:
            PayloadError: ``data`` is malformed; unknown invite types are not an error.
        """

    @classmethod
    @abc.abstractmethod
    def decode_private_invite(cls, data: PayloadInput) -> PrivateInvite:
        """Decode one invite as its owner lists or creates it.

        Raises:
            PayloadError: ``data`` is malformed; unknown invite types are not an error.
        """

    @classmethod
    @abc.abstractmethod
    def decode_private_invites(cls, data: PayloadInput) -> list[PrivateInvite]:
        """Decode a list of private invites.

        Raises:
            PayloadError: ``data`` is malformed; unknown invite types are not an error.
        """

    # -- verbs --------------------------------------------------------------------------

    async def fetch_invite(
        self, code: str, *, with_counts: bool = True, event_id: str | None = None
    ) -> PublicInvite:
        """Resolve ``code`` into the public view of its invite, bound to this adapter.

        Raises:
            InvalidInviteLink: ``code`` could not be placed in a request path.
            InvalidArgument: ``event_id`` could not be placed in a request.
            UnsupportedOperation: The adapter cannot fetch invites.
            InviteNotFound: No such invite (expired, used up, deleted).
            HTTPError: Another failure the platform reported.
            TransportError: The request did not complete.
        """
        self._precheck("fetch_invite", code)
        if event_id is not None:
            check_id(event_id, what="event id", platform=self.platform)
        invite = await self._fetch_invite(code, with_counts=with_counts, event_id=event_id)
        return self.bind(invite)

    async def accept(self, code: str) -> JoinResult:
        """Join the server or group ``code`` leads to, as this adapter's account.

        Raises:
            InvalidInviteLink: ``code`` could not be placed in a request path.
            UnsupportedOperation: The adapter cannot accept invites.
            InviteNotFound: No such invite.
            BotAccountRejected, TooManyServers, Banned, GroupTooLarge, AlreadyMember:
                The platform refused the join for that reason.
            HTTPError: Another failure the platform reported.
            TransportError: The request did not complete.
        """
        self._precheck("accept", code)
        return await self._accept(code)

    async def delete(self, code: str, *, reason: str | None = None) -> None:
        """Delete the invite ``code``; ``reason`` goes to the audit log where supported.

        Raises:
            InvalidInviteLink: ``code`` could not be placed in a request path.
            InvalidArgument: ``reason`` contains a line break.
            UnsupportedOperation: The adapter cannot delete invites.
            InviteNotFound: No such invite.
            MissingPermissions: The account may not delete it.
            HTTPError: Another failure the platform reported.
            TransportError: The request did not complete.
        """
        self._precheck("delete", code)
        check_reason(reason, platform=self.platform)
        await self._delete(code, reason=reason)

    async def revoke(self, code: str, *, reason: str | None = None) -> None:
        """Revoke the invite ``code``: the same as ``delete``.

        Raises:
            InviteError: The subclasses ``delete`` raises, for the same reasons.
        """
        await self.delete(code, reason=reason)

    async def create_invite(
        self,
        channel_id: str,
        *,
        max_uses: int | None = None,
        max_age: int | None = None,
        temporary: bool = False,
        reason: str | None = None,
        **platform_options: Any,
    ) -> PrivateInvite:
        """Create an invite to ``channel_id``, bound to this adapter.

        Args:
            channel_id: The channel or group the invite leads to.
            max_uses: How often it may be used (at least 1); ``None`` for unlimited.
            max_age: Its lifetime in seconds (at least 1); ``None`` for never expiring.
            temporary: Whether members who join through it are removed when they leave.
            reason: An audit-log reason, where the platform keeps one.
            platform_options: Options only this platform has (documented per adapter).

        Raises:
            InvalidArgument: An id or option cannot be sent as given.
            UnsupportedOperation: The adapter cannot create invites, or not with an
                option given here.
            MissingPermissions: The account may not create invites there.
            HTTPError: Another failure the platform reported.
            TransportError: The request did not complete.
        """
        self.require(Capability.CREATE)
        check_id(channel_id, what="channel id", platform=self.platform)
        check_limit(max_uses, what="max_uses", platform=self.platform)
        check_limit(max_age, what="max_age", platform=self.platform)
        check_reason(reason, platform=self.platform)
        invite = await self._create_invite(
            channel_id,
            max_uses=max_uses,
            max_age=max_age,
            temporary=temporary,
            reason=reason,
            **platform_options,
        )
        return self.bind(invite)

    async def list_invites(
        self, *, server_id: str | None = None, channel_id: str | None = None
    ) -> list[PrivateInvite]:
        """List the invites of a server or of one channel (give exactly one id).

        Raises:
            InvalidArgument: Neither or both ids were given, or an id is malformed.
            UnsupportedOperation: The adapter cannot list invites of that kind.
            MissingPermissions: The account may not list them.
            HTTPError: Another failure the platform reported.
            TransportError: The request did not complete.
        """
        if (server_id is None) == (channel_id is None):
            raise InvalidArgument(
                "give exactly one of server_id and channel_id", platform=self.platform
            )
        if server_id is not None:
            self.require(Capability.LIST_SERVER_INVITES)
            check_id(server_id, what="server id", platform=self.platform)
        else:
            self.require(Capability.LIST_CHANNEL_INVITES)
            check_id(channel_id, what="channel id", platform=self.platform)
        invites = await self._list_invites(server_id=server_id, channel_id=channel_id)
        return [self.bind(invite) for invite in invites]

    async def close(self) -> None:  # noqa: B027 - adapters without resources need no close
        """Release what the adapter holds (HTTP sessions). Safe to call twice."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def bind(self, invite: _InviteT) -> _InviteT:
        """Bind ``invite`` to this adapter, so its verbs call this adapter, and return it.

        Raises:
            InvalidArgument: The invite belongs to another platform.
        """
        if invite.platform != self.platform:
            raise InvalidArgument(
                f"cannot bind a {invite.platform} invite to a {self.platform} adapter",
                platform=self.platform,
            )
        force_setattr(invite, "_adapter", self)
        return invite

    def __repr__(self) -> str:
        return f"<{type(self).__name__} platform={self.platform!r}>"

    # -- hooks for implementers ---------------------------------------------------------

    def _precheck(self, verb: str, code: str) -> None:
        self.require(_VERB_CAPABILITY[verb])
        check_code(code, platform=self.platform)

    @abc.abstractmethod
    async def _fetch_invite(
        self, code: str, *, with_counts: bool, event_id: str | None
    ) -> PublicInvite:
        """Fetch the public invite; input is already validated."""

    async def _accept(self, code: str) -> JoinResult:
        """Join through the invite; called only if ``ACCEPT`` is supported."""
        raise UnsupportedOperation("accept is not implemented", platform=self.platform)

    async def _delete(self, code: str, *, reason: str | None) -> None:
        """Delete the invite; called only if ``DELETE`` is supported."""
        raise UnsupportedOperation("delete is not implemented", platform=self.platform)

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
        """Create the invite; called only if ``CREATE`` is supported."""
        raise UnsupportedOperation("create is not implemented", platform=self.platform)

    async def _list_invites(
        self, *, server_id: str | None, channel_id: str | None
    ) -> list[PrivateInvite]:
        """List invites; exactly one id is set and its capability is supported."""
        raise UnsupportedOperation("listing invites is not implemented", platform=self.platform)
