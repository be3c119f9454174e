"""Each rule of the fake platform, one test each."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from invitekit import (
    AlreadyMember,
    Banned,
    BotAccountRejected,
    Capability,
    GroupInvite,
    GroupTooLarge,
    InvalidArgument,
    InviteNotFound,
    JoinedGroup,
    JoinedServer,
    MissingPermissions,
    NotFound,
    PublicFriendInvite,
    PublicGroupInvite,
    PublicServerInvite,
    RateLimited,
    ServerInvite,
    TooManyServers,
    Unauthorized,
    UnsupportedOperation,
)
from invitekit_fake import FakeAdapter, FakeClock, FakeServer, FakeUser, FakeWorld, RecordedCall


@pytest.fixture
def world(fake_invites: FakeAdapter) -> FakeWorld:
    return fake_invites.world


@pytest.fixture
def alice(world: FakeWorld) -> FakeUser:
    return world.add_user("alice")


@pytest.fixture
def bob(world: FakeWorld) -> FakeUser:
    return world.add_user("bob")


@pytest.fixture
def cats(world: FakeWorld, alice: FakeUser) -> FakeServer:
    return world.add_server("Cats", owner=alice, description="all about cats")


def as_(world: FakeWorld, user: FakeUser | None) -> FakeAdapter:
    return FakeAdapter(world, user=user)


async def test_accept_counts_uses(world: FakeWorld, alice: FakeUser, cats: FakeServer) -> None:
    invite = world.add_invite(cats.channel("general"), creator=alice)
    for name in ("u1", "u2", "u3"):
        await as_(world, world.add_user(name)).accept(invite.code)
    assert invite.uses == 3
    (listed,) = await as_(world, alice).list_invites(server_id=cats.id)
    assert isinstance(listed, ServerInvite)
    assert (listed.code, listed.uses) == (invite.code, 3)


async def test_max_uses_reached_removes_the_invite(
    world: FakeWorld, alice: FakeUser, bob: FakeUser, cats: FakeServer
) -> None:
    invite = world.add_invite(cats.channel("general"), max_uses=1)
    joined = await as_(world, bob).accept(invite.code)
    assert isinstance(joined, JoinedServer)
    assert joined.server.name == "Cats"
    assert [c.name for c in joined.channels] == ["general"]
    with pytest.raises(InviteNotFound):
        await as_(world, None).fetch_invite(invite.code)
    with pytest.raises(InviteNotFound):
        await as_(world, world.add_user("carol")).accept(invite.code)


async def test_expiry_follows_the_injected_clock(
    fake_invites: FakeAdapter, fake_clock: FakeClock, world: FakeWorld, cats: FakeServer
) -> None:
    invite = world.add_invite(cats.channel("general"), max_age=60)
    fetched = await fake_invites.fetch_invite(invite.code)
    assert isinstance(fetched, PublicServerInvite)
    assert fetched.expires_at == fake_clock() + timedelta(seconds=60)
    fake_clock.advance(59)
    await fake_invites.fetch_invite(invite.code)
    fake_clock.advance(1)
    with pytest.raises(InviteNotFound):
        await fake_invites.fetch_invite(invite.code)
    assert invite.code not in world.invites


async def test_banned_users_cannot_join(world: FakeWorld, bob: FakeUser, cats: FakeServer) -> None:
    world.ban(cats, bob)
    invite = world.add_invite(cats.channel("general"))
    with pytest.raises(Banned) as caught:
        await as_(world, bob).accept(invite.code)
    assert caught.value.platform == "fake"
    assert invite.uses == 0
    assert bob.id not in cats.members


async def test_members_cannot_join_again(
    world: FakeWorld, alice: FakeUser, cats: FakeServer
) -> None:
    invite = world.add_invite(cats.channel("general"))
    with pytest.raises(AlreadyMember):
        await as_(world, alice).accept(invite.code)
    assert invite.uses == 0


async def test_full_groups_refuse_new_members(world: FakeWorld, alice: FakeUser) -> None:
    group = world.add_group("pair", owner=alice, max_size=2)
    invite = world.add_invite(group)
    joined = await as_(world, world.add_user("second")).accept(invite.code)
    assert isinstance(joined, JoinedGroup)
    assert [m.name for m in joined.members] == ["alice", "second"]
    with pytest.raises(GroupTooLarge):
        await as_(world, world.add_user("third")).accept(invite.code)
    with pytest.raises(AlreadyMember):
        await as_(world, alice).accept(invite.code)


async def test_bots_cannot_accept(world: FakeWorld, cats: FakeServer) -> None:
    invite = world.add_invite(cats.channel("general"))
    with pytest.raises(BotAccountRejected):
        await as_(world, world.add_user("robot", bot=True)).accept(invite.code)


async def test_server_limit(cats: FakeServer, alice: FakeUser) -> None:
    world = FakeWorld(server_limit=1)
    owner, joiner = world.add_user("owner"), world.add_user("joiner")
    first, second = world.add_server("A", owner=owner), world.add_server("B", owner=owner)
    await as_(world, joiner).accept(world.add_invite(first.channel("general")).code)
    with pytest.raises(TooManyServers):
        await as_(world, joiner).accept(world.add_invite(second.channel("general")).code)


async def test_anonymous_accounts_can_only_fetch(world: FakeWorld, cats: FakeServer) -> None:
    invite = world.add_invite(cats.channel("general"))
    anonymous = as_(world, None)
    await anonymous.fetch_invite(invite.code)
    with pytest.raises(Unauthorized):
        await anonymous.accept(invite.code)
    with pytest.raises(Unauthorized):
        await anonymous.delete(invite.code)
    with pytest.raises(Unauthorized):
        await anonymous.create_invite(cats.channel("general").id)


async def test_creator_may_delete(world: FakeWorld, bob: FakeUser, cats: FakeServer) -> None:
    world.add_member(cats, bob)
    created = await as_(world, bob).create_invite(cats.channel("general").id)
    await created.delete(reason="done")
    with pytest.raises(InviteNotFound):
        await as_(world, bob).fetch_invite(created.code)
    with pytest.raises(InviteNotFound):
        await as_(world, bob).delete(created.code)


async def test_managers_may_delete_any_invite(
    world: FakeWorld, alice: FakeUser, bob: FakeUser, cats: FakeServer
) -> None:
    moderator = world.add_user("mod")
    world.make_manager(cats, moderator)
    invite = world.add_invite(cats.channel("general"), creator=alice)
    await as_(world, moderator).revoke(invite.code)
    assert invite.code not in world.invites


async def test_others_may_not_delete(
    world: FakeWorld, alice: FakeUser, bob: FakeUser, cats: FakeServer
) -> None:
    world.add_member(cats, bob)
    invite = world.add_invite(cats.channel("general"), creator=alice)
    with pytest.raises(MissingPermissions):
        await as_(world, bob).delete(invite.code)
    with pytest.raises(MissingPermissions):
        await as_(world, bob).revoke(invite.code)
    assert invite.code in world.invites


async def test_public_and_private_views(
    world: FakeWorld, alice: FakeUser, bob: FakeUser, cats: FakeServer
) -> None:
    world.add_member(cats, bob)
    invite = world.add_invite(cats.channel("general"), creator=alice, max_uses=10, max_age=3600)
    public = await as_(world, None).fetch_invite(invite.code)
    assert isinstance(public, PublicServerInvite)
    assert public.server.name == "Cats"
    assert public.server.description == "all about cats"
    assert public.channel is not None
    assert public.channel.name == "general"
    assert public.inviter is not None
    assert public.inviter.name == "alice"
    assert public.member_count == 2
    (private,) = await as_(world, alice).list_invites(channel_id=cats.channel("general").id)
    assert isinstance(private, ServerInvite)
    assert (private.server_id, private.creator_id) == (cats.id, alice.id)
    assert (private.uses, private.max_uses, private.max_age) == (0, 10, 3600)
    assert private.expires_at == public.expires_at
    assert private == public


async def test_group_and_friend_invites(world: FakeWorld, alice: FakeUser) -> None:
    group = world.add_group("weekend", owner=alice)
    group_invite = await as_(world, None).fetch_invite(world.add_invite(group).code)
    assert isinstance(group_invite, PublicGroupInvite)
    assert group_invite.member_count == 1
    friend = await as_(world, None).fetch_invite(world.add_invite(alice).code)
    assert isinstance(friend, PublicFriendInvite)
    assert friend.inviter is not None
    assert friend.inviter.name == "alice"
    with pytest.raises(InvalidArgument):
        await as_(world, world.add_user("x")).accept(friend.code)


async def test_list_invites_needs_manage_rights(
    world: FakeWorld, alice: FakeUser, bob: FakeUser, cats: FakeServer
) -> None:
    world.add_member(cats, bob)
    world.add_invite(cats.channel("general"))
    other = world.add_server("Dogs", owner=bob)
    world.add_invite(other.channel("general"))
    assert len(await as_(world, alice).list_invites(server_id=cats.id)) == 1
    with pytest.raises(MissingPermissions):
        await as_(world, bob).list_invites(server_id=cats.id)
    with pytest.raises(NotFound):
        await as_(world, alice).list_invites(server_id="s-missing")


async def test_create_invite_options(
    world: FakeWorld, alice: FakeUser, bob: FakeUser, cats: FakeServer
) -> None:
    adapter = as_(world, alice)
    created = await adapter.create_invite(
        cats.channel("general").id, max_uses=2, max_age=600, temporary=True
    )
    assert isinstance(created, ServerInvite)
    assert (created.max_uses, created.max_age, created.temporary) == (2, 600, True)
    assert created.expires_at is not None
    assert created.created_at is not None
    assert (created.expires_at - created.created_at).total_seconds() == 600
    unlimited = await adapter.create_invite(cats.channel("general").id)
    assert isinstance(unlimited, ServerInvite)
    assert (unlimited.max_uses, unlimited.max_age, unlimited.expires_at) == (None, None, None)
    group = world.add_group("g", owner=alice)
    assert isinstance(await adapter.create_invite(group.id), GroupInvite)
    with pytest.raises(MissingPermissions):
        await as_(world, bob).create_invite(cats.channel("general").id)
    with pytest.raises(NotFound):
        await adapter.create_invite("c-missing")
    with pytest.raises(UnsupportedOperation, match="unique"):
        await adapter.create_invite(cats.channel("general").id, unique=True)


async def test_calls_are_recorded_after_validation(
    world: FakeWorld, alice: FakeUser, cats: FakeServer
) -> None:
    adapter = as_(world, alice)
    invite = world.add_invite(cats.channel("general"))
    await adapter.fetch_invite(invite.code, with_counts=False)
    with pytest.raises(InvalidArgument):
        await adapter.create_invite(cats.channel("general").id, max_uses=0)
    await adapter.delete(invite.code, reason="cleanup")
    assert adapter.calls == [
        RecordedCall("fetch_invite", {"code": invite.code, "with_counts": False, "event_id": None}),
        RecordedCall("delete", {"code": invite.code, "reason": "cleanup"}),
    ]


async def test_fail_next_injects_one_failure(
    world: FakeWorld, alice: FakeUser, cats: FakeServer
) -> None:
    adapter = as_(world, alice)
    invite = world.add_invite(cats.channel("general"))
    adapter.fail_next(RateLimited("slow down", platform="fake", retry_after=2.0))
    with pytest.raises(RateLimited) as caught:
        await adapter.fetch_invite(invite.code)
    assert caught.value.retry_after == 2.0
    await adapter.fetch_invite(invite.code)
    assert len(adapter.calls) == 2


async def test_fail_next_can_target_one_verb(
    world: FakeWorld, alice: FakeUser, cats: FakeServer
) -> None:
    adapter = as_(world, alice)
    invite = world.add_invite(cats.channel("general"))
    adapter.fail_next(MissingPermissions("no", platform="fake"), verb="delete")
    await adapter.fetch_invite(invite.code)
    with pytest.raises(MissingPermissions):
        await adapter.delete(invite.code)
    await adapter.delete(invite.code)
    with pytest.raises(ValueError, match="unknown verb"):
        adapter.fail_next(MissingPermissions("no"), verb="explode")


async def test_restricted_capabilities_refuse_before_any_call(
    world: FakeWorld, alice: FakeUser, cats: FakeServer
) -> None:
    adapter = FakeAdapter(world, user=alice, capabilities={Capability.FETCH})
    invite = world.add_invite(cats.channel("general"))
    with pytest.raises(UnsupportedOperation):
        await adapter.delete(invite.code)
    with pytest.raises(UnsupportedOperation):
        await adapter.create_invite(cats.channel("general").id)
    with pytest.raises(UnsupportedOperation):
        await adapter.list_invites(server_id=cats.id)
    assert adapter.calls == []
    assert adapter.as_user(None).supports(Capability.DELETE) is False


async def test_worlds_are_independent() -> None:
    first, second = FakeWorld(), FakeWorld()
    owner = first.add_user("owner")
    invite = first.add_invite(first.add_server("S", owner=owner).channel("general"))
    with pytest.raises(InviteNotFound):
        await FakeAdapter(second).fetch_invite(invite.code)


def test_codes_are_unique_and_custom_codes_are_checked(world: FakeWorld, cats: FakeServer) -> None:
    codes = {world.add_invite(cats.channel("general")).code for _ in range(200)}
    assert len(codes) == 200
    world.add_invite(cats.channel("general"), code="custom")
    with pytest.raises(InvalidArgument, match="taken"):
        world.add_invite(cats.channel("general"), code="custom")


def test_clock_only_moves_forward() -> None:
    clock = FakeClock()
    start = clock()
    assert clock.advance(minutes=2) - start == timedelta(minutes=2)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
    with pytest.raises(ValueError, match="aware"):
        FakeClock(datetime(2026, 1, 1))
