"""The fake platform's JSON payloads: msgspec structs, decoders, and conversion to models.

The fake serves real JSON and decodes it like any adapter, so tests that use it run the
same decode path a network adapter runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

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
    PublicFriendInvite,
    PublicGroupInvite,
    PublicInvite,
    PublicServerInvite,
    ServerInvite,
    UnknownPrivateInvite,
    UnknownPublicInvite,
)

PLATFORM = "fake"


class WireUser(msgspec.Struct, kw_only=True):
    id: str
    name: str
    display_name: str | None = None
    bot: bool = False


class WireServer(msgspec.Struct, kw_only=True):
    id: str
    name: str
    description: str | None = None


class WireChannel(msgspec.Struct, kw_only=True):
    id: str
    name: str
    kind: str = "text"


class _Public(msgspec.Struct, tag_field="type", kw_only=True):
    code: str
    inviter: WireUser | None = None
    expires_at: datetime | None = None


class PublicServer(_Public, tag="server", kw_only=True):
    server: WireServer
    channel: WireChannel
    member_count: int
    presence_count: int | None = None


class PublicGroup(_Public, tag="group", kw_only=True):
    channel: WireChannel
    member_count: int


class PublicFriend(_Public, tag="friend", kw_only=True):
    pass


class _Private(msgspec.Struct, tag_field="type", kw_only=True):
    code: str
    channel_id: str | None = None
    creator_id: str
    uses: int = 0
    max_uses: int | None = None
    max_age: int | None = None
    temporary: bool = False
    created_at: datetime
    expires_at: datetime | None = None


class PrivateServer(_Private, tag="server", kw_only=True):
    server_id: str


class PrivateGroup(_Private, tag="group", kw_only=True):
    pass


class JoinServer(msgspec.Struct, tag_field="type", tag="server", kw_only=True):
    code: str
    server: WireServer
    channels: list[WireChannel]


class JoinGroup(msgspec.Struct, tag_field="type", tag="group", kw_only=True):
    code: str
    channel: WireChannel
    members: list[WireUser]


PublicPayload = PublicServer | PublicGroup | PublicFriend
PrivatePayload = PrivateServer | PrivateGroup
JoinPayload = JoinServer | JoinGroup

PUBLIC_DECODER: msgspec.json.Decoder[PublicPayload] = msgspec.json.Decoder(PublicPayload)
PRIVATE_DECODER: msgspec.json.Decoder[PrivatePayload] = msgspec.json.Decoder(PrivatePayload)
JOIN_DECODER: msgspec.json.Decoder[JoinPayload] = msgspec.json.Decoder(JoinPayload)
ENCODER = msgspec.json.Encoder()

_CHANNEL_TYPES = {kind.value: kind for kind in ChannelType}


def _member(user: WireUser) -> InviteUser:
    return InviteUser(id=user.id, name=user.name, display_name=user.display_name, bot=user.bot)


def _user(user: WireUser | None) -> InviteUser | None:
    return None if user is None else _member(user)


def _channel(channel: WireChannel) -> InviteChannel:
    return InviteChannel(
        id=channel.id, name=channel.name, type=_CHANNEL_TYPES.get(channel.kind, ChannelType.OTHER)
    )


def _server(server: WireServer) -> InviteServer:
    return InviteServer(id=server.id, name=server.name, description=server.description)


def public_invite(payload: PublicPayload) -> PublicInvite:
    """Convert a decoded public payload into its model."""
    if isinstance(payload, PublicServer):
        return PublicServerInvite(
            platform=PLATFORM,
            code=payload.code,
            server=_server(payload.server),
            channel=_channel(payload.channel),
            inviter=_user(payload.inviter),
            member_count=payload.member_count,
            presence_count=payload.presence_count,
            expires_at=payload.expires_at,
        )
    if isinstance(payload, PublicGroup):
        return PublicGroupInvite(
            platform=PLATFORM,
            code=payload.code,
            channel=_channel(payload.channel),
            inviter=_user(payload.inviter),
            member_count=payload.member_count,
            expires_at=payload.expires_at,
        )
    return PublicFriendInvite(
        platform=PLATFORM,
        code=payload.code,
        inviter=_user(payload.inviter),
        expires_at=payload.expires_at,
    )


def private_invite(payload: PrivatePayload) -> PrivateInvite:
    """Convert a decoded private payload into its model."""
    common: dict[str, Any] = {
        "platform": PLATFORM,
        "code": payload.code,
        "channel_id": payload.channel_id,
        "creator_id": payload.creator_id,
        "uses": payload.uses,
        "max_uses": payload.max_uses,
        "max_age": payload.max_age,
        "temporary": payload.temporary,
        "created_at": payload.created_at,
        "expires_at": payload.expires_at,
    }
    if isinstance(payload, PrivateServer):
        return ServerInvite(server_id=payload.server_id, **common)
    return GroupInvite(**common)


def join_result(payload: JoinPayload) -> JoinResult:
    """Convert a decoded join payload into its model."""
    if isinstance(payload, JoinServer):
        return JoinedServer(
            platform=PLATFORM,
            code=payload.code,
            server=_server(payload.server),
            channels=tuple(_channel(channel) for channel in payload.channels),
        )
    return JoinedGroup(
        platform=PLATFORM,
        code=payload.code,
        channel=_channel(payload.channel),
        members=tuple(_member(member) for member in payload.members),
    )


def unknown_public(raw: dict[str, Any]) -> UnknownPublicInvite:
    """Keep a public payload of an unknown type whole."""
    return UnknownPublicInvite(platform=PLATFORM, code=_raw_code(raw), raw=raw)


def unknown_private(raw: dict[str, Any]) -> UnknownPrivateInvite:
    """Keep a private payload of an unknown type whole."""
    return UnknownPrivateInvite(platform=PLATFORM, code=_raw_code(raw), raw=raw)


def _raw_code(raw: dict[str, Any]) -> str:
    code = raw.get("code")
    if not isinstance(code, str) or not code:
        raise PayloadError(
            "malformed fake payload at $.code: an invite of any type needs a code",
            platform=PLATFORM,
            path="$.code",
        )
    return code
