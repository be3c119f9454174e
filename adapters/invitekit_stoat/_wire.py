"""Stoat's JSON as msgspec structs, with one module-level decoder each.

Every optional key decodes whether it is absent or ``null``; unknown keys are ignored,
since the backend adds keys over time (``thumbhash``, ``approximate_member_count`` …).
Only the keys the conversion reads are declared. Every struct is ``gc=False``: decoded
JSON cannot hold a reference cycle, and untracked structs are cheaper to allocate.
"""

from __future__ import annotations

from typing import TypeAlias

import msgspec

from invitekit_stoat._details import StoatFile

PLATFORM = "stoat"


# -- GET /invites/{code}: InviteResponse ------------------------------------------------


class PublicServer(msgspec.Struct, tag_field="type", tag="Server", kw_only=True, gc=False):
    code: str
    server_id: str
    server_name: str
    server_icon: StoatFile | None = None
    server_banner: StoatFile | None = None
    server_flags: int | None = None
    channel_id: str
    channel_name: str
    channel_description: str | None = None
    user_name: str
    user_avatar: StoatFile | None = None
    member_count: int


class PublicGroup(msgspec.Struct, tag_field="type", tag="Group", kw_only=True, gc=False):
    code: str
    channel_id: str
    channel_name: str
    channel_description: str | None = None
    user_name: str
    user_avatar: StoatFile | None = None


PublicPayload: TypeAlias = PublicServer | PublicGroup


# -- GET /servers/{id}/invites, POST /channels/{id}/invites: Invite -----------------------


class PrivateServer(msgspec.Struct, tag_field="type", tag="Server", kw_only=True, gc=False):
    code: str = msgspec.field(name="_id")
    server: str
    creator: str
    channel: str


class PrivateGroup(msgspec.Struct, tag_field="type", tag="Group", kw_only=True, gc=False):
    code: str = msgspec.field(name="_id")
    creator: str
    channel: str


PrivatePayload: TypeAlias = PrivateServer | PrivateGroup


# -- POST /invites/{code}: InviteJoinResponse ------------------------------------------


class Voice(msgspec.Struct, kw_only=True, gc=False):
    max_users: int | None = None


class Channel(msgspec.Struct, kw_only=True, gc=False):
    """Any channel; ``channel_type`` says which.

    One permissive struct instead of a tagged union: a join has already happened when
    its response arrives, so a channel kind added later must not make it look failed.
    """

    channel_type: str
    id: str = msgspec.field(name="_id")
    name: str | None = None
    description: str | None = None
    server: str | None = None
    owner: str | None = None
    recipients: tuple[str, ...] | None = None
    icon: StoatFile | None = None
    permissions: int | None = None
    nsfw: bool | None = None
    voice: Voice | None = None


class Server(msgspec.Struct, kw_only=True, gc=False):
    id: str = msgspec.field(name="_id")
    owner: str
    name: str
    description: str | None = None
    channels: tuple[str, ...]
    default_permissions: int
    icon: StoatFile | None = None
    banner: StoatFile | None = None
    flags: int | None = None
    nsfw: bool | None = None
    discoverable: bool | None = None
    approximate_member_count: int | None = None


class BotInformation(msgspec.Struct, kw_only=True, gc=False):
    owner: str | None = None


class User(msgspec.Struct, kw_only=True, gc=False):
    id: str = msgspec.field(name="_id")
    username: str
    display_name: str | None = None
    avatar: StoatFile | None = None
    bot: BotInformation | None = None


class JoinServer(msgspec.Struct, tag_field="type", tag="Server", kw_only=True, gc=False):
    channels: tuple[Channel, ...]
    server: Server


class JoinGroup(msgspec.Struct, tag_field="type", tag="Group", kw_only=True, gc=False):
    channel: Channel
    users: tuple[User, ...]


JoinPayload: TypeAlias = JoinServer | JoinGroup


# -- error bodies ------------------------------------------------------------------------


class RocketDetail(msgspec.Struct, kw_only=True, gc=False):
    code: int | None = None
    reason: str | None = None
    description: str | None = None


class ErrorBody(msgspec.Struct, kw_only=True, gc=False):
    """Any of Stoat's error bodies: typed ``{"type": …}``, the rate limiter's
    ``{"retry_after": ms}``, or Rocket's default ``{"error": {…}}``."""

    type: str | None = None
    error: RocketDetail | str | None = None
    """Rocket's default body, or the text of a ``FailedValidation``."""
    permission: str | None = None
    max: int | None = None
    operation: str | None = None
    collection: str | None = None
    feature: str | None = None
    retry_after: int | float | None = None


PUBLIC_DECODER: msgspec.json.Decoder[PublicPayload] = msgspec.json.Decoder(PublicPayload)
PRIVATE_DECODER: msgspec.json.Decoder[PrivatePayload] = msgspec.json.Decoder(PrivatePayload)
JOIN_DECODER: msgspec.json.Decoder[JoinPayload] = msgspec.json.Decoder(JoinPayload)
ERROR_DECODER: msgspec.json.Decoder[ErrorBody] = msgspec.json.Decoder(ErrorBody)
