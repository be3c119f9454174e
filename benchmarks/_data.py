"""The payloads the benchmarks decode: the test suite's platform payloads, compacted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

__all__ = ["listing", "payload", "repeated_list"]

_ROOT = Path(__file__).resolve().parent.parent / "tests"


def _load(platform: str, name: str) -> Any:
    return msgspec.json.decode((_ROOT / platform / "data" / "payloads" / name).read_bytes())


def payload(platform: str, name: str) -> bytes:
    """A payload from ``tests/<platform>/data/payloads``, as compact JSON bytes."""
    return msgspec.json.encode(_load(platform, name))


def listing(items: list[dict[str, Any]], count: int, *, code_key: str = "code") -> bytes:
    """A JSON array of ``count`` invites cycling through ``items``, each with its own code."""
    invites = []
    for index in range(count):
        item = dict(items[index % len(items)])
        item[code_key] = f"{item[code_key][:8]}{index:04d}"
        invites.append(item)
    return msgspec.json.encode(invites)


def repeated_list(platform: str, name: str, count: int, *, code_key: str = "code") -> bytes:
    """``listing`` over the items of a JSON array payload of ``platform``."""
    items = _load(platform, name)
    assert isinstance(items, list)
    return listing(items, count, code_key=code_key)
