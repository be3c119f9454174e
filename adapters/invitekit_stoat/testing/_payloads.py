"""The emulator's JSON, shaped as the backend serialises it.

Optional keys the backend marks ``skip_serializing_if = "Option::is_none"`` are left
out rather than sent as ``null``; booleans and flags it omits when false or zero are too.
"""

from __future__ import annotations

from typing import Any

from invitekit_stoat.testing._state import (
    EmulatedChannel,
    EmulatedInvite,
    EmulatedServer,
    EmulatedUser,
)

__all__ = ["join_group", "join_server", "private_invite", "public_invite"]

_DEFAULT_PERMISSIONS = 77014766592


def _strip(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}


def public_invite(invite: EmulatedInvite) -> dict[str, Any]:
    """``InviteResponse``: what ``GET /invites/{code}`` returns."""
    channel, creator = invite.channel, invite.creator
    if channel.server is None:
        return _strip(
            {
                "type": "Group",
                "code": invite.code,
                "channel_id": channel.id,
                "channel_name": channel.name,
                "channel_description": channel.description,
                "user_name": creator.username,
                "user_avatar": creator.avatar,
            }
        )
    server = channel.server
    return _strip(
        {
            "type": "Server",
            "code": invite.code,
            "server_id": server.id,
            "server_name": server.name,
            "server_icon": server.icon,
            "server_banner": server.banner,
            "server_flags": server.flags or None,
            "channel_id": channel.id,
            "channel_name": channel.name,
            "channel_description": channel.description,
            "user_name": creator.username,
            "user_avatar": creator.avatar,
            "member_count": len(server.members),
        }
    )


def private_invite(invite: EmulatedInvite) -> dict[str, Any]:
    """``Invite``: what creating or listing invites returns."""
    if invite.channel.server is None:
        return {
            "type": "Group",
            "_id": invite.code,
            "creator": invite.creator.id,
            "channel": invite.channel.id,
        }
    return {
        "type": "Server",
        "_id": invite.code,
        "server": invite.channel.server.id,
        "creator": invite.creator.id,
        "channel": invite.channel.id,
    }


def _user(user: EmulatedUser, viewer: EmulatedUser) -> dict[str, Any]:
    return _strip(
        {
            "_id": user.id,
            "username": user.username,
            "discriminator": user.discriminator,
            "display_name": user.display_name,
            "avatar": user.avatar,
            "bot": {"owner": (user.owner or user).id} if user.bot else None,
            "relationship": "User" if user is viewer else "None",
            "online": False,
        }
    )


def _channel(channel: EmulatedChannel) -> dict[str, Any]:
    if channel.server is None:
        assert channel.owner is not None
        return _strip(
            {
                "channel_type": "Group",
                "_id": channel.id,
                "name": channel.name,
                "owner": channel.owner.id,
                "description": channel.description,
                "recipients": [user.id for user in channel.recipients],
                "icon": channel.icon,
            }
        )
    return _strip(
        {
            "channel_type": "TextChannel",
            "_id": channel.id,
            "server": channel.server.id,
            "name": channel.name,
            "description": channel.description,
            "icon": channel.icon,
            "voice": {"max_users": 10} if channel.voice else None,
        }
    )


def _server(server: EmulatedServer) -> dict[str, Any]:
    return _strip(
        {
            "_id": server.id,
            "owner": server.owner.id,
            "name": server.name,
            "description": server.description,
            "channels": [channel.id for channel in server.channels],
            "default_permissions": _DEFAULT_PERMISSIONS,
            "icon": server.icon,
            "banner": server.banner,
            "flags": server.flags or None,
            "discoverable": server.discoverable or None,
            "approximate_member_count": len(server.members),
        }
    )


def join_server(server: EmulatedServer) -> dict[str, Any]:
    """``InviteJoinResponse`` for a server."""
    return {
        "type": "Server",
        "channels": [_channel(channel) for channel in server.channels],
        "server": _server(server),
    }


def join_group(group: EmulatedChannel, viewer: EmulatedUser) -> dict[str, Any]:
    """``InviteJoinResponse`` for a group, as ``viewer`` (who just joined) sees it."""
    return {
        "type": "Group",
        "channel": _channel(group),
        "users": [_user(member, viewer) for member in group.recipients],
    }
