"""Stoat-only data kept on the core models: server flags, raw asset (File) objects.

The File structs are what the API sends, decoded as is; ``StoatFile.url`` builds the
CDN link the core models carry as ``icon_url``/``avatar_url``.

The detail structs are ``gc=False``: they hold only strings, numbers and other such
structs, so they cannot form reference cycles and need no tracking by the collector.
"""

from __future__ import annotations

import enum
from typing import TypeAlias

import msgspec

from invitekit import PlatformDetails

__all__ = [
    "DEFAULT_CDN_BASE",
    "StoatAudioMetadata",
    "StoatFile",
    "StoatFileMetadata",
    "StoatGenericFileMetadata",
    "StoatImageMetadata",
    "StoatInviteDetails",
    "StoatJoinedGroupDetails",
    "StoatJoinedServerDetails",
    "StoatServerFlags",
    "StoatTextMetadata",
    "StoatVideoMetadata",
]

DEFAULT_CDN_BASE = "https://cdn.stoatusercontent.com"
"""Where Stoat serves files (``{cdn}/{tag}/{_id}``); legacy instances used other hosts."""


class StoatServerFlags(enum.IntFlag):
    """Badges Stoat gives a server.

    The values follow the official clients (revolt.js, Revite): 1 is *official*, 2 is
    *verified*. stoat.py has the two swapped. Unknown bits are kept.
    """

    NONE = 0
    OFFICIAL = 1
    VERIFIED = 2


class StoatGenericFileMetadata(
    msgspec.Struct, tag_field="type", tag="File", frozen=True, kw_only=True
):
    """Metadata of an uncategorised file."""


class StoatTextMetadata(
    msgspec.Struct, tag_field="type", tag="Text", frozen=True, kw_only=True, gc=False
):
    """Metadata of a text file."""


class StoatImageMetadata(
    msgspec.Struct, tag_field="type", tag="Image", frozen=True, kw_only=True, gc=False
):
    """Metadata of an image; ``thumbhash`` and ``animated`` come only from newer backends."""

    width: int
    height: int
    thumbhash: tuple[int, ...] | None = None
    animated: bool | None = None


class StoatVideoMetadata(
    msgspec.Struct, tag_field="type", tag="Video", frozen=True, kw_only=True, gc=False
):
    """Metadata of a video."""

    width: int
    height: int


class StoatAudioMetadata(
    msgspec.Struct, tag_field="type", tag="Audio", frozen=True, kw_only=True, gc=False
):
    """Metadata of an audio file."""


StoatFileMetadata: TypeAlias = (
    StoatGenericFileMetadata
    | StoatTextMetadata
    | StoatImageMetadata
    | StoatVideoMetadata
    | StoatAudioMetadata
)
"""The ``metadata`` of a ``StoatFile``, tagged on ``type``."""


class StoatFile(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A file Stoat stores (icon, banner, avatar …), as the API sends it."""

    id: str = msgspec.field(name="_id")
    tag: str
    """The bucket: ``icons``, ``banners``, ``avatars``, ``backgrounds``, ``emojis`` …"""
    filename: str
    metadata: StoatFileMetadata
    content_type: str
    size: int
    deleted: bool | None = None
    reported: bool | None = None
    message_id: str | None = None
    user_id: str | None = None
    server_id: str | None = None
    object_id: str | None = None

    def url(self, cdn_base: str = DEFAULT_CDN_BASE) -> str:
        """Return the file's link on the CDN at ``cdn_base``."""
        return f"{cdn_base.rstrip('/')}/{self.tag}/{self.id}"


class StoatInviteDetails(PlatformDetails, frozen=True, kw_only=True, gc=False):
    """What a Stoat public invite carries beyond the core fields.

    ``server_flags`` is ``None`` on group invites; on server invites a missing key means
    no flags (``StoatServerFlags.NONE``).
    """

    server_flags: StoatServerFlags | None = None
    server_icon: StoatFile | None = None
    server_banner: StoatFile | None = None
    user_avatar: StoatFile | None = None


class StoatJoinedServerDetails(PlatformDetails, frozen=True, kw_only=True):
    """What joining a Stoat server returns beyond the core fields."""

    owner_id: str
    flags: StoatServerFlags = StoatServerFlags.NONE
    icon: StoatFile | None = None
    banner: StoatFile | None = None
    default_permissions: int = 0
    approximate_member_count: int | None = None
    """Sent by newer backends only."""
    discoverable: bool = False
    nsfw: bool = False


class StoatJoinedGroupDetails(PlatformDetails, frozen=True, kw_only=True):
    """What joining a Stoat group returns beyond the core fields."""

    owner_id: str | None = None
    recipient_ids: tuple[str, ...] = ()
    icon: StoatFile | None = None
    permissions: int | None = None
    nsfw: bool = False
