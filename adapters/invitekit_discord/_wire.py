"""Discord's JSON payloads as msgspec structs: private, lenient, one decoder each.

Real payloads omit keys the spec calls required (the docs' own example invite has no
``expires_at``), so nearly every field has a default; only what identifies an object
(an invite's ``code``, a guild's or role's ``id``) is required. Unknown keys are ignored.
Snowflakes stay strings. ``UNSET`` marks a key that was absent where that differs from
``null`` (``expires_at``: absent means "not said", ``null`` means "never"). Every struct
is ``gc=False``: decoded JSON cannot hold a reference cycle, and untracked structs are
cheaper to allocate and free.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, TypeAlias

import msgspec
from msgspec import UNSET, UnsetType

__all__ = [
    "ERROR_DECODER",
    "GATEWAY_CREATE_DECODER",
    "GATEWAY_DELETE_DECODER",
    "GUILD_INVITE_DECODER",
    "INVITE_DECODER",
    "INVITE_LIST_DECODER",
    "JOB_STATUS_DECODER",
    "RAW_LIST_DECODER",
    "VANITY_DECODER",
    "Application",
    "Channel",
    "ErrorBody",
    "FriendInvite",
    "GatewayInviteCreate",
    "GatewayInviteDelete",
    "GroupDMInvite",
    "Guild",
    "GuildInvite",
    "GuildInviteBody",
    "InviteBody",
    "InvitePayload",
    "JobStatus",
    "Recipient",
    "Role",
    "ScheduledEvent",
    "User",
    "VanityURL",
]

Code = Annotated[str, msgspec.Meta(min_length=1)]
Snowflake = Annotated[str, msgspec.Meta(pattern="^[0-9]{1,20}$")]


class User(msgspec.Struct, kw_only=True, gc=False):
    id: str | None = None
    username: str | None = None
    global_name: str | None = None
    avatar: str | None = None
    bot: bool | None = None


class Recipient(msgspec.Struct, kw_only=True, gc=False):
    """A group DM member; some sources send only ``username``."""

    id: str | None = None
    username: str | None = None
    avatar: str | None = None


class Guild(msgspec.Struct, kw_only=True, gc=False):
    id: str
    name: str | None = None
    splash: str | None = None
    banner: str | None = None
    description: str | None = None
    icon: str | None = None
    features: tuple[str, ...] | None = None
    verification_level: int | None = None
    vanity_url_code: str | None = None
    nsfw_level: int | None = None
    nsfw: bool | None = None
    premium_subscription_count: int | None = None


class Channel(msgspec.Struct, kw_only=True, gc=False):
    id: str | None = None
    type: int | None = None
    name: str | None = None
    icon: str | None = None
    recipients: list[Recipient] | None = None


class RoleColors(msgspec.Struct, kw_only=True, gc=False):
    primary_color: int | None = None
    secondary_color: int | None = None
    tertiary_color: int | None = None


class Role(msgspec.Struct, kw_only=True, gc=False):
    id: str
    name: str | None = None
    position: int | None = None
    color: int | None = None
    colors: RoleColors | None = None
    icon: str | None = None
    unicode_emoji: str | None = None
    permissions: str | None = None


class EntityMetadata(msgspec.Struct, kw_only=True, gc=False):
    location: str | None = None


class ScheduledEvent(msgspec.Struct, kw_only=True, gc=False):
    id: str
    guild_id: str | None = None
    channel_id: str | None = None
    creator_id: str | None = None
    name: str | None = None
    description: str | None = None
    scheduled_start_time: datetime | None = None
    scheduled_end_time: datetime | None = None
    privacy_level: int | None = None
    status: int | None = None
    entity_type: int | None = None
    entity_id: str | None = None
    entity_metadata: EntityMetadata | None = None
    user_count: int | None = None
    image: str | None = None


class Application(msgspec.Struct, kw_only=True, gc=False):
    id: str
    name: str | None = None
    description: str | None = None
    icon: str | None = None
    cover_image: str | None = None


class InviteBody(msgspec.Struct, kw_only=True, gc=False):
    """What every invite type has, metadata included (absent outside owner views)."""

    code: Code
    inviter: User | None = None
    expires_at: datetime | UnsetType | None = UNSET
    flags: int | None = None
    uses: int | None = None
    max_uses: int | None = None
    max_age: int | None = None
    temporary: bool | None = None
    created_at: datetime | None = None
    approximate_member_count: int | None = None
    channel: Channel | None = None


class GuildInviteBody(InviteBody, kw_only=True):
    guild: Guild | None = None
    guild_id: str | None = None
    target_type: int | None = None
    target_user: User | None = None
    target_application: Application | None = None
    approximate_presence_count: int | None = None
    guild_scheduled_event: ScheduledEvent | None = None
    roles: list[Role] | None = None


class GuildInvite(GuildInviteBody, tag_field="type", tag=0, kw_only=True):
    pass


class GroupDMInvite(InviteBody, tag_field="type", tag=1, kw_only=True):
    pass


class FriendInvite(InviteBody, tag_field="type", tag=2, kw_only=True):
    friends_count: int | None = None


InvitePayload: TypeAlias = GuildInvite | GroupDMInvite | FriendInvite


class VanityURL(msgspec.Struct, kw_only=True, gc=False):
    code: str | None = None
    uses: int = 0


class JobStatus(msgspec.Struct, kw_only=True, gc=False):
    status: int
    total_users: int | None = None
    processed_users: int | None = None
    created_at: datetime | None = None
    completed_at: datetime | None = None
    error_message: str | None = None


class GatewayInviteCreate(msgspec.Struct, kw_only=True, gc=False):
    """The ``INVITE_CREATE`` dispatch: flat ids instead of objects, role ids instead of roles.

    What the gateway docs list without a ``?`` is required, except ``uses`` (always 0,
    so its absence says the same) and ``expires_at`` (absent from captures made
    before 2025; the lifetime then gives it).
    """

    channel_id: Snowflake
    code: Code
    created_at: datetime
    max_age: int
    max_uses: int
    temporary: bool
    uses: int = 0
    guild_id: Snowflake | None = None
    inviter: User | None = None
    target_type: int | None = None
    target_user: User | None = None
    target_application: Application | None = None
    expires_at: datetime | UnsetType | None = UNSET
    role_ids: list[Snowflake] | None = None


class GatewayInviteDelete(msgspec.Struct, kw_only=True, gc=False):
    """The ``INVITE_DELETE`` dispatch."""

    channel_id: Snowflake
    code: Code
    guild_id: Snowflake | None = None


class ErrorBody(msgspec.Struct, kw_only=True, gc=False):
    """An error or 429 body; ``errors`` is the nested field-error tree of 400s."""

    code: int | None = None
    message: str | None = None
    errors: dict[str, Any] | None = None
    retry_after: float | None = None
    global_: bool | None = msgspec.field(default=None, name="global")


INVITE_DECODER: msgspec.json.Decoder[InvitePayload] = msgspec.json.Decoder(InvitePayload)
INVITE_LIST_DECODER: msgspec.json.Decoder[list[InvitePayload]] = msgspec.json.Decoder(
    list[InvitePayload]
)
GUILD_INVITE_DECODER: msgspec.json.Decoder[GuildInviteBody] = msgspec.json.Decoder(GuildInviteBody)
RAW_LIST_DECODER: msgspec.json.Decoder[list[msgspec.Raw]] = msgspec.json.Decoder(list[msgspec.Raw])
VANITY_DECODER: msgspec.json.Decoder[VanityURL] = msgspec.json.Decoder(VanityURL)
JOB_STATUS_DECODER: msgspec.json.Decoder[JobStatus] = msgspec.json.Decoder(JobStatus)
ERROR_DECODER: msgspec.json.Decoder[ErrorBody] = msgspec.json.Decoder(ErrorBody)
GATEWAY_CREATE_DECODER: msgspec.json.Decoder[GatewayInviteCreate] = msgspec.json.Decoder(
    GatewayInviteCreate
)
GATEWAY_DELETE_DECODER: msgspec.json.Decoder[GatewayInviteDelete] = msgspec.json.Decoder(
    GatewayInviteDelete
)
