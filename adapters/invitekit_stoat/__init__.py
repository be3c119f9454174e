"""The ``stoat`` platform: Stoat (formerly Revolt) invites for invitekit.

``StoatAdapter`` fetches, accepts, deletes, creates and lists invites on the official
instance or a self-hosted one; ``invitekit_stoat.testing`` serves the same endpoints
locally for tests. Importing this package does not import aiohttp.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from invitekit.ext import lazy_exports

if TYPE_CHECKING:
    from invitekit_stoat._adapter import DEFAULT_API_BASE, StoatAdapter
    from invitekit_stoat._details import (
        DEFAULT_CDN_BASE,
        StoatAudioMetadata,
        StoatFile,
        StoatFileMetadata,
        StoatGenericFileMetadata,
        StoatImageMetadata,
        StoatInviteDetails,
        StoatJoinedGroupDetails,
        StoatJoinedServerDetails,
        StoatServerFlags,
        StoatTextMetadata,
        StoatVideoMetadata,
    )
    from invitekit_stoat._errors import (
        StoatGroupTooLarge,
        StoatMissingPermission,
        StoatTooManyServers,
        error_from_response,
    )
    from invitekit_stoat._links import STOAT_LINK_RULES, instance_forms
    from invitekit_stoat._ratelimits import StoatRateLimits

# Imported when first named: link scanning (``invitekit find``) reads only ``_links``,
# and must not pay for the adapter, its HTTP layer and its converters.
_LAZY = {
    "DEFAULT_API_BASE": "invitekit_stoat._adapter",
    "StoatAdapter": "invitekit_stoat._adapter",
    "DEFAULT_CDN_BASE": "invitekit_stoat._details",
    "StoatAudioMetadata": "invitekit_stoat._details",
    "StoatFile": "invitekit_stoat._details",
    "StoatFileMetadata": "invitekit_stoat._details",
    "StoatGenericFileMetadata": "invitekit_stoat._details",
    "StoatImageMetadata": "invitekit_stoat._details",
    "StoatInviteDetails": "invitekit_stoat._details",
    "StoatJoinedGroupDetails": "invitekit_stoat._details",
    "StoatJoinedServerDetails": "invitekit_stoat._details",
    "StoatServerFlags": "invitekit_stoat._details",
    "StoatTextMetadata": "invitekit_stoat._details",
    "StoatVideoMetadata": "invitekit_stoat._details",
    "StoatGroupTooLarge": "invitekit_stoat._errors",
    "StoatMissingPermission": "invitekit_stoat._errors",
    "StoatTooManyServers": "invitekit_stoat._errors",
    "error_from_response": "invitekit_stoat._errors",
    "STOAT_LINK_RULES": "invitekit_stoat._links",
    "instance_forms": "invitekit_stoat._links",
    "StoatRateLimits": "invitekit_stoat._ratelimits",
}


__all__ = [
    "DEFAULT_API_BASE",
    "DEFAULT_CDN_BASE",
    "STOAT_LINK_RULES",
    "StoatAdapter",
    "StoatAudioMetadata",
    "StoatFile",
    "StoatFileMetadata",
    "StoatGenericFileMetadata",
    "StoatGroupTooLarge",
    "StoatImageMetadata",
    "StoatInviteDetails",
    "StoatJoinedGroupDetails",
    "StoatJoinedServerDetails",
    "StoatMissingPermission",
    "StoatRateLimits",
    "StoatServerFlags",
    "StoatTextMetadata",
    "StoatTooManyServers",
    "StoatVideoMetadata",
    "error_from_response",
    "instance_forms",
]

__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
