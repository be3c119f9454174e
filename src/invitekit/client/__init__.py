"""The client bridge bots use: resolve links across platforms, cached and coalesced."""

from __future__ import annotations

from invitekit.client._cache import CacheSettings
from invitekit.client._client import ClientStats, InviteClient, Resolution
from invitekit.client._coalesce import Coalescer, Coalescing, MemoryCoalescing
from invitekit.client._stores import InviteCache, LookupKey, MemoryInviteCache

__all__ = [
    "CacheSettings",
    "ClientStats",
    "Coalescer",
    "Coalescing",
    "InviteCache",
    "InviteClient",
    "LookupKey",
    "MemoryCoalescing",
    "MemoryInviteCache",
    "Resolution",
]
