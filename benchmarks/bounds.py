"""bounds: where the time between the msgspec floor and invitekit's decoding goes.

For the payloads furthest from the floor, three references beside invitekit, all on the
same bytes and all built from public code:

- **msgspec floor**: bare Structs of what the platform-neutral model shows (``_floor``);
- **msgspec, all kept**: bare Structs of everything invitekit keeps, ``details``
  included (Discord only; the Stoat floor already holds what Stoat sends);
- **floor + model objects**: the floor, then the core model built from it with only the
  fields the floor holds: no image URLs, no channel-type enum, no details, no dispatch.
  No converter that builds the model in Python can be faster than this.

It measures; it sets no target.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from benchmarks import _floor
from benchmarks._data import payload
from benchmarks._measure import Contender, time_alternating
from benchmarks._report import Row, Table, Target
from benchmarks._settings import Settings
from invitekit import (
    InviteChannel,
    InviteServer,
    InviteUser,
    PublicGroupInvite,
    PublicServerInvite,
    decode_public_invite,
)

__all__ = ["run"]

Decode = Callable[[bytes], Any]


def _discord_model(data: bytes) -> PublicServerInvite:
    wire = _floor.DISCORD_GUILD.decode(data)
    guild, channel, user, event = wire.guild, wire.channel, wire.inviter, wire.guild_scheduled_event
    assert guild is not None
    return PublicServerInvite(
        platform="discord",
        code=wire.code,
        event_id=None if event is None else event.id,
        server=InviteServer(
            id=guild.id,
            name=guild.name,
            description=guild.description,
            features=tuple(guild.features),
            vanity_code=guild.vanity_url_code,
            nsfw=guild.nsfw,
        ),
        channel=None if channel is None else InviteChannel(id=channel.id, name=channel.name),
        inviter=None
        if user is None
        else InviteUser(id=user.id, name=user.username, display_name=user.global_name),
        member_count=wire.approximate_member_count,
        presence_count=wire.approximate_presence_count,
        expires_at=wire.expires_at,
    )


def _stoat_model(data: bytes) -> PublicGroupInvite:
    wire = _floor.STOAT_GROUP.decode(data)
    return PublicGroupInvite(
        platform="stoat",
        code=wire.code,
        channel=InviteChannel(
            id=wire.channel_id, name=wire.channel_name, description=wire.channel_description
        ),
        inviter=InviteUser(name=wire.user_name),
    )


def _table(title: str, data: bytes, named: list[tuple[str, Any, Decode]], s: Settings) -> Table:
    contenders = [Contender(name, role, functools.partial(f, data)) for name, role, f in named]
    timings = time_alternating(contenders, repeats=s.repeats, budget=s.batch_seconds)
    rows = [Row(t.contender.name, t.contender.role, t.median * 1e6) for t in timings]
    return Table(f"bounds: {title}", "µs per payload", True, rows)


def run(settings: Settings) -> tuple[list[Table], list[Target]]:
    """Time the references against invitekit on the Discord guild and Stoat group invites."""
    guild = payload("discord", "constructed_get_invite_guild_with_counts.json")
    group = payload("stoat", "group_public_invite.json")
    tables = [
        _table(
            "Discord guild invite with counts and event",
            guild,
            [
                ("invitekit", "ours", functools.partial(decode_public_invite, "discord")),
                ("msgspec floor", "floor", _floor.DISCORD_GUILD.decode),
                ("msgspec, all kept", "floor", _floor.DISCORD_GUILD_ALL.decode),
                ("floor + model objects", "floor", _discord_model),
            ],
            settings,
        ),
        _table(
            "Stoat group invite",
            group,
            [
                ("invitekit", "ours", functools.partial(decode_public_invite, "stoat")),
                ("msgspec floor", "floor", _floor.STOAT_GROUP.decode),
                ("floor + model objects", "floor", _stoat_model),
            ],
            settings,
        ),
    ]
    return tables, []
