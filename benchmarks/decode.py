"""decode: JSON bytes → invite objects, invitekit vs the msgspec floor vs every peer.

Everyone gets the same bytes and parses the JSON themselves; what comes out is what
each library hands its users (for the floor: bare Structs).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import invitekit
from benchmarks import _floor, _peers
from benchmarks._data import payload, repeated_list
from benchmarks._measure import Contender, time_alternating
from benchmarks._report import Row, Table, Target
from benchmarks._settings import Settings

__all__ = ["DECODE_TARGET_FLOOR", "DECODE_TARGET_PEERS", "run"]

DECODE_TARGET_FLOOR = 1.5
"""invitekit may take at most this many times the floor's time."""
DECODE_TARGET_PEERS = 6.0
"""invitekit must be at least this many times faster than the fastest peer."""

Decode = Callable[[bytes], Any]


@dataclass(frozen=True)
class Case:
    """One decode scenario: the bytes and every contender's decoder."""

    title: str
    data: bytes
    ours: Decode
    floor: Decode
    peers: Sequence[tuple[str, Decode]]


def _codes(result: Any) -> list[str]:
    items = result if isinstance(result, list) else [result]
    return [str(item.code) for item in items]


def discord_cases(settings: Settings) -> list[Case]:
    """The Discord scenarios: guild invite with counts and event, group DM, owner's list."""
    peers = _peers.discord_peers()
    guild = payload("discord", "constructed_get_invite_guild_with_counts.json")
    group = payload("discord", "constructed_get_invite_group_dm.json")
    listed = repeated_list(
        "discord", "constructed_get_channel_invites_with_metadata.json", settings.list_size
    )

    def public(data: bytes) -> Any:
        return invitekit.decode_public_invite("discord", data)

    def private_list(data: bytes) -> Any:
        return invitekit.decode_private_invites("discord", data)

    return [
        Case(
            "Discord guild invite with counts and event",
            guild,
            public,
            _floor.DISCORD_GUILD.decode,
            [(p.name, p.public) for p in peers],
        ),
        Case(
            "Discord group DM invite",
            group,
            public,
            _floor.DISCORD_GROUP.decode,
            [(p.name, p.public) for p in peers],
        ),
        Case(
            f"Discord list of {settings.list_size} invites with metadata",
            listed,
            private_list,
            _floor.DISCORD_LISTED.decode,
            [(p.name, p.listed) for p in peers],
        ),
    ]


def stoat_cases(settings: Settings) -> list[Case]:
    """The Stoat scenarios: server and group public invites, a server's list."""
    peers = _peers.stoat_peers()
    server = payload("stoat", "server_public_invite.json")
    group = payload("stoat", "group_public_invite.json")
    listed = repeated_list("stoat", "server_invites_list.json", settings.list_size, code_key="_id")

    def public(data: bytes) -> Any:
        return invitekit.decode_public_invite("stoat", data)

    def private_list(data: bytes) -> Any:
        return invitekit.decode_private_invites("stoat", data)

    return [
        Case(
            "Stoat server invite",
            server,
            public,
            _floor.STOAT_SERVER.decode,
            [(p.name, p.public) for p in peers],
        ),
        Case(
            "Stoat group invite",
            group,
            public,
            _floor.STOAT_GROUP.decode,
            [(p.name, p.public) for p in peers],
        ),
        Case(
            f"Stoat list of {settings.list_size} server invites",
            listed,
            private_list,
            _floor.STOAT_LISTED.decode,
            [(p.name, p.listed) for p in peers],
        ),
    ]


def _contenders(case: Case) -> list[Contender]:
    data = case.data
    named: list[tuple[str, Any, Decode]] = [
        ("invitekit", "ours", case.ours),
        ("msgspec floor", "floor", case.floor),
        *((name, "peer", decode) for name, decode in case.peers),
    ]
    expected = _codes(case.floor(data))
    contenders = []
    for name, role, decode in named:
        got = _codes(decode(data))
        if got != expected:
            raise AssertionError(
                f"{case.title}: {name} decoded codes {got[:3]}…, not {expected[:3]}…"
            )
        contenders.append(Contender(name, role, functools.partial(decode, data)))
    return contenders


def floor_targets(table: Table) -> list[Target]:
    ours = table.ours.value
    floor = table.row("msgspec floor").value
    targets = [
        Target(
            table.title,
            f"invitekit ≤ {DECODE_TARGET_FLOOR}x the msgspec floor",
            f"{ours / floor:.2f}x",
            ours <= DECODE_TARGET_FLOOR * floor,
        )
    ]
    peers = table.peers()
    if peers:
        fastest = min(peers, key=lambda row: row.value)
        ahead = table.advantage(fastest)
        targets.append(
            Target(
                table.title,
                f"invitekit ≥ {DECODE_TARGET_PEERS}x faster than the fastest peer",
                f"{ahead:.2f}x ({fastest.name})",
                ahead >= DECODE_TARGET_PEERS,
            )
        )
    return targets


def run_cases(cases: Sequence[Case], settings: Settings) -> tuple[list[Table], list[Target]]:
    """Time every case's contenders, alternating; return the tables and targets."""
    tables, targets = [], []
    for case in cases:
        timings = time_alternating(
            _contenders(case), repeats=settings.repeats, budget=settings.batch_seconds
        )
        rows = [Row(t.contender.name, t.contender.role, t.median * 1e6) for t in timings]
        table = Table(f"decode: {case.title}", "µs per payload", True, rows)
        tables.append(table)
        targets.extend(floor_targets(table))
    return tables, targets


def run(settings: Settings) -> tuple[list[Table], list[Target]]:
    """The decode scenarios of every platform invitekit and the peers share."""
    return run_cases([*discord_cases(settings), *stoat_cases(settings)], settings)
