"""Payload in, model out: the decoders the adapter and its pure class methods share."""

from __future__ import annotations

from typing import Any

from invitekit import PayloadError, PrivateInvite, PublicInvite
from invitekit.decoding import as_raw_object, decode_payload
from invitekit_matrix import _convert, _wire
from invitekit_matrix._details import DEFAULT_API_BASE

__all__ = ["decode_aliases", "decode_canonical_alias", "decode_summary"]

PLATFORM = _wire.PLATFORM


def decode_summary(
    data: Any,
    *,
    code: str | None = None,
    event_id: str | None = None,
    via: tuple[str, ...] = (),
    api_base: str = DEFAULT_API_BASE,
) -> PublicInvite:
    """Decode a room summary (``GET /_matrix/client/v1/room_summary/{room}``), as the
    invite ``code`` (by default the room's canonical alias, else its id), with media
    links on the homeserver at ``api_base``.

    Raises:
        PayloadError: The payload is malformed.
    """
    summary = decode_payload(_wire.SUMMARY_DECODER, data, platform=PLATFORM)
    return _convert.public_invite(summary, code=code, event_id=event_id, via=via, api_base=api_base)


def decode_canonical_alias(data: Any) -> PrivateInvite:
    """Decode the content of an ``m.room.canonical_alias`` event into its main alias.

    Raises:
        PayloadError: The payload is malformed or names no main alias.
    """
    content = decode_payload(_wire.CANONICAL_ALIAS_DECODER, data, platform=PLATFORM)
    if content.alias is None:
        raise PayloadError(
            f"malformed {PLATFORM} payload at $.alias: the room names no main alias",
            platform=PLATFORM,
            path="$.alias",
        )
    return _convert.private_invite(content.alias)


def decode_aliases(data: Any, *, room_id: str | None = None) -> list[PrivateInvite]:
    """Decode a room's aliases: the answer of ``GET /rooms/{room}/aliases``
    (``{"aliases": […]}``) or an ``m.room.canonical_alias`` event's content (its main
    alias, then ``alt_aliases``), each as the alias of ``room_id`` when given.

    Raises:
        PayloadError: The payload is malformed, or is neither of the two.
    """
    raw = as_raw_object(data, platform=PLATFORM)
    if "aliases" in raw:
        aliases = decode_payload(_wire.ALIASES_DECODER, raw, platform=PLATFORM).aliases
    elif "alias" in raw or "alt_aliases" in raw:
        content = decode_payload(_wire.CANONICAL_ALIAS_DECODER, raw, platform=PLATFORM)
        main = () if content.alias is None else (content.alias,)
        aliases = tuple(dict.fromkeys((*main, *content.alt_aliases)))
    else:
        raise PayloadError(
            f"malformed {PLATFORM} payload at $: expected 'aliases', or 'alias' and 'alt_aliases'",
            platform=PLATFORM,
        )
    return [_convert.private_invite(alias, room_id=room_id) for alias in aliases]
