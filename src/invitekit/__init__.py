"""invitekit: chat invites in one typed, fast, platform-neutral shape.

Importing this package is cheap: the models and decoders (with msgspec) load when one
of their names is first used, no HTTP library is imported until a network call needs
one, and adapters load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from invitekit._lazy import lazy_exports
from invitekit.capabilities import Capability
from invitekit.errors import (
    AdapterImportError,
    AlreadyMember,
    BadRequest,
    Banned,
    BotAccountRejected,
    Conflict,
    Forbidden,
    GroupTooLarge,
    HTTPError,
    InvalidArgument,
    InvalidInviteLink,
    InviteError,
    InviteNotFound,
    MissingPermissions,
    NotFound,
    PayloadError,
    RateLimited,
    ServerError,
    TooManyServers,
    TransportError,
    Unauthorized,
    UnboundInvite,
    UnknownPlatform,
    UnsupportedOperation,
)
from invitekit.links import LinkForm, LinkRules, LinkScanner, find_invites, parse_invite
from invitekit.refs import InviteRef
from invitekit.registry import (
    available_platforms,
    get_adapter,
    get_adapter_class,
    register_adapter,
    unregister_adapter,
)

if TYPE_CHECKING:
    from invitekit.adapter import Adapter
    from invitekit.client import (
        CacheSettings,
        ClientStats,
        Coalescing,
        InviteCache,
        InviteClient,
        LookupKey,
        MemoryCoalescing,
        MemoryInviteCache,
        Resolution,
    )
    from invitekit.decoding import (
        decode_private_invite,
        decode_private_invites,
        decode_public_invite,
    )
    from invitekit.models import (
        BaseInvite,
        ChannelType,
        GroupInvite,
        InviteChannel,
        InviteServer,
        InviteUser,
        JoinedGroup,
        JoinedServer,
        JoinResult,
        PlatformDetails,
        PrivateInvite,
        PublicFriendInvite,
        PublicGroupInvite,
        PublicInvite,
        PublicServerInvite,
        ServerInvite,
        UnknownPrivateInvite,
        UnknownPublicInvite,
    )
    from invitekit.tracking import InviteTracker, JoinAttribution, JoinSource

# Imported on first use: the models, the adapter base and the decoders bring msgspec,
# which finding links never needs (``invitekit find`` starts in two thirds of the time);
# the client and the tracker bring asyncio (and with it ssl), which decoding never needs.
_LAZY = {
    # The submodules an eager import used to leave on the package, as attributes.
    **{name: f"invitekit.{name}" for name in ("adapter", "decoding", "models")},
    "Adapter": "invitekit.adapter",
    **dict.fromkeys(
        ("decode_private_invite", "decode_private_invites", "decode_public_invite"),
        "invitekit.decoding",
    ),
    **dict.fromkeys(
        (
            "BaseInvite",
            "ChannelType",
            "GroupInvite",
            "InviteChannel",
            "InviteServer",
            "InviteUser",
            "JoinResult",
            "JoinedGroup",
            "JoinedServer",
            "PlatformDetails",
            "PrivateInvite",
            "PublicFriendInvite",
            "PublicGroupInvite",
            "PublicInvite",
            "PublicServerInvite",
            "ServerInvite",
            "UnknownPrivateInvite",
            "UnknownPublicInvite",
        ),
        "invitekit.models",
    ),
    **dict.fromkeys(
        (
            "CacheSettings",
            "ClientStats",
            "Coalescing",
            "InviteCache",
            "InviteClient",
            "LookupKey",
            "MemoryCoalescing",
            "MemoryInviteCache",
            "Resolution",
        ),
        "invitekit.client",
    ),
    **dict.fromkeys(("InviteTracker", "JoinAttribution", "JoinSource"), "invitekit.tracking"),
}


__version__ = "0.1.0"

__all__ = [
    "Adapter",
    "AdapterImportError",
    "AlreadyMember",
    "BadRequest",
    "Banned",
    "BaseInvite",
    "BotAccountRejected",
    "CacheSettings",
    "Capability",
    "ChannelType",
    "ClientStats",
    "Coalescing",
    "Conflict",
    "Forbidden",
    "GroupInvite",
    "GroupTooLarge",
    "HTTPError",
    "InvalidArgument",
    "InvalidInviteLink",
    "InviteCache",
    "InviteChannel",
    "InviteClient",
    "InviteError",
    "InviteNotFound",
    "InviteRef",
    "InviteServer",
    "InviteTracker",
    "InviteUser",
    "JoinAttribution",
    "JoinResult",
    "JoinSource",
    "JoinedGroup",
    "JoinedServer",
    "LinkForm",
    "LinkRules",
    "LinkScanner",
    "LookupKey",
    "MemoryCoalescing",
    "MemoryInviteCache",
    "MissingPermissions",
    "NotFound",
    "PayloadError",
    "PlatformDetails",
    "PrivateInvite",
    "PublicFriendInvite",
    "PublicGroupInvite",
    "PublicInvite",
    "PublicServerInvite",
    "RateLimited",
    "Resolution",
    "ServerError",
    "ServerInvite",
    "TooManyServers",
    "TransportError",
    "Unauthorized",
    "UnboundInvite",
    "UnknownPlatform",
    "UnknownPrivateInvite",
    "UnknownPublicInvite",
    "UnsupportedOperation",
    "__version__",
    "available_platforms",
    "decode_private_invite",
    "decode_private_invites",
    "decode_public_invite",
    "find_invites",
    "get_adapter",
    "get_adapter_class",
    "parse_invite",
    "register_adapter",
    "unregister_adapter",
]

__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
