"""matrix: a room summary decoded, and aliases resolved against a real Synapse, beside
mautrix and matrix-nio.

- **decode**: the JSON of one room summary (``GET /_matrix/client/v1/room_summary``),
  parsed by each contender. mautrix parses it as its room-info type
  (``PublicRoomInfo.deserialize`` after ``json.loads``, as its HTTP layer does).
  matrix-nio has no room-summary call, and its directory parser refuses a summary's
  extra keys (``TypeError`` on ``room_version``): it is left out of this table. The
  floor decodes the same bytes into a bare Struct of what the neutral model shows.
- **resolve**: 1,000 lookups of 100 aliases, 50 at a time, against a Synapse this
  scenario starts on 127.0.0.1 (the one the test suite runs, ``tests/matrix``).
  invitekit looks each alias up with the room summary (the room's name, members,
  kind), once through the bare adapter and once through ``InviteClient``. Neither peer
  has a room-summary call; each resolves the alias with its own alias lookup
  (``GET /directory/room/{alias}``: a room id and servers, no room), which is the most
  either offers for "what does this link lead to".
"""

from __future__ import annotations

import asyncio
import functools
import json
import random
import statistics
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import msgspec

from benchmarks._measure import Contender, time_alternating
from benchmarks._peers import installed_version
from benchmarks._report import Row, Table, Target
from benchmarks._settings import Settings
from benchmarks.decode import DECODE_TARGET_FLOOR
from benchmarks.resolve import HTTPContender, Lookup, measure
from invitekit import InviteClient, decode_public_invite
from invitekit_matrix import MatrixAdapter

__all__ = ["SUMMARY", "run"]

SUMMARY = msgspec.json.encode(
    {
        "room_id": "!Lp3vOcCQ1CaYgCvnYKs0VN4aGpMQ0HeLk4yW8qIkPHg",
        "room_version": "12",
        "name": "Birdwatchers of the North",
        "topic": "Sightings, photos and the odd argument about gulls",
        "canonical_alias": "#birdwatchers:matrix.example.org",
        "num_joined_members": 1843,
        "avatar_url": "mxc://matrix.example.org/GdBnUpCkVmWvYjHxTsZaQeRf",
        "world_readable": True,
        "guest_can_join": False,
        "join_rule": "public",
        "encryption": "m.megolm.v1.aes-sha2",
        "membership": "leave",
    }
)
"""A room summary as Synapse answers it for a public room (composed; every key is one
Synapse sends)."""


class _FloorSummary(msgspec.Struct):
    room_id: str
    num_joined_members: int
    name: str | None = None
    topic: str | None = None
    canonical_alias: str | None = None
    avatar_url: str | None = None
    join_rule: str | None = None
    room_type: str | None = None


_FLOOR = msgspec.json.Decoder(_FloorSummary)


def _room_id(result: Any) -> str:
    details = getattr(result, "details", None)
    return str(getattr(details, "room_id", None) or result.room_id)


def _decode_table(settings: Settings) -> tuple[Table, list[Target]]:
    named: list[tuple[str, Any, Callable[[bytes], Any]]] = [
        ("invitekit", "ours", functools.partial(decode_public_invite, "matrix")),
        ("msgspec floor", "floor", _FLOOR.decode),
    ]
    version = installed_version("mautrix")
    if version is not None:
        from mautrix.types.misc import PublicRoomInfo

        def mautrix(data: bytes) -> Any:
            return PublicRoomInfo.deserialize(json.loads(data))

        named.append((f"mautrix {version}", "peer", mautrix))
    expected = msgspec.json.decode(SUMMARY)["room_id"]
    for name, _, decode in named:
        if _room_id(decode(SUMMARY)) != expected:
            raise AssertionError(f"{name} decoded another room")
    contenders = [Contender(n, r, functools.partial(f, SUMMARY)) for n, r, f in named]
    timings = time_alternating(contenders, repeats=settings.repeats, budget=settings.batch_seconds)
    rows = [Row(t.contender.name, t.contender.role, t.median * 1e6) for t in timings]
    notes = ["matrix-nio has no room-summary parser (its directory parser refuses one)."]
    table = Table("matrix: decode a room summary", "µs per payload", True, rows, notes)
    ours, floor = table.ours.value, table.row("msgspec floor").value
    target = Target(
        table.title,
        f"invitekit ≤ {DECODE_TARGET_FLOOR}x the msgspec floor",
        f"{ours / floor:.2f}x",
        ours <= DECODE_TARGET_FLOOR * floor,
    )
    return table, [target]


# -- resolve -----------------------------------------------------------------------------


def _adapter(api_base: str) -> MatrixAdapter:
    return MatrixAdapter(api_base=api_base)


@asynccontextmanager
async def _invitekit_uncached(api_base: str) -> AsyncIterator[Lookup]:
    async with _adapter(api_base) as adapter:
        yield adapter.fetch_invite


def _invitekit_client(concurrency: int) -> Callable[[str], Any]:
    @asynccontextmanager
    async def open_(api_base: str) -> AsyncIterator[Lookup]:
        client = InviteClient(
            _adapter(api_base), max_concurrency=concurrency, per_platform_concurrency=concurrency
        )
        async with client:

            async def lookup(code: str) -> Any:
                return await client.fetch_invite(code, platform="matrix")

            yield lookup

    return open_


class _Resolved:
    """A peer's answer for one alias, as the comparison reads it."""

    def __init__(self, code: str) -> None:
        self.code = code


@asynccontextmanager
async def _mautrix(api_base: str) -> AsyncIterator[Lookup]:
    from mautrix.api import HTTPAPI
    from mautrix.client import ClientAPI
    from mautrix.types import RoomAlias

    api = HTTPAPI(base_url=api_base)
    client = ClientAPI(api=api)

    async def lookup(alias: str) -> Any:
        answer = await client.resolve_room_alias(RoomAlias(alias))
        assert answer.room_id
        return _Resolved(alias)

    try:
        yield lookup
    finally:
        await api.session.close()


@asynccontextmanager
async def _nio(api_base: str) -> AsyncIterator[Lookup]:
    import nio

    client = nio.AsyncClient(api_base)

    async def lookup(alias: str) -> Any:
        answer = await client.room_resolve_alias(alias)
        assert isinstance(answer, nio.RoomResolveAliasResponse), answer
        return _Resolved(alias)

    try:
        yield lookup
    finally:
        await client.close()


def _contenders(concurrency: int) -> list[HTTPContender]:
    contenders = [
        HTTPContender("invitekit (cache/coalescing off)", "ours", _invitekit_uncached),
        HTTPContender("invitekit InviteClient (on)", "ours", _invitekit_client(concurrency)),
    ]
    for distribution, name, opener in (
        ("mautrix", "mautrix", _mautrix),
        ("matrix-nio", "matrix-nio", _nio),
    ):
        version = installed_version(distribution)
        if version is not None:
            contenders.append(HTTPContender(f"{name} {version}", "peer", opener))
    return contenders


def _seeded(server: Any, server_name: str, codes: int) -> list[str]:
    """``codes`` aliases on ten public rooms of ``server``."""
    owner = server.register(f"bench{random.randrange(10**9)}")
    aliases = []
    rooms = [
        server.create_room(owner, preset="public_chat", name=f"Bench room {n}", topic="benchmark")
        for n in range(min(10, codes))
    ]
    for index in range(codes):
        alias = f"#bench{index:04d}-{owner.user_id[6:14]}:{server_name}"
        server.add_alias(owner, alias, rooms[index % len(rooms)])
        aliases.append(alias)
    return aliases


async def _resolve(server: Any, server_name: str, settings: Settings) -> Table:
    aliases = _seeded(server, server_name, settings.codes)
    sequence = [aliases[i % len(aliases)] for i in range(settings.lookups)]
    random.Random(6).shuffle(sequence)
    measured = await measure(
        _contenders(settings.concurrency), server.url, lambda: 0, sequence, settings
    )
    rows = [Row(c.name, c.role, statistics.median(s)) for c, s, _ in measured]
    return Table(
        f"matrix: resolve {settings.lookups:,} lookups of {settings.codes} aliases against "
        f"Synapse, concurrency {settings.concurrency}",
        "lookups/s",
        False,
        rows,
        notes=[
            "invitekit: room summaries (name, members, kind); the peers: alias lookups "
            "(a room id), the most either library offers.",
            "Synapse runs as its own process on 127.0.0.1, sqlite, rate limits relaxed.",
        ],
    )


def _resolve_table(settings: Settings) -> list[Table]:
    try:
        from tests.matrix._homeserver import SERVER_NAME
        from tests.matrix._synapse import Synapse, SynapseError
    except ImportError:  # benchmarks run from a checkout; tests/ is beside them
        return []
    server = Synapse()
    try:
        server.start()
    except SynapseError as exc:
        server.stop()
        print(f"matrix resolve left out: {exc}")
        return []
    try:
        return [asyncio.run(_resolve(server, SERVER_NAME, settings))]
    finally:
        server.stop()


def run(settings: Settings) -> tuple[list[Table], list[Target]]:
    """Decode a room summary beside mautrix, then resolve aliases against Synapse."""
    decode_table, targets = _decode_table(settings)
    return [decode_table, *_resolve_table(settings)], targets
