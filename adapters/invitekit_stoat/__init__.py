"""The ``stoat`` platform: Stoat (formerly Revolt) invites for invitekit.

``StoatAdapter`` fetches, accepts, deletes, creates and lists invites on the official
instance or a self-hosted one; ``invitekit_stoat.testing`` serves the same endpoints
locally for tests. Importing this package does not import aiohttp.
"""

from __future__ import annotations

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
