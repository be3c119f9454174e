"""Decoders under fire: arbitrary JSON, mutated real payloads, cut text, hostile nesting.

Whatever goes in, the public decode functions return a model or raise ``PayloadError``
naming the platform — never ``KeyError``, ``TypeError``, ``RecursionError`` or anything
else a caller would not expect.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from invitekit import (
    PayloadError,
    decode_private_invite,
    decode_private_invites,
    decode_public_invite,
)
from invitekit_stoat import StoatAdapter
from tests.reliability._payloads import JSON, SEEDS, nested

PLATFORMS = ["discord", "stoat", "fake"]
DECODERS: list[Callable[[str, Any], object]] = [
    decode_public_invite,
    decode_private_invite,
    decode_private_invites,
]


def stoat_join(platform: str, data: Any) -> object:
    return StoatAdapter.decode_join_result(data, code="abcdefgh")


def outcome(decode: Callable[[str, Any], object], platform: str, data: Any) -> str:
    """``"model"`` or ``"payload error"``; anything else escapes and fails the test."""
    caught: PayloadError | None = None
    try:
        decode(platform, data)
    except PayloadError as error:
        caught = error
    if caught is None:
        return "model"
    assert caught.platform == platform
    assert caught.path.startswith("$")
    return "payload error"


def all_decoders(platform: str) -> list[Callable[[str, Any], object]]:
    return DECODERS + ([stoat_join] if platform == "stoat" else [])


@given(st.sampled_from(PLATFORMS), JSON)
def test_arbitrary_json_gives_a_model_or_a_payload_error(platform: str, data: Any) -> None:
    encoded = msgspec.json.encode(data)
    for decode in all_decoders(platform):
        outcome(decode, platform, encoded)
        outcome(decode, platform, data)


@given(st.sampled_from(PLATFORMS), st.binary(max_size=300))
def test_arbitrary_bytes_give_a_model_or_a_payload_error(platform: str, data: bytes) -> None:
    for decode in all_decoders(platform):
        outcome(decode, platform, data)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _mutate(document: Any, path: tuple[Any, ...], operation: str, value: Any) -> Any:
    if not path:
        return value
    mutated = copy.deepcopy(document)
    parent = mutated
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    current = parent[last]
    if operation == "delete" and isinstance(parent, dict):
        del parent[last]
    elif operation == "wrap":
        parent[last] = [current]
    elif operation == "stringify":
        parent[last] = json.dumps(current)
    elif operation == "huge":
        parent[last] = "x" * 100_000 if isinstance(current, str) else 10**30
    elif operation == "nest":
        parent[last] = json.loads(nested(200, kind="dict", leaf=json.dumps(current).encode()))
    else:
        parent[last] = value
    return mutated


MUTATIONS = st.sampled_from(["replace", "delete", "wrap", "stringify", "huge", "nest"])


@given(st.sampled_from(SEEDS), st.data())
def test_mutated_real_payloads_give_a_model_or_a_payload_error(
    seed: tuple[str, Any], data: st.DataObject
) -> None:
    platform, payload = seed
    document = payload
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        path = data.draw(st.sampled_from(_paths(document)), label="path")
        operation = data.draw(MUTATIONS, label="operation")
        document = _mutate(document, path, operation, data.draw(JSON, label="value"))
    for decode in all_decoders(platform):
        outcome(decode, platform, document)
        outcome(decode, platform, msgspec.json.encode(document))


@pytest.mark.parametrize(
    ("platform", "payload"), SEEDS, ids=[f"{p}-{n}" for n, (p, _) in enumerate(SEEDS)]
)
def test_every_cut_of_a_real_payload_is_a_payload_error(platform: str, payload: Any) -> None:
    text = msgspec.json.encode(payload)
    step = max(1, len(text) // 150)
    for end in range(0, len(text), step):
        for decode in all_decoders(platform):
            assert outcome(decode, platform, text[:end]) == "payload error"


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("depth", [50, 900, 5_000, 200_000])
@pytest.mark.parametrize("kind", ["list", "dict"])
def test_nesting_deeper_than_the_stack_is_a_payload_error(
    platform: str, depth: int, kind: str
) -> None:
    hostile = nested(depth, kind=kind)
    inside = b'{"type": 0, "code": "abc", "channel": ' + hostile + b"}"
    ignored = b'{"type": 0, "code": "abc", "unknown_key": ' + hostile + b"}"
    for decode in all_decoders(platform):
        assert outcome(decode, platform, hostile) == "payload error"
        if kind == "list":  # a channel is an object: a list there is malformed at any depth
            assert outcome(decode, platform, inside) == "payload error"
        else:  # {"a": …} is a key a channel ignores: a model where it fits, else an error
            outcome(decode, platform, inside)
        outcome(decode, platform, ignored)  # a model if the platform ignores the key


@pytest.mark.parametrize("platform", ["discord", "stoat"])
def test_invalid_utf8_anywhere_gives_a_model_or_a_payload_error(platform: str) -> None:
    seen: set[str] = set()
    for payload_platform, payload in SEEDS:
        if payload_platform != platform:
            continue
        text = msgspec.json.encode(payload)
        for position in range(1, len(text), max(1, len(text) // 40)):
            broken = text[:position] + b"\xff\xfe" + text[position:]
            seen.update(outcome(decode, platform, broken) for decode in all_decoders(platform))
    # Bytes inside a value the decoder reads are refused; inside one it skips, not read.
    assert "payload error" in seen
