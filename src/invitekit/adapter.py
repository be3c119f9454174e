"""``Adapter``: the abstract base every platform adapter subclasses.

The public verbs here are the contract users call; they validate input and check the
adapter's capabilities *before* any I/O, then hand over to the ``_``-prefixed hooks an
adapter implements. Results come back bound to the adapter, so ``invite.delete()`` works.
"""

from __future__ import annotations

import abc
from typing import Any, ClassVar, TypeVar, cast

from msgspec.structs import force_setattr
from typing_extensions import Self

from invitekit._instances import links_by_name, owner_name
from invitekit._validation import check_id, check_limit, check_reason
from invitekit.capabilities import Capability
from invitekit.errors import InvalidArgument, InvalidInviteLink, InviteError, UnsupportedOperation
from invitekit.links import LinkRules, LinkScanner
from invitekit.models import BaseInvite, JoinResult, PrivateInvite, PublicInvite
from invitekit.refs import InviteRef

__all__ = ["Adapter", "PayloadInput"]

PayloadInput = Any
"""What the ``decode_*`` functions take: JSON ``bytes``/``str`` or already-parsed data."""

_InviteT = TypeVar("_InviteT", bound=BaseInvite)


def _not_ours(text: str, owner: str) -> str:
    """Why ``text`` is no link to an invite of ``owner``, naming whose link it is as far as
    the registered platforms' official links tell."""
    from invitekit.registry import default_scanner

    try:
        ref = default_scanner().match_url(text.strip().removeprefix("<").removesuffix(">"))
    except InviteError:
        ref = None
    if ref is None:
        return f"{text!r} is not a link to a {owner} invite"
    return f"{text!r} is a link to a {ref.platform} invite, not to a {owner} one"


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
    def instance(self) -> str | None:
        """The instance of the platform this adapter talks to: ``None`` for the official
        one, else the self-hosted instance's name (usually its link host). Invites this
        adapter returns carry it, so equal codes on two instances stay apart."""
        return None

    @property
    def active_link_rules(self) -> LinkRules:
        """The link rules of this adapter's instance: for a self-hosted one, its own
        hosts and canonical link. Clients scan text with these, and bound invites print
        with them."""
        return self.link_rules

    @classmethod
    def instance_link_rules(cls, instance: str) -> LinkRules:
        """The link rules of a self-hosted ``instance`` of this platform, for invites and
        refs that carry it but are bound to no adapter.

        An instance named after a host (a name with a dot) has links on that host, if
        the platform declares a ``self_hosted_prefix``; a label such as ``"work"`` tells
        nothing of where its links live.

        Raises:
            InvalidArgument: The platform cannot be self-hosted, or ``instance`` is not a
                host name.
        """
        rules = cls.link_rules
        if rules.self_hosted_prefix is None or not links_by_name(instance):
            raise InvalidArgument(
                f"{cls.__name__} cannot link to invites of the instance {instance!r}",
                platform=cls.platform,
            )
        return rules.self_hosted(instance=instance)

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
        self, code: str | InviteRef, *, with_counts: bool = True, event_id: str | None = None
    ) -> PublicInvite:
        """Resolve ``code`` into the public view of its invite, bound to this adapter.

        ``code`` is a bare code, a link of this adapter's instance as users paste it
        (its event, if it names one, is used unless ``event_id`` is given), or an
        ``InviteRef``.

        Raises:
            InvalidInviteLink: ``code`` could not be placed in a request path, or is a
                link or ref of another platform or instance.
            InvalidArgument: ``event_id`` could not be placed in a request.
            UnsupportedOperation: The adapter cannot fetch invites.
            InviteNotFound: No such invite (expired, used up, deleted).
            HTTPError: Another failure the platform reported.
            TransportError: The request did not complete.
        """
        ref = self._precheck("fetch_invite", code)
        if event_id is None:
            event_id = ref.event_id
        else:
            check_id(event_id, what="event id", platform=self.platform)
        invite = await self._fetch_ref(ref, with_counts=with_counts, event_id=event_id)
        return self.bind(invite)

    async def accept(self, code: str | InviteRef) -> JoinResult:
        """Join the server or group ``code`` (a code, link or ref) leads to, as this
        adapter's account.

        Raises:
            InvalidInviteLink: ``code`` could not be placed in a request path, or is a
                link or ref of another platform or instance.
            UnsupportedOperation: The adapter cannot accept invites.
            InviteNotFound: No such invite.
            BotAccountRejected, TooManyServers, Banned, GroupTooLarge, AlreadyMember:
                The platform refused the join for that reason.
            HTTPError: Another failure the platform reported.
            TransportError: The request did not complete.
        """
        ref = self._precheck("accept", code)
        joined = await self._accept_ref(ref)
        if self.instance is not None:
            force_setattr(joined, "instance", self.instance)
        return joined

    async def delete(self, code: str | InviteRef, *, reason: str | None = None) -> None:
        """Delete the invite ``code`` (a code, link or ref); ``reason`` goes to the audit
        log where supported.

        Raises:
            InvalidInviteLink: ``code`` could not be placed in a request path, or is a
                link or ref of another platform or instance.
            InvalidArgument: ``reason`` contains a line break or a control character.
                (Spaces around it are dropped, and a blank one is no reason.)
            UnsupportedOperation: The adapter cannot delete invites.
            InviteNotFound: No such invite.
            MissingPermissions: The account may not delete it.
            HTTPError: Another failure the platform reported.
            TransportError: The request did not complete.
        """
        ref = self._precheck("delete", code)
        reason = check_reason(reason, platform=self.platform)
        await self._delete(ref.code, reason=reason)

    async def revoke(self, code: str | InviteRef, *, reason: str | None = None) -> None:
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
        reason = check_reason(reason, platform=self.platform)
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

        An invite of no instance (as the pure decoders make them) takes this adapter's.

        Raises:
            InvalidArgument: The invite belongs to another platform or instance.
        """
        instance = self.instance
        if invite.platform != self.platform or invite.instance not in (None, instance):
            raise InvalidArgument(
                f"cannot bind a {owner_name(invite.platform, invite.instance)} invite to a "
                f"{owner_name(self.platform, instance)} adapter",
                platform=self.platform,
            )
        if instance is not None:
            force_setattr(invite, "instance", instance)
        force_setattr(invite, "_adapter", self)
        return invite

    def ref(self, target: str | InviteRef) -> InviteRef:
        """The invite ``target`` names on this adapter's instance: a bare code, a link of
        this instance (with ``<…>`` and surrounding spaces allowed) or an ``InviteRef``.

        Raises:
            InvalidInviteLink: ``target`` is not a well-formed code, or is a link or ref
                of another platform or instance (the message names both).
        """
        given: object = target  # callers' annotations are not checked at runtime
        if isinstance(given, InviteRef):
            ref = given
        elif isinstance(given, str) and "/" in given:
            found = self._link_scanner().match_url(
                given.strip().removeprefix("<").removesuffix(">")
            )
            if found is None:
                raise InvalidInviteLink(
                    _not_ours(given, owner_name(self.platform, self.instance)),
                    platform=self.platform,
                )
            ref = found
        else:
            # InviteRef checks the code, whatever its type, on construction.
            return InviteRef(self.platform, cast(str, given), None, self.instance)
        if ref.platform != self.platform or ref.instance != self.instance:
            raise InvalidInviteLink(
                f"{ref.code!r} is a {owner_name(ref.platform, ref.instance)} invite, "
                f"not a {owner_name(self.platform, self.instance)} one",
                platform=self.platform,
            )
        return ref

    def __repr__(self) -> str:
        instance = "" if self.instance is None else f" instance={self.instance!r}"
        return f"<{type(self).__name__} platform={self.platform!r}{instance}>"

    # -- hooks for implementers ---------------------------------------------------------

    def _precheck(self, verb: str, code: str | InviteRef) -> InviteRef:
        self.require(_VERB_CAPABILITY[verb])
        return self.ref(code)

    def _link_scanner(self) -> LinkScanner:
        rules = self.active_link_rules
        cached: tuple[LinkRules, LinkScanner] | None = self.__dict__.get("_invitekit_scanner")
        if cached is None or cached[0] is not rules:
            cached = (rules, LinkScanner([rules]))
            self.__dict__["_invitekit_scanner"] = cached
        return cached[1]

    @abc.abstractmethod
    async def _fetch_invite(
        self, code: str, *, with_counts: bool, event_id: str | None
    ) -> PublicInvite:
        """Fetch the public invite; input is already validated."""

    async def _fetch_ref(
        self, ref: InviteRef, *, with_counts: bool, event_id: str | None
    ) -> PublicInvite:
        """Fetch the invite ``ref`` names; input is already validated.

        The default hands ``ref.code`` to ``_fetch_invite``. Adapters that need more of
        the ref (Matrix's ``via`` servers) override this one instead.
        """
        return await self._fetch_invite(ref.code, with_counts=with_counts, event_id=event_id)

    async def _accept_ref(self, ref: InviteRef) -> JoinResult:
        """Join through the invite ``ref`` names; called only if ``ACCEPT`` is supported.

        The default hands ``ref.code`` to ``_accept``; override it to use more of the ref.
        """
        return await self._accept(ref.code)

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
