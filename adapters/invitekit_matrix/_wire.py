"""Matrix's JSON as msgspec structs, with one module-level decoder each.

Matrix leaves unset keys out rather than sending ``null``; both decode. Unknown keys are
ignored (servers add them: ``allowed_room_ids``, unstable prefixes). Only the keys the
conversion reads are declared, and every struct is ``gc=False``: decoded JSON holds no
reference cycles.
"""

from __future__ import annotations

import msgspec

PLATFORM = "matrix"


class RoomSummary(msgspec.Struct, kw_only=True, gc=False):
    """``GET /_matrix/client/v1/room_summary/{roomIdOrAlias}``: a ``PublicRoomsChunk``
    plus ``room_type``, ``encryption``, ``room_version`` and, with a token, the
    account's ``membership``."""

    room_id: str
    num_joined_members: int
    name: str | None = None
    topic: str | None = None
    canonical_alias: str | None = None
    avatar_url: str | None = None
    world_readable: bool | None = None
    guest_can_join: bool | None = None
    join_rule: str | None = None
    room_type: str | None = None
    room_version: str | None = None
    encryption: str | None = None
    membership: str | None = None
    allowed_room_ids: tuple[str, ...] = ()


class Joined(msgspec.Struct, gc=False):
    """``POST /_matrix/client/v3/join/{roomIdOrAlias}``."""

    room_id: str


class Aliases(msgspec.Struct, gc=False):
    """``GET /_matrix/client/v3/rooms/{roomId}/aliases``."""

    aliases: tuple[str, ...]


class CanonicalAlias(msgspec.Struct, gc=False):
    """The content of a room's ``m.room.canonical_alias`` state event."""

    alias: str | None = None
    alt_aliases: tuple[str, ...] = ()


class WhoAmI(msgspec.Struct, gc=False):
    """``GET /_matrix/client/v3/account/whoami``."""

    user_id: str


class ErrorBody(msgspec.Struct, gc=False):
    """Matrix's error body; a 429 adds ``retry_after_ms``."""

    errcode: str | None = None
    error: str | None = None
    retry_after_ms: int | float | None = None


SUMMARY_DECODER: msgspec.json.Decoder[RoomSummary] = msgspec.json.Decoder(RoomSummary)
JOINED_DECODER: msgspec.json.Decoder[Joined] = msgspec.json.Decoder(Joined)
ALIASES_DECODER: msgspec.json.Decoder[Aliases] = msgspec.json.Decoder(Aliases)
CANONICAL_ALIAS_DECODER: msgspec.json.Decoder[CanonicalAlias] = msgspec.json.Decoder(CanonicalAlias)
WHOAMI_DECODER: msgspec.json.Decoder[WhoAmI] = msgspec.json.Decoder(WhoAmI)
ERROR_DECODER: msgspec.json.Decoder[ErrorBody] = msgspec.json.Decoder(ErrorBody)
