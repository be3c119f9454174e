"""The msgspec floor: the same bytes decoded into bare Structs holding only what a user reads.

"What a user reads" is the information invitekit's platform-neutral models carry — code,
server, channel, inviter, counts, limits, times, the event id — with nothing converted:
no URLs built from asset hashes, no enums, no platform details. Plain ``msgspec.Struct``
with default options, one ``Decoder`` each: what anyone would write by hand in a minute.
Nothing decodes these bytes into something useful faster.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

__all__ = [
    "DISCORD_GROUP",
    "DISCORD_GUILD",
    "DISCORD_GUILD_ALL",
    "DISCORD_LISTED",
    "STOAT_GROUP",
    "STOAT_LISTED",
    "STOAT_SERVER",
]


class DiscordUser(msgspec.Struct):
    id: str | None = None
    username: str | None = None
    global_name: str | None = None
    avatar: str | None = None
    bot: bool | None = None


class DiscordGuild(msgspec.Struct):
    id: str
    name: str | None = None
    description: str | None = None
    icon: str | None = None
    banner: str | None = None
    splash: str | None = None
    features: list[str] = []
    vanity_url_code: str | None = None
    nsfw: bool | None = None


class DiscordChannel(msgspec.Struct):
    id: str | None = None
    name: str | None = None
    type: int | None = None


class DiscordEvent(msgspec.Struct):
    id: str


class DiscordGuildInvite(msgspec.Struct):
    code: str
    guild: DiscordGuild | None = None
    channel: DiscordChannel | None = None
    inviter: DiscordUser | None = None
    approximate_member_count: int | None = None
    approximate_presence_count: int | None = None
    expires_at: datetime | None = None
    guild_scheduled_event: DiscordEvent | None = None


class DiscordGroupInvite(msgspec.Struct):
    code: str
    channel: DiscordChannel | None = None
    inviter: DiscordUser | None = None
    approximate_member_count: int | None = None
    expires_at: datetime | None = None


class DiscordListedInvite(msgspec.Struct):
    code: str
    guild_id: str | None = None
    guild: DiscordGuild | None = None
    channel: DiscordChannel | None = None
    inviter: DiscordUser | None = None
    uses: int | None = None
    max_uses: int | None = None
    max_age: int | None = None
    temporary: bool | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None


class DiscordGuildAll(DiscordGuild):
    verification_level: int | None = None
    nsfw_level: int | None = None
    premium_subscription_count: int | None = None


class DiscordEntityMetadata(msgspec.Struct):
    location: str | None = None


class DiscordEventAll(msgspec.Struct):
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
    entity_metadata: DiscordEntityMetadata | None = None
    user_count: int | None = None
    image: str | None = None


class DiscordGuildInviteAll(msgspec.Struct):
    """The floor's guild invite plus what only Discord has and invitekit keeps in
    ``details``: the whole scheduled event, the flags, the type, the guild's levels."""

    code: str
    type: int | None = None
    flags: int | None = None
    guild_id: str | None = None
    guild: DiscordGuildAll | None = None
    channel: DiscordChannel | None = None
    inviter: DiscordUser | None = None
    approximate_member_count: int | None = None
    approximate_presence_count: int | None = None
    expires_at: datetime | None = None
    guild_scheduled_event: DiscordEventAll | None = None


DISCORD_GUILD = msgspec.json.Decoder(DiscordGuildInvite)
DISCORD_GUILD_ALL = msgspec.json.Decoder(DiscordGuildInviteAll)
"""Not the floor: the same bytes into bare Structs holding everything invitekit keeps, to
tell what the model costs from what the information it keeps costs."""
DISCORD_GROUP = msgspec.json.Decoder(DiscordGroupInvite)
DISCORD_LISTED = msgspec.json.Decoder(list[DiscordListedInvite])


class StoatFile(msgspec.Struct):
    id: str = msgspec.field(name="_id")
    tag: str = ""


class StoatServerInvite(msgspec.Struct):
    code: str
    server_id: str
    server_name: str
    channel_id: str
    channel_name: str
    user_name: str
    member_count: int
    server_icon: StoatFile | None = None
    server_banner: StoatFile | None = None
    channel_description: str | None = None
    user_avatar: StoatFile | None = None


class StoatGroupInvite(msgspec.Struct):
    code: str
    channel_id: str
    channel_name: str
    user_name: str
    channel_description: str | None = None
    user_avatar: StoatFile | None = None


class StoatPrivateInvite(msgspec.Struct):
    code: str = msgspec.field(name="_id")
    creator: str = ""
    channel: str = ""
    server: str | None = None


STOAT_SERVER = msgspec.json.Decoder(StoatServerInvite)
STOAT_GROUP = msgspec.json.Decoder(StoatGroupInvite)
STOAT_LISTED = msgspec.json.Decoder(list[StoatPrivateInvite])
