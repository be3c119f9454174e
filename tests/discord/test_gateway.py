"""Gateway INVITE_CREATE / INVITE_DELETE dispatches decode into the core models."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta, timezone
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from invitekit import (
    ChannelType,
    GroupInvite,
    InviteRef,
    InviteUser,
    PayloadError,
    ServerInvite,
)
from invitekit_discord import (
    INVITE_CREATE,
    INVITE_DELETE,
    DiscordAdapter,
    DiscordInviteDetails,
    InviteDeleteEvent,
    InviteTargetType,
    decode_invite_create,
    decode_invite_delete,
)
from tests.discord.conftest import World

UTC = timezone.utc
CREATED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def create_payload(**changes: Any) -> dict[str, Any]:
    """An INVITE_CREATE ``d`` with every field the gateway docs list."""
    data: dict[str, Any] = {
        "channel_id": "1100000000000000011",
        "code": "Zk4sPq2",
        "created_at": "2026-03-01T12:00:00+00:00",
        "guild_id": "1100000000000000010",
        "inviter": {
            "id": "1100000000000000020",
            "username": "gwen",
            "global_name": "Gwen",
            "avatar": "a_beef",
            "discriminator": "0",
        },
        "max_age": 3600,
        "max_uses": 10,
        "target_type": 2,
        "target_user": {
            "id": "1100000000000000021",
            "username": "hal",
            "avatar": None,
            "discriminator": "0",
        },
        "target_application": {
            "id": "1100000000000000030",
            "name": "Chess",
            "icon": "c0ffee",
            "description": "",
            "verify_key": "0" * 64,
        },
        "temporary": True,
        "uses": 0,
        "expires_at": "2026-03-01T13:00:00+00:00",
        "role_ids": ["1100000000000000040", "1100000000000000041"],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not ...}


def details(invite: object) -> DiscordInviteDetails:
    found = getattr(invite, "details", None)
    assert isinstance(found, DiscordInviteDetails)
    return found


def test_invite_create_is_the_owner_view_of_a_server_invite() -> None:
    invite = decode_invite_create(create_payload())
    assert isinstance(invite, ServerInvite)
    assert invite.platform == "discord"
    assert invite.code == "Zk4sPq2"
    assert invite.url == "https://discord.gg/Zk4sPq2"
    assert invite.server_id == "1100000000000000010"
    assert invite.server is None  # the event names the guild by id only
    assert invite.channel_id == "1100000000000000011"
    assert invite.channel is not None
    assert invite.channel.id == "1100000000000000011"
    assert invite.channel.name is None
    assert invite.creator_id == "1100000000000000020"
    assert invite.creator == InviteUser(
        id="1100000000000000020",
        name="gwen",
        display_name="Gwen",
        avatar_url="https://cdn.discordapp.com/avatars/1100000000000000020/a_beef.gif",
    )
    assert invite.uses == 0
    assert invite.max_uses == 10
    assert invite.max_age == 3600
    assert invite.temporary is True
    assert invite.created_at == CREATED
    assert invite.expires_at == CREATED + timedelta(hours=1)
    assert invite.adapter is None
    extra = details(invite)
    assert extra.guild_id == "1100000000000000010"
    assert extra.target_type == InviteTargetType.EMBEDDED_APPLICATION
    assert extra.target_user is not None
    assert extra.target_user.name == "hal"
    assert extra.target_application is not None
    assert extra.target_application.name == "Chess"
    assert [role.id for role in extra.roles] == ["1100000000000000040", "1100000000000000041"]
    assert all(role.name is None for role in extra.roles)
    assert extra.has_metadata
    assert extra.invite_type is None


def test_zero_limits_mean_unlimited_and_never_expiring() -> None:
    invite = decode_invite_create(create_payload(max_age=0, max_uses=0, expires_at=None))
    assert isinstance(invite, ServerInvite)
    assert invite.max_uses is None
    assert invite.max_age is None
    assert invite.expires_at is None


def test_a_missing_expires_at_comes_from_the_lifetime() -> None:
    invite = decode_invite_create(create_payload(expires_at=...))
    assert invite.expires_at == CREATED + timedelta(seconds=3600)  # type: ignore[union-attr]


def test_the_minimal_event_decodes() -> None:
    minimal = create_payload(
        guild_id=...,
        inviter=...,
        target_type=...,
        target_user=...,
        target_application=...,
        expires_at=...,
        role_ids=...,
        uses=...,
    )
    invite = decode_invite_create(minimal)
    assert isinstance(invite, GroupInvite)
    assert invite.uses == 0
    assert invite.creator is None
    assert details(invite).roles == ()


@pytest.mark.parametrize("form", ["bytes", "str"])
def test_json_text_decodes_like_parsed_data(form: str) -> None:
    encoded = msgspec.json.encode(create_payload())
    data = encoded if form == "bytes" else encoded.decode()
    parsed = decode_invite_create(create_payload())
    assert repr(decode_invite_create(data)) == repr(parsed)


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"code": ...}, "$"),
        ({"channel_id": ...}, "$"),
        ({"created_at": ...}, "$"),
        ({"max_uses": ...}, "$"),
        ({"code": ""}, "$.code"),
        ({"code": 7}, "$.code"),
        ({"channel_id": 1100000000000000011}, "$.channel_id"),
        ({"guild_id": "not-a-snowflake"}, "$.guild_id"),
        ({"created_at": "yesterday"}, "$.created_at"),
        ({"max_age": "3600"}, "$.max_age"),
        ({"temporary": "yes"}, "$.temporary"),
        ({"inviter": {"id": 5}}, "$.inviter.id"),
        ({"target_application": {"name": "no id"}}, "$.target_application"),
        ({"role_ids": ["1", 2]}, "$.role_ids[1]"),
        ({"role_ids": "1"}, "$.role_ids"),
    ],
)
def test_malformed_create_events_name_the_path(changes: dict[str, Any], path: str) -> None:
    with pytest.raises(PayloadError) as caught:
        decode_invite_create(create_payload(**changes))
    assert caught.value.platform == "discord"
    assert caught.value.path == path


@pytest.mark.parametrize("data", [b"", b"{", b"[]", b"null", "[1, 2]", [], 7])
def test_non_objects_are_payload_errors(data: Any) -> None:
    for decode in (decode_invite_create, decode_invite_delete):
        with pytest.raises(PayloadError) as caught:
            decode(data)
        assert caught.value.path == "$"


def test_invite_delete_event() -> None:
    data = {"channel_id": "11", "guild_id": "10", "code": "Zk4sPq2"}
    event = decode_invite_delete(data)
    assert event == InviteDeleteEvent(code="Zk4sPq2", channel_id="11", guild_id="10")
    assert event.platform == "discord"
    assert event.ref == InviteRef("discord", "Zk4sPq2")
    assert decode_invite_delete(msgspec.json.encode(data)) == event
    assert decode_invite_delete({"channel_id": "11", "code": "x"}).guild_id is None
    assert (INVITE_CREATE, INVITE_DELETE) == ("INVITE_CREATE", "INVITE_DELETE")


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"channel_id": "11"}, "$"),
        ({"code": "x"}, "$"),
        ({"channel_id": "11", "code": ""}, "$.code"),
        ({"channel_id": "11", "code": "x", "guild_id": 10}, "$.guild_id"),
    ],
)
def test_malformed_delete_events_name_the_path(data: dict[str, Any], path: str) -> None:
    with pytest.raises(PayloadError) as caught:
        decode_invite_delete(data)
    assert caught.value.path == path


GATEWAY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(sorted(create_payload())), children, max_size=6)
    ),
    max_leaves=16,
)


@given(GATEWAY_JSON)
def test_arbitrary_json_raises_only_payload_error(value: Any) -> None:
    for data in (value, msgspec.json.encode(value)):
        for decode in (decode_invite_create, decode_invite_delete):
            with contextlib.suppress(PayloadError):
                decode(data)


@given(key=st.sampled_from(sorted(create_payload())), value=GATEWAY_JSON)
def test_one_changed_field_decodes_or_names_its_path(key: str, value: Any) -> None:
    path = None
    try:
        decode_invite_create(create_payload(**{key: value}))
    except PayloadError as error:
        path = error.path
    # An error is about the changed field, never about one left as it was.
    assert path is None or path == f"$.{key}" or path.startswith((f"$.{key}.", f"$.{key}["))


# -- the emulator's dispatches ------------------------------------------------------------


async def test_api_calls_dispatch_what_the_rest_view_shows(
    world: World, discord: DiscordAdapter
) -> None:
    role = world.emulator.add_role(world.guild, "newcomer")
    created = await discord.create_invite(
        world.channel.id, max_uses=5, max_age=600, temporary=True, role_ids=[role.id]
    )
    await discord.delete(created.code)
    [(create_name, create_data), (delete_name, delete_data)] = world.emulator.dispatches
    assert (create_name, delete_name) == (INVITE_CREATE, INVITE_DELETE)
    event = decode_invite_create(create_data)
    assert isinstance(created, ServerInvite)
    assert isinstance(event, ServerInvite)
    for field in (
        "code",
        "server_id",
        "channel_id",
        "creator_id",
        "uses",
        "max_uses",
        "max_age",
        "temporary",
        "created_at",
        "expires_at",
    ):
        assert getattr(event, field) == getattr(created, field), field
    assert [r.id for r in details(event).roles] == [r.id for r in details(created).roles]
    assert created.channel is not None
    assert created.channel.type is ChannelType.TEXT
    deleted = decode_invite_delete(delete_data)
    assert (deleted.code, deleted.guild_id, deleted.channel_id) == (
        created.code,
        world.guild.id,
        world.channel.id,
    )


async def test_seeding_dispatches_nothing(world: World) -> None:
    world.emulator.add_invite(world.channel, code="seeded")
    assert world.emulator.dispatches == []
