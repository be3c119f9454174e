"""Matrix-only data kept on the core models, and the media links of ``mxc://`` URIs.

The detail struct is ``gc=False``: it holds only strings, booleans and tuples of
strings, so it cannot be part of a reference cycle.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import quote

from invitekit import PlatformDetails
from invitekit_matrix._ids import is_server_name

__all__ = ["DEFAULT_API_BASE", "MatrixRoomDetails", "media_url"]

DEFAULT_API_BASE = "https://matrix-client.matrix.org"
"""The client API of the matrix.org homeserver."""
_MXC = re.compile(r"mxc://(?P<server>[^/]{1,255})/(?P<media>[A-Za-z0-9_-]{1,255})")


class MatrixRoomDetails(PlatformDetails, frozen=True, kw_only=True, gc=False):
    """What Matrix says of a room beyond the shared models (``invite.details``)."""

    room_id: str
    """The room's id (the invite's code may be an alias of it)."""
    canonical_alias: str | None = None
    """The alias the room's admins publish as its main one."""
    room_type: str | None = None
    """The room's type from its creation: ``"m.space"`` for a space, ``None`` for a
    plain room, or another (client-defined) type."""
    room_version: str | None = None
    """The room version (``"12"``): it decides the shape of ids and the rules."""
    join_rule: str | None = None
    """``"public"``, ``"invite"``, ``"knock"``, ``"restricted"``,
    ``"knock_restricted"`` or ``"private"``: who may join without an invitation."""
    guest_can_join: bool | None = None
    """Whether guest accounts may join."""
    world_readable: bool | None = None
    """Whether anyone may read the room's history without joining."""
    encryption: str | None = None
    """The encryption algorithm (``"m.megolm.v1.aes-sha2"``); ``None`` if unencrypted."""
    avatar_url: str | None = None
    """An https link to the room's avatar on the homeserver the adapter asked. Servers
    with authenticated media (Synapse's default) want the account's token with it."""
    avatar_mxc: str | None = None
    """The avatar's ``mxc://`` URI as the room states it."""
    membership: str | None = None
    """The asking account's membership (``"join"``, ``"invite"``, ``"leave"``,
    ``"ban"``, ``"knock"``); ``None`` without a token or when it has none."""
    allowed_room_ids: tuple[str, ...] = ()
    """For a restricted room: the rooms whose members may join."""
    via: tuple[str, ...] = ()
    """The servers the lookup or join was routed through (the link's ``via``)."""


def media_url(mxc: str | None, api_base: str) -> str | None:
    """The download link of ``mxc`` on the homeserver at ``api_base`` (the Client-Server
    API's authenticated media endpoint), or ``None`` when ``mxc`` is not a well-formed
    ``mxc://server/media-id``."""
    if mxc is None:
        return None
    match = _MXC.fullmatch(mxc)
    if match is None:
        return None
    server = _media_server(match["server"])
    if server is None:
        return None
    return f"{api_base}/_matrix/client/v1/media/download/{server}/{match['media']}"


@functools.lru_cache(maxsize=1024)
def _media_server(server: str) -> str | None:
    # Checked once per server name (rooms of a few servers fill a cache); only an IPv6
    # literal has characters ([, ]) that a path must escape.
    if not is_server_name(server):
        return None
    return quote(server, safe=":") if "[" in server else server
