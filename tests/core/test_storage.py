"""Outcomes survive the trip through stored bytes (Redis or any other store): every field,
every type, no pickle, and no Redis needed."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invitekit import (
    ChannelType,
    InviteChannel,
    InviteError,
    InviteNotFound,
    InviteServer,
    InviteUser,
    PayloadError,
    PublicFriendInvite,
    PublicGroupInvite,
    PublicInvite,
    PublicServerInvite,
    RateLimited,
    UnknownPublicInvite,
    decode_public_invite,
    errors,
)
from invitekit.storage import UndecodableOutcome, decode_outcome, encode_outcome
from invitekit_discord import (
    DiscordApplication,
    DiscordInviteDetails,
    DiscordRole,
    DiscordScheduledEvent,
    InviteFlags,
)
from invitekit_fake import FakeAdapter, FakeChannel, FakeGroup, FakeUser, FakeWorld
from tests.discord._openapi import Generator, load_schemas
from tests.discord.conftest import PAYLOADS
from tests.stoat.test_generated import STRATEGIES as STOAT_STRATEGIES

STOAT_PAYLOADS = Path(__file__).parents[1] / "stoat" / "data" / "payloads"


def snapshot(value: Any) -> Any:
    """Everything about ``value`` that a faithful round trip keeps, types included."""
    if isinstance(value, msgspec.Struct):
        fields = {
            name: snapshot(getattr(value, name))
            for name in value.__struct_fields__
            if name != "_adapter"
        }
        return (type(value), fields)
    if isinstance(value, (list, tuple)):
        return (type(value), [snapshot(item) for item in value])
    if isinstance(value, dict):
        return {key: snapshot(item) for key, item in value.items()}
    if isinstance(value, datetime):
        return (datetime, value, value.utcoffset())
    return (type(value), value)


def round_trip(outcome: PublicInvite | InviteError) -> PublicInvite | InviteError:
    return decode_outcome(encode_outcome(outcome))


# -- invites ---------------------------------------------------------------------------------


async def test_fake_invites_of_every_kind_round_trip() -> None:
    world = FakeWorld()
    owner = world.add_user("owner", display_name="Owner")
    server = world.add_server("Bridge", owner=owner)
    group = world.add_group("Pals", owner=owner)
    targets: list[FakeChannel | FakeGroup | FakeUser] = [server.channel("general"), group, owner]
    codes = [world.add_invite(target, max_age=3600).code for target in targets]
    async with FakeAdapter(world) as fake:
        invites = [await fake.fetch_invite(code) for code in codes]
    assert {type(invite) for invite in invites} == {
        PublicServerInvite,
        PublicGroupInvite,
        PublicFriendInvite,
    }
    for invite in invites:
        back = round_trip(invite)
        assert snapshot(back) == snapshot(invite)
        assert isinstance(back, PublicServerInvite | PublicGroupInvite | PublicFriendInvite)
        assert back.adapter is None  # the client binds it to its own adapter


def test_a_fully_detailed_discord_invite_round_trips() -> None:
    moment = datetime(2026, 3, 1, 12, 30, 15, 123000, tzinfo=timezone(timedelta(hours=2)))
    user = InviteUser(id="1", name="alice", display_name="Alice", avatar_url="https://a/b.png")
    invite = PublicServerInvite(
        platform="discord",
        code="cats",
        event_id="77",
        server=InviteServer(id="9", name="Cats", features=("COMMUNITY", "VANITY_URL"), nsfw=False),
        channel=InviteChannel(id="10", name="general", type=ChannelType.VOICE),
        inviter=user,
        member_count=4821,
        presence_count=1370,
        expires_at=moment,
        details=DiscordInviteDetails(
            invite_type=0,
            channel_type=2,
            guild_id="9",
            target_type=2,
            target_user=user,
            target_application=DiscordApplication(id="55", name="Poker", icon_url=None),
            scheduled_event=DiscordScheduledEvent(
                id="77", name="Movie night", start_time=moment, user_count=12
            ),
            roles=(DiscordRole(id="3", name="guest", color=0xFF00FF, permissions="1024"),),
            flags=int(InviteFlags.IS_GUEST_INVITE),
            verification_level=2,
            recipients=(user,),
            has_metadata=True,
        ),
    )
    back = round_trip(invite)
    assert snapshot(back) == snapshot(invite)
    assert isinstance(back, PublicServerInvite)
    assert isinstance(back.details, DiscordInviteDetails)
    assert back.details.is_guest
    assert back.expires_at is not None
    assert back.expires_at.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    "name",
    [
        "constructed_get_invite_guild_with_counts.json",
        "constructed_get_invite_group_dm.json",
        "docs_invite_object_verbatim.json",
    ],
)
def test_shared_discord_payloads_round_trip(name: str) -> None:
    from invitekit_discord import DiscordAdapter

    invite = DiscordAdapter.decode_public_invite((PAYLOADS / name).read_bytes())
    assert snapshot(round_trip(invite)) == snapshot(invite)


@pytest.mark.parametrize(
    "schema", ["GuildInviteResponse", "GroupDMInviteResponse", "FriendInviteResponse"]
)
def test_spec_generated_discord_invites_round_trip(schema: str) -> None:
    from invitekit_discord import DiscordAdapter

    generator = Generator(load_schemas(), seed=len(schema))
    for _ in range(150):
        invite = DiscordAdapter.decode_public_invite(generator.instance(schema))
        assert snapshot(round_trip(invite)) == snapshot(invite)


def test_a_discord_friend_invite_keeps_its_dm_channel() -> None:
    from invitekit_discord import DiscordAdapter

    payload = {
        "type": 2,
        "code": "pals4ever",
        "expires_at": None,
        "inviter": {"id": "80351110224678912", "username": "nelly"},
        "channel": {"id": "1213141516171819202", "name": "nelly & me", "type": 1},
        "friends_count": 12,
    }
    invite = DiscordAdapter.decode_public_invite(payload)
    back = round_trip(invite)
    assert snapshot(back) == snapshot(invite)
    assert isinstance(back, PublicFriendInvite)
    assert back.channel == InviteChannel(
        id="1213141516171819202", name="nelly & me", type=ChannelType.DIRECT
    )


def test_a_friend_invite_stored_before_it_had_a_channel_is_a_miss() -> None:
    # Written by a version whose PublicFriendInvite had no channel: read back, it would
    # claim Discord sent none, so it is undecodable (a cache miss) instead.
    body = {"platform": "discord", "code": "pals", "event_id": None, "inviter": None}
    with pytest.raises(UndecodableOutcome):
        decode_outcome(entry("friend", {**body, "expires_at": None}))


def test_a_discord_guild_invite_without_a_guild_keeps_its_payload() -> None:
    from invitekit_discord import DiscordAdapter

    payload = {"type": 0, "code": "noGuild7", "expires_at": None, "channel": None}
    invite = DiscordAdapter.decode_public_invite(payload)
    back = round_trip(invite)
    assert isinstance(back, UnknownPublicInvite)
    assert back.raw == payload


def test_unknown_invites_keep_their_raw_payload() -> None:
    raw = {"type": 99, "code": "odd", "nested": {"list": [1, 2.5, None, "x"], "flag": True}}
    invite = UnknownPublicInvite(platform="discord", code="odd", raw=raw)
    back = round_trip(invite)
    assert isinstance(back, UnknownPublicInvite)
    assert back.raw == raw
    assert snapshot(back) == snapshot(invite)


_text = st.text(max_size=30)
_maybe_text = st.none() | _text
_users = st.builds(InviteUser, id=_maybe_text, name=_maybe_text, display_name=_maybe_text)
_moments = st.none() | st.datetimes(
    timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=-7, minutes=-30))])
)


@given(
    code=st.text(min_size=1, max_size=20),
    name=_maybe_text,
    features=st.tuples(_text, _text),
    members=st.none() | st.integers(min_value=0, max_value=2**53),
    channel_type=st.none() | st.sampled_from(ChannelType),
    inviter=st.none() | _users,
    expires_at=_moments,
    flags=st.integers(min_value=0, max_value=2**31),
)
def test_arbitrary_server_invites_round_trip(
    code: str,
    name: str | None,
    features: tuple[str, str],
    members: int | None,
    channel_type: ChannelType | None,
    inviter: InviteUser | None,
    expires_at: datetime | None,
    flags: int,
) -> None:
    invite = PublicServerInvite(
        platform="discord",
        code=code,
        server=InviteServer(id="1", name=name, features=features),
        channel=InviteChannel(id="2", type=channel_type),
        inviter=inviter,
        member_count=members,
        expires_at=expires_at,
        details=DiscordInviteDetails(flags=flags, recipients=() if inviter is None else (inviter,)),
    )
    assert snapshot(round_trip(invite)) == snapshot(invite)


# -- errors ----------------------------------------------------------------------------------


def _error_classes() -> list[type[InviteError]]:
    found = [getattr(errors, name) for name in errors.__all__]
    return [cls for cls in found if isinstance(cls, type) and issubclass(cls, InviteError)]


@pytest.mark.parametrize("cls", _error_classes(), ids=lambda cls: cls.__name__)
def test_every_error_class_round_trips(cls: type[InviteError]) -> None:
    if issubclass(cls, RateLimited):
        error: InviteError = cls("slow down", platform="discord", code=0, retry_after=2.5)
    elif issubclass(cls, errors.HTTPError):
        error = cls("no", platform="discord", status=499, code=10006)
    elif issubclass(cls, PayloadError):
        error = cls("bad", platform="discord", path="$.guild.id")
    else:
        error = cls("nope", platform="stoat")
    back = round_trip(error)
    assert type(back) is cls
    assert vars(back) == vars(error)
    assert str(back) == str(error)


class _StoreDown(errors.TransportError):
    """An error class a store of its own defines."""


def test_an_error_subclass_from_elsewhere_travels_as_its_core_class() -> None:
    back = round_trip(_StoreDown("redis is down"))
    assert type(back) is errors.TransportError
    assert back.message == "redis is down"


@given(
    message=st.text(max_size=50),
    platform=st.none() | st.text(max_size=10),
    code=st.none() | st.integers(min_value=-(2**53), max_value=2**53) | st.text(max_size=10),
)
def test_not_found_round_trips_with_any_text(
    message: str, platform: str | None, code: int | str | None
) -> None:
    error = InviteNotFound(message, platform=platform, code=code)
    back = round_trip(error)
    assert type(back) is InviteNotFound
    assert vars(back) == vars(error)


# -- what is refused -------------------------------------------------------------------------


def test_entries_are_json_not_pickle() -> None:
    invite = PublicFriendInvite(platform="fake", code="abc", inviter=InviteUser(name="x"))
    data = encode_outcome(invite)
    assert data.startswith(b"[")
    assert json.loads(data)[1] == "friend"
    assert b"pickle" not in data


def entry(
    kind: str, body: object, details_type: str | None = None, details: object = None
) -> bytes:
    return json.dumps([1, kind, body, details_type, details]).encode()


SERVER = {
    "platform": "discord",
    "code": "c",
    "event_id": None,
    "server": {"id": "1"},
    "channel": None,
    "inviter": None,
    "member_count": None,
    "presence_count": None,
    "expires_at": None,
}


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not json",
        b"\x80\x04\x95",  # a pickle header
        json.dumps([2, "server", SERVER]).encode(),  # another format version
        entry("spaceship", SERVER),
        entry("server", {"platform": "discord"}),  # fields missing
        entry("server", dict(SERVER, member_count="many")),
        entry("server", SERVER, "invitekit_discord._details:NoSuchDetails", {}),
        entry("server", SERVER, "invitekit_discord._details:DiscordInviteDetails", {"flags": "x"}),
        entry("error", {"type": "SystemExit", "message": "bye"}),
        entry("error", {"type": "InviteError"}),
    ],
)
def test_undecodable_entries_raise_undecodable_outcome(data: bytes) -> None:
    with pytest.raises(UndecodableOutcome):
        decode_outcome(data)


def test_a_stored_type_name_never_imports_anything() -> None:
    module = "invitekit_test_never_imported"
    data = entry("server", SERVER, f"{module}:Details", {})
    with pytest.raises(UndecodableOutcome):
        decode_outcome(data)
    assert module not in sys.modules


def test_only_invite_models_and_errors_are_encoded() -> None:
    with pytest.raises(TypeError):
        encode_outcome(InviteServer(id="1"))  # type: ignore[arg-type]


# -- Stoat -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["server_public_invite.json", "server_public_invite_minimal.json", "group_public_invite.json"],
)
def test_shared_stoat_payloads_round_trip(name: str) -> None:
    from invitekit_stoat import StoatInviteDetails

    invite = decode_public_invite("stoat", (STOAT_PAYLOADS / name).read_bytes())
    back = round_trip(invite)
    assert snapshot(back) == snapshot(invite)
    assert isinstance(getattr(back, "details", None), StoatInviteDetails)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STOAT_STRATEGIES.named("InviteResponse"))
def test_generated_stoat_invites_round_trip(payload: dict[str, Any]) -> None:
    invite = decode_public_invite("stoat", payload)
    assert snapshot(round_trip(invite)) == snapshot(invite)


def test_an_invite_of_a_self_hosted_instance_keeps_its_instance() -> None:
    from invitekit_stoat import StoatAdapter

    invite = StoatAdapter(link_hosts=["chat.example.org"]).bind(
        decode_public_invite(
            "stoat",
            b'{"type":"Server","code":"Sh4redC0","server_id":"s","server_name":"S",'
            b'"channel_id":"c","channel_name":"g","user_name":"u","member_count":1}',
        )
    )
    decoded = decode_outcome(encode_outcome(invite))
    assert isinstance(decoded, PublicServerInvite)
    assert decoded.instance == "chat.example.org"
    assert decoded == invite
    assert decoded.adapter is None  # stored unbound; the client binds it to its own adapter
    assert str(decoded) == "https://chat.example.org/invite/Sh4redC0"


def test_storage_needs_neither_redis_nor_aiohttp() -> None:
    script = (
        "import sys, invitekit.storage; "
        "print(sorted(m for m in ('redis', 'aiohttp') if m in sys.modules))"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "[]"


async def test_a_bound_invite_is_stored_and_comes_back_unbound() -> None:
    world = FakeWorld()
    server = world.add_server("Cats", owner=world.add_user("owner"))
    code = world.add_invite(server.channel("general")).code
    async with FakeAdapter(world) as fake:
        invite = await fake.fetch_invite(code)
    assert invite.adapter is fake
    back = decode_outcome(encode_outcome(invite))
    assert isinstance(back, PublicServerInvite)
    assert isinstance(invite, PublicServerInvite)
    assert back == invite
    assert back.adapter is None
    assert back.server == invite.server
    assert back.member_count == invite.member_count
