"""Payload in, model out: the public invite decoder the adapter and the converters share."""

from __future__ import annotations

from typing import Any

from invitekit import PublicInvite
from invitekit.decoding import decode_in_one_pass, decode_tagged
from invitekit_stoat import _convert, _wire

__all__ = ["decode_public"]


def decode_public(data: Any, *, cdn_base: str) -> PublicInvite:
    """Decode a ``GET /invites/{code}`` payload, with image links on ``cdn_base``.

    Raises:
        PayloadError: The payload is malformed.
    """
    # One pass for a well-formed invite of a known type; anything else takes the careful
    # path below, which keeps unknown types and names what is wrong.
    decoded = decode_in_one_pass(_wire.PUBLIC_DECODER, data)
    if decoded is not None:
        return _convert.public_invite(decoded, cdn_base=cdn_base)
    payload = decode_tagged(
        _wire.PUBLIC_DECODER, data, platform=_wire.PLATFORM, unknown=_convert.unknown_public
    )
    if isinstance(payload, (_wire.PublicServer, _wire.PublicGroup)):
        return _convert.public_invite(payload, cdn_base=cdn_base)
    return payload
