"""Converters for bots on mautrix and matrix-nio: their room objects → invitekit models.

::

    from invitekit_matrix.converters import from_nio

    invite = from_nio(client.rooms[room_id], api_base=client.homeserver)

Neither library is imported here: a converter reads the attributes of the object it is
given, rebuilds the room summary that object stands for (the keys the
``room_summary`` endpoint answers with), and decodes it with ``MatrixAdapter``'s
decoder, so a converted invite equals one the adapter would have fetched. What the
object does not hold is left out, never guessed: nio keeps whether a room is encrypted
but not the algorithm, so ``details.encryption`` stays ``None``.

- mautrix: ``PublicRoomInfo`` (an entry of the public room directory, in a
  ``RoomDirectoryResponse``). mautrix has no
  room-summary call, and its ``RoomAliasInfo`` (resolving an alias) holds only a room id
  and servers, no room: there is nothing to make an invite of.
- matrix-nio: ``MatrixRoom`` and ``MatrixInvitedRoom`` (the client's rooms, which the bot
  is in or invited to: ``membership`` says so) and ``PublicRoom`` (a directory entry).

Each invite's code is the room's canonical alias, else its id; a space (``room_type``
``m.space``) is a ``PublicServerInvite``, any other room a ``PublicGroupInvite``. Image
links point at the homeserver at ``api_base``.
"""

from __future__ import annotations

import sys
from typing import Any

from invitekit import InvalidArgument, PublicInvite
from invitekit_matrix._decode import decode_summary
from invitekit_matrix._details import DEFAULT_API_BASE
from invitekit_matrix._wire import PLATFORM

__all__ = ["convert", "from_mautrix", "from_nio"]


def _present(summary: dict[str, Any]) -> dict[str, Any]:
    # A summary leaves unset keys out; so does the rebuilt one.
    return {key: value for key, value in summary.items() if value is not None}


def _directory_entry(room: Any) -> dict[str, Any]:
    """A public-room directory entry: both libraries keep the spec's field names."""
    return _present(
        {
            "room_id": room.room_id,
            "num_joined_members": room.num_joined_members,
            "name": room.name,
            "topic": room.topic,
            "canonical_alias": room.canonical_alias,
            "avatar_url": room.avatar_url,
            "world_readable": room.world_readable,
            "guest_can_join": room.guest_can_join,
            "join_rule": _text(getattr(room, "join_rule", None)),
            "room_type": _text(getattr(room, "room_type", None)),
        }
    )


def _text(value: Any) -> str | None:
    # mautrix keeps enumerations (JoinRule, RoomType) where nio keeps strings.
    if value is None:
        return None
    return str(getattr(value, "value", value))


def _nio_room(room: Any, module: Any) -> dict[str, Any]:
    invited = isinstance(room, module.MatrixInvitedRoom)
    return _present(
        {
            "room_id": room.room_id,
            "num_joined_members": room.joined_count,
            "name": room.name,
            "topic": room.topic,
            "canonical_alias": room.canonical_alias,
            "avatar_url": room.room_avatar_url,
            "world_readable": room.history_visibility == "world_readable",
            "guest_can_join": room.guest_access == "can_join",
            "join_rule": room.join_rule,
            "room_type": room.room_type,
            "room_version": room.room_version,
            "membership": "invite" if invited else "join",
        }
    )


def from_mautrix(room: Any, *, api_base: str = DEFAULT_API_BASE) -> PublicInvite:
    """Convert a mautrix ``PublicRoomInfo`` into the invite to its room.

    ``api_base`` is the homeserver whose media links the avatar gets. The result is not
    bound to an adapter (``matrix_adapter.bind(result)`` binds it).

    Raises:
        InvalidArgument: ``room`` is not a mautrix ``PublicRoomInfo``.
        PayloadError: It holds what no homeserver would send (no room id …).
    """
    types = sys.modules.get("mautrix.types.misc")
    if types is None or not isinstance(room, types.PublicRoomInfo):
        raise InvalidArgument(
            f"expected a mautrix PublicRoomInfo, got {type(room).__name__}", platform=PLATFORM
        )
    return decode_summary(_directory_entry(room), api_base=api_base)


def from_nio(room: Any, *, api_base: str = DEFAULT_API_BASE) -> PublicInvite:
    """Convert a matrix-nio ``MatrixRoom``, ``MatrixInvitedRoom`` or ``PublicRoom`` into
    the invite to its room.

    ``api_base`` is the homeserver whose media links the avatar gets (a nio client's
    ``homeserver``). The result is not bound to an adapter.

    Raises:
        InvalidArgument: ``room`` is none of those.
        PayloadError: It holds what no homeserver would send (no room id …).
    """
    rooms, responses = sys.modules.get("nio.rooms"), sys.modules.get("nio.responses")
    if rooms is not None and isinstance(room, rooms.MatrixRoom):
        return decode_summary(_nio_room(room, rooms), api_base=api_base)
    if responses is not None and isinstance(room, responses.PublicRoom):
        return decode_summary(_directory_entry(room), api_base=api_base)
    raise InvalidArgument(
        f"expected a matrix-nio MatrixRoom or PublicRoom, got {type(room).__name__}",
        platform=PLATFORM,
    )


def convert(room: Any, *, api_base: str = DEFAULT_API_BASE) -> PublicInvite:
    """Convert a room object of mautrix or matrix-nio, or a room summary payload
    (``bytes``, ``str`` or a mapping).

    Raises:
        InvalidArgument: ``room`` is none of those.
        PayloadError: The object or payload is malformed.
    """
    if isinstance(room, (bytes, bytearray, memoryview, str, dict)):
        return decode_summary(room, api_base=api_base)
    module = type(room).__module__
    if module.startswith("mautrix."):
        return from_mautrix(room, api_base=api_base)
    return from_nio(room, api_base=api_base)
