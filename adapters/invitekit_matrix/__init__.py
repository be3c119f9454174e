"""The ``matrix`` platform: Matrix rooms and their aliases for invitekit.

::

    async with MatrixAdapter(api_base="https://matrix-client.matrix.org") as matrix:
        invite = await matrix.fetch_invite("https://matrix.to/#/#matrix:matrix.org")
        print(invite.channel.name, invite.member_count)

``MatrixAdapter`` looks rooms up through a homeserver's room summary, joins them, and
creates, lists and deletes their aliases; ``MATRIX_LINK_RULES`` read matrix.to links,
``matrix:`` URIs, web clients' room links and bare ``#room:server`` aliases in chat
text. Importing this package does not import aiohttp. ``invitekit_matrix.converters``
converts mautrix's and matrix-nio's room objects; ``invitekit_matrix.testing`` is a
stand-in homeserver for tests and demos.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from invitekit.ext import lazy_exports

if TYPE_CHECKING:
    from invitekit_matrix._adapter import DEFAULT_API_BASE, MatrixAdapter
    from invitekit_matrix._details import MatrixRoomDetails, media_url
    from invitekit_matrix._errors import Asked, error_from_response
    from invitekit_matrix._links import (
        DEFAULT_CLIENT_HOSTS,
        MATRIX_LINK_RULES,
        MatrixLinkRules,
        with_client_hosts,
    )
    from invitekit_matrix._ratelimits import MatrixRateLimits

# Imported when first named: link scanning (``invitekit find``) reads only ``_links``,
# and must not pay for the adapter and its HTTP layer.
_LAZY = {
    "DEFAULT_API_BASE": "invitekit_matrix._adapter",
    "MatrixAdapter": "invitekit_matrix._adapter",
    "MatrixRoomDetails": "invitekit_matrix._details",
    "media_url": "invitekit_matrix._details",
    "Asked": "invitekit_matrix._errors",
    "error_from_response": "invitekit_matrix._errors",
    "DEFAULT_CLIENT_HOSTS": "invitekit_matrix._links",
    "MATRIX_LINK_RULES": "invitekit_matrix._links",
    "MatrixLinkRules": "invitekit_matrix._links",
    "with_client_hosts": "invitekit_matrix._links",
    "MatrixRateLimits": "invitekit_matrix._ratelimits",
}


__all__ = [
    "DEFAULT_API_BASE",
    "DEFAULT_CLIENT_HOSTS",
    "MATRIX_LINK_RULES",
    "Asked",
    "MatrixAdapter",
    "MatrixLinkRules",
    "MatrixRateLimits",
    "MatrixRoomDetails",
    "error_from_response",
    "media_url",
    "with_client_hosts",
]

__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
