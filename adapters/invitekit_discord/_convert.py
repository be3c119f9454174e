"""Wire structs → invitekit models: the one place Discord's shapes meet the core's.

Fields Discord did not send stay ``None``: a missing avatar is not replaced by a
default one, a missing limit is not read as "unlimited" unless Discord's own ``0`` said so.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeAlias

import msgspec
from msgspec import UNSET

from invitekit import (
    ChannelType,
    GroupInvite,
    InviteChannel,
    InviteServer,
    InviteUser,
    PayloadError,
    PrivateInvite,
    PublicFriendInvite,
    PublicGroupInvite,
    PublicInvite,
    PublicServerInvite,
    ServerInvite,
    UnknownPrivateInvite,
    UnknownPublicInvite,
)
from invitekit_discord import _wire
from invitekit_discord._details import (
    DiscordApplication,
    DiscordInviteDetails,
    DiscordRole,
    DiscordScheduledEvent,
    DiscordVanityURL,
    TargetUsersJob,
)

__all__ = [
    "PLATFORM",
    "guildless",
    "job_status",
    "private_invite",
    "public_invite",
    "unknown_private",
    "unknown_public",
    "vanity_url",
]

PLATFORM = "discord"
CDN = "https://cdn.discordapp.com"

_CHANNEL_TYPES = {
    0: ChannelType.TEXT,
    1: ChannelType.DIRECT,
    2: ChannelType.VOICE,
    3: ChannelType.GROUP,
    4: ChannelType.CATEGORY,
    5: ChannelType.ANNOUNCEMENT,
    13: ChannelType.STAGE,
    15: ChannelType.FORUM,
    16: ChannelType.MEDIA,
}

AnyInvite: TypeAlias = _wire.GuildInviteBody | _wire.GroupDMInvite | _wire.FriendInvite


# Decoding is the hot path of every lookup and listing, so the functions below are
# written flat: no intermediate dicts or generators, image hashes checked before a URL
# helper is called, one code path per invite type.


class SharedParts:
    """The servers, channels and users already built while converting one listing.

    A channel's or guild's invites name the same guild and channel and a handful of
    inviters, so each part is built once and the frozen result shared by every invite
    that shows the same data: a listing of 100 invites then builds three or four parts
    instead of 300, and keeps one copy of each. A part is shared only when its wire data
    is equal, never on an id alone.
    """

    __slots__ = ("_channels", "_servers", "_users")

    def __init__(self) -> None:
        self._servers: dict[str, tuple[_wire.Guild, InviteServer]] = {}
        self._channels: dict[str | None, tuple[_wire.Channel, InviteChannel | None]] = {}
        self._users: dict[str | None, tuple[_wire.User, InviteUser | None]] = {}

    def server(self, guild: _wire.Guild) -> InviteServer:
        """The server for ``guild``, built on its first appearance."""
        seen = self._servers.get(guild.id)
        if seen is not None and seen[0] == guild:
            return seen[1]
        built = _guild(guild)
        self._servers[guild.id] = (guild, built)
        return built

    def channel(self, channel: _wire.Channel | None) -> InviteChannel | None:
        """The channel for ``channel``, built on its first appearance."""
        if channel is None:
            return None
        seen = self._channels.get(channel.id)
        if seen is not None and seen[0] == channel:
            return seen[1]
        built = _channel(channel)
        self._channels[channel.id] = (channel, built)
        return built

    def user(self, user: _wire.User | None) -> InviteUser | None:
        """The user for ``user``, built on their first appearance."""
        if user is None:
            return None
        seen = self._users.get(user.id)
        if seen is not None and seen[0] == user:
            return seen[1]
        built = _user(user)
        self._users[user.id] = (user, built)
        return built


_FEATURE_NAMES: dict[str, str] = {}
_FEATURE_NAMES_KEPT = 1024
_FEATURE_SETS: dict[tuple[str, ...], tuple[str, ...]] = {}
_FEATURE_SETS_KEPT = 1024
_FEATURE_SET_LONGEST = 100


def _features(names: tuple[str, ...] | None) -> tuple[str, ...]:
    # msgspec gives every decoded invite its own copy of each feature name (about 60
    # bytes a name, and a big guild lists twenty or more). Every invite of a guild lists
    # the same names, and all guilds draw them from a few dozen: one tuple per distinct
    # list and one string per name, shared by every invite, hold them once. A lookup by
    # the whole tuple costs a fifth of rebuilding it from shared names on every decode.
    # Bounded: the first 1,024 names are remembered, and 1,024 lists of up to 100 names
    # before the table starts over (invites keep what they hold).
    if not names:
        return ()
    shared = _FEATURE_SETS.get(names)
    if shared is not None:
        return shared
    if len(names) > _FEATURE_SET_LONGEST:
        return names
    known = _FEATURE_NAMES
    share = known.setdefault if len(known) < _FEATURE_NAMES_KEPT else known.get
    shared = tuple(map(share, names, names))
    if len(_FEATURE_SETS) >= _FEATURE_SETS_KEPT:
        _FEATURE_SETS.clear()
    _FEATURE_SETS[shared] = shared
    return shared


def _asset(kind: str, owner: str | None, image: str) -> str | None:
    if owner is None:
        return None
    extension = "gif" if image.startswith("a_") else "png"
    return f"{CDN}/{kind}/{owner}/{image}.{extension}"


def _user(user: _wire.User | None) -> InviteUser | None:
    if user is None:
        return None
    avatar = user.avatar
    return InviteUser(
        id=user.id,
        name=user.username,
        display_name=user.global_name,
        avatar_url=_asset("avatars", user.id, avatar) if avatar else None,
        bot=user.bot,
    )


def _recipient(user: _wire.Recipient) -> InviteUser:
    avatar = user.avatar
    return InviteUser(
        id=user.id,
        name=user.username,
        avatar_url=_asset("avatars", user.id, avatar) if avatar else None,
    )


def _channel(channel: _wire.Channel | None) -> InviteChannel | None:
    if channel is None:
        return None
    kind = channel.type
    return InviteChannel(
        id=channel.id,
        name=channel.name,
        type=None if kind is None else _CHANNEL_TYPES.get(kind, ChannelType.OTHER),
    )


def _guild(guild: _wire.Guild) -> InviteServer:
    guild_id = guild.id
    icon, banner, splash = guild.icon, guild.banner, guild.splash
    return InviteServer(
        id=guild_id,
        name=guild.name,
        description=guild.description,
        icon_url=_asset("icons", guild_id, icon) if icon else None,
        banner_url=_asset("banners", guild_id, banner) if banner else None,
        splash_url=_asset("splashes", guild_id, splash) if splash else None,
        features=_features(guild.features),
        vanity_code=guild.vanity_url_code,
        nsfw=guild.nsfw,
    )


def _server(payload: _wire.GuildInviteBody) -> InviteServer | None:
    """The invite's server; ``None`` for a type-0 invite that names none (see ``guildless``).

    Raises:
        PayloadError: An invite without a ``type`` names no guild either: nothing says it
            is an invite at all (a vanity-URL body, ``{code, uses}``, has this shape).
    """
    guild = payload.guild
    if guild is not None:
        return _guild(guild)
    guild_id = payload.guild_id
    if guild_id is not None:
        return InviteServer(id=guild_id)
    if type(payload) is _wire.GuildInvite:
        return None
    raise PayloadError(
        "malformed discord payload at $.guild: an invite without a type needs a guild or guild_id",
        platform=PLATFORM,
        path="$.guild",
    )


def guildless(payload: AnyInvite) -> bool:
    """Whether ``payload`` is a guild invite (``type`` 0) that names no guild, by object
    or by id. Discord's docs mark ``guild`` optional, so this is no error; such an invite
    is kept whole as an ``Unknown…Invite``, because ``PublicServerInvite.server`` and
    ``ServerInvite.server_id`` cannot be left empty."""
    return type(payload) is _wire.GuildInvite and payload.guild is None and payload.guild_id is None


def _role(role: _wire.Role) -> DiscordRole:
    colors = role.colors
    icon = role.icon
    return DiscordRole(
        id=role.id,
        name=role.name,
        position=role.position,
        color=colors.primary_color if colors and colors.primary_color is not None else role.color,
        secondary_color=None if colors is None else colors.secondary_color,
        tertiary_color=None if colors is None else colors.tertiary_color,
        icon_url=_asset("role-icons", role.id, icon) if icon else None,
        unicode_emoji=role.unicode_emoji,
        permissions=role.permissions,
    )


def _event(
    event: _wire.ScheduledEvent | None, guild_id: str | None, inviter_id: str | None
) -> DiscordScheduledEvent | None:
    if event is None:
        return None
    metadata, image = event.entity_metadata, event.image
    # The event repeats the invite's guild id and, usually, its inviter's id: keeping the
    # invite's own strings holds each id once (about 130 bytes less per invite).
    event_guild_id, creator_id = event.guild_id, event.creator_id
    if event_guild_id == guild_id:
        event_guild_id = guild_id
    if creator_id == inviter_id:
        creator_id = inviter_id
    return DiscordScheduledEvent(
        id=event.id,
        guild_id=event_guild_id,
        channel_id=event.channel_id,
        creator_id=creator_id,
        name=event.name,
        description=event.description,
        start_time=event.scheduled_start_time,
        end_time=event.scheduled_end_time,
        privacy_level=event.privacy_level,
        status=event.status,
        entity_type=event.entity_type,
        entity_id=event.entity_id,
        location=None if metadata is None else metadata.location,
        user_count=event.user_count,
        image_url=_asset("guild-events", event.id, image) if image else None,
    )


def _application(app: _wire.Application | None) -> DiscordApplication | None:
    if app is None:
        return None
    icon, cover = app.icon, app.cover_image
    return DiscordApplication(
        id=app.id,
        name=app.name,
        description=app.description,
        icon_url=_asset("app-icons", app.id, icon) if icon else None,
        cover_image_url=_asset("app-icons", app.id, cover) if cover else None,
    )


def _recipients(channel: _wire.Channel) -> tuple[InviteUser, ...]:
    recipients = channel.recipients
    if not recipients:
        return ()
    return tuple([_recipient(user) for user in recipients])


def _guild_details(payload: _wire.GuildInviteBody, invite_type: int | None) -> DiscordInviteDetails:
    channel, guild, roles, inviter = payload.channel, payload.guild, payload.roles, payload.inviter
    icon = None if channel is None else channel.icon
    icon_url = None if channel is None or not icon else _asset("channel-icons", channel.id, icon)
    guild_id = payload.guild_id if guild is None else guild.id
    event = payload.guild_scheduled_event
    return DiscordInviteDetails(
        invite_type=invite_type,
        channel_type=None if channel is None else channel.type,
        guild_id=guild_id,
        target_type=payload.target_type,
        target_user=None if payload.target_user is None else _user(payload.target_user),
        target_application=_application(payload.target_application),
        scheduled_event=None
        if event is None
        else _event(event, guild_id, None if inviter is None else inviter.id),
        roles=tuple([_role(role) for role in roles]) if roles else (),
        flags=payload.flags or 0,
        verification_level=None if guild is None else guild.verification_level,
        nsfw_level=None if guild is None else guild.nsfw_level,
        premium_subscription_count=None if guild is None else guild.premium_subscription_count,
        # Group DMs carry these; keep them whatever the channel type says.
        channel_icon_url=icon_url,
        recipients=() if channel is None else _recipients(channel),
        has_metadata=payload.created_at is not None,
    )


def _other_details(
    payload: _wire.GroupDMInvite | _wire.FriendInvite, invite_type: int
) -> DiscordInviteDetails:
    channel = payload.channel
    icon = None if channel is None else channel.icon
    icon_url = None if channel is None or not icon else _asset("channel-icons", channel.id, icon)
    return DiscordInviteDetails(
        invite_type=invite_type,
        channel_type=None if channel is None else channel.type,
        flags=payload.flags or 0,
        channel_icon_url=icon_url,
        recipients=() if channel is None else _recipients(channel),
        friends_count=payload.friends_count if isinstance(payload, _wire.FriendInvite) else None,
        has_metadata=payload.created_at is not None,
    )


def _derived_expiry(payload: AnyInvite) -> datetime | None:
    # Owner views before 2025 carried no expires_at; the lifetime gives it.
    if payload.created_at is None or payload.max_age is None or payload.max_age <= 0:
        return None
    try:
        return payload.created_at + timedelta(seconds=payload.max_age)
    except OverflowError:
        return None


def _event_id(payload: _wire.GuildInviteBody) -> str | None:
    event = payload.guild_scheduled_event
    return None if event is None else event.id


def public_invite(payload: AnyInvite, raw: Any = None) -> PublicInvite:
    """Convert a decoded ``GET /invites/{code}`` payload into its public model.

    A guild invite that names no guild becomes ``UnknownPublicInvite`` with ``raw`` (the
    payload as parsed JSON) when given.

    Raises:
        PayloadError: An invite without a ``type`` names no guild.
    """
    expires_at = payload.expires_at
    if expires_at is UNSET:
        expires_at = _derived_expiry(payload)
    if isinstance(payload, _wire.GuildInviteBody):
        server = _server(payload)
        if server is None:
            return unknown_public(
                raw if isinstance(raw, dict) else {"code": payload.code, "type": 0}
            )
        return PublicServerInvite(
            platform=PLATFORM,
            code=payload.code,
            event_id=_event_id(payload),
            server=server,
            channel=_channel(payload.channel),
            inviter=_user(payload.inviter),
            member_count=payload.approximate_member_count,
            presence_count=payload.approximate_presence_count,
            expires_at=expires_at,
            details=_guild_details(payload, 0 if type(payload) is _wire.GuildInvite else None),
        )
    if isinstance(payload, _wire.GroupDMInvite):
        return PublicGroupInvite(
            platform=PLATFORM,
            code=payload.code,
            channel=_channel(payload.channel),
            inviter=_user(payload.inviter),
            member_count=payload.approximate_member_count,
            expires_at=expires_at,
            details=_other_details(payload, 1),
        )
    return PublicFriendInvite(
        platform=PLATFORM,
        code=payload.code,
        channel=_channel(payload.channel),
        inviter=_user(payload.inviter),
        expires_at=expires_at,
        details=_other_details(payload, 2),
    )


def _positive(value: int | None) -> int | None:
    # Discord's 0 means "no limit"; the core says so with None.
    return value if value is not None and value > 0 else None


def private_invite(
    payload: AnyInvite, raw: Any = None, parts: SharedParts | None = None
) -> PrivateInvite:
    """Convert a decoded owner-view invite (listed, created, deleted) into its model.

    Invites converted with one ``parts`` (the items of one listing) share equal parts.

    Friend invites have no owner view in the core, and a guild invite naming no guild
    has no ``server_id``; both come back as ``UnknownPrivateInvite`` with ``raw`` (the
    payload as parsed JSON) when given. Metadata Discord did not send (a guild listing
    without Manage Server) stays ``None``, ``temporary`` included.

    Raises:
        PayloadError: An invite without a ``type`` names no guild.
    """
    if isinstance(payload, _wire.FriendInvite):
        return unknown_private(raw if isinstance(raw, dict) else {"code": payload.code, "type": 2})
    channel, inviter = payload.channel, payload.inviter
    expires_at = payload.expires_at
    if expires_at is UNSET:
        expires_at = _derived_expiry(payload)
    max_uses, max_age = payload.max_uses, payload.max_age
    if parts is None:
        channel_part, creator = _channel(channel), _user(inviter)
    else:
        channel_part, creator = parts.channel(channel), parts.user(inviter)
    if isinstance(payload, _wire.GuildInviteBody):
        guild = payload.guild
        server = _server(payload) if parts is None or guild is None else parts.server(guild)
        if server is None:
            return unknown_private(
                raw if isinstance(raw, dict) else {"code": payload.code, "type": 0}
            )
        # event_id is left out of the call and added below when there is one: sixteen
        # keywords would make CPython build a dict for the call, three times the cost.
        invite = ServerInvite(
            platform=PLATFORM,
            code=payload.code,
            server_id=server.id,
            server=server if guild is not None else None,
            channel_id=None if channel is None else channel.id,
            channel=channel_part,
            creator_id=None if inviter is None else inviter.id,
            creator=creator,
            uses=payload.uses,
            max_uses=max_uses if max_uses is not None and max_uses > 0 else None,
            max_age=max_age if max_age is not None and max_age > 0 else None,
            temporary=payload.temporary,
            created_at=payload.created_at,
            expires_at=expires_at,
            details=_guild_details(payload, 0 if type(payload) is _wire.GuildInvite else None),
        )
        event = payload.guild_scheduled_event
        if event is not None:
            # The invite is new and no one else holds it yet.
            msgspec.structs.force_setattr(invite, "event_id", event.id)
        return invite
    return GroupInvite(
        platform=PLATFORM,
        code=payload.code,
        channel_id=None if channel is None else channel.id,
        channel=channel_part,
        creator_id=None if inviter is None else inviter.id,
        creator=creator,
        uses=payload.uses,
        max_uses=_positive(max_uses),
        max_age=_positive(max_age),
        temporary=payload.temporary,
        created_at=payload.created_at,
        expires_at=expires_at,
        details=_other_details(payload, 1),
    )


def _raw_code(raw: dict[str, Any]) -> str:
    code = raw.get("code")
    if not isinstance(code, str) or not code:
        raise PayloadError(
            "malformed discord payload at $.code: an invite of any type needs a code",
            platform=PLATFORM,
            path="$.code",
        )
    return code


def unknown_public(raw: dict[str, Any]) -> UnknownPublicInvite:
    """Keep a public invite of a type this adapter does not know, whole.

    Raises:
        PayloadError: It has no usable ``code``.
    """
    return UnknownPublicInvite(platform=PLATFORM, code=_raw_code(raw), raw=raw)


def unknown_private(raw: dict[str, Any]) -> UnknownPrivateInvite:
    """Keep an owner-view invite of a type this adapter does not know, whole.

    Raises:
        PayloadError: It has no usable ``code``.
    """
    return UnknownPrivateInvite(platform=PLATFORM, code=_raw_code(raw), raw=raw)


def vanity_url(payload: _wire.VanityURL, guild_id: str) -> DiscordVanityURL:
    """Convert a decoded vanity-URL payload."""
    return DiscordVanityURL(guild_id=guild_id, code=payload.code or None, uses=payload.uses)


def job_status(payload: _wire.JobStatus) -> TargetUsersJob:
    """Convert a decoded target-users job status."""
    return TargetUsersJob(
        status=payload.status,
        total_users=payload.total_users,
        processed_users=payload.processed_users,
        created_at=payload.created_at,
        completed_at=payload.completed_at,
        error_message=payload.error_message,
    )
