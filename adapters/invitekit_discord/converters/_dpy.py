"""discord.py and disnake ``Invite`` objects → invitekit models.

The two libraries share one design (disnake is a fork), so one reader serves both;
where they differ (``scheduled_event`` or ``guild_scheduled_event``, flags or none,
scheduled event field names) it reads whichever the object has.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from invitekit import PrivateInvite, PublicInvite
from invitekit_discord.converters._common import (
    asset_key,
    decode,
    enum_value,
    peer_module,
    snowflake,
    user_payload,
    wrong_type,
)

if TYPE_CHECKING:
    import discord
    import disnake

__all__ = ["from_discord_py", "from_disnake"]

_METADATA = ("uses", "max_uses", "max_age", "temporary", "created_at")


def _user(user: Any) -> dict[str, Any] | None:
    return user_payload(
        user,
        name=getattr(user, "name", None),
        avatar=asset_key(getattr(user, "avatar", None)),
        bot=getattr(user, "bot", None),
    )


def _known(guild: Any) -> bool:
    """Whether the object knows more of the guild than its id: not a bare ``Object``,
    nor the placeholder discord.py makes for a guild it has not cached."""
    return getattr(guild, "name", None) is not None and not getattr(guild, "unavailable", False)


def _guild(guild: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"id": snowflake(guild.id)}
    data.update(
        name=guild.name,
        description=getattr(guild, "description", None),
        icon=asset_key(getattr(guild, "icon", None)),
        banner=asset_key(getattr(guild, "banner", None)),
        splash=asset_key(getattr(guild, "splash", None)),
        features=[str(feature) for feature in getattr(guild, "features", None) or ()],
        vanity_url_code=getattr(guild, "vanity_url_code", None),
        verification_level=enum_value(getattr(guild, "verification_level", None)),
        nsfw_level=enum_value(getattr(guild, "nsfw_level", None)),
        premium_subscription_count=getattr(guild, "premium_subscription_count", None),
    )
    return data


def _channel(channel: Any) -> dict[str, Any] | None:
    if channel is None:
        return None
    data: dict[str, Any] = {"id": snowflake(channel.id)}
    if hasattr(channel, "name"):
        data.update(name=channel.name, type=enum_value(getattr(channel, "type", None)))
    icon = asset_key(getattr(channel, "icon", None))  # disnake's group DM icon
    if icon is not None:
        data["icon"] = icon
    return data


def _application(app: Any) -> dict[str, Any] | None:
    if app is None:
        return None
    return {
        "id": snowflake(app.id),
        "name": getattr(app, "name", None),
        "description": getattr(app, "description", None) or None,
        "icon": asset_key(getattr(app, "icon", None)),
        "cover_image": asset_key(getattr(app, "cover_image", None)),
    }


def _event(event: Any) -> dict[str, Any] | None:
    if event is None:
        return None
    metadata = getattr(event, "entity_metadata", None)
    location = getattr(event, "location", getattr(metadata, "location", None))
    return {
        "id": snowflake(event.id),
        "guild_id": snowflake(getattr(event, "guild_id", None)),
        "channel_id": snowflake(getattr(event, "channel_id", None)),
        "creator_id": snowflake(getattr(event, "creator_id", None)),
        "name": getattr(event, "name", None),
        "description": getattr(event, "description", None),
        "scheduled_start_time": getattr(
            event, "start_time", getattr(event, "scheduled_start_time", None)
        ),
        "scheduled_end_time": getattr(
            event, "end_time", getattr(event, "scheduled_end_time", None)
        ),
        "privacy_level": enum_value(getattr(event, "privacy_level", None)),
        "status": enum_value(getattr(event, "status", None)),
        "entity_type": enum_value(getattr(event, "entity_type", None)),
        "entity_id": snowflake(getattr(event, "entity_id", None)),
        "entity_metadata": None if location is None else {"location": location},
        "user_count": getattr(event, "user_count", None),
        "image": asset_key(getattr(event, "cover_image", getattr(event, "image", None))),
    }


def invite_payload(invite: Any) -> dict[str, Any]:
    """Rebuild the payload a discord.py/disnake ``Invite`` was made from."""
    data: dict[str, Any] = {"type": enum_value(getattr(invite, "type", None)) or 0}
    data["code"] = invite.code
    guild = invite.guild
    if guild is not None:
        data["guild_id"] = snowflake(guild.id)
        if _known(guild):
            data["guild"] = _guild(guild)
    data["channel"] = _channel(invite.channel)
    # The libraries read an absent expires_at as null; Discord always sends the key now.
    data["expires_at"] = invite.expires_at
    for key, value in (
        ("inviter", _user(invite.inviter)),
        ("target_user", _user(invite.target_user)),
        ("target_application", _application(invite.target_application)),
        ("approximate_member_count", invite.approximate_member_count),
        ("approximate_presence_count", invite.approximate_presence_count),
        ("guild_scheduled_event", _event(_scheduled_event(invite))),
        *((key, getattr(invite, key, None)) for key in _METADATA),
    ):
        if value is not None:
            data[key] = value
    target_type = enum_value(getattr(invite, "target_type", None))
    if target_type:  # both libraries say 0 ("unknown") when Discord sent none
        data["target_type"] = target_type
    flags = getattr(invite, "flags", None)  # discord.py only
    if flags is not None:
        data["flags"] = getattr(flags, "value", flags)
    return data


def _scheduled_event(invite: Any) -> Any:
    event = getattr(invite, "scheduled_event", None)
    return event if event is not None else getattr(invite, "guild_scheduled_event", None)


def _convert(invite: Any, library: str, expected: str) -> PublicInvite | PrivateInvite:
    module = peer_module(library, invite, expected)
    if not isinstance(invite, module.Invite):
        raise wrong_type(invite, expected)
    # Invites listed or created by their owner carry metadata; lookups by code do not
    # (a group DM's public view has a creation time, but never a use count).
    metadata = invite.uses is not None and invite.created_at is not None
    return decode(invite_payload(invite), private=metadata)


def from_discord_py(invite: discord.Invite) -> PublicInvite | PrivateInvite:
    """Convert a discord.py ``Invite`` into an invitekit model.

    An invite with metadata (a use count and a creation time: from
    ``Guild.invites()``, ``create_invite()`` or ``on_invite_create``) becomes the
    owner's view (``ServerInvite``/``GroupInvite``); one looked up by code
    (``fetch_invite``) becomes the public view. Fields the object does not keep are
    ``None``. The result is not bound to an adapter (``adapter.bind(result)`` binds it).

    Raises:
        InvalidArgument: ``invite`` is not a discord.py ``Invite``.
        PayloadError: The object holds what Discord would not send (an empty code …).
    """
    return _convert(invite, "discord", "a discord.py Invite")


def from_disnake(invite: disnake.Invite) -> PublicInvite | PrivateInvite:
    """Convert a disnake ``Invite`` into an invitekit model, as ``from_discord_py`` does.

    Raises:
        InvalidArgument: ``invite`` is not a disnake ``Invite``.
        PayloadError: The object holds what Discord would not send.
    """
    return _convert(invite, "disnake", "a disnake Invite")
