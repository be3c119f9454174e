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
