"""Matrix's demos: a tour on the stand-in homeserver, and its part in the bridge demo.

Both run the real ``MatrixAdapter`` over HTTP against ``invitekit_matrix.testing``'s
stand-in on 127.0.0.1 (the one the test suite holds to Synapse's answers); nothing
leaves the machine and no Synapse is needed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TextIO

from invitekit import (
    AlreadyMember,
    Banned,
    Forbidden,
    InviteNotFound,
    JoinedGroup,
    JoinedServer,
    PublicGroupInvite,
    PublicServerInvite,
    find_invites,
)
from invitekit.cli.demo import DemoPlatform, expect_error
from invitekit_matrix._adapter import MatrixAdapter
from invitekit_matrix.testing import MatrixStandIn

__all__ = ["emulated_platform", "run"]

SERVER = "chat.invitekit.example"
"""The stand-in's server name in the demos: aliases and links name it."""


async def run(out: TextIO) -> bool:
    """Find, look up, join and revoke Matrix aliases on the stand-in; return success."""
    home = MatrixStandIn(server_name=SERVER)
    ada, ben, cy = (home.add_user(name) for name in ("ada", "ben", "cy"))
    space = home.create_room(ada, preset="public_chat", name="Birdwatchers", room_type="m.space")
    lounge = home.create_room(ada, preset="public_chat", name="Lounge", topic="say hi")
    back = home.create_room(ada, preset="private_chat", name="Back room")
    alias, back_alias = f"#birds:{SERVER}", f"#back:{SERVER}"
    home.add_alias(ada, alias, space.room_id)
    home.add_alias(ada, back_alias, back.room_id)
    home.member_action(space.room_id, "ban", ada, cy.user_id)
    message = (
        f"join us at https://matrix.to/#/{alias} or "
        f"https://matrix.to/#/{lounge.room_id}?via={SERVER} (ask for {back_alias})"
    )
    out.write(f"message   : {message}\n")
    refs = find_invites(message)
    out.write(f"found     : {', '.join(ref.code for ref in refs)}\n")
    async with home.serve() as api_base:
        async with MatrixAdapter(ben.token, api_base=api_base) as as_ben:
            found = await as_ben.fetch_invite(refs[0])
            if not isinstance(found, PublicServerInvite):
                out.write(f"UNEXPECTED: resolved to {found!r}\n")
                return False
            out.write(
                f"resolved  : {found.server.name!r} is a space (a server-like invite), "
                f"{found.member_count} member(s)\n"
            )
            joined = await found.accept()
            if not isinstance(joined, JoinedServer):
                out.write(f"UNEXPECTED: joined {joined!r}\n")
                return False
            out.write(f"ben joins : {joined.server.name!r}\n")
            ok = await expect_error(
                AlreadyMember,
                found.accept(),
                "ben again",
                "Matrix answers a second join with success; the summary tells",
                out,
            )
            ok &= await expect_error(
                Forbidden, as_ben.accept(back_alias), "ben", "the back room is invite-only", out
            )
        async with MatrixAdapter(cy.token, api_base=api_base) as as_cy:
            ok &= await expect_error(
                Banned, as_cy.accept(alias), "cy", "banned from the space", out
            )
        async with MatrixAdapter(ada.token, api_base=api_base) as as_ada:
            await as_ada.invite_user(back.room_id, ben.user_id)
            made = await as_ada.create_invite(lounge.room_id, alias="lounge")
            listed = await as_ada.list_invites(channel_id=lounge.room_id)
            out.write(
                f"ada       : invited ben to the back room; made {made.code}; "
                f"the lounge's aliases: {', '.join(i.code for i in listed)}\n"
            )
            await made.revoke()
            ok &= await expect_error(
                InviteNotFound, as_ada.fetch_invite(made.code), "afterwards", "it is gone", out
            )
        async with MatrixAdapter(ben.token, api_base=api_base) as as_ben:
            room = await as_ben.accept(back_alias)
            if not isinstance(room, JoinedGroup):
                out.write(f"UNEXPECTED: joined {room!r}\n")
                return False
            out.write(f"ben joins : {room.channel.name!r}, now that he is invited\n")
            lookup = await as_ben.fetch_invite(refs[1])
            ok &= isinstance(lookup, PublicGroupInvite)
            out.write(
                f"room id   : {lookup.code} is a room (a group-like invite), "
                f"{getattr(lookup, 'member_count', None)} member(s), via {refs[1].via}\n"
            )
    return ok


@asynccontextmanager
async def emulated_platform() -> AsyncIterator[DemoPlatform]:
    """Matrix for the bridge demo: the stand-in on 127.0.0.1 with a space and a room,
    linked by alias, by room id with ``via``, by ``matrix:`` URI and bare in text."""
    home = MatrixStandIn(server_name=SERVER)
    owner = home.add_user("owner")
    space = home.create_room(owner, preset="public_chat", name="Matrix Garden", room_type="m.space")
    room = home.create_room(owner, preset="public_chat", name="film club", topic="fridays")
    home.add_alias(owner, f"#garden:{SERVER}", space.room_id)
    home.add_alias(owner, f"#films:{SERVER}", room.room_id)
    async with home.serve() as api_base:
        yield DemoPlatform(
            platform="matrix",
            adapter_options={"api_base": api_base},
            message=(
                f"matrix: https://matrix.to/#/%23garden%3A{SERVER}, "
                f"https://matrix.to/#/{room.room_id}?via={SERVER} and matrix:r/films:{SERVER}"
            ),
            dead_links=(f"#gone:{SERVER}",),
        )
