"""Every Discord endpoint, over real HTTP against the emulator on 127.0.0.1."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import msgspec
import pytest

import invitekit
from invitekit import (
    BadRequest,
    Capability,
    ChannelType,
    GroupInvite,
    InvalidArgument,
    InvalidInviteLink,
    InviteNotFound,
    MissingPermissions,
    NotFound,
    PublicGroupInvite,
    PublicServerInvite,
    ServerInvite,
    UnsupportedOperation,
)
from invitekit_discord import (
    DiscordAdapter,
    DiscordInviteDetails,
    InviteTargetType,
    TargetUsersJobStatus,
)
from tests.discord.conftest import TOKEN, World
from tests.http._support import ManualTime


def body(world: World, index: int = -1) -> dict[str, object]:
    decoded: dict[str, object] = msgspec.json.decode(world.emulator.requests[index].body)
    return decoded


def details(invite: object) -> DiscordInviteDetails:
    found = getattr(invite, "details", None)
    assert isinstance(found, DiscordInviteDetails)
    return found


# -- GET /invites/{code} ------------------------------------------------------------------


async def test_fetch_sends_the_bot_token_user_agent_and_counts(
    world: World, discord: DiscordAdapter
) -> None:
    invite = await discord.fetch_invite(world.code)
    assert isinstance(invite, PublicServerInvite)
    assert invite.adapter is discord
    assert invite.server.name == "Cat Lovers"
    assert invite.server.id == world.guild.id
    assert invite.server.icon_url == (
        f"https://cdn.discordapp.com/icons/{world.guild.id}/a_1269e74af4df7417b13759eae50c83dc.gif"
    )
    assert invite.server.vanity_code == "cats"
    assert (invite.member_count, invite.presence_count) == (4821, 1370)
    assert invite.channel is not None
    assert (invite.channel.id, invite.channel.type) == (world.channel.id, ChannelType.TEXT)
    assert invite.inviter is not None
    assert (invite.inviter.name, invite.inviter.display_name) == ("alice", "Alice")
    assert invite.expires_at is None
    [request] = world.emulator.requests
    assert request.path == f"/api/v10/invites/{world.code}"
    assert request.query == {"with_counts": "true"}
    assert request.headers["authorization"] == f"Bot {TOKEN}"
    assert request.headers["user-agent"] == (
        f"DiscordBot (https://pypi.org/project/invitekit/, {invitekit.__version__})"
    )


async def test_fetch_without_counts(world: World, discord: DiscordAdapter) -> None:
    invite = await discord.fetch_invite(world.code, with_counts=False)
    assert isinstance(invite, PublicServerInvite)
    assert (invite.member_count, invite.presence_count) == (None, None)
    assert world.emulator.requests[0].query == {"with_counts": "false"}


async def test_fetch_works_without_a_token(world: World, anonymous: DiscordAdapter) -> None:
    invite = await anonymous.fetch_invite(world.code)
    assert invite.code == world.code
    assert "authorization" not in world.emulator.requests[0].headers


async def test_fetch_with_a_scheduled_event(world: World, discord: DiscordAdapter) -> None:
    event = world.emulator.add_event(world.guild, "Movie night", location="the lounge")
    invite = await discord.fetch_invite(world.code, event_id=event.id)
    assert invite.event_id == event.id
    assert str(invite) == f"https://discord.gg/{world.code}?event={event.id}"
    scheduled = details(invite).scheduled_event
    assert scheduled is not None
    assert (scheduled.name, scheduled.location) == ("Movie night", "the lounge")
    assert world.emulator.requests[0].query["guild_scheduled_event_id"] == event.id
    other = await discord.fetch_invite(world.code, event_id="123")  # no such event
    assert other.event_id is None
    with pytest.raises(InvalidArgument):
        await discord.fetch_invite(world.code, event_id="soon")
    assert len(world.emulator.requests) == 2


async def test_fetch_a_group_dm_invite(world: World, discord: DiscordAdapter) -> None:
    bob = world.emulator.add_user("bob")
    group = world.emulator.add_group_dm("raid night", [world.alice, bob], icon="cafe")
    world.emulator.add_invite(group, code="raidnight", inviter=world.alice)
    invite = await discord.fetch_invite("raidnight")
    assert isinstance(invite, PublicGroupInvite)
    assert invite.channel is not None
    assert (invite.channel.name, invite.channel.type) == ("raid night", ChannelType.GROUP)
    assert invite.member_count == 2
    assert [user.name for user in details(invite).recipients] == ["alice", "bob"]
    assert details(invite).channel_icon_url is not None


async def test_expired_and_used_up_invites_are_not_found(
    world: World, discord: DiscordAdapter, clock: ManualTime
) -> None:
    world.emulator.add_invite(world.channel, code="hourly", max_age=3600)
    world.emulator.add_invite(world.channel, code="once", max_uses=1)
    fetched = await discord.fetch_invite("hourly")
    assert fetched.expires_at == datetime.fromtimestamp(  # type: ignore[union-attr]
        clock.now + 3600, timezone.utc
    )
    world.emulator.use_invite("once")
    with pytest.raises(InviteNotFound) as caught:
        await discord.fetch_invite("once")
    assert (caught.value.status, caught.value.code) == (404, 10006)
    clock.now += 3600
    with pytest.raises(InviteNotFound):
        await discord.fetch_invite("hourly")


# -- DELETE /invites/{code} ---------------------------------------------------------------


async def test_delete_with_an_audit_log_reason(world: World, discord: DiscordAdapter) -> None:
    reason = "spam / raid: café ☕ 100%"
    await discord.delete(world.code, reason=reason)
    request = world.emulator.requests[0]
    assert (request.method, request.path) == ("DELETE", f"/api/v10/invites/{world.code}")
    assert request.headers["x-audit-log-reason"] == quote(reason, safe=" /")
    assert request.headers["x-audit-log-reason"].isascii()
    assert world.emulator.world.audit_log == [("delete", world.code, reason)]
    with pytest.raises(InviteNotFound):
        await discord.fetch_invite(world.code)


async def test_delete_and_revoke_through_a_bound_invite(
    world: World, discord: DiscordAdapter
) -> None:
    invite = await discord.fetch_invite(world.code)
    await invite.revoke(reason="x" * 512)
    assert world.emulator.world.audit_log == [("delete", world.code, "x" * 512)]
    with pytest.raises(InviteNotFound):
        await invite.delete()


@pytest.mark.parametrize("reason", ["x" * 513, "two\nlines", "carriage\rreturn"])
async def test_bad_reasons_are_refused_before_any_request(
    world: World, discord: DiscordAdapter, reason: str
) -> None:
    with pytest.raises(InvalidArgument):
        await discord.delete(world.code, reason=reason)
    with pytest.raises(InvalidArgument):
        await discord.create_invite(world.channel.id, reason=reason)
    assert world.emulator.requests == []


async def test_delete_needs_permission(world: World, discord: DiscordAdapter) -> None:
    world.emulator.revoke(world.bot, world.guild, "MANAGE_CHANNELS", "MANAGE_GUILD")
    with pytest.raises(MissingPermissions) as caught:
        await discord.delete(world.code)
    assert (caught.value.status, caught.value.code) == (403, 50013)


# -- POST /channels/{channel_id}/invites ----------------------------------------------------


async def test_create_sends_discord_defaults_for_unlimited(
    world: World, discord: DiscordAdapter
) -> None:
    created = await discord.create_invite(world.channel.id, reason="welcome")
    assert isinstance(created, ServerInvite)
    assert created.adapter is discord
    assert body(world) == {"max_age": 0, "max_uses": 0, "temporary": False}
    assert world.emulator.requests[0].headers["content-type"] == "application/json"
    assert (created.max_uses, created.max_age, created.expires_at) == (None, None, None)
    assert created.server_id == world.guild.id
    assert created.creator_id == world.bot.id
    assert created.uses == 0
    assert world.emulator.world.audit_log == [("create", created.code, "welcome")]


async def test_create_with_limits_and_discord_options(
    world: World, discord: DiscordAdapter, clock: ManualTime
) -> None:
    role = world.emulator.add_role(world.guild, "Supporter", color=3447003)
    created = await discord.create_invite(
        world.channel.id, max_uses=5, max_age=3600, temporary=True, unique=True, role_ids=[role.id]
    )
    assert body(world) == {
        "max_age": 3600,
        "max_uses": 5,
        "temporary": True,
        "unique": True,
        "role_ids": [role.id],
    }
    assert isinstance(created, ServerInvite)
    assert (created.max_uses, created.max_age, created.temporary) == (5, 3600, True)
    assert created.expires_at == datetime.fromtimestamp(clock.now, timezone.utc) + timedelta(
        hours=1
    )
    assert [r.name for r in details(created).roles] == ["Supporter"]
    again = await discord.create_invite(world.channel.id, max_uses=5, max_age=3600, temporary=True)
    assert again.code != created.code


async def test_create_reuses_a_similar_invite_unless_unique(
    world: World, discord: DiscordAdapter
) -> None:
    first = await discord.create_invite(world.channel.id, max_uses=3)
    second = await discord.create_invite(world.channel.id, max_uses=3)
    third = await discord.create_invite(world.channel.id, max_uses=3, unique=True)
    assert first.code == second.code != third.code


async def test_create_stream_and_application_invites(world: World, discord: DiscordAdapter) -> None:
    voice = world.emulator.add_channel(world.guild, "stage", type=2)
    stream = await discord.create_invite(voice.id, target_type=1, target_user_id=world.alice.id)
    assert body(world)["target_user_id"] == world.alice.id
    assert details(stream).target_type == InviteTargetType.STREAM
    assert details(stream).target_user is not None
    assert details(stream).target_user.name == "alice"  # type: ignore[union-attr]
    app_id = world.emulator.add_application("Watch Together", description="videos")
    activity = await discord.create_invite(
        voice.id, target_type=InviteTargetType.EMBEDDED_APPLICATION, target_application_id=app_id
    )
    application = details(activity).target_application
    assert application is not None
    assert (application.id, application.name) == (app_id, "Watch Together")
    assert body(world)["target_type"] == 2


@pytest.mark.parametrize(
    "options",
    [{"flags": 1}, {"target_users_file": "x"}, {"maxAge": 5}],
)
async def test_unknown_create_options_are_unsupported_before_any_request(
    world: World, discord: DiscordAdapter, options: dict[str, object]
) -> None:
    with pytest.raises(UnsupportedOperation):
        await discord.create_invite(world.channel.id, **options)  # type: ignore[arg-type]
    assert world.emulator.requests == []


@pytest.mark.parametrize(
    "options",
    [
        {"unique": "yes"},
        {"target_type": 3},
        {"target_type": True},
        {"target_user_id": "alice"},
        {"target_application_id": 123},
        {"role_ids": "123"},
        {"role_ids": ["1", "x"]},
        {"role_ids": [str(n) for n in range(251)]},
        {"max_uses": 0},
        {"max_age": -1},
    ],
)
async def test_malformed_create_options_are_refused_before_any_request(
    world: World, discord: DiscordAdapter, options: dict[str, object]
) -> None:
    with pytest.raises(InvalidArgument):
        await discord.create_invite(world.channel.id, **options)  # type: ignore[arg-type]
    assert world.emulator.requests == []


async def test_create_errors_from_discord(world: World, discord: DiscordAdapter) -> None:
    with pytest.raises(BadRequest) as too_long:
        await discord.create_invite(world.channel.id, max_age=604801)
    assert too_long.value.code == 50035
    assert "max_age" in too_long.value.message
    with pytest.raises(BadRequest) as too_many:
        await discord.create_invite(world.channel.id, max_uses=101)
    assert "max_uses" in too_many.value.message
    with pytest.raises(NotFound) as no_channel:
        await discord.create_invite("1")
    assert no_channel.value.code == 10003
    group = world.emulator.add_group_dm("g", [world.alice])
    with pytest.raises(BadRequest) as wrong_type:
        await discord.create_invite(group.id)
    assert wrong_type.value.code == 50024
    with pytest.raises(BadRequest) as bad_role:
        await discord.create_invite(world.channel.id, role_ids=["42"])
    assert bad_role.value.code == 50028
    world.emulator.revoke(world.bot, world.guild, "MANAGE_ROLES")
    role = world.emulator.add_role(world.guild, "Mod")
    with pytest.raises(MissingPermissions):
        await discord.create_invite(world.channel.id, role_ids=[role.id])
    world.emulator.revoke(world.bot, world.guild, "CREATE_INSTANT_INVITE")
    with pytest.raises(MissingPermissions):
        await discord.create_invite(world.channel.id)


# -- listing ------------------------------------------------------------------------------


async def test_list_channel_invites(world: World, discord: DiscordAdapter) -> None:
    other = world.emulator.add_channel(world.guild, "other")
    world.emulator.add_invite(other, code="elsewhere")
    invites = await discord.list_invites(channel_id=world.channel.id)
    assert [invite.code for invite in invites] == [world.code]
    [invite] = invites
    assert isinstance(invite, ServerInvite)
    assert invite.adapter is discord
    assert invite.uses == 0
    assert details(invite).has_metadata
    assert world.emulator.requests[0].path == f"/api/v10/channels/{world.channel.id}/invites"


async def test_list_guild_invites_with_and_without_metadata(
    world: World, discord: DiscordAdapter
) -> None:
    other = world.emulator.add_channel(world.guild, "other")
    world.emulator.add_invite(other, code="elsewhere", max_uses=4, uses=1)
    full = await discord.list_invites(server_id=world.guild.id)
    assert {invite.code for invite in full} == {world.code, "elsewhere"}
    elsewhere = next(i for i in full if i.code == "elsewhere")
    assert isinstance(elsewhere, ServerInvite)
    assert (elsewhere.uses, elsewhere.max_uses, elsewhere.max_age) == (1, 4, 86400)
    world.emulator.revoke(world.bot, world.guild, "MANAGE_GUILD")
    world.emulator.grant(world.bot, world.guild, "VIEW_AUDIT_LOG")
    bare = await discord.list_invites(server_id=world.guild.id)
    assert {invite.code for invite in bare} == {world.code, "elsewhere"}
    for invite in bare:
        assert isinstance(invite, ServerInvite)
        assert (invite.uses, invite.created_at) == (None, None)
        assert (invite.max_uses, invite.max_age, invite.temporary) == (None, None, None)
        assert not details(invite).has_metadata
    world.emulator.revoke(world.bot, world.guild, "VIEW_AUDIT_LOG")
    with pytest.raises(MissingPermissions):
        await discord.list_invites(server_id=world.guild.id)
    with pytest.raises(NotFound) as unknown:
        await discord.list_invites(server_id="1")
    assert unknown.value.code == 10004


async def test_group_dm_invites_decode_as_group_invites(world: World) -> None:
    group = world.emulator.add_group_dm("g", [world.alice])
    invite = world.emulator.add_invite(group, code="grp1", inviter=world.alice)
    rendered = world.emulator.world.render_invite(invite, metadata=True)
    decoded = DiscordAdapter.decode_private_invite(rendered)
    assert isinstance(decoded, GroupInvite)
    assert decoded.channel_id == group.id


# -- vanity URL ---------------------------------------------------------------------------


async def test_vanity_url(world: World, discord: DiscordAdapter) -> None:
    vanity = await discord.fetch_vanity_url(world.guild.id)
    assert (vanity.code, vanity.uses, vanity.url) == ("cats", 7, "https://discord.gg/cats")
    plain = world.emulator.add_guild("Plain")
    world.emulator.grant(world.bot, plain, "MANAGE_GUILD")
    unset = await discord.fetch_vanity_url(plain.id)
    assert (unset.code, unset.url) == (None, None)
    world.emulator.revoke(world.bot, world.guild, "MANAGE_GUILD")
    with pytest.raises(MissingPermissions):
        await discord.fetch_vanity_url(world.guild.id)
    with pytest.raises(InvalidArgument):
        await discord.fetch_vanity_url("../x")
    assert world.emulator.requests[0].path == f"/api/v10/guilds/{world.guild.id}/vanity-url"


# -- target users -------------------------------------------------------------------------


async def test_target_users_upload_list_and_job(world: World, discord: DiscordAdapter) -> None:
    created = await discord.create_invite(world.channel.id, unique=True)
    with pytest.raises(NotFound) as no_job:
        await discord.fetch_target_users_job(created.code)
    assert no_job.value.code == 10124
    with pytest.raises(NotFound) as no_users:
        await discord.fetch_target_users(created.code)
    assert no_users.value.code == 10129
    await discord.update_target_users(created.code, ["111", "222", "111"])
    upload = world.emulator.requests[-1]
    assert (upload.method, upload.status) == ("PUT", 204)
    assert upload.headers["content-type"].startswith("multipart/form-data")
    assert upload.body == b"user_id\n111\n222\n111\n"
    job = await discord.fetch_target_users_job(created.code)
    assert job.status == TargetUsersJobStatus.PROCESSING
    assert not job.done
    job = await discord.fetch_target_users_job(created.code)
    assert job.status == TargetUsersJobStatus.COMPLETED
    assert (job.total_users, job.processed_users) == (2, 2)
    assert job.done
    assert await discord.fetch_target_users(created.code) == ["111", "222"]


async def test_target_users_errors(world: World, discord: DiscordAdapter) -> None:
    with pytest.raises(InvalidArgument):
        await discord.update_target_users(world.code, ["not-a-snowflake"])
    with pytest.raises(InvalidArgument):
        await discord.update_target_users(world.code, [])
    with pytest.raises(InvalidArgument):
        await discord.update_target_users(world.code, "123")
    with pytest.raises(InvalidInviteLink):
        await discord.fetch_target_users("../x")
    assert world.emulator.requests == []
    docs_error = (
        b'{"target_users_file": ["Line 5: invalid user ID - must be a valid Discord snowflake"]}'
    )
    world.emulator.fail_next(400, body=docs_error, content_type="application/json")
    with pytest.raises(BadRequest) as rejected:
        await discord.update_target_users(world.code, ["1"])
    assert "Line 5: invalid user ID" in rejected.value.message
    world.emulator.revoke(world.bot, world.guild, "MANAGE_GUILD")
    with pytest.raises(MissingPermissions):
        await discord.update_target_users(world.code, ["1"])


# -- what a bot cannot do -----------------------------------------------------------------


async def test_accept_is_unsupported_before_any_request(
    world: World, discord: DiscordAdapter
) -> None:
    assert not discord.supports(Capability.ACCEPT)
    with pytest.raises(UnsupportedOperation):
        await discord.accept(world.code)
    invite = await discord.fetch_invite(world.code)
    with pytest.raises(UnsupportedOperation):
        await invite.accept()
    assert len(world.emulator.requests) == 1


async def test_without_a_token_only_fetch_is_supported(
    world: World, anonymous: DiscordAdapter
) -> None:
    assert anonymous.supports(Capability.FETCH)
    for capability in set(Capability) - {Capability.FETCH}:
        assert not anonymous.supports(capability)
    with pytest.raises(UnsupportedOperation):
        await anonymous.delete(world.code)
    with pytest.raises(UnsupportedOperation):
        await anonymous.create_invite(world.channel.id)
    with pytest.raises(UnsupportedOperation):
        await anonymous.list_invites(server_id=world.guild.id)
    with pytest.raises(UnsupportedOperation):
        await anonymous.list_invites(channel_id=world.channel.id)
    with pytest.raises(UnsupportedOperation):
        await anonymous.fetch_vanity_url(world.guild.id)
    with pytest.raises(UnsupportedOperation):
        await anonymous.fetch_target_users(world.code)
    with pytest.raises(UnsupportedOperation):
        await anonymous.update_target_users(world.code, ["1"])
    with pytest.raises(UnsupportedOperation):
        await anonymous.fetch_target_users_job(world.code)
    assert world.emulator.requests == []
