"""A stand-in Matrix homeserver for tests and the demo, where a real Synapse is not
installed.

It serves, over real HTTP on 127.0.0.1, the Client-Server endpoints ``MatrixAdapter``
calls (room summaries, joins, aliases, per-user invites, who-am-I) and the ones tests
seed a homeserver with (``createRoom``, state events, bans, Synapse's shared-secret
registration), with Synapse's statuses, errcodes and keys. The test suite runs every
Matrix test, the conformance suite included, against both this stand-in and a real
Synapse, so the two cannot drift apart::

    homeserver = MatrixStandIn()
    alice = homeserver.add_user("alice")
    room = homeserver.create_room(alice, preset="public_chat", name="Lounge")
    homeserver.add_alias(alice, f"#lounge:{homeserver.server_name}", room.room_id)
    async with homeserver.serve() as api_base:
        async with MatrixAdapter(api_base=api_base) as matrix:
            invite = await matrix.fetch_invite(f"#lounge:{homeserver.server_name}")

It is not a homeserver: no federation, no events beyond room state, no sync. Importing
this package imports aiohttp.
"""

from __future__ import annotations

from invitekit_matrix.testing._app import MatrixStandIn
from invitekit_matrix.testing._limits import RateLimit
from invitekit_matrix.testing._state import (
    DEFAULT_SERVER_NAME,
    MatrixError,
    Membership,
    StandInRoom,
    StandInUser,
    StandInWorld,
)

__all__ = [
    "DEFAULT_SERVER_NAME",
    "MatrixError",
    "MatrixStandIn",
    "Membership",
    "RateLimit",
    "StandInRoom",
    "StandInUser",
    "StandInWorld",
]
