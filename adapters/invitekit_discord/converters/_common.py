"""What every converter needs: reading peer objects safely, then decoding the payload.

Converters rebuild the Discord payload a peer object was made from (as far as the object
kept it) and decode that with the adapter's own decoders. So a converted invite is the
same model a decoded one is, and a peer object holding nonsense is a ``PayloadError``
with the path of the field, as for any payload.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

from invitekit import InvalidArgument, PrivateInvite, PublicInvite
from invitekit_discord._adapter import DiscordAdapter
from invitekit_discord._convert import PLATFORM

__all__ = [
    "asset_key",
    "decode",
    "enum_value",
    "peer_module",
    "snowflake",
    "user_payload",
    "wrong_type",
]


def peer_module(name: str, what: object, expected: str) -> ModuleType:
    """Return the peer library ``name`` if the caller's object can be one of its objects.

    It is never imported here: an object of the library means the library is loaded.

    Raises:
        InvalidArgument: The library is not loaded, so ``what`` cannot be its object.
    """
    module = sys.modules.get(name)
    if module is None:
        raise InvalidArgument(
            f"expected {expected}, got {type(what).__name__} ({name} is not loaded)",
            platform=PLATFORM,
        )
    return module


def wrong_type(what: object, expected: str) -> InvalidArgument:
    """The error for an object the converter does not take."""
    return InvalidArgument(f"expected {expected}, got {type(what).__name__}", platform=PLATFORM)


def snowflake(value: Any) -> Any:
    """A peer's integer id as Discord's string; anything else as it is, for the decoder
    to judge."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def enum_value(value: Any) -> Any:
    """The integer behind a peer's enum (``try_enum`` results included)."""
    if value is None or isinstance(value, int):
        return None if value is None else int(value)
    return getattr(value, "value", value)


def asset_key(asset: Any) -> Any:
    """The hash of a discord.py/disnake ``Asset``, or ``None``."""
    return None if asset is None else getattr(asset, "key", None)


def user_payload(user: Any, *, name: Any, avatar: Any, bot: Any) -> dict[str, Any] | None:
    """A user object as Discord sends it."""
    if user is None:
        return None
    return {
        "id": snowflake(getattr(user, "id", None)),
        "username": name,
        "global_name": getattr(user, "global_name", None),
        "avatar": avatar,
        "bot": bot,
    }


def decode(payload: dict[str, Any], *, private: bool) -> PublicInvite | PrivateInvite:
    """Decode a rebuilt payload as the owner's view (``private``) or the public one.

    Raises:
        PayloadError: The peer object held something Discord would not send.
    """
    if private:
        return DiscordAdapter.decode_private_invite(payload)
    return DiscordAdapter.decode_public_invite(payload)
