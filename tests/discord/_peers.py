"""Peer-library objects built the way discord.py, disnake and hikari build them.

Each library makes its invite objects from the payload Discord sent, through a
connection state (discord.py, disnake) or an entity factory (hikari). These are the
smallest stand-ins for those that the libraries' own constructors accept.
"""

from __future__ import annotations

import re
from typing import Any

import discord
import disnake
import hikari
import msgspec
from hikari.impl import entity_factory

__all__ = [
    "LIBRARIES",
    "LOST",
    "LOST_WITH_METADATA",
    "PEER_DEFAULTS",
    "comparable",
    "dpy_state",
    "hikari_factory",
]


class _State:
    """What ``Invite``, ``User``, ``PartialAppInfo``, ``ScheduledEvent`` and an
    unavailable ``Guild`` read from a discord.py or disnake connection state."""

    http = None
    self_id = None
    shard_count = 1
    cache_guild_expressions = False

    def __init__(self, library: Any) -> None:
        self.library = library
        self.member_cache_flags = library.MemberCacheFlags.none()

    def create_user(self, data: Any) -> Any:
        return self.library.User(state=self, data=data)

    store_user = create_user

    def get_user(self, user_id: int) -> None:
        return None

    def _get_guild(self, guild_id: int | None) -> None:
        return None

    def _get_or_create_unavailable_guild(self, guild_id: int, *, data: Any = None) -> Any:
        return self.library.Guild._create_unavailable(state=self, guild_id=guild_id, data=data)


def dpy_state(library: Any) -> Any:
    """A connection state for ``discord`` or ``disnake`` objects."""
    return _State(library)


class _App:
    """hikari's entity factory only keeps its app to hand to the models."""


def hikari_factory() -> entity_factory.EntityFactoryImpl:
    """The entity factory hikari turns payloads into models with."""
    return entity_factory.EntityFactoryImpl(app=_App())  # type: ignore[arg-type]


PEER_DEFAULTS = frozenset({".inviter.bot", ".creator.bot", ".details.target_user.bot"})
"""All three libraries read an absent ``bot`` as ``False``; the payload did not say."""

LOST: dict[str, frozenset[str]] = {
    # Neither keeps a guild's nsfw flag, an invite's roles or group DM recipients;
    # discord.py reads the event's privacy level from its status (its own bug).
    "discord": frozenset(
        {
            ".server.nsfw",
            ".details.roles",
            ".details.recipients",
            ".details.channel_icon_url",
            ".details.scheduled_event.privacy_level",
            ".details.scheduled_event.user_count",  # absent reads as 0
        }
    ),
    # disnake has no invite flags either, nor an application's cover image.
    "disnake": frozenset(
        {
            ".server.nsfw",
            ".details.roles",
            ".details.recipients",
            ".details.flags",
            ".details.target_application.cover_image_url",
        }
    ),
    # hikari keeps neither boosts nor the nsfw flag, a public invite's creation time
    # (which marks group DM invites as carrying metadata), nor an event creator's id
    # without the creator.
    "hikari": frozenset(
        {
            ".server.nsfw",
            ".details.premium_subscription_count",
            ".details.recipients",
            ".details.channel_icon_url",
            ".details.has_metadata",
            ".details.scheduled_event.creator_id",
            ".details.scheduled_event.entity_id",
            ".details.roles[].permissions",
        }
    ),
}
"""What each library drops from the payload, as paths into the model (``[]``: any item)."""

LOST_WITH_METADATA: dict[str, frozenset[str]] = {
    # hikari computes an owner view's expiry from creation time and lifetime.
    "hikari": frozenset({".expires_at"}),
}


def _flatten(value: Any, path: str, into: dict[str, Any]) -> None:
    if isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            if name != "_adapter":
                _flatten(getattr(value, name), f"{path}.{name}", into)
    elif isinstance(value, tuple) and value and isinstance(value[0], msgspec.Struct):
        for index, item in enumerate(value):
            _flatten(item, f"{path}[{index}]", into)
    else:
        into[path] = value


def _ignored(path: str, ignored: frozenset[str]) -> bool:
    general = re.sub(r"\[\d+\]", "[]", path)
    return any(
        candidate == skip or candidate.startswith((f"{skip}.", f"{skip}["))
        for skip in ignored
        for candidate in (path, general)
    )


def comparable(model: Any, library: str, also_lost: frozenset[str] = frozenset()) -> dict[str, Any]:
    """``model``'s fields by path, less what ``library`` loses or fills in itself."""
    fields: dict[str, Any] = {".type": type(model).__name__}
    _flatten(model, "", fields)
    ignored = LOST[library] | PEER_DEFAULTS | also_lost
    return {path: value for path, value in fields.items() if not _ignored(path, ignored)}


LIBRARIES: dict[str, Any] = {"discord": discord, "disnake": disnake, "hikari": hikari}
"""The peer libraries by the name of their top-level module."""
