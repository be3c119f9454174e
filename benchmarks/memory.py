"""memory: bytes retained per invite while 100,000 decoded invites are kept alive.

Each contender decodes the same payload ``N`` times into a list; tracemalloc counts what
is still allocated afterwards (after a collection), less the list itself, divided by
``N``. The payload is the Discord guild invite with counts and event, each copy with a
code of its own.

Beside the floor (bare Structs of what the platform-neutral model shows), "msgspec, all
kept" holds everything invitekit keeps (the floor plus the scheduled event, flags and
levels that go to ``details``): the least those bytes of information cost.
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from collections.abc import Callable
from typing import Any

import msgspec

from benchmarks import _floor, _peers
from benchmarks._data import payload
from benchmarks._report import Row, Table, Target
from benchmarks._settings import Settings
from invitekit import decode_public_invite

__all__ = ["MEMORY_TARGET", "retained_per_item", "run"]

MEMORY_TARGET = 1.2
"""invitekit may retain at most 1.2 times what the msgspec floor does (issue 17; issue 6
asked for a third of the leanest peer, which is below what the floor itself needs)."""


def retained_per_item(
    decode: Callable[[bytes], Any], data: bytes, code: bytes, count: int
) -> float:
    """Bytes still allocated per result after decoding ``count`` copies of ``data``.

    Each copy gets its own code in place of ``code`` (same length), so no two invites
    are identical; the payload bytes themselves are freed as soon as they are decoded.
    """
    decode(data)  # first-call caches (type info, interned names) are not per invite
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = [decode(data.replace(code, b"%0*d" % (len(code), i))) for i in range(count)]
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    retained = after - before - sys.getsizeof(kept)
    del kept
    return retained / count


def run(settings: Settings) -> tuple[list[Table], list[Target]]:
    """Measure every contender once (allocation counts do not need repeats)."""
    data = payload("discord", "constructed_get_invite_guild_with_counts.json")
    named: list[tuple[str, Any, Callable[[bytes], Any]]] = [
        ("invitekit", "ours", lambda d: decode_public_invite("discord", d)),
        ("msgspec floor", "floor", _floor.DISCORD_GUILD.decode),
        ("msgspec, all kept", "floor", _floor.DISCORD_GUILD_ALL.decode),
        *((p.name, "peer", p.public) for p in _peers.discord_peers()),
    ]
    count = settings.memory_invites
    code = msgspec.json.decode(data)["code"].encode()
    rows = [Row(name, role, retained_per_item(f, data, code, count)) for name, role, f in named]
    table = Table(
        f"memory: {count:,} Discord guild invites (counts and event) kept alive",
        "bytes per invite",
        True,
        rows,
    )
    ours, floor = table.ours.value, table.row("msgspec floor").value
    targets = [
        Target(
            table.title,
            f"invitekit ≤ {MEMORY_TARGET:g}x the msgspec floor",
            f"{ours / floor:.2f}x",
            ours <= MEMORY_TARGET * floor,
        )
    ]
    return [table], targets
