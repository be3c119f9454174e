"""Discord's gateway invite events: ``INVITE_CREATE`` and ``INVITE_DELETE`` dispatches.

A bot on any framework receives these as the ``d`` of a dispatch. Their shape is not
the REST one (ids instead of objects, ``role_ids`` instead of roles), so they have
their own wire structs; the created invite is then converted exactly as a REST owner
view is, so both paths give the same model for the same invite.
"""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec

from invitekit import InviteRef, PrivateInvite
from invitekit.adapter import PayloadInput
from invitekit.decoding import decode_payload
from invitekit_discord import _convert, _wire
from invitekit_discord._convert import PLATFORM

__all__ = [
    "INVITE_CREATE",
    "INVITE_DELETE",
    "InviteDeleteEvent",
    "decode_invite_create",
    "decode_invite_delete",
]

INVITE_CREATE = "INVITE_CREATE"
"""The dispatch name (``t``) of a created invite."""
INVITE_DELETE = "INVITE_DELETE"
"""The dispatch name (``t``) of a deleted invite."""


class InviteDeleteEvent(msgspec.Struct, frozen=True, kw_only=True):
    """An ``INVITE_DELETE`` dispatch: which invite is gone, and where it led."""

    platform: ClassVar[str] = PLATFORM
    code: str
    channel_id: str
    guild_id: str | None = None
    """The guild of the invite; ``None`` for an invite outside a guild."""

    @property
    def ref(self) -> InviteRef:
        """The deleted invite as an ``InviteRef``."""
        return InviteRef(PLATFORM, self.code)


def _as_rest(payload: _wire.GatewayInviteCreate) -> _convert.AnyInvite:
    """Recast the dispatch as the REST owner view it describes."""
    common: dict[str, Any] = {
        "code": payload.code,
        "channel": _wire.Channel(id=payload.channel_id),
        "inviter": payload.inviter,
        "expires_at": payload.expires_at,
        "uses": payload.uses,
        "max_uses": payload.max_uses,
        "max_age": payload.max_age,
        "temporary": payload.temporary,
        "created_at": payload.created_at,
    }
    if payload.guild_id is None:
        return _wire.GroupDMInvite(**common)
    return _wire.GuildInviteBody(
        guild_id=payload.guild_id,
        target_type=payload.target_type,
        target_user=payload.target_user,
        target_application=payload.target_application,
        roles=[_wire.Role(id=role_id) for role_id in payload.role_ids or ()],
        **common,
    )


def decode_invite_create(data: PayloadInput) -> PrivateInvite:
    """Decode the ``d`` of an ``INVITE_CREATE`` dispatch into the owner's view of the invite.

    ``data`` is JSON ``bytes``/``str`` or the parsed mapping. The result is a
    ``ServerInvite`` (a ``GroupInvite`` when the event names no guild) with ``uses``,
    limits and times; the channel is known by id only, and roles granted on joining
    are ``details.roles`` with ids only. It is not bound to any adapter.

    Raises:
        PayloadError: ``data`` is malformed (with the JSON path, e.g. ``$.channel_id``).
    """
    payload = decode_payload(_wire.GATEWAY_CREATE_DECODER, data, platform=PLATFORM)
    return _convert.private_invite(_as_rest(payload))


def decode_invite_delete(data: PayloadInput) -> InviteDeleteEvent:
    """Decode the ``d`` of an ``INVITE_DELETE`` dispatch.

    Raises:
        PayloadError: ``data`` is malformed (with the JSON path, e.g. ``$.code``).
    """
    payload = decode_payload(_wire.GATEWAY_DELETE_DECODER, data, platform=PLATFORM)
    return InviteDeleteEvent(
        code=payload.code, channel_id=payload.channel_id, guild_id=payload.guild_id
    )
