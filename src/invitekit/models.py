"""Platform-neutral invite models.

Every model is an immutable ``msgspec.Struct``. Invites compare and hash by
``(platform, code)``, so the public and the private view of one invite are equal and
deduplicate in a set. ``str(invite)`` is its canonical link.

Fields a platform does not send are ``None``; nothing is invented. Details only one
platform has stay reachable through ``details``, an adapter-defined ``PlatformDetails``.
"""

from __future__ import annotations

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


class InviteServer(msgspec.Struct, frozen=True, kw_only=True):
    """The server (Discord guild) an invite leads to, as far as the invite shows it."""

    id: str
    name: str | None = None
    description: str | None = None
    icon_url: str | None = None
    banner_url: str | None = None
    splash_url: str | None = None
    features: tuple[str, ...] = ()
    vanity_code: str | None = None
    nsfw: bool | None = None


class InviteChannel(msgspec.Struct, frozen=True, kw_only=True):
    """The channel or group an invite leads to."""

    id: str | None = None
    name: str | None = None
    type: ChannelType | None = None
    description: str | None = None


class InviteUser(msgspec.Struct, frozen=True, kw_only=True):
    """A user as an invite shows them (the inviter, a creator, a group member)."""

    id: str | None = None
    name: str | None = None
    display_name: str | None = None
    avatar_url: str | None = None
    bot: bool | None = None


def _canonical_url(platform: str, code: str, event_id: str | None) -> str:
    from invitekit.registry import link_rules_for

    return link_rules_for(platform).canonical_url(code, event_id)


class BaseInvite(msgspec.Struct, frozen=True, kw_only=True, eq=False):
    """Root of every invite model.

    Invites produced by an adapter are *bound* to it: ``accept``, ``delete`` and
    ``revoke`` go to that adapter. Invites built by the pure ``decode_*`` functions or by
    hand are unbound and raise ``UnboundInvite`` on those calls.
    """

    platform: str
    code: str
    event_id: str | None = None
    """The scheduled event the link points at (Discord ``?event=``), if any."""
    _adapter: Adapter | None = None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, BaseInvite):
            return self.platform == other.platform and self.code == other.code
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.platform, self.code))

    def __str__(self) -> str:
        return self.url

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
        """The canonical link, e.g. ``https://discord.gg/CODE``.

        Raises:
            UnknownPlatform: No adapter is registered for ``platform``.
        """
        return _canonical_url(self.platform, self.code, self.event_id)

    @property
    def ref(self) -> InviteRef:
        """This invite as an ``InviteRef``."""
        from invitekit.refs import InviteRef

        return InviteRef(self.platform, self.code, self.event_id)

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
            HTTPError: ``InviteNotFound``, ``MissingPermissions`` and the like.
        """
        await self._bound_adapter().delete(self.code, reason=reason)

    async def revoke(self, *, reason: str | None = None) -> None:
        """Revoke this invite: the same as ``delete``, under the name some platforms use."""
        await self.delete(reason=reason)


class PublicServerInvite(BaseInvite, frozen=True, kw_only=True, eq=False):
    """What anyone sees when resolving an invite to a server."""

    server: InviteServer
    channel: InviteChannel | None = None
    inviter: InviteUser | None = None
    member_count: int | None = None
    presence_count: int | None = None
    expires_at: datetime | None = None
    details: PlatformDetails | None = None


class PublicGroupInvite(BaseInvite, frozen=True, kw_only=True, eq=False):
    """What anyone sees when resolving an invite to a group (group DM)."""

    channel: InviteChannel | None = None
    inviter: InviteUser | None = None
    member_count: int | None = None
    expires_at: datetime | None = None
    details: PlatformDetails | None = None


class PublicFriendInvite(BaseInvite, frozen=True, kw_only=True, eq=False):
    """What anyone sees when resolving a friend invite."""

    inviter: InviteUser | None = None
    expires_at: datetime | None = None
    details: PlatformDetails | None = None


class UnknownPublicInvite(BaseInvite, frozen=True, kw_only=True, eq=False):
    """A public invite of a type the adapter does not know yet; ``raw`` is the payload."""

    raw: dict[str, Any]


class _PrivateFields(BaseInvite, frozen=True, kw_only=True, eq=False):
    channel_id: str | None = None
    creator_id: str | None = None
    uses: int | None = None
    """How often the invite was used; ``None`` when the platform does not say."""
    max_uses: int | None = None
    """``None`` means unlimited."""
    max_age: int | None = None
    """Lifetime in seconds; ``None`` means it never expires."""
    temporary: bool = False
    created_at: datetime | None = None
    expires_at: datetime | None = None
    channel: InviteChannel | None = None
    creator: InviteUser | None = None
    details: PlatformDetails | None = None


class ServerInvite(_PrivateFields, frozen=True, kw_only=True, eq=False):
    """A server invite as its owner sees it (listed or just created)."""

    server_id: str
    server: InviteServer | None = None


class GroupInvite(_PrivateFields, frozen=True, kw_only=True, eq=False):
    """A group invite as its owner sees it."""


class UnknownPrivateInvite(BaseInvite, frozen=True, kw_only=True, eq=False):
    """A private invite of a type the adapter does not know yet; ``raw`` is the payload."""

    raw: dict[str, Any]


class JoinedServer(msgspec.Struct, frozen=True, kw_only=True):
    """The result of accepting a server invite."""

    platform: str
    code: str
    server: InviteServer
    channels: tuple[InviteChannel, ...] = ()
    details: PlatformDetails | None = None


class JoinedGroup(msgspec.Struct, frozen=True, kw_only=True):
    """The result of accepting a group invite."""

    platform: str
    code: str
    channel: InviteChannel
    members: tuple[InviteUser, ...] = ()
    details: PlatformDetails | None = None


PublicInvite: TypeAlias = (
    PublicServerInvite | PublicGroupInvite | PublicFriendInvite | UnknownPublicInvite
)
"""Any invite as anyone resolving its code sees it."""

PrivateInvite: TypeAlias = ServerInvite | GroupInvite | UnknownPrivateInvite
"""Any invite as the owner of its server or channel sees it."""

JoinResult: TypeAlias = JoinedServer | JoinedGroup
"""What ``accept`` returns."""
