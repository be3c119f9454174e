"""Pure decoding: bytes, str or parsed data in; models or PayloadError out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from invitekit import (
    PayloadError,
    PublicServerInvite,
    ServerInvite,
    UnknownPlatform,
    UnknownPrivateInvite,
    UnknownPublicInvite,
    decode_private_invite,
    decode_private_invites,
    decode_public_invite,
)
from invitekit.decoding import as_raw_object, decode_in_one_pass
from invitekit_fake import FakeWorld

PUBLIC: dict[str, Any] = {
    "type": "server",
    "code": "abc",
    "server": {"id": "s1", "name": "Cats"},
    "channel": {"id": "c1", "name": "general", "kind": "text"},
    "member_count": 3,
    "expires_at": "2026-01-01T00:00:00Z",
}
PRIVATE: dict[str, Any] = {
    "type": "server",
    "code": "abc",
    "server_id": "s1",
    "channel_id": "c1",
    "creator_id": "u1",
    "uses": 2,
    "created_at": "2026-01-01T00:00:00+00:00",
}


@pytest.mark.parametrize(
    "data", [msgspec.json.encode(PUBLIC), msgspec.json.encode(PUBLIC).decode(), PUBLIC]
)
def test_bytes_str_and_mappings_decode_alike(data: Any) -> None:
    invite = decode_public_invite("fake", data)
    assert isinstance(invite, PublicServerInvite)
    assert invite.server.name == "Cats"
    assert invite.member_count == 3
    assert invite.expires_at is not None
    assert invite.expires_at.year == 2026
    assert invite.adapter is None


def test_the_fake_platform_payloads_decode_to_what_the_world_holds() -> None:
    world = FakeWorld()
    owner = world.add_user("owner")
    server = world.add_server("Birds", owner=owner)
    invite = world.add_invite(server.channel("general"), max_uses=4)
    decoded = decode_public_invite("fake", world.public_payload(invite.code))
    assert isinstance(decoded, PublicServerInvite)
    assert (decoded.code, decoded.server.id, decoded.member_count) == (invite.code, server.id, 1)


def test_unknown_types_keep_the_raw_payload() -> None:
    raw = {"type": "hologram", "code": "xyz", "future": [1, 2]}
    public = decode_public_invite("fake", raw)
    assert isinstance(public, UnknownPublicInvite)
    assert (public.code, public.raw) == ("xyz", raw)
    private = decode_private_invite("fake", msgspec.json.encode(raw))
    assert isinstance(private, UnknownPrivateInvite)
    assert private.raw == raw


def test_unknown_keys_are_ignored() -> None:
    invite = decode_private_invite("fake", {**PRIVATE, "brand_new_field": {"x": 1}})
    assert isinstance(invite, ServerInvite)
    assert invite.uses == 2


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({**PUBLIC, "code": 5}, "$.code"),
        ({**PUBLIC, "server": {"id": "s1", "name": None}}, "$.server.name"),
        ({**PUBLIC, "member_count": "three"}, "$.member_count"),
        ({**PUBLIC, "expires_at": "yesterday"}, "$.expires_at"),
        ({k: v for k, v in PUBLIC.items() if k != "server"}, "$"),
        ({**PUBLIC, "type": 1}, "$.type"),
        ({k: v for k, v in PUBLIC.items() if k != "type"}, "$"),
        ({"type": "hologram"}, "$.code"),
        ([PUBLIC], "$"),
    ],
)
def test_malformed_payloads_name_the_path(data: Any, path: str) -> None:
    for form in (data, msgspec.json.encode(data)):
        with pytest.raises(PayloadError) as caught:
            decode_public_invite("fake", form)
        assert caught.value.platform == "fake"
        assert caught.value.path == path
        assert path in str(caught.value)


def test_list_items_are_decoded_one_by_one() -> None:
    data = [PRIVATE, {"type": "hologram", "code": "x"}, {**PRIVATE, "code": "def"}]
    invites = decode_private_invites("fake", msgspec.json.encode(data))
    assert [type(i) for i in invites] == [ServerInvite, UnknownPrivateInvite, ServerInvite]
    assert decode_private_invites("fake", data) == invites


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ([PRIVATE, {**PRIVATE, "uses": "x"}], "$[1].uses"),
        ([PRIVATE, 7], "$[1]"),
        ({"items": []}, "$"),
        (b'{"items": []}', "$"),
        (None, "$"),
    ],
)
def test_malformed_lists_name_the_item(data: Any, path: str) -> None:
    with pytest.raises(PayloadError) as caught:
        decode_private_invites("fake", data)
    assert caught.value.path == path


def test_decoding_needs_a_registered_platform() -> None:
    with pytest.raises(UnknownPlatform):
        decode_public_invite("nowhere", PUBLIC)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


def _outcome(decode: Callable[[str, Any], object], data: Any) -> str:
    try:
        decode("fake", data)
    except PayloadError as error:
        return "payload error" if error.platform == "fake" and error.path else "bad error"
    return "model"


@given(JSON)
def test_arbitrary_json_gives_a_model_or_payload_error(data: Any) -> None:
    encoded = msgspec.json.encode(data)
    for decode in (decode_public_invite, decode_private_invite, decode_private_invites):
        assert _outcome(decode, encoded) in {"model", "payload error"}


@given(st.binary(max_size=200))
def test_arbitrary_bytes_give_a_model_or_payload_error(data: bytes) -> None:
    assert _outcome(decode_public_invite, data) in {"model", "payload error"}


@given(
    st.fixed_dictionaries(
        {},
        optional=dict.fromkeys(PUBLIC, JSON)
        | {"type": st.sampled_from(["server", "group", "friend"])},
    )
)
def test_schema_shaped_mutations_give_a_model_or_payload_error(data: dict[str, Any]) -> None:
    assert _outcome(decode_public_invite, data) in {"model", "payload error"}


@pytest.mark.parametrize("data", [b'{"a": 1}', '{"a": 1}', {"a": 1}])
def test_as_raw_object_parses_objects(data: Any) -> None:
    assert as_raw_object(data, platform="fake") == {"a": 1}


@pytest.mark.parametrize("data", [b"[1]", "null", b"{", 7, [{"a": 1}]])
def test_as_raw_object_refuses_everything_else_at_the_root(data: Any) -> None:
    with pytest.raises(PayloadError) as caught:
        as_raw_object(data, platform="fake")
    assert (caught.value.platform, caught.value.path) == ("fake", "$")


class _Point(msgspec.Struct):
    x: int


_POINT = msgspec.json.Decoder(_Point)


@pytest.mark.parametrize("text", [b'{"x": 1}', '{"x": 1}', bytearray(b'{"x": 1}')])
def test_one_pass_decodes_well_formed_json_text(text: Any) -> None:
    assert decode_in_one_pass(_POINT, text) == _Point(1)


@given(st.binary())
def test_one_pass_answers_none_for_what_it_cannot_decode(data: bytes) -> None:
    try:
        expected: _Point | None = _POINT.decode(data)
    except (msgspec.MsgspecError, UnicodeDecodeError, RecursionError):
        expected = None
    assert decode_in_one_pass(_POINT, data) == expected


def test_one_pass_leaves_parsed_data_to_the_careful_path() -> None:
    assert decode_in_one_pass(_POINT, {"x": 1}) is None
    assert decode_in_one_pass(_POINT, b'{"x": "one"}') is None
