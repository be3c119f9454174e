"""The Matrix adapter passes the conformance suite every adapter passes, against Synapse
and against the stand-in.

The invite is an alias of a public room its owner created; the joiner is a fresh
account. A room is a group here, so the scenario has no server.
"""

from __future__ import annotations

import pytest

from invitekit.testing import AdapterConformance, Scenario
from tests.matrix._homeserver import Homeserver
from tests.matrix.conftest import Connect, Register, alias


class TestMatrixConformance(AdapterConformance):
    @pytest.fixture
    async def scenario(
        self, homeserver: Homeserver, register: Register, connect: Connect
    ) -> Scenario:
        owner, joiner = register("owner"), register("joiner")
        room_id = homeserver.create_room(owner, preset="public_chat", name="Conformance")
        code = alias("lounge")
        homeserver.add_alias(owner, code, room_id)
        return Scenario(
            adapter=connect(owner),
            joiner=connect(joiner),
            channel_id=room_id,
            existing_code=code,
            missing_code=alias("nowhere"),
        )
