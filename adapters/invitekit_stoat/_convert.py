"""Stoat wire structs → invitekit's core models; the one place the two shapes meet."""

from __future__ import annotations

from typing import Any

from invitekit import (
    ChannelType,
    GroupInvite,
    InviteChannel,
    InviteServer,
    InviteUser,
    JoinedGroup,
    JoinedServer,
    JoinResult,
    PayloadError,
    PrivateInvite,
    PublicGroupInvite,
    PublicInvite,
    PublicServerInvite,
    ServerInvite,
    UnknownPrivateInvite,
    UnknownPublicInvite,
)
from invitekit_stoat import _wire
from invitekit_stoat._details import (
    DEFAULT_CDN_BASE,
    StoatFile,
    StoatInviteDetails,
    StoatJoinedGroupDetails,
    StoatJoinedServerDetails,
    StoatServerFlags,
)

PLATFORM = _wire.PLATFORM

_CHANNEL_TYPES = {
    "TextChannel": ChannelType.TEXT,
    "VoiceChannel": ChannelType.VOICE,
    "Group": ChannelType.GROUP,
    "DirectMessage": ChannelType.DIRECT,
    "SavedMessages": ChannelType.OTHER,
}


_FLAGS: dict[int, StoatServerFlags] = {}
_FLAGS_KEPT = 1024


def _flags(value: int | None) -> StoatServerFlags:
    # The backend stores an i32: a negative value is read as its 32-bit pattern, and an
    # absent key means no flags. Building an IntFlag costs more than the rest of a decode,
    # and servers use few combinations, so the first thousand are remembered.
    bits = (value or 0) & 0xFFFFFFFF
    flags = _FLAGS.get(bits)
    if flags is None:
        flags = StoatServerFlags(bits)
        if len(_FLAGS) < _FLAGS_KEPT:
            _FLAGS[bits] = flags
    return flags


def _url(file: StoatFile | None, cdn_base: str) -> str | None:
    return None if file is None else file.url(cdn_base)


def public_invite(
    payload: _wire.PublicPayload, *, cdn_base: str = DEFAULT_CDN_BASE
) -> PublicInvite:
    """Convert a decoded ``InviteResponse``."""
    inviter = InviteUser(name=payload.user_name, avatar_url=_url(payload.user_avatar, cdn_base))
    if isinstance(payload, _wire.PublicServer):
        return PublicServerInvite(
            platform=PLATFORM,
            code=payload.code,
            server=InviteServer(
                id=payload.server_id,
                name=payload.server_name,
                icon_url=_url(payload.server_icon, cdn_base),
                banner_url=_url(payload.server_banner, cdn_base),
            ),
            # The response does not say the channel's kind (text, or text with voice).
            channel=InviteChannel(
                id=payload.channel_id,
                name=payload.channel_name,
                description=payload.channel_description,
            ),
            inviter=inviter,
            member_count=payload.member_count,
            details=StoatInviteDetails(
                server_flags=_flags(payload.server_flags),
                server_icon=payload.server_icon,
                server_banner=payload.server_banner,
                user_avatar=payload.user_avatar,
            ),
        )
    return PublicGroupInvite(
        platform=PLATFORM,
        code=payload.code,
        channel=InviteChannel(
            id=payload.channel_id,
            name=payload.channel_name,
            type=ChannelType.GROUP,
            description=payload.channel_description,
        ),
        inviter=inviter,
        details=StoatInviteDetails(user_avatar=payload.user_avatar),
    )


def private_invite(payload: _wire.PrivatePayload) -> PrivateInvite:
    """Convert a decoded ``Invite``.

    Stoat invites have no limits, expiry, counters or temporary membership:
    ``max_uses``/``max_age`` are ``None`` (unlimited, permanent), ``temporary`` is
    ``False`` and ``uses``/``created_at`` unknown.
    """
    if isinstance(payload, _wire.PrivateServer):
        return ServerInvite(
            platform=PLATFORM,
            code=payload.code,
            server_id=payload.server,
            channel_id=payload.channel,
            creator_id=payload.creator,
            temporary=False,
        )
    return GroupInvite(
        platform=PLATFORM,
        code=payload.code,
        channel_id=payload.channel,
        creator_id=payload.creator,
        temporary=False,
    )


def _channel(channel: _wire.Channel) -> InviteChannel:
    kind = _CHANNEL_TYPES.get(channel.channel_type, ChannelType.OTHER)
    # Newer backends fold voice into text channels and mark them with a ``voice`` object.
    if kind is ChannelType.TEXT and channel.voice is not None:
        kind = ChannelType.VOICE
    return InviteChannel(
        id=channel.id, name=channel.name, type=kind, description=channel.description
    )


def _member(user: _wire.User, cdn_base: str) -> InviteUser:
    return InviteUser(
        id=user.id,
        name=user.username,
        display_name=user.display_name,
        avatar_url=_url(user.avatar, cdn_base),
        bot=user.bot is not None,
    )


def join_result(
    payload: _wire.JoinPayload, *, code: str, cdn_base: str = DEFAULT_CDN_BASE
) -> JoinResult:
    """Convert a decoded ``InviteJoinResponse`` for the invite ``code``."""
    if isinstance(payload, _wire.JoinServer):
        server = payload.server
        return JoinedServer(
            platform=PLATFORM,
            code=code,
            server=InviteServer(
                id=server.id,
                name=server.name,
                description=server.description,
                icon_url=_url(server.icon, cdn_base),
                banner_url=_url(server.banner, cdn_base),
                # The backend omits ``nsfw`` when it is false.
                nsfw=bool(server.nsfw),
            ),
            channels=tuple(_channel(channel) for channel in payload.channels),
            details=StoatJoinedServerDetails(
                owner_id=server.owner,
                flags=_flags(server.flags),
                icon=server.icon,
                banner=server.banner,
                default_permissions=server.default_permissions,
                approximate_member_count=server.approximate_member_count,
                discoverable=bool(server.discoverable),
                nsfw=bool(server.nsfw),
            ),
        )
    channel = payload.channel
    return JoinedGroup(
        platform=PLATFORM,
        code=code,
        channel=_channel(channel),
        members=tuple(_member(user, cdn_base) for user in payload.users),
        details=StoatJoinedGroupDetails(
            owner_id=channel.owner,
            recipient_ids=channel.recipients or (),
            icon=channel.icon,
            permissions=channel.permissions,
            nsfw=bool(channel.nsfw),
        ),
    )


def unknown_public(raw: dict[str, Any]) -> UnknownPublicInvite:
    """Keep an ``InviteResponse`` of an unknown ``type`` whole."""
    return UnknownPublicInvite(platform=PLATFORM, code=_raw_code(raw, "code"), raw=raw)


def unknown_private(raw: dict[str, Any]) -> UnknownPrivateInvite:
    """Keep an ``Invite`` of an unknown ``type`` whole."""
    return UnknownPrivateInvite(platform=PLATFORM, code=_raw_code(raw, "_id"), raw=raw)


def _raw_code(raw: dict[str, Any], key: str) -> str:
    code = raw.get(key)
    if not isinstance(code, str) or not code:
        raise PayloadError(
            f"malformed {PLATFORM} payload at $.{key}: an invite of any type needs its code",
            platform=PLATFORM,
            path=f"$.{key}",
        )
    return code
