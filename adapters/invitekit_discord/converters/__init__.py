"""Converters for bots on discord.py, disnake or hikari: their objects → invitekit models.

::

    from invitekit_discord.converters import from_discord_py

    @bot.event
    async def on_invite_create(invite: discord.Invite) -> None:
        await tracker.invite_created(from_discord_py(invite))

Nothing here imports those libraries: a converter reads the object it is given (whose
library is then loaded anyway), rebuilds the Discord payload the object was made from,
and decodes it with the adapter's decoders. So ``import invitekit_discord.converters``
costs nothing extra, and a converted invite equals a decoded one field for field, as far
as the object kept the payload. ``convert`` picks the converter by the object's library.
"""

from __future__ import annotations

from typing import Any

from invitekit import PrivateInvite, PublicInvite
from invitekit_discord._details import DiscordVanityURL
from invitekit_discord.converters._common import wrong_type
from invitekit_discord.converters._dpy import from_discord_py, from_disnake
from invitekit_discord.converters._hikari import from_hikari
from invitekit_discord.converters._payload import from_payload

__all__ = ["convert", "from_discord_py", "from_disnake", "from_hikari", "from_payload"]

_EXPECTED = "an invite of discord.py, disnake or hikari, or a Discord payload"


def convert(
    obj: Any, *, guild_id: str | None = None
) -> PublicInvite | PrivateInvite | DiscordVanityURL:
    """Convert an invite object of discord.py, disnake or hikari, or a raw payload.

    Dispatches on the library the object comes from (``guild_id`` is for hikari's
    ``VanityURL``); ``bytes``, ``str`` and mappings go to ``from_payload``.

    Raises:
        InvalidArgument: ``obj`` is none of those.
        PayloadError: The object or payload is malformed.
    """
    if isinstance(obj, (bytes, bytearray, memoryview, str, dict)):
        return from_payload(obj)
    library = type(obj).__module__.partition(".")[0]
    if library == "discord":
        return from_discord_py(obj)
    if library == "disnake":
        return from_disnake(obj)
    if library == "hikari":
        hikari_convert: Any = from_hikari  # one call for all three overloads
        result: PublicInvite | PrivateInvite | DiscordVanityURL = hikari_convert(
            obj, guild_id=guild_id
        )
        return result
    raise wrong_type(obj, _EXPECTED)
