"""Every shared Stoat payload decodes to the right type and values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from invitekit import (
    BotAccountRejected,
    ChannelType,
    GroupInvite,
    InviteServer,
    InviteUser,
    JoinedGroup,
    JoinedServer,
    PublicGroupInvite,
    PublicServerInvite,
    RateLimited,
    ServerError,
    ServerInvite,
    Unauthorized,
    decode_private_invite,
    decode_private_invites,
    decode_public_invite,
)
from invitekit_stoat import (
    StoatAdapter,
    StoatFile,
    StoatImageMetadata,
    StoatInviteDetails,
    StoatJoinedGroupDetails,
    StoatJoinedServerDetails,
    StoatMissingPermission,
    StoatServerFlags,
    StoatTooManyServers,
    error_from_response,
)

PAYLOADS = Path(__file__).parent / "data" / "payloads"
CDN = "https://cdn.stoatusercontent.com"


def load(name: str) -> bytes:
    return (PAYLOADS / f"{name}.json").read_bytes()


def check_server_public_invite(data: bytes) -> None:
    invite = decode_public_invite("stoat", data)
    assert isinstance(invite, PublicServerInvite)
    assert invite.platform == "stoat"
    assert invite.code == "w2PDnFm6"
    assert invite.server == InviteServer(
        id="01J71HFE865V215DE1CTEWH0AV",
        name="Stoat Python Devs",
        icon_url=f"{CDN}/icons/zrNfYY5R2Xj7fJ4MGBLeV0_9bzHVwAxh6k2_TYlbHH",
        banner_url=f"{CDN}/banners/oHG9UHKXIIezPfFK1ohaoehyQm6oJB6MJbhQsIfvkU",
    )
    assert invite.channel is not None
    assert invite.channel.id == "01JNH9DN65R6PPG2X7R5JQC42E"
    assert invite.channel.name == "general"
    assert invite.channel.description == "Say hi!"
    assert invite.channel.type is None  # the response does not say
    assert invite.inviter == InviteUser(
        name="alice", avatar_url=f"{CDN}/avatars/4mBmNRhONTikarah_gGL2jFAqQhU42BOJTEvS3QFnu"
    )
    assert invite.member_count == 1342
    assert invite.presence_count is None
    assert invite.expires_at is None
    assert str(invite) == "https://stt.gg/w2PDnFm6"
    details = invite.details
    assert isinstance(details, StoatInviteDetails)
    assert details.server_flags is StoatServerFlags.VERIFIED
    assert details.server_icon is not None
    assert details.server_icon.filename == "icon.png"
    assert details.server_icon.metadata == StoatImageMetadata(width=512, height=512)
    assert details.server_icon.size == 48213
    assert details.server_banner is not None
    assert details.server_banner.content_type == "image/jpeg"
    assert details.user_avatar is not None
    assert details.user_avatar.tag == "avatars"


def check_server_public_invite_minimal(data: bytes) -> None:
    invite = decode_public_invite("stoat", data)
    assert isinstance(invite, PublicServerInvite)
    assert invite.code == "AxxBT1Bs"
    assert invite.server == InviteServer(id="01J71HFE865V215DE1CTEWH0AV", name="Stoat Python Devs")
    assert invite.channel is not None
    assert invite.channel.description is None
    assert invite.inviter == InviteUser(name="alice")
    assert invite.member_count == 3
    # A missing server_flags key means no flags, not unknown flags.
    assert invite.details == StoatInviteDetails(server_flags=StoatServerFlags.NONE)


def check_group_public_invite(data: bytes) -> None:
    invite = decode_public_invite("stoat", data)
    assert isinstance(invite, PublicGroupInvite)
    assert invite.code == "PvdThs9F"
    assert invite.channel is not None
    assert invite.channel.id == "01J5379AV4RRXG07HN7JVAX0GB"
    assert invite.channel.name == "weekend plans"
    assert invite.channel.type is ChannelType.GROUP
    assert invite.channel.description == "Who is bringing snacks?"
    assert invite.inviter is not None
    assert invite.inviter.name == "bob"
    assert invite.inviter.avatar_url == f"{CDN}/avatars/4mBmNRhONTikarah_gGL2jFAqQhU42BOJTEvS3QFnu"
    assert invite.member_count is None
    assert isinstance(invite.details, StoatInviteDetails)
    assert invite.details.server_flags is None
    assert invite.details.user_avatar is not None
    assert invite.details.user_avatar.filename == "bob.png"


def check_private_server_invite(data: bytes) -> None:
    invite = decode_private_invite("stoat", data)
    assert isinstance(invite, ServerInvite)
    assert invite.code == "w2PDnFm6"
    assert invite.server_id == "01J71HFE865V215DE1CTEWH0AV"
    assert invite.creator_id == "01JE2MSH4DMDZSX9G8FGVSQE8Z"
    assert invite.channel_id == "01JNH9DN65R6PPG2X7R5JQC42E"
    # Stoat invites are unlimited and permanent; nothing about uses is known.
    assert (invite.max_uses, invite.max_age, invite.temporary) == (None, None, False)
    assert (invite.uses, invite.created_at, invite.expires_at) == (None, None, None)


def check_private_group_invite(data: bytes) -> None:
    invite = decode_private_invite("stoat", data)
    assert isinstance(invite, GroupInvite)
    assert invite.code == "PvdThs9F"
    assert invite.creator_id == "01J6KC9QA0MZ17QKF3F55Z488Y"
    assert invite.channel_id == "01J5379AV4RRXG07HN7JVAX0GB"


def check_server_invites_list(data: bytes) -> None:
    invites = decode_private_invites("stoat", data)
    assert [type(invite) for invite in invites] == [ServerInvite, ServerInvite]
    assert [invite.code for invite in invites] == ["w2PDnFm6", "AxxBT1Bs"]
    assert [invite.creator_id for invite in invites if isinstance(invite, ServerInvite)] == [
        "01JE2MSH4DMDZSX9G8FGVSQE8Z",
        "01JAGVDCKSQWW7FE4N1EE043E4",
    ]
    assert {invite.server_id for invite in invites if isinstance(invite, ServerInvite)} == {
        "01J71HFE865V215DE1CTEWH0AV"
    }


def check_accept_server_response(data: bytes) -> None:
    joined = StoatAdapter.decode_join_result(data, code="w2PDnFm6")
    assert isinstance(joined, JoinedServer)
    assert joined.code == "w2PDnFm6"
    assert joined.server.id == "01J71HFE865V215DE1CTEWH0AV"
    assert joined.server.name == "Stoat Python Devs"
    assert joined.server.description == "Building things with msgspec and aiohttp."
    assert joined.server.icon_url == f"{CDN}/icons/zrNfYY5R2Xj7fJ4MGBLeV0_9bzHVwAxh6k2_TYlbHH"
    assert joined.server.nsfw is False
    assert [(c.id, c.name, c.type) for c in joined.channels] == [
        ("01JNH9DN65R6PPG2X7R5JQC42E", "general", ChannelType.TEXT),
        ("01JJ5E6RHXQAQPDH4AFAXRHEM3", "announcements", ChannelType.TEXT),
    ]
    details = joined.details
    assert isinstance(details, StoatJoinedServerDetails)
    assert isinstance(details.icon, StoatFile)
    assert details.icon.url() == joined.server.icon_url
    assert details == StoatJoinedServerDetails(
        owner_id="01JAGVDCKSQWW7FE4N1EE043E4",
        flags=StoatServerFlags.VERIFIED,
        icon=details.icon,
        default_permissions=77014766592,
        approximate_member_count=1343,
        discoverable=True,
    )


def check_accept_group_response(data: bytes) -> None:
    joined = StoatAdapter.decode_join_result(data, code="PvdThs9F")
    assert isinstance(joined, JoinedGroup)
    assert joined.channel.id == "01J5379AV4RRXG07HN7JVAX0GB"
    assert joined.channel.type is ChannelType.GROUP
    assert joined.channel.description == "Who is bringing snacks?"
    assert joined.members == (
        InviteUser(id="01J6KC9QA0MZ17QKF3F55Z488Y", name="bob", display_name="Bob", bot=False),
        InviteUser(id="01JE2MSH4DMDZSX9G8FGVSQE8Z", name="alice", bot=False),
    )
    assert joined.details == StoatJoinedGroupDetails(
        owner_id="01J6KC9QA0MZ17QKF3F55Z488Y",
        recipient_ids=("01J6KC9QA0MZ17QKF3F55Z488Y", "01JE2MSH4DMDZSX9G8FGVSQE8Z"),
    )


def check_error_missing_permission(data: bytes) -> None:
    error = error_from_response(403, data)
    assert isinstance(error, StoatMissingPermission)
    assert (error.status, error.code, error.permission) == (
        403,
        "MissingPermission",
        "InviteOthers",
    )
    assert "InviteOthers" in str(error)


def check_error_too_many_servers(data: bytes) -> None:
    error = error_from_response(400, data, invite_route=True)
    assert isinstance(error, StoatTooManyServers)
    assert (error.status, error.code, error.max) == (400, "TooManyServers", 100)


def check_error_is_bot(data: bytes) -> None:
    error = error_from_response(400, data, invite_route=True)
    assert isinstance(error, BotAccountRejected)
    assert (error.status, error.code, error.platform) == (400, "IsBot", "stoat")


def check_error_database(data: bytes) -> None:
    error = error_from_response(500, data)
    assert isinstance(error, ServerError)
    assert error.code == "DatabaseError"
    assert "find_one_by_id" in error.message
    assert "channel_invites" in error.message


def check_ratelimited_429(data: bytes) -> None:
    error = error_from_response(429, data)
    assert isinstance(error, RateLimited)
    assert error.retry_after == pytest.approx(8.417)  # the body is in milliseconds
    assert error.code is None


def check_rocket_default_401(data: bytes) -> None:
    error = error_from_response(401, data, invite_route=True)
    assert isinstance(error, Unauthorized)
    assert error.code is None
    assert "requires user authentication" in error.message


CHECKS = {
    "server_public_invite": check_server_public_invite,
    "server_public_invite_minimal": check_server_public_invite_minimal,
    "group_public_invite": check_group_public_invite,
    "private_server_invite": check_private_server_invite,
    "private_group_invite": check_private_group_invite,
    "server_invites_list": check_server_invites_list,
    "accept_server_response": check_accept_server_response,
    "accept_group_response": check_accept_group_response,
    "error_missing_permission": check_error_missing_permission,
    "error_too_many_servers": check_error_too_many_servers,
    "error_is_bot": check_error_is_bot,
    "error_database": check_error_database,
    "ratelimited_429": check_ratelimited_429,
    "rocket_default_401": check_rocket_default_401,
}


def test_every_payload_file_has_a_check() -> None:
    assert {path.stem for path in PAYLOADS.glob("*.json")} == set(CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_payload_decodes(name: str) -> None:
    CHECKS[name](load(name))


@pytest.mark.parametrize(
    "name",
    [
        "server_public_invite",
        "server_public_invite_minimal",
        "group_public_invite",
        "private_server_invite",
        "private_group_invite",
        "server_invites_list",
    ],
)
def test_payload_decodes_from_str_and_parsed_json(name: str) -> None:
    data = load(name)
    decode = {
        "server_invites_list": lambda d: decode_private_invites("stoat", d),
        "private_server_invite": lambda d: decode_private_invite("stoat", d),
        "private_group_invite": lambda d: decode_private_invite("stoat", d),
    }.get(name, lambda d: decode_public_invite("stoat", d))
    from_bytes = decode(data)
    assert decode(data.decode()) == from_bytes
    assert decode(json.loads(data)) == from_bytes
    assert repr(decode(json.loads(data))) == repr(from_bytes)
