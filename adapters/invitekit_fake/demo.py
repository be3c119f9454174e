"""The fake platform's demos: a step-by-step tour, and its part in the bridge demo."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any, TextIO

from invitekit import (
    BotAccountRejected,
    InviteError,
    InviteNotFound,
    JoinedServer,
    MissingPermissions,
    PublicServerInvite,
    ServerInvite,
    find_invites,
)
from invitekit.cli.demo import DemoPlatform
from invitekit_fake._adapter import FakeAdapter
from invitekit_fake._clock import FakeClock
from invitekit_fake._world import FakeWorld


async def _expect(
    error: type[InviteError], call: Awaitable[Any], who: str, why: str, out: TextIO
) -> bool:
    try:
        await call
    except error:
        out.write(f"{who:<10}: {error.__name__}, {why}\n")
        return True
    out.write(f"{who:<10}: UNEXPECTED: no {error.__name__} was raised\n")
    return False


async def run(out: TextIO) -> bool:
    """Walk through finding, resolving, joining and revoking invites; return success."""
    clock = FakeClock()
    world = FakeWorld(clock=clock)
    alice, bob, carol = (world.add_user(name) for name in ("alice", "bob", "carol"))
    helper = world.add_user("helper-bot", bot=True)
    cats = world.add_server("Cat Lovers", owner=alice, description="photos welcome")
    general = cats.channel("general")
    once = world.add_invite(general, creator=alice, max_uses=1, max_age=3600)

    message = f"come hang out: <https://fake.invitekit.test/{once.code}> (or not, evil.com/x)"
    out.write(f"message   : {message}\n")
    refs = find_invites(message)
    out.write(f"found     : {', '.join(str(ref) for ref in refs)}\n")

    async with FakeAdapter(world, user=bob) as as_bob:
        invite = await as_bob.fetch_invite(refs[0].code)
        if not isinstance(invite, PublicServerInvite):
            out.write(f"UNEXPECTED: resolved to {invite!r}\n")
            return False
        out.write(
            f"resolved  : {invite.server.name!r} #{invite.channel.name if invite.channel else '?'}"
            f", {invite.member_count} member(s), expires {invite.expires_at:%Y-%m-%d %H:%M} UTC\n"
        )
        joined = await invite.accept()
        if not isinstance(joined, JoinedServer):
            out.write(f"UNEXPECTED: joined {joined!r}\n")
            return False
        out.write(f"bob joins : {joined.server.name!r} through {joined.code}\n")

    ok = await _expect(
        InviteNotFound,
        FakeAdapter(world, user=carol).accept(once.code),
        "carol",
        "the one-use invite is used up",
        out,
    )

    async with FakeAdapter(world, user=alice) as as_alice:
        weekly = await as_alice.create_invite(general.id, max_age=7 * 24 * 3600)
        if not isinstance(weekly, ServerInvite):
            out.write(f"UNEXPECTED: created {weekly!r}\n")
            return False
        out.write(f"alice     : created {weekly} (expires {weekly.expires_at:%Y-%m-%d})\n")
        ok &= await _expect(
            BotAccountRejected,
            FakeAdapter(world, user=helper).accept(weekly.code),
            "helper-bot",
            "bots cannot join through invites",
            out,
        )
        ok &= await _expect(
            MissingPermissions,
            FakeAdapter(world, user=bob).revoke(weekly.code),
            "bob",
            "only its creator or a manager may revoke",
            out,
        )
        clock.advance(days=8)
        ok &= await _expect(
            InviteNotFound,
            as_alice.fetch_invite(weekly.code),
            "8 days on",
            "the weekly invite expired",
            out,
        )
        listed = await as_alice.list_invites(server_id=cats.id)
        out.write(f"listed    : {len(listed)} live invite(s) left\n")
    return ok and not listed


@asynccontextmanager
async def emulated_platform() -> AsyncIterator[DemoPlatform]:
    """The fake platform for the bridge demo: a seeded world, reached in memory."""
    world = FakeWorld()
    owner = world.add_user("dana")
    lounge = world.add_server("Fake Lounge", owner=owner, channels=("welcome",))
    for name in ("eli", "fay"):
        world.add_member(lounge, world.add_user(name))
    server_invite = world.add_invite(lounge.channel("welcome"), code="lounge", max_age=86400)
    group_invite = world.add_invite(world.add_group("book club", owner=owner), code="books")
    yield DemoPlatform(
        platform="fake",
        adapter_options={"world": world},
        message=(
            f"fake: {FakeAdapter.link_rules.canonical_url(server_invite.code)} and "
            f"<{FakeAdapter.link_rules.canonical_url(group_invite.code)}>"
        ),
        dead_links=(FakeAdapter.link_rules.canonical_url("expired1"),),
    )
