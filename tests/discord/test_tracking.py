"""InviteTracker against the Discord emulator over HTTP, fed by its gateway dispatches."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator

import pytest

from invitekit import InviteTracker, JoinAttribution, JoinSource, MissingPermissions
from invitekit_discord import (
    INVITE_CREATE,
    INVITE_DELETE,
    DiscordAdapter,
    decode_invite_create,
    decode_invite_delete,
)
from tests.discord.conftest import World
from tests.http._support import ManualTime

AUDITOR_TOKEN = "MTEwMDAx.auditor-token.SECRET"


@pytest.fixture
async def tracker(discord: DiscordAdapter, world: World) -> InviteTracker:
    tracker = InviteTracker(discord, vanity=discord.fetch_vanity_url)
    await tracker.track(world.guild.id)
    return tracker


def codes(attribution: JoinAttribution) -> set[str]:
    return {invite.code for invite in attribution.candidates}


async def feed_dispatches(world: World, tracker: InviteTracker, start: int = 0) -> int:
    """Hand the tracker every dispatch from ``start`` on, as a bot's event handlers would."""
    dispatches = world.emulator.dispatches
    for name, data in dispatches[start:]:
        if name == INVITE_CREATE:
            await tracker.invite_created(decode_invite_create(data))
        elif name == INVITE_DELETE:
            event = decode_invite_delete(data)
            await tracker.invite_deleted(event.code, server_id=event.guild_id)
    return len(dispatches)


async def test_joins_are_attributed_over_http(world: World, tracker: InviteTracker) -> None:
    other = world.emulator.add_invite(world.channel, code="otherway", max_age=0)
    [first] = [i for i in tracker.invites(world.guild.id) if i.code == world.code]
    assert first.uses == 0  # type: ignore[union-attr]
    for code in (world.code, other.code, world.code):
        world.emulator.use_invite(code)
        result = await tracker.member_joined(world.guild.id, member_id="1100000000000000099")
        assert result.source is JoinSource.INVITE
        assert result.code == code
    assert result.invite is not None
    assert result.invite.uses == 2  # type: ignore[union-attr]


async def test_vanity_joins_over_http(world: World, tracker: InviteTracker) -> None:
    world.guild.vanity_uses += 1
    result = await tracker.member_joined(world.guild.id)
    assert result.source is JoinSource.VANITY
    assert result.code == "cats"
    world.guild.vanity_uses += 1
    world.emulator.use_invite(world.code)
    both = await tracker.member_joined(world.guild.id)
    assert both.source is JoinSource.AMBIGUOUS
    assert codes(both) == {world.code}
    assert both.vanity_code == "cats"


async def test_a_used_up_invite_is_an_unknown_candidate(
    world: World, tracker: InviteTracker
) -> None:
    world.emulator.add_invite(world.channel, code="onlyonce", max_uses=1)
    await tracker.track(world.guild.id)
    world.emulator.use_invite("onlyonce")
    result = await tracker.member_joined(world.guild.id)
    assert result.source is JoinSource.UNKNOWN
    assert codes(result) == {"onlyonce"}


async def test_gateway_events_keep_the_snapshot_in_step(
    world: World, discord: DiscordAdapter, tracker: InviteTracker
) -> None:
    created = await discord.create_invite(world.channel.id, max_uses=3, unique=True)
    seen = await feed_dispatches(world, tracker)
    assert created.code in {i.code for i in tracker.invites(world.guild.id)}
    world.emulator.use_invite(created.code)
    assert (await tracker.member_joined(world.guild.id)).code == created.code
    await discord.delete(created.code)
    await feed_dispatches(world, tracker, seen)
    assert {i.code for i in tracker.invites(world.guild.id)} == {world.code}
    world.emulator.use_invite(world.code)
    assert (await tracker.member_joined(world.guild.id)).code == world.code


async def test_concurrent_joins_over_http(world: World, tracker: InviteTracker) -> None:
    world.emulator.add_invite(world.channel, code="second1", max_age=0)
    for _ in range(3):
        world.emulator.use_invite(world.code)
    same = await asyncio.gather(*(tracker.member_joined(world.guild.id) for _ in range(3)))
    assert [r.code for r in same] == [world.code] * 3
    world.emulator.use_invite(world.code)
    world.emulator.use_invite("second1")
    mixed = await asyncio.gather(*(tracker.member_joined(world.guild.id) for _ in range(2)))
    assert [r.source for r in mixed] == [JoinSource.AMBIGUOUS] * 2
    assert all(codes(r) == {world.code, "second1"} for r in mixed)


@pytest.mark.parametrize("seed", range(4))
async def test_racing_members_are_never_given_the_wrong_invite(
    world: World, tracker: InviteTracker, seed: int
) -> None:
    rng = random.Random(seed)
    choices = [world.code, "racer-b", "racer-c"]
    for code in choices[1:]:
        world.emulator.add_invite(world.channel, code=code, max_age=0)
    await tracker.track(world.guild.id)

    async def member(index: int) -> tuple[str, JoinAttribution]:
        code = rng.choice(choices)
        for _ in range(rng.randrange(4)):
            await asyncio.sleep(0)
        world.emulator.use_invite(code)
        return code, await tracker.member_joined(world.guild.id, member_id=str(index))

    results = await asyncio.gather(*(member(i) for i in range(8)))
    for used, result in results:
        assert result.source is not JoinSource.UNKNOWN
        if result.source is JoinSource.INVITE:
            assert result.code == used
        else:
            assert used in codes(result)
    assert (await tracker.member_joined(world.guild.id)).source is JoinSource.UNKNOWN


@pytest.fixture
async def auditor(world: World, api_base: str, clock: ManualTime) -> AsyncIterator[DiscordAdapter]:
    """A bot that may see the invite list but not its use counts (no MANAGE_GUILD)."""
    world.emulator.add_bot(AUDITOR_TOKEN, permissions={world.guild: {"VIEW_AUDIT_LOG"}})
    async with DiscordAdapter(
        AUDITOR_TOKEN, api_base=api_base, clock=clock, sleep=clock.sleep
    ) as adapter:
        yield adapter


async def test_without_use_counts_every_join_is_unknown(
    world: World, auditor: DiscordAdapter
) -> None:
    tracker = InviteTracker(auditor)
    [listed] = await tracker.track(world.guild.id)
    assert listed.uses is None  # type: ignore[union-attr]
    world.emulator.use_invite(world.code)
    assert (await tracker.member_joined(world.guild.id)).source is JoinSource.UNKNOWN


async def test_a_vanity_lookup_without_permission_fails_loudly(
    world: World, auditor: DiscordAdapter
) -> None:
    tracker = InviteTracker(auditor, vanity=auditor.fetch_vanity_url)
    with pytest.raises(MissingPermissions):
        await tracker.track(world.guild.id)
