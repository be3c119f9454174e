"""hikari ``Invite``, ``InviteWithMetadata`` and ``VanityURL`` → invitekit models."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, overload

from invitekit import InvalidArgument, PrivateInvite, PublicInvite
from invitekit_discord._convert import PLATFORM
from invitekit_discord._details import DiscordVanityURL
from invitekit_discord.converters._common import (
    decode,
    enum_value,
    peer_module,
    snowflake,
    user_payload,
    wrong_type,
)

if TYPE_CHECKING:
    import hikari

__all__ = ["from_hikari"]

_EXPECTED = "a hikari Invite, InviteWithMetadata or VanityURL"


def _user(user: Any) -> dict[str, Any] | None:
    return user_payload(
        user,
        name=getattr(user, "username", None),
        avatar=getattr(user, "avatar_hash", None),
        bot=getattr(user, "is_bot", None),
    )


def _guild(guild: Any) -> dict[str, Any]:
    return {
        "id": snowflake(guild.id),
        "name": guild.name,
        "description": guild.description,
        "icon": guild.icon_hash,
        "banner": guild.banner_hash,
        "splash": guild.splash_hash,
        "features": [str(feature) for feature in guild.features],
        "vanity_url_code": guild.vanity_url_code,
        "verification_level": enum_value(guild.verification_level),
        "nsfw_level": enum_value(guild.nsfw_level),
    }


def _role(role: Any) -> dict[str, Any]:
    colors = getattr(role, "colors", None)
    return {
        "id": snowflake(role.id),
        "name": role.name,
        "position": role.position,
        "color": enum_value(role.color),
        "colors": None
        if colors is None
        else {
            "primary_color": enum_value(colors.primary_color),
            "secondary_color": enum_value(colors.secondary_color),
            "tertiary_color": enum_value(colors.tertiary_color),
        },
        "icon": role.icon_hash,
        "unicode_emoji": None if role.unicode_emoji is None else str(role.unicode_emoji),
    }


def _event(event: Any) -> dict[str, Any] | None:
    if event is None:
        return None
    creator = getattr(event, "creator", None)
    location = getattr(event, "location", None)
    return {
        "id": snowflake(event.id),
        "guild_id": snowflake(event.guild_id),
        "channel_id": snowflake(getattr(event, "channel_id", None)),
        "creator_id": None if creator is None else snowflake(creator.id),
        "name": event.name,
        "description": event.description,
        "scheduled_start_time": event.start_time,
        "scheduled_end_time": event.end_time,
        "privacy_level": enum_value(event.privacy_level),
        "status": enum_value(event.status),
        "entity_type": enum_value(event.entity_type),
        "entity_metadata": None if location is None else {"location": location},
        "user_count": event.user_count,
        "image": event.image_hash,
    }


def _application(app: Any) -> dict[str, Any] | None:
    if app is None:
        return None
    return {
        "id": snowflake(app.id),
        "name": app.name,
        "description": app.description,
        "icon": app.icon_hash,
        "cover_image": app.cover_image_hash,
    }


def _seconds(value: Any) -> Any:
    return int(value.total_seconds()) if isinstance(value, timedelta) else value


def invite_payload(invite: Any, *, metadata: bool) -> dict[str, Any]:
    """Rebuild the payload a hikari invite was made from."""
    data: dict[str, Any] = {"type": enum_value(invite.type), "code": invite.code}
    if invite.guild is not None:
        data["guild"] = _guild(invite.guild)
    if invite.guild_id is not None:
        data["guild_id"] = snowflake(invite.guild_id)
    channel = invite.channel
    if channel is not None:
        data["channel"] = {
            "id": snowflake(channel.id),
            "name": channel.name,
            "type": enum_value(channel.type),
        }
    elif invite.channel_id is not None:  # a gateway invite names its channel by id
        data["channel"] = {"id": snowflake(invite.channel_id)}
    roles = [_role(role) for role in invite.roles]
    if not roles:  # a gateway invite has the role ids only
        roles = [{"id": snowflake(role_id)} for role_id in invite.role_ids]
    for key, value in (
        ("inviter", _user(invite.inviter)),
        ("target_type", enum_value(invite.target_type)),
        ("target_user", _user(invite.target_user)),
        ("target_application", _application(invite.target_application)),
        ("guild_scheduled_event", _event(invite.guild_scheduled_event)),
        ("roles", roles or None),
        ("approximate_member_count", invite.approximate_member_count),
        ("approximate_presence_count", invite.approximate_active_member_count),
    ):
        if value is not None:
            data[key] = value
    data["flags"] = enum_value(invite.flags)
    # hikari reads an absent expires_at as null; Discord always sends the key now.
    data["expires_at"] = invite.expires_at
    if metadata:
        data.update(
            uses=invite.uses,
            # hikari says "no limit" with None where Discord says 0.
            max_uses=0 if invite.max_uses is None else invite.max_uses,
            max_age=0 if invite.max_age is None else _seconds(invite.max_age),
            temporary=invite.is_temporary,
            created_at=invite.created_at,
        )
    return data


@overload
def from_hikari(invite: hikari.VanityURL, *, guild_id: str) -> DiscordVanityURL: ...


@overload
def from_hikari(invite: hikari.InviteWithMetadata) -> PrivateInvite: ...  # type: ignore[overload-overlap]


@overload
def from_hikari(invite: hikari.Invite) -> PublicInvite: ...


def from_hikari(
    invite: hikari.Invite | hikari.VanityURL, *, guild_id: str | None = None
) -> PublicInvite | PrivateInvite | DiscordVanityURL:
    """Convert a hikari invite into an invitekit model.

    ``InviteWithMetadata`` (listed, created, or from ``InviteCreateEvent``) becomes the
    owner's view (``ServerInvite``/``GroupInvite``), ``Invite`` the public view, and a
    ``VanityURL`` a ``DiscordVanityURL`` of the guild ``guild_id`` (hikari's does not say
    which guild it belongs to). Results are not bound to an adapter.

    Raises:
        InvalidArgument: ``invite`` is none of those, or a ``VanityURL`` came without
            ``guild_id``.
        PayloadError: The object holds what Discord would not send (an empty code …).
    """
    module = peer_module("hikari", invite, _EXPECTED)
    if isinstance(invite, module.VanityURL):
        if not isinstance(guild_id, (str, int)) or isinstance(guild_id, bool):
            raise InvalidArgument(
                "a hikari VanityURL does not say its guild: pass guild_id", platform=PLATFORM
            )
        code = invite.code or None
        return DiscordVanityURL(guild_id=str(guild_id), code=code, uses=invite.uses)
    if not isinstance(invite, module.Invite):
        raise wrong_type(invite, _EXPECTED)
    metadata = isinstance(invite, module.InviteWithMetadata)
    return decode(invite_payload(invite, metadata=metadata), private=metadata)
