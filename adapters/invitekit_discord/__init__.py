"""The ``discord`` platform: Discord invites through the REST API (v10).

::

    async with DiscordAdapter(token) as discord:
        invite = await discord.fetch_invite("discord-developers")
        print(invite.server.name, invite.member_count)

Discord-only data is on ``invite.details`` (a ``DiscordInviteDetails``): target user
or application, scheduled event, roles, guest flag and raw type integers. Gateway
``INVITE_CREATE``/``INVITE_DELETE`` dispatches decode with ``decode_invite_create`` and
``decode_invite_delete``; objects of discord.py, disnake and hikari convert with
``invitekit_discord.converters``. For tests, ``invitekit_discord.testing`` serves the
same endpoints on loopback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from invitekit.ext import lazy_exports

if TYPE_CHECKING:
    from invitekit_discord._adapter import (
        DEFAULT_API_BASE,
        DEFAULT_GLOBAL_LIMIT,
        DEFAULT_LOOKUP_LIMIT,
        DiscordAdapter,
    )
    from invitekit_discord._details import (
        DiscordApplication,
        DiscordInviteDetails,
        DiscordRole,
        DiscordScheduledEvent,
        DiscordVanityURL,
        InviteFlags,
        InviteTargetType,
        InviteType,
        TargetUsersJob,
        TargetUsersJobStatus,
    )
    from invitekit_discord._gateway import (
        INVITE_CREATE,
        INVITE_DELETE,
        InviteDeleteEvent,
        decode_invite_create,
        decode_invite_delete,
    )
    from invitekit_discord._links import LINK_RULES

# Imported when first named: link scanning (``invitekit find``) reads only ``_links``,
# and must not pay for the adapter, its HTTP layer and its converters.
_LAZY = {
    "DEFAULT_API_BASE": "invitekit_discord._adapter",
    "DEFAULT_GLOBAL_LIMIT": "invitekit_discord._adapter",
    "DEFAULT_LOOKUP_LIMIT": "invitekit_discord._adapter",
    "DiscordAdapter": "invitekit_discord._adapter",
    "DiscordApplication": "invitekit_discord._details",
    "DiscordInviteDetails": "invitekit_discord._details",
    "DiscordRole": "invitekit_discord._details",
    "DiscordScheduledEvent": "invitekit_discord._details",
    "DiscordVanityURL": "invitekit_discord._details",
    "InviteFlags": "invitekit_discord._details",
    "InviteTargetType": "invitekit_discord._details",
    "InviteType": "invitekit_discord._details",
    "TargetUsersJob": "invitekit_discord._details",
    "TargetUsersJobStatus": "invitekit_discord._details",
    "INVITE_CREATE": "invitekit_discord._gateway",
    "INVITE_DELETE": "invitekit_discord._gateway",
    "InviteDeleteEvent": "invitekit_discord._gateway",
    "decode_invite_create": "invitekit_discord._gateway",
    "decode_invite_delete": "invitekit_discord._gateway",
    "LINK_RULES": "invitekit_discord._links",
}


__all__ = [
    "DEFAULT_API_BASE",
    "DEFAULT_GLOBAL_LIMIT",
    "DEFAULT_LOOKUP_LIMIT",
    "INVITE_CREATE",
    "INVITE_DELETE",
    "LINK_RULES",
    "DiscordAdapter",
    "DiscordApplication",
    "DiscordInviteDetails",
    "DiscordRole",
    "DiscordScheduledEvent",
    "DiscordVanityURL",
    "InviteDeleteEvent",
    "InviteFlags",
    "InviteTargetType",
    "InviteType",
    "TargetUsersJob",
    "TargetUsersJobStatus",
    "decode_invite_create",
    "decode_invite_delete",
]

__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
