"""The Matrix demos run on the stand-in, with no Synapse: the tour, and Matrix's links in
the bridge demo's message."""

from __future__ import annotations

import pytest

from invitekit.cli import main


def test_the_matrix_tour(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "matrix"]) == 0
    out = capsys.readouterr().out
    for expected in (
        "'Birdwatchers' is a space (a server-like invite)",
        "ben again : AlreadyMember",
        "ben       : Forbidden (M_FORBIDDEN)",
        "cy        : Banned (M_BAD_STATE)",
        "afterwards: InviteNotFound (M_NOT_FOUND)",
        "ben joins : 'Back room', now that he is invited",
    ):
        assert expected in out
    assert "UNEXPECTED" not in out


def test_the_bridge_demo_resolves_matrix_links(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "bridge"]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.startswith("matrix ")]
    assert [row[:3] for row in rows] == [
        ["matrix", "#garden:chat.invitekit.example", "server"],
        ["matrix", rows[1][1], "group"],
        ["matrix", "#films:chat.invitekit.example", "group"],
        ["matrix", "#gone:chat.invitekit.example", "error"],
    ]
    assert rows[1][1].startswith("!")
    assert rows[3][3] == "InviteNotFound:"
    assert "; as planned" in out
