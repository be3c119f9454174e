"""Payloads discord.py, disnake and hikari decode that invitekit once refused or flattened.

Three shapes, each made here: a friend invite carrying its DM channel, a guild invite
naming no guild (Discord's docs mark ``guild`` optional), and an owner-view listing
without metadata (listed without *Manage Server*). What the platform sends is kept, what
it does not send is ``None``, and no such payload is an error. Each is decoded from JSON
text (the one-pass path) and from parsed data (the careful path), which must agree.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest

from invitekit import (
    ChannelType,
    GroupInvite,
    PayloadError,
    PublicFriendInvite,
    ServerInvite,
    UnknownPrivateInvite,
    UnknownPublicInvite,
    decode_private_invite,
    decode_private_invites,
    decode_public_invite,
)
from invitekit_discord import DiscordInviteDetails, InviteType

UTC = timezone.utc

FRIEND: dict[str, Any] = {
    "type": 2,
    "code": "pals4ever",
    "expires_at": "2026-04-01T00:00:00+00:00",
    "inviter": {"id": "80351110224678912", "username": "nelly", "avatar": None},
    "channel": {"id": "1213141516171819202", "name": None, "type": 1},
    "flags": 0,
    "friends_count": 12,
}

GUILDLESS: dict[str, Any] = {
    "type": 0,
    "code": "noGuild7",
    "expires_at": None,
    "channel": {"id": "1300000000000000001", "name": "lobby", "type": 0},
    "inviter": {"id": "80351110224678912", "username": "nelly"},
    "approximate_member_count": 40,
}

GUILD: dict[str, Any] = {"id": "1290000000000000001", "name": "Owls", "features": []}

# GET /guilds/{id}/invites with View Audit Log but not Manage Server: no metadata at all.
BARE_LISTED: dict[str, Any] = {
    "type": 0,
    "code": "owlsOnly",
    "expires_at": None,
    "guild": GUILD,
    "guild_id": GUILD["id"],
    "channel": {"id": "1290000000000000002", "name": "general", "type": 0},
    "inviter": {"id": "80351110224678912", "username": "nelly"},
    "flags": 0,
}

METADATA = {
    "uses": 4,
    "max_uses": 10,
    "max_age": 3600,
    "temporary": True,
    "created_at": "2026-03-01T12:00:00+00:00",
}

Decode = Callable[[Any], Any]


def forms(payload: Any) -> list[Any]:
    """``payload`` as JSON bytes, as JSON text, and as parsed data."""
    return [json.dumps(payload).encode(), json.dumps(payload), json.loads(json.dumps(payload))]


def decoded_alike(decode: Decode, payload: Any) -> Any:
    """Decode every form of ``payload``; the models must be the same in every field."""
    results = [decode(data) for data in forms(payload)]
    assert len({repr(result) for result in results}) == 1, results
    return results[0]


def public(payload: Any) -> Any:
    return decoded_alike(lambda data: decode_public_invite("discord", data), payload)


def private(payload: Any) -> Any:
    return decoded_alike(lambda data: decode_private_invite("discord", data), payload)


def listed(payloads: list[Any]) -> list[Any]:
    result: list[Any] = decoded_alike(
        lambda data: decode_private_invites("discord", data), payloads
    )
    return result


# -- a friend invite's DM channel -------------------------------------------------------------


def test_a_friend_invite_keeps_its_dm_channel() -> None:
    invite = public(FRIEND)
    assert isinstance(invite, PublicFriendInvite)
    assert invite.channel is not None
    assert invite.channel.id == "1213141516171819202"
    assert invite.channel.name is None
    assert invite.channel.type is ChannelType.DIRECT
    assert invite.inviter is not None
    assert invite.inviter.name == "nelly"
    assert invite.expires_at == datetime(2026, 4, 1, tzinfo=UTC)
    details = invite.details
    assert isinstance(details, DiscordInviteDetails)
    assert details.invite_type == InviteType.FRIEND
    assert details.channel_type == 1
    assert details.friends_count == 12


def test_a_named_friend_channel_keeps_its_name() -> None:
    channel = {"id": "1213141516171819203", "name": "nelly & me", "type": 1}
    invite = public({**FRIEND, "channel": channel})
    assert invite.channel is not None
    assert (invite.channel.id, invite.channel.name) == (channel["id"], "nelly & me")


@pytest.mark.parametrize("channel", ["null", "absent"])
def test_a_friend_invite_without_a_channel_has_none(channel: str) -> None:
    payload = dict(FRIEND)
    if channel == "null":
        payload["channel"] = None
    else:
        del payload["channel"]
    invite = public(payload)
    assert isinstance(invite, PublicFriendInvite)
    assert invite.channel is None


def test_a_friend_invites_owner_view_keeps_the_channel_in_its_payload() -> None:
    invite = private({**FRIEND, **METADATA})
    assert isinstance(invite, UnknownPrivateInvite)
    assert invite.raw["channel"] == FRIEND["channel"]


# -- a guild invite naming no guild -----------------------------------------------------------


def test_a_guild_invite_without_a_guild_is_kept_whole() -> None:
    invite = public(GUILDLESS)
    assert isinstance(invite, UnknownPublicInvite)
    assert invite.code == "noGuild7"
    assert invite.raw == GUILDLESS
    assert str(invite) == "https://discord.gg/noGuild7"


def test_a_guild_invite_with_a_null_guild_is_kept_whole() -> None:
    payload = {**GUILDLESS, "guild": None, "guild_id": None}
    invite = public(payload)
    assert isinstance(invite, UnknownPublicInvite)
    assert invite.raw == payload


def test_the_owner_view_of_a_guild_invite_without_a_guild_is_kept_whole() -> None:
    payload = {**GUILDLESS, **METADATA}
    invite = private(payload)
    assert isinstance(invite, UnknownPrivateInvite)
    assert invite.raw == payload


def test_a_listing_keeps_a_guildless_invite_in_its_place() -> None:
    invites = listed([BARE_LISTED, {**GUILDLESS, **METADATA}, {**BARE_LISTED, "code": "owls2"}])
    assert [type(invite) for invite in invites] == [
        ServerInvite,
        UnknownPrivateInvite,
        ServerInvite,
    ]
    assert [invite.code for invite in invites] == ["owlsOnly", "noGuild7", "owls2"]


def test_a_guild_id_alone_still_names_the_server() -> None:
    invite = public({**GUILDLESS, "guild_id": "1290000000000000001"})
    assert invite.server.id == "1290000000000000001"
    assert invite.server.name is None


def test_an_invite_with_neither_a_type_nor_a_guild_is_still_an_error() -> None:
    # Nothing says it is an invite at all: a vanity-URL body has this shape.
    payload = {key: value for key, value in GUILDLESS.items() if key != "type"}
    for data in forms(payload):
        with pytest.raises(PayloadError) as caught:
            decode_public_invite("discord", data)
        assert caught.value.path == "$.guild"


# -- an owner view without metadata ----------------------------------------------------------


def test_a_listing_without_metadata_leaves_every_metadata_field_none() -> None:
    [invite] = listed([BARE_LISTED])
    assert isinstance(invite, ServerInvite)
    assert invite.uses is None
    assert invite.max_uses is None
    assert invite.max_age is None
    assert invite.temporary is None
    assert invite.created_at is None
    assert invite.expires_at is None
    assert isinstance(invite.details, DiscordInviteDetails)
    assert not invite.details.has_metadata
    assert repr(private(BARE_LISTED)) == repr(invite)


def test_metadata_that_was_sent_is_kept() -> None:
    invite = private({**BARE_LISTED, **METADATA})
    assert isinstance(invite, ServerInvite)
    assert (invite.uses, invite.max_uses, invite.max_age) == (4, 10, 3600)
    assert invite.temporary is True
    assert invite.created_at == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert private({**BARE_LISTED, **METADATA, "temporary": False}).temporary is False


@pytest.mark.parametrize("missing", sorted(METADATA))
def test_each_metadata_field_not_sent_is_none(missing: str) -> None:
    payload = {key: value for key, value in {**BARE_LISTED, **METADATA}.items() if key != missing}
    invite = private(payload)
    assert isinstance(invite, ServerInvite)
    assert getattr(invite, missing) is None
    for other in sorted(set(METADATA) - {missing}):
        assert getattr(invite, other) is not None


def test_a_group_dm_invite_without_temporary_does_not_invent_it() -> None:
    payload = {
        "type": 1,
        "code": "raidNight",
        "expires_at": None,
        "channel": {"id": "1210000000000000001", "name": "raid", "type": 3},
        "max_age": 86400,
        "created_at": "2026-03-01T12:00:00+00:00",
    }
    invite = private(payload)
    assert isinstance(invite, GroupInvite)
    assert invite.temporary is None
    assert invite.uses is None
    assert invite.max_age == 86400
