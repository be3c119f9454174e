"""The room summary benchmarks/matrix.py decodes: every contender reads the same room from it.

A benchmark whose contenders decode different things (or nothing) measures nothing; these
checks keep the payload and the peers' set-up honest.
"""

from __future__ import annotations

import msgspec
import pytest

import invitekit
from benchmarks import matrix
from invitekit import PayloadError, PublicGroupInvite
from invitekit_matrix import MatrixRoomDetails

DATA = msgspec.json.encode(matrix.ROOM_SUMMARY)


def test_invitekit_reads_the_room() -> None:
    invite = invitekit.decode_public_invite("matrix", DATA)
    assert isinstance(invite, PublicGroupInvite)
    assert invite.code == "#bridges:matrix.org"
    assert invite.channel is not None
    assert invite.channel.id == "!OGEhHVWSdvArJzumhm:matrix.org"
    assert invite.channel.name == "Python Discord bridge · general"
    assert invite.member_count == 4821
    assert isinstance(invite.details, MatrixRoomDetails)
    assert invite.details.avatar_mxc == "mxc://matrix.org/hBxUTzgdLqmRJKyfOnTsQHXa"


def test_every_contender_reads_the_same_room() -> None:
    decoders = {name.split()[0]: (decode, alias) for name, _, decode, alias in matrix._decoders()}
    assert set(decoders) == {"invitekit", "msgspec", "mautrix", "matrix-nio"}
    for name, (decode, alias) in decoders.items():
        assert alias(decode(DATA)) == "#bridges:matrix.org", name
    for name in ("msgspec", "mautrix", "matrix-nio"):
        decode, _ = decoders[name]
        room = decode(DATA)
        assert room.room_id == "!OGEhHVWSdvArJzumhm:matrix.org", name
        assert room.name == "Python Discord bridge · general", name
        assert room.num_joined_members == 4821, name
        assert room.avatar_url == "mxc://matrix.org/hBxUTzgdLqmRJKyfOnTsQHXa", name


def test_a_summary_without_a_room_id_is_refused() -> None:
    broken = {k: v for k, v in matrix.ROOM_SUMMARY.items() if k != "room_id"}
    with pytest.raises(PayloadError):
        invitekit.decode_public_invite("matrix", msgspec.json.encode(broken))
