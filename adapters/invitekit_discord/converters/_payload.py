"""Raw Discord payloads, whichever library handed them over, → invitekit models."""

from __future__ import annotations

from invitekit import PrivateInvite, PublicInvite
from invitekit.adapter import PayloadInput
from invitekit.decoding import as_raw_object
from invitekit_discord._convert import PLATFORM
from invitekit_discord._gateway import decode_invite_create
from invitekit_discord.converters._common import decode

__all__ = ["from_payload"]


def from_payload(data: PayloadInput) -> PublicInvite | PrivateInvite:
    """Decode an invite payload of any of Discord's shapes, told apart by their keys.

    ``data`` is JSON ``bytes``/``str`` or the parsed mapping a library handed over: a
    REST invite (``GET /invites/{code}``: the public view), a REST invite with metadata
    (``uses`` and ``created_at``; listed or created: the owner's view), or the ``d`` of
    an ``INVITE_CREATE`` dispatch (it names its channel by ``channel_id``). For
    ``INVITE_DELETE`` use ``decode_invite_delete``.

    Raises:
        PayloadError: ``data`` is not a JSON object, or malformed for its shape.
    """
    raw = as_raw_object(data, platform=PLATFORM)
    if "channel" not in raw and "channel_id" in raw:
        return decode_invite_create(raw)
    return decode(raw, private="uses" in raw and "created_at" in raw)
