"""Payloads generated from Stoat's OpenAPI schemas decode; mutated ones raise only
``PayloadError``.

The schemas are those of spec 0.8.8, extended with what the newest backend adds
(``thumbhash``/``animated`` on image metadata, ``approximate_member_count`` on servers,
``voice`` on text channels) and sprinkled with keys no schema knows.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from invitekit import (
    GroupInvite,
    JoinedGroup,
    JoinedServer,
    PayloadError,
    PublicGroupInvite,
    PublicServerInvite,
    ServerInvite,
    UnknownPrivateInvite,
    UnknownPublicInvite,
    decode_private_invite,
    decode_private_invites,
    decode_public_invite,
)
from invitekit_stoat import StoatAdapter
from tests.stoat._openapi import SchemaStrategies, json_values

SPEC = Path(__file__).parent / "data" / "stoat-openapi-invites.json"
EXAMPLES = 400  # per schema: 1,200 generated payloads in all


def newest_backend_schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = copy.deepcopy(json.loads(SPEC.read_bytes())["components"]["schemas"])
    image = next(
        v for v in schemas["Metadata"]["oneOf"] if v["properties"]["type"]["enum"] == ["Image"]
    )
    image["properties"]["thumbhash"] = {
        "type": "array",
        "items": {"type": "integer", "format": "uint8"},
        "nullable": True,
    }
    image["properties"]["animated"] = {"type": "boolean", "nullable": True}
    schemas["Server"]["properties"]["approximate_member_count"] = {
        "type": "integer",
        "format": "uint",
    }
    text = next(
        v
        for v in schemas["Channel"]["oneOf"]
        if v["properties"]["channel_type"]["enum"] == ["TextChannel"]
    )
    text["properties"]["voice"] = {
        "type": "object",
        "properties": {"max_users": {"type": "integer", "format": "uint", "nullable": True}},
        "nullable": True,
    }
    return schemas


STRATEGIES = SchemaStrategies(
    newest_backend_schemas(), extra_keys=("pronouns", "x_future_field", "slowmode")
)
HEAVY = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def as_json(payload: Any) -> bytes:
    return json.dumps(payload).encode()


# -- generated payloads decode to the right models ----------------------------------------


@HEAVY
@given(STRATEGIES.named("InviteResponse"))
def test_invite_response_decodes(payload: dict[str, Any]) -> None:
    invite = decode_public_invite("stoat", payload)
    assert invite == decode_public_invite("stoat", as_json(payload))
    assert repr(invite) == repr(decode_public_invite("stoat", as_json(payload)))
    assert invite.code == payload["code"]
    if payload["type"] == "Server":
        assert isinstance(invite, PublicServerInvite)
        assert invite.server.id == payload["server_id"]
        assert invite.server.name == payload["server_name"]
        assert invite.member_count == payload["member_count"]
        assert (invite.server.icon_url is None) == (payload.get("server_icon") is None)
    else:
        assert isinstance(invite, PublicGroupInvite)
        assert invite.channel is not None
        assert invite.channel.id == payload["channel_id"]
    assert invite.inviter is not None
    assert invite.inviter.name == payload["user_name"]


@HEAVY
@given(STRATEGIES.named("Invite"))
def test_invite_decodes(payload: dict[str, Any]) -> None:
    invite = decode_private_invite("stoat", payload)
    assert invite == decode_private_invite("stoat", as_json(payload))
    assert invite.code == payload["_id"]
    if payload["type"] == "Server":
        assert isinstance(invite, ServerInvite)
        assert (invite.server_id, invite.channel_id) == (payload["server"], payload["channel"])
    else:
        assert isinstance(invite, GroupInvite)
        assert invite.channel_id == payload["channel"]
    assert invite.creator_id == payload["creator"]
    assert decode_private_invites("stoat", as_json([payload, payload])) == [invite, invite]


@HEAVY
@given(STRATEGIES.named("InviteJoinResponse"))
def test_invite_join_response_decodes(payload: dict[str, Any]) -> None:
    joined = StoatAdapter.decode_join_result(payload, code="w2PDnFm6")
    assert joined == StoatAdapter.decode_join_result(as_json(payload), code="w2PDnFm6")
    assert joined.code == "w2PDnFm6"
    if payload["type"] == "Server":
        assert isinstance(joined, JoinedServer)
        assert joined.server.id == payload["server"]["_id"]
        assert [c.id for c in joined.channels] == [c["_id"] for c in payload["channels"]]
    else:
        assert isinstance(joined, JoinedGroup)
        assert joined.channel.id == payload["channel"]["_id"]
        assert [m.id for m in joined.members] == [u["_id"] for u in payload["users"]]


@settings(max_examples=100, deadline=None)
@given(STRATEGIES.named("InviteResponse"), st.text(min_size=1, max_size=10))
def test_unknown_types_are_kept_whole(payload: dict[str, Any], kind: str) -> None:
    assume(payload["code"])  # the only key an invite of any type must have
    if kind in ("Server", "Group"):
        kind = f"New{kind}"
    payload = {**payload, "type": kind, "_id": payload["code"]}
    public = decode_public_invite("stoat", as_json(payload))
    assert isinstance(public, UnknownPublicInvite)
    assert public.raw == payload
    private = decode_private_invite("stoat", payload)
    assert isinstance(private, UnknownPrivateInvite)
    assert private.code == payload["_id"]


def test_an_unknown_type_without_a_code_is_malformed() -> None:
    with pytest.raises(PayloadError) as caught:
        decode_public_invite("stoat", {"type": "Event", "code": ""})
    assert caught.value.path == "$.code"
    with pytest.raises(PayloadError) as caught:
        decode_private_invite("stoat", {"type": "Event", "code": "abc"})
    assert caught.value.path == "$._id"


# -- mutated payloads raise PayloadError and nothing else ---------------------------------


def paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*here, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, schema: str) -> Any:
    document = copy.deepcopy(draw(STRATEGIES.named(schema)))
    path = draw(st.sampled_from(paths(document)))
    action = draw(st.sampled_from(["replace", "delete", "retag", "wrap"]))
    if action == "retag":
        document["type"] = draw(json_values)
        return document
    if action == "wrap" or not path:
        return draw(st.sampled_from([[document], json.dumps(document), 0, None, "text"]))
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if action == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(json_values)
    return document


@st.composite
def damaged_json(draw: st.DrawFn, schema: str) -> bytes:
    data = bytearray(as_json(draw(STRATEGIES.named(schema))))
    position = draw(st.integers(0, len(data) - 1))
    action = draw(st.sampled_from(["truncate", "flip", "insert"]))
    if action == "truncate":
        return bytes(data[:position])
    if action == "flip":
        data[position] ^= draw(st.integers(1, 255))
        return bytes(data)
    return bytes(data[:position] + draw(st.binary(min_size=1, max_size=4)) + data[position:])


DECODERS: dict[str, Callable[[Any], object]] = {
    "InviteResponse": lambda data: decode_public_invite("stoat", data),
    "Invite": lambda data: decode_private_invite("stoat", data),
    "InviteList": lambda data: decode_private_invites("stoat", data),
    "InviteJoinResponse": lambda data: StoatAdapter.decode_join_result(data, code="x"),
}


def decodes_or_payload_error(kind: str, data: Any) -> None:
    """Decode ``data``: a model or a ``PayloadError`` naming Stoat and a JSON path are fine,
    any other exception fails the test."""
    error: PayloadError | None = None
    try:
        DECODERS[kind](data)
    except PayloadError as caught:
        error = caught
    if error is not None:
        assert error.platform == "stoat"
        assert error.path.startswith("$")


@pytest.mark.parametrize("schema", ["InviteResponse", "Invite", "InviteJoinResponse"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_payloads_raise_only_payload_errors(schema: str, data: st.DataObject) -> None:
    document = data.draw(mutated(schema))
    decodes_or_payload_error(schema, document)
    try:
        text = msgspec.json.encode(document)
    except (TypeError, OverflowError):
        return  # not representable as JSON; the parsed form was checked above
    decodes_or_payload_error(schema, text)
    if schema == "Invite":
        decodes_or_payload_error("InviteList", [document])
        decodes_or_payload_error("InviteList", b"[" + text + b"]")


@pytest.mark.parametrize("schema", ["InviteResponse", "Invite", "InviteJoinResponse"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_json_raises_only_payload_errors(schema: str, data: st.DataObject) -> None:
    decodes_or_payload_error(schema, data.draw(damaged_json(schema)))


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_arbitrary_json_raises_only_payload_errors(value: Any) -> None:
    for kind in DECODERS:
        decodes_or_payload_error(kind, value)
        decodes_or_payload_error(kind, as_json(value))
