"""matrix: a room summary decoded, and 1,000 lookups of 100 aliases against a real Synapse.

Neither peer library has a call for ``GET /_matrix/client/v1/room_summary`` (what
``MatrixAdapter.fetch_invite`` asks), so each peer is measured with the closest thing it
offers:

- decode: the summary's bytes parsed the way each client parses a response body (aiohttp's
  ``response.json()``, the standard ``json`` module, in both), then built into the
  library's own type for a room preview: mautrix's ``PublicRoomInfo.deserialize``,
  matrix-nio's ``PublicRoom`` (the keys it declares; it refuses any other key).
- resolve: each peer's alias lookup (``GET /directory/room/{alias}``: mautrix's
  ``resolve_room_alias``, nio's ``room_resolve_alias``), a lighter request than a room
  summary (a room id and servers, no name, topic or counts): the comparison favours them.
  mautrix also runs the very request invitekit sends, through its generic
  ``api.request``, decoded into its ``PublicRoomInfo``; nio's generic ``_send`` wants a
  response class, and it has none for a summary.

Synapse runs as its own process (``tests/matrix/_synapse.py``, as in the test suite), with
relaxed rate limits; every contender has the same access token and starts each repeat
with fresh clients.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import importlib.util
import json
import statistics
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import msgspec
from tests.matrix._homeserver import SERVER_NAME, User
from tests.matrix._synapse import Synapse, synapse_python

import invitekit
from benchmarks import decode as _decode
from benchmarks._measure import Contender, Role, time_alternating
from benchmarks._peers import installed_version
from benchmarks._report import Row, Table, Target
from benchmarks._settings import Settings
from benchmarks.resolve import (
    HTTPContender,
    Lookup,
    Opener,
    lookup_targets,
    measure,
    ours,
    sequence_of,
)
from invitekit import Adapter
from invitekit_matrix import MatrixAdapter

__all__ = ["ROOM_SUMMARY", "run"]

ROOM_SUMMARY: dict[str, Any] = {
    "room_id": "!OGEhHVWSdvArJzumhm:matrix.org",
    "room_version": "10",
    "name": "Python Discord bridge · general",
    "topic": "Chat about bridging Discord, Stoat and Matrix. Be kind; no spam. Rules: "
    "https://example.org/rules",
    "canonical_alias": "#bridges:matrix.org",
    "num_joined_members": 4821,
    "avatar_url": "mxc://matrix.org/hBxUTzgdLqmRJKyfOnTsQHXa",
    "world_readable": True,
    "guest_can_join": False,
    "join_rule": "public",
    "encryption": "m.megolm.v1.aes-sha2",
    "membership": "join",
}
"""A public room's summary as Synapse answers ``GET /_matrix/client/v1/room_summary`` with a
token (keys from the spec and ../shared/reference/matrix-invites.md; unset keys absent)."""

_ROOM_SUMMARY_BYTES = msgspec.json.encode(ROOM_SUMMARY)


class _FloorSummary(msgspec.Struct):
    """What the platform-neutral group invite shows of a summary, nothing converted."""

    room_id: str
    num_joined_members: int
    name: str | None = None
    topic: str | None = None
    canonical_alias: str | None = None
    avatar_url: str | None = None
    join_rule: str | None = None
    room_type: str | None = None


_FLOOR = msgspec.json.Decoder(_FloorSummary)

Decode = Callable[[bytes], Any]
Alias = Callable[[Any], str | None]


def _decoders() -> list[tuple[str, Role, Decode, Alias]]:
    """(name, role, decode, the alias it found) for everyone who decodes a summary."""

    def ours(data: bytes) -> Any:
        return invitekit.decode_public_invite("matrix", data)

    named: list[tuple[str, Role, Decode, Alias]] = [
        ("invitekit", "ours", ours, lambda invite: str(invite.code)),
        ("msgspec floor", "floor", _FLOOR.decode, lambda room: room.canonical_alias),
    ]
    if importlib.util.find_spec("mautrix") is not None:
        from mautrix.types.misc import PublicRoomInfo

        def mautrix(data: bytes) -> Any:
            return PublicRoomInfo.deserialize(json.loads(data))

        named.append((f"mautrix {installed_version('mautrix')}", "peer", mautrix, _canonical_alias))
    if importlib.util.find_spec("nio") is not None:
        from nio.responses import PublicRoom

        declared = frozenset(field.name for field in dataclasses.fields(PublicRoom))

        def nio(data: bytes) -> Any:
            parsed = json.loads(data)
            return PublicRoom(**{k: v for k, v in parsed.items() if k in declared})

        named.append(
            (f"matrix-nio {installed_version('matrix-nio')}", "peer", nio, _canonical_alias)
        )
    return named


def _canonical_alias(room: Any) -> str | None:
    alias: str | None = room.canonical_alias
    return alias


def decode_table(settings: Settings) -> tuple[Table, list[Target]]:
    """Everyone decodes the same summary bytes; a wrong answer stops the run."""
    data = _ROOM_SUMMARY_BYTES
    expected = ROOM_SUMMARY["canonical_alias"]
    contenders = []
    for name, role, decode, alias in _decoders():
        got = alias(decode(data))
        if got != expected:
            raise AssertionError(f"Matrix room summary: {name} decoded alias {got!r}")
        contenders.append(Contender(name, role, functools.partial(decode, data)))
    timings = time_alternating(contenders, repeats=settings.repeats, budget=settings.batch_seconds)
    rows = [Row(t.contender.name, t.contender.role, t.median * 1e6) for t in timings]
    table = Table("decode: Matrix room summary", "µs per payload", True, rows)
    return table, _decode.floor_targets(table)


# -- resolve ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Found:
    code: str


def _seed(synapse: Synapse, codes: int) -> tuple[User, list[str]]:
    """``codes`` public rooms, each with an alias; the owner and the aliases."""
    owner = synapse.register("bench")
    aliases = []
    for index in range(codes):
        local = f"bench{index:04d}"
        synapse.create_room(
            owner,
            preset="public_chat",
            name=f"Bench room {index}",
            topic="A room of the resolve benchmark",
            room_alias_name=local,
        )
        aliases.append(f"#{local}:{SERVER_NAME}")
    return owner, aliases


def _mautrix(token: str, user_id: str, *, summary: bool = False) -> Opener:
    @asynccontextmanager
    async def open_(api_base: str) -> AsyncIterator[Lookup]:
        from mautrix.api import Method, Path
        from mautrix.client import ClientAPI
        from mautrix.types import RoomAlias, UserID
        from mautrix.types.misc import PublicRoomInfo

        client = ClientAPI(UserID(user_id), base_url=api_base, token=token)

        async def resolve(alias: str) -> Any:
            info = await client.resolve_room_alias(RoomAlias(alias))
            if not info.room_id:
                raise AssertionError(f"mautrix resolved {alias} to nothing")
            return _Found(alias)

        async def preview(alias: str) -> Any:
            # No room-summary method: its generic request, then its room-preview type.
            body = await client.api.request(Method.GET, Path.v1.room_summary[alias])
            return _Found(PublicRoomInfo.deserialize(body).canonical_alias)

        lookup = preview if summary else resolve

        try:
            yield lookup
        finally:
            await client.api.session.close()

    return open_


def _nio(token: str, user_id: str) -> Opener:
    @asynccontextmanager
    async def open_(api_base: str) -> AsyncIterator[Lookup]:
        from nio import AsyncClient, RoomResolveAliasResponse

        client = AsyncClient(api_base, user_id)
        client.access_token = token

        async def lookup(alias: str) -> Any:
            answer = await client.room_resolve_alias(alias)
            if not isinstance(answer, RoomResolveAliasResponse):
                raise AssertionError(f"matrix-nio could not resolve {alias}: {answer}")
            return _Found(answer.room_alias)

        try:
            yield lookup
        finally:
            await client.close()

    return open_


def resolve_contenders(owner: User, concurrency: int) -> list[HTTPContender]:
    """invitekit uncached and through its client, then the installed peers."""

    def adapter(api_base: str) -> Adapter:
        return MatrixAdapter(owner.token, api_base=api_base)

    contenders = ours(adapter, concurrency)
    if importlib.util.find_spec("mautrix") is not None:
        name = f"mautrix {installed_version('mautrix')}"
        contenders += [
            HTTPContender(
                f"{name} resolve_room_alias", "peer", _mautrix(owner.token, owner.user_id)
            ),
            HTTPContender(
                f"{name} api.request(room_summary)",
                "peer",
                _mautrix(owner.token, owner.user_id, summary=True),
            ),
        ]
    if importlib.util.find_spec("nio") is not None:
        name = f"matrix-nio {installed_version('matrix-nio')} room_resolve_alias"
        contenders.append(HTTPContender(name, "peer", _nio(owner.token, owner.user_id)))
    return contenders


def _requests_counter(synapse: Synapse) -> Callable[[], int]:
    """Requests Synapse has logged as processed so far (its log lines, one per request)."""

    def count() -> int:
        log = synapse.directory / "synapse.log"
        return log.read_text(errors="replace").count("Processed request:")

    return count


def resolve_table(settings: Settings) -> tuple[Table, list[Target]]:
    """Start Synapse, seed it, and time every contender's lookups against it."""
    synapse = Synapse()
    synapse.start()
    try:
        owner, aliases = _seed(synapse, settings.codes)
        contenders = resolve_contenders(owner, settings.concurrency)
        measured = asyncio.run(
            measure(
                contenders,
                synapse.url,
                _requests_counter(synapse),
                sequence_of(aliases, settings),
                settings,
            )
        )
    finally:
        synapse.stop()
    rows = [
        Row(c.name, c.role, statistics.median(s), f"{n:,} HTTP requests per run")
        for c, s, n in measured
    ]
    table = Table(
        f"resolve: Matrix, {settings.lookups:,} lookups of {settings.codes} aliases, "
        f"concurrency {settings.concurrency}",
        "lookups/s",
        False,
        rows,
        notes=[
            "A real Synapse on 127.0.0.1, a process of its own (sqlite). invitekit and "
            "mautrix's api.request ask for room summaries; resolve_room_alias and "
            "room_resolve_alias make the lighter directory lookup (neither library has a "
            "room-summary method)."
        ],
    )
    return table, lookup_targets(table)


def run(settings: Settings) -> tuple[list[Table], list[Target]]:
    """Decode a Matrix room summary, then resolve aliases against a real Synapse."""
    decoded, decode_targets = decode_table(settings)
    if synapse_python() is None:
        print("matrix-synapse not installed, Matrix resolve left out (pip install -e '.[dev]')")
        return [decoded], decode_targets
    resolved, resolve_targets = resolve_table(settings)
    return [decoded, resolved], [*decode_targets, *resolve_targets]
