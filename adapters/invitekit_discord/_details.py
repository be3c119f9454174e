"""Discord-only data, kept on the core models through ``details`` and returned by the
Discord-only verbs (vanity URL, target-users job).

The detail structs are ``gc=False``: they hold only strings, numbers and other such
structs, so they cannot form reference cycles and need no tracking by the collector.
"""

from __future__ import annotations

import enum
from datetime import datetime

import msgspec

from invitekit import InviteUser, PlatformDetails

__all__ = [
    "DiscordApplication",
    "DiscordInviteDetails",
    "DiscordRole",
    "DiscordScheduledEvent",
    "DiscordVanityURL",
    "InviteFlags",
    "InviteTargetType",
    "InviteType",
    "TargetUsersJob",
    "TargetUsersJobStatus",
]


class InviteType(enum.IntEnum):
    """Discord's invite ``type``."""

    GUILD = 0
    GROUP_DM = 1
    FRIEND = 2


class InviteTargetType(enum.IntEnum):
    """What a guild invite's voice channel target is (``target_type``)."""

    STREAM = 1
    EMBEDDED_APPLICATION = 2
    ROLE_SUBSCRIPTIONS_PURCHASE = 3


class InviteFlags(enum.IntFlag):
    """Guild invite flags."""

    IS_GUEST_INVITE = 1 << 0
    """A guest invite to a voice channel: joining gives access to that channel only."""


class TargetUsersJobStatus(enum.IntEnum):
    """How far Discord got processing an uploaded target-users list."""

    UNSPECIFIED = 0
    PROCESSING = 1
    COMPLETED = 2
    FAILED = 3


class DiscordRole(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A role joining through the invite grants (partial: what invites show)."""

    id: str
    name: str | None = None
    position: int | None = None
    color: int | None = None
    secondary_color: int | None = None
    tertiary_color: int | None = None
    icon_url: str | None = None
    unicode_emoji: str | None = None
    permissions: str | None = None


class DiscordScheduledEvent(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """The guild scheduled event an invite link points at (``?event=``)."""

    id: str
    guild_id: str | None = None
    channel_id: str | None = None
    creator_id: str | None = None
    name: str | None = None
    description: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    privacy_level: int | None = None
    status: int | None = None
    entity_type: int | None = None
    entity_id: str | None = None
    location: str | None = None
    user_count: int | None = None
    image_url: str | None = None


class DiscordApplication(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """The embedded application a voice-channel invite opens."""

    id: str
    name: str | None = None
    description: str | None = None
    icon_url: str | None = None
    cover_image_url: str | None = None


class DiscordInviteDetails(PlatformDetails, frozen=True, kw_only=True, gc=False):
    """Everything a Discord invite carries that the platform-neutral model does not.

    Integers are Discord's own values, kept raw so nothing new is lost; compare them
    with ``InviteType``, ``InviteTargetType`` and ``InviteFlags``.
    """

    invite_type: int | None = None
    """The payload's ``type``; ``None`` when it had none (then it is a guild invite)."""
    channel_type: int | None = None
    """Discord's channel type (0 text, 2 voice, 3 group DM, 13 stage …)."""
    guild_id: str | None = None
    target_type: int | None = None
    target_user: InviteUser | None = None
    """Whose stream the invite opens (``target_type`` 1)."""
    target_application: DiscordApplication | None = None
    scheduled_event: DiscordScheduledEvent | None = None
    roles: tuple[DiscordRole, ...] = ()
    """Roles members get when they join through this invite."""
    flags: int = 0
    verification_level: int | None = None
    nsfw_level: int | None = None
    premium_subscription_count: int | None = None
    channel_icon_url: str | None = None
    """A group DM's icon."""
    recipients: tuple[InviteUser, ...] = ()
    """A group DM's members, as far as the invite shows them."""
    friends_count: int | None = None
    has_metadata: bool = False
    """Whether the owner-view fields (uses, limits, creation time) came with the payload;
    guild listings without ``MANAGE_GUILD`` lack them."""

    @property
    def is_guest(self) -> bool:
        """Whether this is a guest invite to a voice channel."""
        return bool(self.flags & InviteFlags.IS_GUEST_INVITE)


class DiscordVanityURL(msgspec.Struct, frozen=True, kw_only=True):
    """A guild's vanity invite: its code (``None`` when unset) and how often it was used."""

    guild_id: str
    code: str | None
    uses: int

    @property
    def url(self) -> str | None:
        """``https://discord.gg/CODE``, or ``None`` when the guild has no vanity code."""
        return None if self.code is None else f"https://discord.gg/{self.code}"


class TargetUsersJob(msgspec.Struct, frozen=True, kw_only=True):
    """The processing state of a target-users upload."""

    status: int
    """A ``TargetUsersJobStatus`` value, raw."""
    total_users: int | None = None
    processed_users: int | None = None
    created_at: datetime | None = None
    completed_at: datetime | None = None
    error_message: str | None = None

    @property
    def done(self) -> bool:
        """Whether processing finished, successfully or not."""
        return self.status in (TargetUsersJobStatus.COMPLETED, TargetUsersJobStatus.FAILED)
