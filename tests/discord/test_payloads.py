"""Every shared Discord payload decodes to the right type with the right field values."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import msgspec
import pytest

from invitekit import (
    ChannelType,
    GroupInvite,
    PayloadError,
    PublicGroupInvite,
    PublicServerInvite,
    ServerInvite,
    decode_private_invite,
    decode_private_invites,
    decode_public_invite,
)
from invitekit.http import Response, Route
from invitekit_discord import (
    DiscordAdapter,
    DiscordInviteDetails,
    InviteTargetType,
    TargetUsersJobStatus,
)
from invitekit_discord._decode import decode_job_status, decode_vanity_url
from invitekit_discord._errors import map_error
from invitekit_discord._ratelimits import DiscordRateLimits
from tests.discord.conftest import PAYLOADS

UTC = timezone.utc


def load(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def details(invite: object) -> DiscordInviteDetails:
    found = getattr(invite, "details", None)
    assert isinstance(found, DiscordInviteDetails)
    return found


def test_every_payload_file_is_covered_here() -> None:
    covered = {
        "community_error_unknown_invite_404.json",
        "constructed_get_channel_invites_with_metadata.json",
        "constructed_get_invite_group_dm.json",
        "constructed_get_invite_guild_with_counts.json",
        "docs_error_invalid_form_body_verbatim.json",
        "docs_error_invalid_token_verbatim.json",
        "docs_guild_vanity_url_verbatim.json",
        "docs_invite_metadata_verbatim.json",
        "docs_invite_object_verbatim.json",
        "docs_rate_limited_429_verbatim.json",
        "docs_target_users_job_status_verbatim.json",
        "docs_update_target_users_error_verbatim.json",
    }
    assert {path.name for path in PAYLOADS.glob("*.json")} == covered


def test_docs_invite_object() -> None:
    invite = decode_public_invite("discord", load("docs_invite_object_verbatim.json"))
    assert isinstance(invite, PublicServerInvite)
    assert invite.code == "0vCdhLbwjZZTWZLD"
    assert str(invite) == "https://discord.gg/0vCdhLbwjZZTWZLD"
    assert invite.adapter is None
    server = invite.server
    assert server.id == "165176875973476352"
    assert server.name == "CS:GO Fraggers Only"
    assert server.description == "Very good description"
    assert server.features == ("NEWS", "DISCOVERABLE")
    assert server.icon_url is None
    assert server.vanity_code is None
    assert server.nsfw is None  # the docs' example has no nsfw key: not invented
    assert invite.channel is not None
    assert (invite.channel.id, invite.channel.name) == ("165176875973476352", "illuminati")
    assert invite.channel.type is ChannelType.TEXT
    assert invite.inviter is not None
    assert invite.inviter.id == "115590097100865541"
    assert invite.inviter.name == "speed"
    assert invite.inviter.display_name is None
    assert invite.inviter.avatar_url == (
        "https://cdn.discordapp.com/avatars/115590097100865541/deadbeef.png"
    )
    assert invite.member_count is None
    assert invite.presence_count is None
    assert invite.expires_at is None
    extra = details(invite)
    assert extra.invite_type == 0
    assert extra.target_type == InviteTargetType.STREAM
    assert extra.target_user is not None
    assert (extra.target_user.id, extra.target_user.name) == ("165176875973476352", "bob")
    assert extra.verification_level == 2
    assert extra.nsfw_level == 0
    assert extra.premium_subscription_count == 5
    assert extra.flags == 0
    assert not extra.is_guest
    assert not extra.has_metadata


def test_constructed_guild_invite_with_counts_and_event() -> None:
    invite = decode_public_invite("discord", load("constructed_get_invite_guild_with_counts.json"))
    assert isinstance(invite, PublicServerInvite)
    assert invite.member_count == 4821
    assert invite.presence_count == 1370
    assert invite.expires_at == datetime(2026, 3, 8, 19, 15, 39, tzinfo=UTC)
    assert invite.server.nsfw is False
    assert invite.inviter is not None
    assert invite.inviter.display_name == "Speed"
    assert invite.event_id == "1346987654321098765"
    assert str(invite) == "https://discord.gg/0vCdhLbwjZZTWZLD?event=1346987654321098765"
    event = details(invite).scheduled_event
    assert event is not None
    assert event.id == "1346987654321098765"
    assert event.guild_id == "165176875973476352"
    assert event.channel_id is None
    assert event.creator_id == "115590097100865541"
    assert event.name == "Weekly scrims"
    assert event.description == "Bring your A game"
    assert event.start_time == datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
    assert event.end_time == datetime(2026, 3, 10, 20, 0, tzinfo=UTC)
    assert (event.privacy_level, event.status, event.entity_type) == (2, 1, 3)
    assert event.location == "https://example.com/scrims"
    assert event.user_count == 17
    assert details(invite).guild_id == "165176875973476352"


def test_constructed_group_dm_invite() -> None:
    data = load("constructed_get_invite_group_dm.json")
    invite = decode_public_invite("discord", data)
    assert isinstance(invite, PublicGroupInvite)
    assert invite.code == "Xq7fKp2"
    assert invite.member_count == 2
    assert invite.expires_at == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert invite.channel is not None
    assert invite.channel.type is ChannelType.GROUP
    assert invite.channel.name == "weekend raid"
    extra = details(invite)
    assert extra.invite_type == 1
    assert extra.channel_type == 3
    assert extra.channel_icon_url == (
        "https://cdn.discordapp.com/channel-icons/1210000000000000001/"
        "a1b2c3d4e5f60718293a4b5c6d7e8f90.png"
    )
    assert [(u.id, u.name) for u in extra.recipients] == [
        ("115590097100865541", "speed"),
        ("165176875973476352", "bob"),
    ]
    assert extra.recipients[1].avatar_url is None
    private = decode_private_invite("discord", data)
    assert isinstance(private, GroupInvite)
    assert private.max_age == 86400
    assert private.created_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert private.creator_id == "115590097100865541"
    assert private.channel_id == "1210000000000000001"


def test_constructed_channel_invites_with_metadata() -> None:
    invites = decode_private_invites(
        "discord", load("constructed_get_channel_invites_with_metadata.json")
    )
    assert [type(invite) for invite in invites] == [ServerInvite, ServerInvite]
    forever, role_invite = invites
    assert isinstance(forever, ServerInvite)
    assert isinstance(role_invite, ServerInvite)
    assert forever.code == "0vCdhLbwjZZTWZLD"
    assert forever.server_id == "165176875973476352"
    assert forever.channel_id == "165176875973476352"
    assert forever.creator_id == "115590097100865541"
    assert forever.uses == 0
    assert forever.max_uses is None  # 0 on the wire: unlimited
    assert forever.max_age is None  # 0 on the wire: never expires
    assert forever.temporary is False
    assert forever.created_at == datetime(2016, 3, 31, 19, 15, 39, 954000, tzinfo=UTC)
    assert forever.expires_at is None
    assert details(forever).has_metadata
    assert role_invite.code == "rjEeUJq"
    assert (role_invite.uses, role_invite.max_uses, role_invite.max_age) == (3, 10, 86400)
    assert role_invite.expires_at == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    [role] = details(role_invite).roles
    assert role.id == "41771983423143936"
    assert role.name == "Supporter"
    assert (role.position, role.color) == (3, 3447003)
    assert role.secondary_color is None
    assert role.icon_url is None


def test_docs_invite_metadata_completes_an_invite() -> None:
    # The docs' metadata example is only the extra fields; merged into the docs'
    # invite it is a full owner view, with expires_at computed from created_at + max_age.
    import json

    invite = json.loads(load("docs_invite_object_verbatim.json"))
    metadata = json.loads(load("docs_invite_metadata_verbatim.json"))
    decoded = decode_private_invite("discord", {**invite, **metadata})
    assert isinstance(decoded, ServerInvite)
    assert decoded.uses == 0
    assert decoded.max_uses is None
    assert decoded.max_age is None
    assert decoded.temporary is False
    assert decoded.created_at == datetime(2016, 3, 31, 19, 15, 39, 954000, tzinfo=UTC)
    assert decoded.expires_at is None
    expiring = decode_private_invite("discord", {**invite, **metadata, "max_age": 3600})
    assert expiring.expires_at == decoded.created_at + timedelta(hours=1)  # type: ignore[union-attr]
    with pytest.raises(PayloadError) as caught:
        decode_private_invite("discord", load("docs_invite_metadata_verbatim.json"))
    assert "code" in caught.value.message


def test_docs_vanity_url() -> None:
    vanity = decode_vanity_url(load("docs_guild_vanity_url_verbatim.json"), "1")
    assert (vanity.guild_id, vanity.code, vanity.uses) == ("1", "abc", 12)
    assert vanity.url == "https://discord.gg/abc"


def test_docs_target_users_job_status() -> None:
    job = decode_job_status(load("docs_target_users_job_status_verbatim.json"))
    assert job.status == TargetUsersJobStatus.FAILED
    assert (job.total_users, job.processed_users) == (100, 41)
    assert job.created_at == datetime(2025, 1, 8, 12, 0, tzinfo=UTC)
    assert job.completed_at is None
    assert job.error_message == "Failed to parse CSV file"
    assert job.done


ROUTE = Route("GET", "/invites/{code}", {"code": "x"})


def response(status: int, name: str) -> Response:
    return Response(status, {"content-type": "application/json"}, load(name))


def test_error_bodies_map_onto_the_tree() -> None:
    from invitekit import BadRequest, InviteNotFound, RateLimited, Unauthorized

    not_found = map_error(response(404, "community_error_unknown_invite_404.json"), ROUTE)
    assert type(not_found) is InviteNotFound
    assert (not_found.status, not_found.code) == (404, 10006)
    assert "Unknown Invite" in not_found.message
    token = map_error(response(401, "docs_error_invalid_token_verbatim.json"), ROUTE)
    assert type(token) is Unauthorized
    assert token.code == 50014
    form = map_error(response(400, "docs_error_invalid_form_body_verbatim.json"), ROUTE)
    assert type(form) is BadRequest
    assert form.code == 50035
    assert "access_token: This field is required" in form.message
    targets = map_error(response(400, "docs_update_target_users_error_verbatim.json"), ROUTE)
    assert type(targets) is BadRequest
    assert targets.code is None
    assert "Line 5: invalid user ID" in targets.message
    assert "Line 6: invalid user ID format" in targets.message
    limited = map_error(response(429, "docs_rate_limited_429_verbatim.json"), ROUTE)
    assert type(limited) is RateLimited


def test_docs_429_body_gives_the_retry_delay() -> None:
    info = DiscordRateLimits().parse(response(429, "docs_rate_limited_429_verbatim.json"))
    assert info.retry_after == 64.57
    assert info.is_global is False


@pytest.mark.parametrize(
    "name",
    sorted(
        path.name
        for path in PAYLOADS.glob("*.json")
        if not path.name.startswith(("constructed_get", "docs_invite_object"))
    ),
)
def test_non_invite_payloads_are_payload_errors_not_crashes(name: str) -> None:
    data = load(name)
    for decode in (
        DiscordAdapter.decode_public_invite,
        DiscordAdapter.decode_private_invite,
        DiscordAdapter.decode_private_invites,
    ):
        with pytest.raises(PayloadError) as caught:
            decode(data)
        assert caught.value.platform == "discord"


def _listed(code: str, guild_name: str, inviter: str) -> dict[str, object]:
    return {
        "type": 0,
        "code": code,
        "guild": {"id": "81", "name": guild_name},
        "channel": {"id": "82", "name": "general", "type": 0},
        "inviter": {"id": inviter, "username": f"user{inviter}", "avatar": "a_cafe"},
        "uses": 1,
    }


def test_a_listing_shares_a_part_between_invites_only_where_the_data_is_equal() -> None:
    listing = msgspec.json.encode(
        [
            _listed("one", "Cats", "7"),
            _listed("two", "Cats", "7"),
            _listed("three", "Cats", "8"),
            _listed("four", "Cats renamed", "8"),
        ]
    )
    one, two, three, four = decode_private_invites("discord", listing)
    assert isinstance(one, ServerInvite)
    assert isinstance(two, ServerInvite)
    assert isinstance(three, ServerInvite)
    assert isinstance(four, ServerInvite)
    assert one.server is two.server is three.server
    assert one.channel is four.channel
    assert one.creator is two.creator
    assert three.creator is not None
    assert three.creator.id == "8"
    assert three.creator is four.creator
    # The same id with other data is built anew, not taken from the first.
    assert four.server is not None
    assert four.server.name == "Cats renamed"
    assert one.server is not None
    assert one.server.name == "Cats"
    assert one.creator is not None
    assert one.creator.avatar_url == "https://cdn.discordapp.com/avatars/7/a_cafe.gif"
    # Shared or not, every invite equals the one decoded on its own.
    for invite, item in zip(
        (one, two, three, four),
        msgspec.json.decode(listing),
        strict=True,
    ):
        alone = decode_private_invite("discord", msgspec.json.encode(item))
        assert isinstance(alone, ServerInvite)
        assert (alone.server, alone.channel, alone.creator) == (
            invite.server,
            invite.channel,
            invite.creator,
        )


def test_ids_the_scheduled_event_repeats_are_held_once() -> None:
    invite = decode_public_invite("discord", load("constructed_get_invite_guild_with_counts.json"))
    assert isinstance(invite, PublicServerInvite)
    assert invite.inviter is not None
    event = details(invite).scheduled_event
    assert event is not None
    assert event.guild_id == invite.server.id
    assert event.guild_id is invite.server.id
    assert event.creator_id is invite.inviter.id


def _guild_invite(code: str, features: list[str]) -> bytes:
    return msgspec.json.encode(
        {"type": 0, "code": code, "guild": {"id": "41", "name": "Cats", "features": features}}
    )


@pytest.fixture
def fresh_feature_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    from invitekit_discord import _convert

    monkeypatch.setattr(_convert, "_FEATURE_NAMES", {})
    monkeypatch.setattr(_convert, "_FEATURE_SETS", {})


def _features_of(code: str, names: list[str]) -> tuple[str, ...]:
    invite = decode_public_invite("discord", _guild_invite(code, names))
    assert isinstance(invite, PublicServerInvite)
    assert invite.server.features == tuple(names)
    return invite.server.features


@pytest.mark.usefixtures("fresh_feature_tables")
def test_invites_share_one_tuple_per_feature_list_and_one_string_per_name() -> None:
    first = _features_of("one", ["NEWS", "COMMUNITY"])
    again = _features_of("two", ["NEWS", "COMMUNITY"])
    other = _features_of("three", ["COMMUNITY", "X_NEW_NAME"])
    # Decoded from different bytes: the same list is one tuple, the same name one
    # string; order and names invitekit has never seen are kept as sent.
    assert again is first
    assert other[0] is first[1]
    assert _features_of("four", []) == ()


@pytest.mark.usefixtures("fresh_feature_tables")
def test_the_shared_feature_tables_stay_bounded() -> None:
    from invitekit_discord import _convert

    for batch in range(12):
        _features_of(f"c{batch}", [f"MADE_UP_{batch}_{index}" for index in range(100)])
    assert len(_convert._FEATURE_NAMES) <= _convert._FEATURE_NAMES_KEPT + 100
    for index in range(_convert._FEATURE_SETS_KEPT + 5):
        _features_of(f"s{index}", ["NEWS", f"X_{index}"])
    assert len(_convert._FEATURE_SETS) <= _convert._FEATURE_SETS_KEPT
    # A list longer than any guild's is decoded as sent and not remembered.
    kept = len(_convert._FEATURE_SETS)
    _features_of("long", [f"L_{index}" for index in range(_convert._FEATURE_SET_LONGEST + 1)])
    assert len(_convert._FEATURE_SETS) == kept
