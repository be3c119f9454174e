"""Capability flags: what an adapter can do, declared up front instead of discovered by failure."""

from __future__ import annotations

import enum

__all__ = ["Capability"]


@enum.unique
class Capability(enum.Enum):
    """One operation an adapter may support.

    A verb whose capability is missing raises ``UnsupportedOperation`` before any I/O.
    ``revoke`` is ``delete`` under another name and needs ``DELETE``.
    """

    FETCH = "fetch"
    """Resolve a code into a public invite."""
    ACCEPT = "accept"
    """Join the server or group an invite leads to."""
    DELETE = "delete"
    """Delete (revoke) an invite."""
    CREATE = "create"
    """Create an invite for a channel."""
    LIST_SERVER_INVITES = "list_server_invites"
    """List every invite of a server."""
    LIST_CHANNEL_INVITES = "list_channel_invites"
    """List the invites of one channel."""
