"""Payload in, model out: the decode functions the adapter exposes, free of I/O.

Invites are a tagged union on ``type`` (0 guild, 1 group DM, 2 friend). A payload
with no ``type`` at all is a guild invite (older and gateway-shaped payloads omit it);
an unknown ``type``, and a guild invite naming no guild (neither ``guild`` nor
``guild_id``), become an ``Unknown…Invite`` that keeps the whole payload.

Each decoder has a fast path (one msgspec pass over JSON text, for the common case)
and a careful one; both give the same model for the same payload.
"""

from __future__ import annotations

from typing import Any

import msgspec

from invitekit import PrivateInvite, PublicInvite
from invitekit.decoding import (
    as_raw,
    decode_in_one_pass,
    decode_items,
    decode_payload,
    decode_tagged,
)
from invitekit_discord import _convert, _wire
from invitekit_discord._convert import PLATFORM
from invitekit_discord._details import DiscordVanityURL, TargetUsersJob

__all__ = [
    "decode_job_status",
    "decode_private",
    "decode_private_list",
    "decode_public",
    "decode_vanity_url",
]


class _Unknown(msgspec.Struct):
    raw: dict[str, Any]


def _guild_invite(data: Any) -> _wire.GuildInviteBody:
    return decode_payload(_wire.GUILD_INVITE_DECODER, data, platform=PLATFORM)


def _decode_invite(data: Any) -> _convert.AnyInvite | _Unknown:
    return decode_tagged(
        _wire.INVITE_DECODER, data, platform=PLATFORM, unknown=_Unknown, missing=_guild_invite
    )


def decode_public(data: Any) -> PublicInvite:
    """Decode a ``GET /invites/{code}`` payload.

    Raises:
        PayloadError: The payload is malformed.
    """
    # One pass for a well-formed invite of a known type; anything else takes the careful
    # path below, which also names the JSON path of what is wrong.
    decoded = decode_in_one_pass(_wire.INVITE_DECODER, data)
    if decoded is not None and not _convert.guildless(decoded):
        return _convert.public_invite(decoded)
    payload = _decode_invite(data)
    if isinstance(payload, _Unknown):
        return _convert.unknown_public(payload.raw)
    if _convert.guildless(payload):
        return _convert.public_invite(payload, as_raw(data, platform=PLATFORM))
    return _convert.public_invite(payload)


def decode_private(data: Any) -> PrivateInvite:
    """Decode one invite with metadata (created, listed or deleted).

    Raises:
        PayloadError: The payload is malformed.
    """
    payload = _decode_invite(data)
    if isinstance(payload, _Unknown):
        return _convert.unknown_private(payload.raw)
    if isinstance(payload, _wire.FriendInvite) or _convert.guildless(payload):
        return _convert.private_invite(payload, as_raw(data, platform=PLATFORM))
    return _convert.private_invite(payload)


def decode_private_list(data: Any) -> list[PrivateInvite]:
    """Decode a JSON array of invites; one of an unknown type does not spoil the rest.

    Raises:
        PayloadError: ``data`` is not an array or an item is malformed; the path names
            the item (``$[3].code``).
    """
    # One pass when every item decodes; the item-by-item path below keeps the good items
    # and names the bad one. Friend and guildless invites are kept whole, as parsed JSON:
    # item by item too.
    decoded = decode_in_one_pass(_wire.INVITE_LIST_DECODER, data)
    if decoded is not None and not any(
        isinstance(item, _wire.FriendInvite) or _convert.guildless(item) for item in decoded
    ):
        parts = _convert.SharedParts()
        return [_convert.private_invite(item, None, parts) for item in decoded]
    return decode_items(data, decode_private, platform=PLATFORM)


def decode_vanity_url(data: Any, guild_id: str) -> DiscordVanityURL:
    """Decode a ``GET /guilds/{id}/vanity-url`` payload.

    Raises:
        PayloadError: The payload is malformed.
    """
    payload = decode_payload(_wire.VANITY_DECODER, data, platform=PLATFORM)
    return _convert.vanity_url(payload, guild_id)


def decode_job_status(data: Any) -> TargetUsersJob:
    """Decode a target-users job status payload.

    Raises:
        PayloadError: The payload is malformed.
    """
    return _convert.job_status(decode_payload(_wire.JOB_STATUS_DECODER, data, platform=PLATFORM))
