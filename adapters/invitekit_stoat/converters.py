"""Converters for bots on stoat.py: its invite objects → invitekit models.

::

    from invitekit_stoat.converters import from_stoat_py

    invite = from_stoat_py(await client.fetch_invite(code))

stoat.py is never imported here: a converter reads the object it is given (whose
library is then loaded anyway), rebuilds the Stoat payload the object was made from,
and decodes it with ``StoatAdapter``'s decoders, so a converted invite equals a decoded
one. Public invites (``ServerPublicInvite``, ``GroupPublicInvite``,
``UnknownPublicInvite``) give the public models; ``ServerInvite`` and ``GroupInvite``
the owner's view.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from invitekit import InvalidArgument, PrivateInvite, PublicInvite
from invitekit.adapter import PayloadInput
from invitekit.decoding import as_raw_object
from invitekit_stoat._adapter import StoatAdapter
from invitekit_stoat._decode import decode_public
from invitekit_stoat._details import DEFAULT_CDN_BASE
from invitekit_stoat._wire import PLATFORM

if TYPE_CHECKING:
    import stoat

__all__ = ["convert", "from_payload", "from_stoat_py"]

_EXPECTED = "a stoat.py invite (ServerPublicInvite, GroupPublicInvite, ServerInvite …)"


def _file(asset: Any, tag: str) -> Any:
    # stoat.py keeps a file without its bucket; where it sits on the invite says which.
    return None if asset is None else asset.to_dict(tag)


def _public_payload(invite: Any, module: Any) -> dict[str, Any]:
    if isinstance(invite, module.UnknownPublicInvite):
        return dict(invite.payload)
    data: dict[str, Any] = {
        "code": invite.code,
        "channel_id": invite.channel_id,
        "channel_name": invite.channel_name,
        "channel_description": invite.channel_description,
        "user_name": invite.user_name,
        "user_avatar": _file(invite.internal_user_avatar, "avatars"),
    }
    if isinstance(invite, module.GroupPublicInvite):
        return {"type": "Group", **data}
    return {
        "type": "Server",
        **data,
        "server_id": invite.server_id,
        "server_name": invite.server_name,
        "server_icon": _file(invite.internal_server_icon, "icons"),
        "server_banner": _file(invite.internal_server_banner, "banners"),
        "server_flags": invite.raw_server_flags,
        "member_count": invite.member_count,
    }


def _private_payload(invite: Any, module: Any) -> dict[str, Any]:
    data = {"_id": invite.code, "creator": invite.creator_id, "channel": invite.channel_id}
    if isinstance(invite, module.ServerInvite):
        return {"type": "Server", **data, "server": invite.server_id}
    return {"type": "Group", **data}


def from_stoat_py(
    invite: stoat.BaseInvite, *, cdn_base: str = DEFAULT_CDN_BASE
) -> PublicInvite | PrivateInvite:
    """Convert a stoat.py invite into an invitekit model.

    ``cdn_base`` is where the instance serves files, for icon, banner and avatar links
    (a self-hosted instance has its own). The result is not bound to an adapter
    (``stoat_adapter.bind(result)`` binds it).

    Raises:
        InvalidArgument: ``invite`` is not a stoat.py invite.
        PayloadError: The object holds what Stoat would not send (an empty code …).
    """
    module = sys.modules.get("stoat")
    if module is None or not isinstance(invite, module.BaseInvite):
        raise InvalidArgument(
            f"expected {_EXPECTED}, got {type(invite).__name__}", platform=PLATFORM
        )
    if isinstance(invite, (module.ServerInvite, module.GroupInvite)):
        return StoatAdapter.decode_private_invite(_private_payload(invite, module))
    return decode_public(_public_payload(invite, module), cdn_base=cdn_base)


def from_payload(
    data: PayloadInput, *, cdn_base: str = DEFAULT_CDN_BASE
) -> PublicInvite | PrivateInvite:
    """Decode a Stoat invite payload of either shape, told apart by its keys.

    ``data`` is JSON ``bytes``/``str`` or the parsed mapping (stoat.py's raw responses,
    an ``UnknownPublicInvite.payload``): an ``Invite`` (listed or created, keyed by
    ``_id``) gives the owner's view, an ``InviteResponse`` (``GET /invites/{code}``) the
    public one.

    Raises:
        PayloadError: ``data`` is not a JSON object, or malformed for its shape.
    """
    raw = as_raw_object(data, platform=PLATFORM)
    if "_id" in raw:
        return StoatAdapter.decode_private_invite(raw)
    return decode_public(raw, cdn_base=cdn_base)


def convert(obj: Any, *, cdn_base: str = DEFAULT_CDN_BASE) -> PublicInvite | PrivateInvite:
    """Convert a stoat.py invite, or a raw payload (``bytes``, ``str``, a mapping).

    Raises:
        InvalidArgument: ``obj`` is neither.
        PayloadError: The object or payload is malformed.
    """
    if isinstance(obj, (bytes, bytearray, memoryview, str, dict)):
        return from_payload(obj, cdn_base=cdn_base)
    return from_stoat_py(obj, cdn_base=cdn_base)
