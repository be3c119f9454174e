"""The peer libraries, set up the way their own code decodes what an HTTP call returned.

Each peer gets the same bytes as invitekit and parses them with its own JSON loader
(orjson when installed, as each of them prefers), then builds its invite objects the
way its ``fetch_invite`` / invite-listing methods do. A peer that is not installed is
left out of the run with a note; ``pip install -e '.[bench]'`` installs them all.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

__all__ = ["DecodingPeer", "discord_peers", "installed_version", "missing_peers", "stoat_peers"]

Decode = Callable[[bytes], Any]


def installed_version(distribution: str) -> str | None:
    """The installed version of ``distribution``, or ``None``."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


@dataclass(frozen=True)
class DecodingPeer:
    """A peer's decoders: ``public`` for one resolved invite, ``listed`` for an owner's list."""

    name: str
    public: Decode
    listed: Decode


def _discord_py_like(module_name: str) -> DecodingPeer:
    # discord.py and disnake share the design: a Client's ConnectionState, the library's
    # own JSON loader, Invite.from_incomplete for GET /invites/{code} and Invite(...) for
    # listings. An unconnected Client is the smallest state both accept.
    module: Any = importlib.import_module(module_name)
    # disnake's Client wants an event loop to exist; decoding never uses it.
    loop = asyncio.new_event_loop()
    try:
        asyncio.set_event_loop(loop)
        state = module.Client(intents=module.Intents.none())._connection
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    loads = module.utils._from_json
    invite = module.Invite

    def public(data: bytes) -> Any:
        return invite.from_incomplete(state=state, data=loads(data))

    def listed(data: bytes) -> Any:
        return [invite(state=state, data=item) for item in loads(data)]

    dist = "discord.py" if module_name == "discord" else module_name
    return DecodingPeer(f"{dist} {installed_version(dist)}", public, listed)


class _HikariApp:
    """hikari's entity factory only keeps its app to hand it to the entities it builds."""


def _hikari() -> DecodingPeer:
    from hikari.impl.entity_factory import EntityFactoryImpl
    from hikari.internal.data_binding import default_json_loads

    factory: Any = EntityFactoryImpl(_HikariApp())  # type: ignore[arg-type]

    def public(data: bytes) -> Any:
        return factory.deserialize_invite(default_json_loads(data))

    def listed(data: bytes) -> Any:
        return [factory.deserialize_invite_with_metadata(i) for i in default_json_loads(data)]

    return DecodingPeer(f"hikari {installed_version('hikari')}", public, listed)


def _stoat_py() -> DecodingPeer:
    import stoat
    from stoat.parser import Parser
    from stoat.utils import from_json

    parser = Parser(state=stoat.State())

    def public(data: bytes) -> Any:
        return parser.parse_public_invite(from_json(data))

    def listed(data: bytes) -> Any:
        return [parser.parse_invite(item) for item in from_json(data)]

    return DecodingPeer(f"stoat.py {installed_version('stoat.py')}", public, listed)


_DISCORD: dict[str, Callable[[], DecodingPeer]] = {
    "discord": lambda: _discord_py_like("discord"),
    "disnake": lambda: _discord_py_like("disnake"),
    "hikari": _hikari,
}
_STOAT: dict[str, Callable[[], DecodingPeer]] = {"stoat": _stoat_py}
_MATRIX = ("mautrix", "nio")
"""The Matrix peers: benchmarks/matrix.py sets them up (a room summary is no invite of theirs)."""


def _available(factories: dict[str, Callable[[], DecodingPeer]]) -> list[DecodingPeer]:
    return [make() for module, make in factories.items() if importlib.util.find_spec(module)]


def discord_peers() -> list[DecodingPeer]:
    """The installed Discord libraries."""
    return _available(_DISCORD)


def stoat_peers() -> list[DecodingPeer]:
    """The installed Stoat libraries."""
    return _available(_STOAT)


def missing_peers() -> list[str]:
    """Import names of the peers that are not installed."""
    return [m for m in (*_DISCORD, *_STOAT, *_MATRIX) if importlib.util.find_spec(m) is None]
