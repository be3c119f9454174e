"""Stoat's demos: a tour against the local emulator, and its part in the bridge demo.

Both run the real adapter over HTTP on 127.0.0.1; nothing leaves the machine.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TextIO

from invitekit import (
    AlreadyMember,
    Banned,
    InviteNotFound,
    JoinedServer,
    PublicServerInvite,
    UnsupportedOperation,
    find_invites,
)
from invitekit.cli.demo import DemoPlatform, expect_error
from invitekit_stoat._adapter import StoatAdapter
from invitekit_stoat._details import StoatInviteDetails
from invitekit_stoat.testing import StoatEmulator

__all__ = ["emulated_platform", "run"]


async def run(out: TextIO) -> bool:
    """Find, resolve, join and revoke Stoat invites on a local emulator; return success."""
    stoat = StoatEmulator()
    alice, bob, mallory = (stoat.add_user(name) for name in ("alice", "bob", "mallory"))
    robot = stoat.add_user("helper", bot=True, owner=alice)
    devs = stoat.add_server("Stoat Devs", owner=alice, members=[robot], flags=2, icon=True)
    stoat.ban(devs, mallory)
    invite = stoat.add_invite(devs.channel("general"), creator=alice, code="Testers")
    message = f"say hi at https://stt.gg/{invite.code} (old link: rvlt.gg/{invite.code})"
    out.write(f"message   : {message}\n")
    refs = find_invites(message)
    out.write(f"found     : {', '.join(str(ref) for ref in refs)} (both links are one invite)\n")
    async with stoat.serve() as api_base:
        async with StoatAdapter(token=bob.token, bot=False, api_base=api_base) as as_bob:
            public = await as_bob.fetch_invite(refs[0].code)
            if not isinstance(public, PublicServerInvite):
                out.write(f"UNEXPECTED: resolved to {public!r}\n")
                return False
            flags = (
                public.details.server_flags
                if isinstance(public.details, StoatInviteDetails)
                else None
            )
            out.write(
                f"resolved  : {public.server.name!r}, {public.member_count} member(s), "
                f"flags {flags!r}, icon {public.server.icon_url}\n"
            )
            joined = await public.accept()
            if not isinstance(joined, JoinedServer):
                out.write(f"UNEXPECTED: joined {joined!r}\n")
                return False
            out.write(f"bob joins : {joined.server.name!r}, {len(joined.channels)} channel(s)\n")
            ok = await expect_error(
                AlreadyMember, public.accept(), "bob again", "already a member", out
            )
        async with StoatAdapter(token=mallory.token, bot=False, api_base=api_base) as as_mallory:
            ok &= await expect_error(
                Banned, as_mallory.accept(invite.code), "mallory", "banned", out
            )
        async with StoatAdapter(token=robot.token, bot=True, api_base=api_base) as as_robot:
            ok &= await expect_error(
                UnsupportedOperation,
                as_robot.accept(invite.code),
                "helper",
                "bots cannot join on Stoat, so no request is sent",
                out,
            )
        async with StoatAdapter(token=alice.token, bot=False, api_base=api_base) as as_alice:
            await as_alice.revoke(invite.code, reason="demo over")
            out.write(
                f"alice     : revoked {invite.code} (audit log: {stoat.audit_log[-1][2]!r})\n"
            )
            ok &= await expect_error(
                InviteNotFound, as_alice.fetch_invite(invite.code), "afterwards", "it is gone", out
            )
    return ok


@asynccontextmanager
async def emulated_platform() -> AsyncIterator[DemoPlatform]:
    """Stoat for the bridge demo: the emulator on 127.0.0.1 with a server and a group."""
    stoat = StoatEmulator()
    owner = stoat.add_user("gwen")
    guest = stoat.add_user("hal")
    lounge = stoat.add_server("Stoat Lounge", owner=owner, members=[guest], flags=1)
    server_invite = stoat.add_invite(lounge.channel("general"), creator=owner)
    group = stoat.add_group("film night", owner=owner, members=[guest])
    group_invite = stoat.add_invite(group, creator=owner)
    async with stoat.serve() as api_base:
        yield DemoPlatform(
            platform="stoat",
            adapter_options={"api_base": api_base},
            message=(
                f"stoat: https://stt.gg/{server_invite.code} and the old-style "
                f"<https://rvlt.gg/{group_invite.code}>"
            ),
            dead_links=("https://stoat.chat/invite/GoneAway",),
        )
