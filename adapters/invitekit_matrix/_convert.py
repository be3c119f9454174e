"""Matrix wire structs → invitekit's core models; the one place the two shapes meet.

A space (``room_type`` ``"m.space"``) is a community of rooms, as a Discord server is a
community of channels: it becomes a server invite. Any other room is one conversation
joined directly: a group invite whose channel is the room. docs/decisions.md explains.
"""

from __future__ import annotations

import msgspec

from invitekit import (
    ChannelType,
    GroupInvite,
    InviteChannel,
    InviteServer,
    JoinedGroup,
    JoinedServer,
    JoinResult,
    PayloadError,
    PrivateInvite,
    PublicGroupInvite,
    PublicInvite,
    PublicServerInvite,
    UnknownPrivateInvite,
)
from invitekit_matrix import _wire
from invitekit_matrix._details import MatrixRoomDetails, media_url
from invitekit_matrix._ids import is_alias, is_room_id

PLATFORM = _wire.PLATFORM
SPACE = "m.space"
# Video and call rooms of Element and of MSC3417; any other type is a room of its own kind.
_VOICE_TYPES = frozenset({"io.element.video", "org.matrix.msc3417.call"})


def _channel_type(room_type: str | None) -> ChannelType:
    if room_type is None:
        return ChannelType.TEXT
    return ChannelType.VOICE if room_type in _VOICE_TYPES else ChannelType.OTHER


def payload_error(path: str, problem: str) -> PayloadError:
    """The error for a payload that decoded but holds nonsense at ``path``."""
    return PayloadError(
        f"malformed {PLATFORM} payload at {path}: {problem}", platform=PLATFORM, path=path
    )


def checked_room_id(room_id: str, path: str) -> str:
    """``room_id`` if it is a room id.

    Raises:
        PayloadError: It is not; a server sent something else where a room id belongs.
    """
    if not is_room_id(room_id):
        raise payload_error(path, f"not a room id: {room_id[:80]!r}")
    return room_id


def details(
    summary: _wire.RoomSummary, *, via: tuple[str, ...], api_base: str
) -> MatrixRoomDetails:
    """Matrix's details of the room ``summary`` describes."""
    return MatrixRoomDetails(
        room_id=summary.room_id,
        canonical_alias=summary.canonical_alias,
        room_type=summary.room_type,
        room_version=summary.room_version,
        join_rule=summary.join_rule,
        guest_can_join=summary.guest_can_join,
        world_readable=summary.world_readable,
        encryption=summary.encryption,
        avatar_url=media_url(summary.avatar_url, api_base),
        avatar_mxc=summary.avatar_url,
        membership=summary.membership,
        allowed_room_ids=summary.allowed_room_ids,
        via=via,
    )


def _server(summary: _wire.RoomSummary, room: MatrixRoomDetails) -> InviteServer:
    return InviteServer(
        id=summary.room_id, name=summary.name, description=summary.topic, icon_url=room.avatar_url
    )


def _channel(summary: _wire.RoomSummary) -> InviteChannel:
    return InviteChannel(
        id=summary.room_id,
        name=summary.name,
        type=_channel_type(summary.room_type),
        description=summary.topic,
    )


def public_invite(
    summary: _wire.RoomSummary,
    *,
    code: str | None,
    event_id: str | None,
    via: tuple[str, ...],
    api_base: str,
) -> PublicInvite:
    """Convert a room summary; ``code`` is what was looked up (by default the room's
    canonical alias, else its id).

    Raises:
        PayloadError: The summary's ``room_id`` is not a room id.
    """
    checked_room_id(summary.room_id, "$.room_id")
    if code is None:
        alias = summary.canonical_alias
        code = alias if alias is not None and is_alias(alias) else summary.room_id
    room = details(summary, via=via, api_base=api_base)
    if summary.room_type == SPACE:
        return PublicServerInvite(
            platform=PLATFORM,
            code=code,
            event_id=event_id,
            server=_server(summary, room),
            member_count=summary.num_joined_members,
            details=room,
        )
    return PublicGroupInvite(
        platform=PLATFORM,
        code=code,
        event_id=event_id,
        channel=_channel(summary),
        member_count=summary.num_joined_members,
        details=room,
    )


def private_invite(
    alias: str, *, room_id: str | None = None, creator_id: str | None = None
) -> PrivateInvite:
    """An alias as the room's admins see it: a ``GroupInvite`` (an alias says nothing of
    the room's kind), unlimited and permanent; an alias invitekit cannot take as a code
    is kept whole as an ``UnknownPrivateInvite``."""
    if not is_alias(alias):
        return UnknownPrivateInvite(
            platform=PLATFORM, code=alias, raw={"alias": alias, "room_id": room_id}
        )
    return GroupInvite(
        platform=PLATFORM,
        code=alias,
        channel_id=room_id,
        creator_id=creator_id,
        temporary=False,
    )


def join_result(
    summary: _wire.RoomSummary | None,
    *,
    code: str,
    room_id: str,
    via: tuple[str, ...],
    api_base: str,
) -> JoinResult:
    """What joining ``room_id`` through ``code`` gave, told as far as ``summary`` (the
    room's, if it could be read) tells it."""
    if summary is None:
        return JoinedGroup(
            platform=PLATFORM,
            code=code,
            channel=InviteChannel(id=room_id),
            details=MatrixRoomDetails(room_id=room_id, membership="join", via=via),
        )
    # The summary was read before the join, when the membership was not "join" yet.
    room = msgspec.structs.replace(details(summary, via=via, api_base=api_base), membership="join")
    if summary.room_type == SPACE:
        return JoinedServer(
            platform=PLATFORM, code=code, server=_server(summary, room), details=room
        )
    return JoinedGroup(platform=PLATFORM, code=code, channel=_channel(summary), details=room)
