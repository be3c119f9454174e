"""Platform-neutral invite models.

Every model is an immutable ``msgspec.Struct``. Invites compare and hash by
``(platform, instance, code)``, so the public and the private view of one invite are
equal and deduplicate in a set, while equal codes on two instances of a platform (the
official Stoat and a self-hosted one) stay different invites. ``str(invite)`` is its
canonical link on the instance it came from.

The small parts (server, channel, user) are ``gc=False``: they hold only strings,
numbers and tuples of strings, so they can never be part of a reference cycle, and the
garbage collector need not track them (16 bytes less each, and cheaper to create).

Fields a platform does not send are ``None``; nothing is invented. Details only one
platform has stay reachable through ``details``, an adapter-defined ``PlatformDetails``.
"""

from __future__ import annotations

import contextlib
import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeAlias

import msgspec

from invitekit.errors import UnboundInvite

if TYPE_CHECKING:
    from invitekit.adapter import Adapter
    from invitekit.refs import InviteRef

__all__ = [
    "BaseInvite",
    "ChannelType",
    "GroupInvite",
    "InviteChannel",
    "InviteServer",
    "InviteUser",
    "JoinResult",
    "JoinedGroup",
    "JoinedServer",
    "PlatformDetails",
    "PrivateInvite",
    "PublicFriendInvite",
    "PublicGroupInvite",
    "PublicInvite",
    "PublicServerInvite",
    "ServerInvite",
    "UnknownPrivateInvite",
    "UnknownPublicInvite",
]


class ChannelType(str, enum.Enum):
    """The platform-neutral kind of a channel an invite leads to."""

    TEXT = "text"
    VOICE = "voice"
    GROUP = "group"
    DIRECT = "direct"
    ANNOUNCEMENT = "announcement"
    STAGE = "stage"
    FORUM = "forum"
    MEDIA = "media"
    CATEGORY = "category"
    OTHER = "other"
    """A kind invitekit does not map; the platform's own value is in ``details``."""


class PlatformDetails(msgspec.Struct, frozen=True, kw_only=True):
    """Base of the typed, platform-only details an adapter attaches to a model."""


class InviteServer(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """The server (Discord guild) an invite leads to, as far as the invite shows it."""

    id: str
    """The server's id on its platform."""
    name: str | None = None
    """The server's name."""
    description: str | None = None
    """The server's description, if it has one."""
    icon_url: str | None = None
    """A link to the server's icon image."""
    banner_url: str | None = None
    """A link to the server's banner image."""
    splash_url: str | None = None
    """A link to the server's invite background (Discord's splash)."""
    features: tuple[str, ...] = ()
    """The platform's feature flags of the server, as the platform names them."""
    vanity_code: str | None = None
    """The server's vanity invite code, if it has one."""
    nsfw: bool | None = None
    """Whether the platform marks the server as not safe for work."""


class InviteChannel(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """The channel or group an invite leads to."""

    id: str | None = None
    """The channel's or group's id; ``None`` when the platform does not send it."""
    name: str | None = None
    """The channel's or group's name."""
    type: ChannelType | None = None
    """The platform-neutral kind of channel."""
    description: str | None = None
    """The channel's description or topic."""


class InviteUser(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A user as an invite shows them (the inviter, a creator, a group member)."""

    id: str | None = None
    """The user's id; ``None`` when the platform shows only a name (Stoat's inviter)."""
    name: str | None = None
    """The user's account name."""
    display_name: str | None = None
    """The name the user shows, where it differs from ``name``."""
    avatar_url: str | None = None
    """A link to the user's avatar image."""
    bot: bool | None = None
    """Whether the account is a bot, where the platform says."""


class BaseInvite(msgspec.Struct, frozen=True, kw_only=True, eq=False):
    """Root of every invite model.

    Invites produced by an adapter are *bound* to it: ``accept``, ``delete`` and
    ``revoke`` go to that adapter. Invites built by the pure ``decode_*`` functions or by
    hand are unbound and raise ``UnboundInvite`` on those calls.
    """

    platform: str
    """The registry name of the platform (``"discord"``, ``"stoat"`` …)."""
    code: str
    """The invite code, as the platform spells it (codes are usually case-sensitive)."""
    event_id: str | None = None
    """The scheduled event the link points at (Discord ``?event=``), if any."""
    instance: str | None = None
    """The self-hosted instance the invite lives on, or ``None`` for the official one;
    set from the adapter an invite is bound to."""
    _adapter: Adapter | None = None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, BaseInvite):
            return (
                self.code == other.code
                and self.platform == other.platform
                and self.instance == other.instance
            )
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.platform, self.instance, self.code))

    def __str__(self) -> str:
        """The canonical link (see ``url``); never raises: an invite no adapter can link
        prints as ``platform:code`` (``platform@instance:code``)."""
        if self._adapter is not None:
            # A broken adapter must not break printing: the registry may know the links.
            with contextlib.suppress(Exception):
                return self.url
        from invitekit.refs import printable_url

        return printable_url(self.platform, self.code, self.event_id, self.instance)

    def __repr__(self) -> str:
        # The bound adapter is left out: it is plumbing, and its repr is not the invite's.
        fields = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in self.__struct_fields__
            if name != "_adapter"
        )
        return f"{type(self).__name__}({fields})"

    @property
    def url(self) -> str:
        """The canonical link on the invite's instance, e.g. ``https://discord.gg/CODE``.

        A bound invite takes it from its adapter (a self-hosted instance's own host); an
        unbound one from the registry.

        Raises:
            UnknownPlatform: The invite is unbound and no adapter is registered for
                ``platform``.
            InvalidArgument: The invite is unbound and its adapter cannot link to
                ``instance``.
        """
        if self._adapter is not None:
            return self._adapter.active_link_rules.canonical_url(self.code, self.event_id)
        from invitekit.registry import link_rules_for

        return link_rules_for(self.platform, self.instance).canonical_url(self.code, self.event_id)

    @property
    def ref(self) -> InviteRef:
        """This invite as an ``InviteRef``."""
        from invitekit.refs import InviteRef

        return InviteRef(self.platform, self.code, self.event_id, self.instance)

    @property
    def adapter(self) -> Adapter | None:
        """The adapter this invite is bound to, or ``None``."""
        return self._adapter

    def _bound_adapter(self) -> Adapter:
        if self._adapter is None:
            raise UnboundInvite(
                f"invite {self.code!r} is not bound to an adapter; fetch it through an "
                "adapter or client, or call the adapter's verb with its code",
                platform=self.platform,
            )
        return self._adapter

    async def accept(self) -> JoinResult:
        """Join the server or group this invite leads to.

        Raises:
            UnboundInvite: No adapter produced this invite.
            UnsupportedOperation: The adapter cannot accept invites.
            HTTPError: A subclass per failure (``InviteNotFound``, ``Banned``,
                ``AlreadyMember``, ``GroupTooLarge``, ``BotAccountRejected``,
                ``TooManyServers`` …).
        """
        return await self._bound_adapter().accept(self.code)

    async def delete(self, *, reason: str | None = None) -> None:
        """Delete this invite.

        Raises:
            UnboundInvite: No adapter produced this invite.
            UnsupportedOperation: The adapter cannot delete invites.
            InvalidArgument: ``reason`` contains a line break.
            HTTPError: ``InviteNotFound``, ``MissingPermissions`` and the like.
            TransportError: The request did not complete.
        """
        await self._bound_adapter().delete(self.code, reason=reason)

    async def revoke(self, *, reason: str | None = None) -> None:
        """Revoke this invite: the same as ``delete``, under the name some platforms use.

        Raises:
            UnboundInvite, UnsupportedOperation, HTTPError: As for ``delete``.
        """
        await self.delete(reason=reason)


class PublicServerInvite(BaseInvite, frozen=True, kw_only=True, eq=False):
    """What anyone sees when resolving an invite to a server."""

    server: InviteServer
    """The server the invite leads to."""
    channel: InviteChannel | None = None
    """The channel new members land in."""
    inviter: InviteUser | None = None
    """Who created the invite."""
    member_count: int | None = None
    """About how many members the server has."""
    presence_count: int | None = None
    """About how many members are online (Discord, with counts)."""
    expires_at: datetime | None = None
    """When the invite stops working; ``None`` if never or not said."""
    details: PlatformDetails | None = None
    """Data only this platform has (see the platform's page)."""


class PublicGroupInvite(BaseInvite, frozen=True, kw_only=True, eq=False):
    """What anyone sees when resolving an invite to a group (group DM)."""

    channel: InviteChannel | None = None
    """The group the invite leads to."""
    inviter: InviteUser | None = None
    """Who created the invite."""
    member_count: int | None = None
    """How many members the group has, where the platform says."""
    expires_at: datetime | None = None
    """When the invite stops working; ``None`` if never or not said."""
    details: PlatformDetails | None = None
    """Data only this platform has."""


class PublicFriendInvite(BaseInvite, frozen=True, kw_only=True, eq=False):
    """What anyone sees when resolving a friend invite."""

    channel: InviteChannel | None = None
    """The direct-message channel with the inviter, where the platform sends one."""
    inviter: InviteUser | None = None
    """The user who would become a friend."""
    expires_at: datetime | None = None
    """When the invite stops working; ``None`` if never or not said."""
    details: PlatformDetails | None = None
    """Data only this platform has."""


class UnknownPublicInvite(BaseInvite, frozen=True, kw_only=True, eq=False):
    """A public invite of a type the adapter does not know yet, or of a known type
    without what its model needs (a server invite naming no server); ``raw`` is the
    payload."""

    raw: dict[str, Any]
    """The payload as the platform sent it."""


class _PrivateFields(BaseInvite, frozen=True, kw_only=True, eq=False):
    channel_id: str | None = None
    """The channel or group the invite leads to."""
    creator_id: str | None = None
    """The id of the account that created the invite."""
    uses: int | None = None
    """How often the invite was used; ``None`` when the platform does not say."""
    max_uses: int | None = None
    """The most uses it allows; ``None`` if unlimited or not said."""
    max_age: int | None = None
    """Lifetime in seconds; ``None`` if it never expires or not said."""
    temporary: bool | None = None
    """Whether members who joined through it are removed when they go offline;
    ``None`` when the platform does not say."""
    created_at: datetime | None = None
    """When the invite was created, where the platform says."""
    expires_at: datetime | None = None
    """When the invite stops working; ``None`` if never or not said."""
    channel: InviteChannel | None = None
    """The channel, where the platform sends more than its id."""
    creator: InviteUser | None = None
    """The creator, where the platform sends more than an id."""
    details: PlatformDetails | None = None
    """Data only this platform has."""


class ServerInvite(_PrivateFields, frozen=True, kw_only=True, eq=False):
    """A server invite as its owner sees it (listed or just created)."""

    server_id: str
    """The server the invite belongs to."""
    server: InviteServer | None = None
    """The server, where the platform sends more than its id."""


class GroupInvite(_PrivateFields, frozen=True, kw_only=True, eq=False):
    """A group invite as its owner sees it."""


class UnknownPrivateInvite(BaseInvite, frozen=True, kw_only=True, eq=False):
    """A private invite of a type the adapter does not know yet, or of a known type
    without what its model needs (a server invite naming no server); ``raw`` is the
    payload."""

    raw: dict[str, Any]
    """The payload as the platform sent it."""


class JoinedServer(msgspec.Struct, frozen=True, kw_only=True):
    """The result of accepting a server invite."""

    platform: str
    """The registry name of the platform."""
    code: str
    """The invite code that was used."""
    instance: str | None = None
    """The self-hosted instance joined on, or ``None`` for the official one."""
    server: InviteServer
    """The server that was joined."""
    channels: tuple[InviteChannel, ...] = ()
    """The server's channels, as far as the platform sends them."""
    details: PlatformDetails | None = None
    """Data only this platform has."""


class JoinedGroup(msgspec.Struct, frozen=True, kw_only=True):
    """The result of accepting a group invite."""

    platform: str
    """The registry name of the platform."""
    code: str
    """The invite code that was used."""
    instance: str | None = None
    """The self-hosted instance joined on, or ``None`` for the official one."""
    channel: InviteChannel
    """The group that was joined."""
    members: tuple[InviteUser, ...] = ()
    """The group's members, as far as the platform sends them."""
    details: PlatformDetails | None = None
    """Data only this platform has."""


PublicInvite: TypeAlias = (
    PublicServerInvite | PublicGroupInvite | PublicFriendInvite | UnknownPublicInvite
)
"""Any invite as anyone resolving its code sees it."""

PrivateInvite: TypeAlias = ServerInvite | GroupInvite | UnknownPrivateInvite
"""Any invite as the owner of its server or channel sees it."""

JoinResult: TypeAlias = JoinedServer | JoinedGroup
"""What ``accept`` returns."""
