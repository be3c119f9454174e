"""Payloads generated from Discord's OpenAPI schemas decode; mutated ones fail only typed.

1,200 spec-valid invites (checked against the spec with jsonschema), 600 shaped like real
payloads (spec-required keys left out), then thousands of mutations of them.
"""

from __future__ import annotations

import contextlib
import json
import random
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from invitekit import (
    PayloadError,
    PrivateInvite,
    PublicFriendInvite,
    PublicGroupInvite,
    PublicInvite,
    PublicServerInvite,
    ServerInvite,
)
from invitekit_discord import DiscordAdapter, DiscordInviteDetails
from tests.discord._openapi import Generator, load_schemas

SCHEMAS = load_schemas()
KINDS = {
    "GuildInviteResponse": (0, PublicServerInvite),
    "GroupDMInviteResponse": (1, PublicGroupInvite),
    "FriendInviteResponse": (2, PublicFriendInvite),
}
PER_KIND = 400


def validator(name: str) -> Draft202012Validator:
    root = {"components": {"schemas": SCHEMAS}, "$ref": f"#/components/schemas/{name}"}
    return Draft202012Validator(root)


def generated(name: str, *, seed: int, count: int, **options: Any) -> list[dict[str, Any]]:
    generator = Generator(SCHEMAS, seed=seed, **options)
    return [generator.instance(name) for _ in range(count)]


def _datetime(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))


def check_public(payload: dict[str, Any], invite: PublicInvite) -> None:
    """The decoded invite carries the payload's values."""
    kind = payload.get("type", 0)
    assert (
        type(invite) is {0: PublicServerInvite, 1: PublicGroupInvite, 2: PublicFriendInvite}[kind]
    )
    assert invite.platform == "discord"
    assert invite.code == payload["code"]
    if "expires_at" in payload:
        assert invite.expires_at == _datetime(payload["expires_at"])
    inviter = payload.get("inviter")
    if inviter is not None:
        assert invite.inviter is not None
        assert invite.inviter.id == inviter.get("id")
        assert invite.inviter.name == inviter.get("username")
    extra = invite.details
    assert isinstance(extra, DiscordInviteDetails)
    assert extra.invite_type == payload.get("type")
    assert extra.flags == (payload.get("flags") or 0)
    if isinstance(invite, PublicServerInvite):
        guild = payload.get("guild")
        assert invite.server.id == (guild["id"] if guild else payload["guild_id"])
        if guild:
            assert invite.server.name == guild.get("name")
            assert invite.server.features == tuple(guild.get("features") or ())
        assert invite.member_count == payload.get("approximate_member_count")
        assert invite.presence_count == payload.get("approximate_presence_count")
        assert len(extra.roles) == len(payload.get("roles") or ())
        event = payload.get("guild_scheduled_event")
        assert invite.event_id == (event["id"] if event else None)
    if isinstance(invite, PublicGroupInvite):
        assert invite.member_count == payload.get("approximate_member_count")
        channel = payload.get("channel")
        assert len(extra.recipients) == len((channel or {}).get("recipients") or ())
    if isinstance(invite, (PublicGroupInvite, PublicFriendInvite)):
        channel = payload.get("channel")
        if channel is None:
            assert invite.channel is None
        else:
            assert invite.channel is not None
            assert (invite.channel.id, invite.channel.name) == (
                channel.get("id"),
                channel.get("name"),
            )


def check_private(payload: dict[str, Any], invite: PrivateInvite) -> None:
    assert invite.code == payload["code"]
    if isinstance(invite, ServerInvite):
        max_uses, max_age = payload.get("max_uses"), payload.get("max_age")
        assert invite.max_uses == (max_uses if max_uses and max_uses > 0 else None)
        assert invite.max_age == (max_age if max_age and max_age > 0 else None)
        assert invite.uses == payload.get("uses")
        assert invite.temporary == payload.get("temporary")
        assert invite.created_at == _datetime(payload.get("created_at"))


@pytest.mark.parametrize("name", sorted(KINDS))
def test_spec_valid_payloads_decode(name: str) -> None:
    check = validator(name)
    payloads = generated(name, seed=hash(name) % 1000, count=PER_KIND)
    for payload in payloads:
        check.validate(payload)  # the generator itself stays honest
        text = json.dumps(payload)
        invite = DiscordAdapter.decode_public_invite(text)
        check_public(payload, invite)
        assert DiscordAdapter.decode_public_invite(payload) == invite  # parsed input too
        if name != "FriendInviteResponse":
            check_private(payload, DiscordAdapter.decode_private_invite(text))
    listed = DiscordAdapter.decode_private_invites(json.dumps(payloads))
    assert [invite.code for invite in listed] == [p["code"] for p in payloads]


def test_at_least_a_thousand_payloads_are_generated() -> None:
    assert PER_KIND * len(KINDS) >= 1000


@pytest.mark.parametrize("name", sorted(KINDS))
def test_payloads_missing_spec_required_keys_decode(name: str) -> None:
    payloads = generated(
        name, seed=7, count=200, drop_required=0.4, keep={"code", "id", "guild", "type"}
    )
    for payload in payloads:
        check_public(payload, DiscordAdapter.decode_public_invite(json.dumps(payload)))


@pytest.mark.parametrize("name", sorted(KINDS))
def test_json_text_and_parsed_data_decode_alike(name: str) -> None:
    """The one-pass path (JSON text) and the careful one (parsed data, or text the first
    pass refused) give the same model, field for field, also for payloads without a
    guild, a guild id, a channel or metadata."""
    payloads = generated(name, seed=17, count=200, drop_required=0.3, keep={"code", "id", "type"})
    shapes = set()
    for payload in payloads:
        text = json.dumps(payload)
        for decode in (DiscordAdapter.decode_public_invite, DiscordAdapter.decode_private_invite):
            fast, careful = decode(text), decode(payload)
            assert repr(fast) == repr(careful), payload
            shapes.add(type(fast).__name__)
    assert repr(DiscordAdapter.decode_private_invites(json.dumps(payloads))) == repr(
        DiscordAdapter.decode_private_invites(payloads)
    )
    if name == "GuildInviteResponse":  # the generator did make guildless invites
        assert {"PublicServerInvite", "UnknownPublicInvite", "UnknownPrivateInvite"} <= shapes


def test_a_payload_without_type_is_a_guild_invite() -> None:
    for payload in generated("GuildInviteResponse", seed=3, count=100):
        del payload["type"]
        invite = DiscordAdapter.decode_public_invite(json.dumps(payload))
        assert isinstance(invite, PublicServerInvite)
        check_public(payload, invite)


# -- mutations ------------------------------------------------------------------------------

WRONG_VALUES: list[Any] = [
    None,
    True,
    -1,
    0,
    2**70,
    1.5,
    "",
    "x",
    "2026-13-45T99:00:00",
    [],
    [1],
    {},
]


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*prefix, index))


def replaced(document: Any, path: tuple[Any, ...], new: Any, *, delete: bool = False) -> Any:
    if not path:
        return new
    copy = json.loads(json.dumps(document))
    target = copy
    for step in path[:-1]:
        target = target[step]
    if delete and isinstance(target, dict):
        del target[path[-1]]
    else:
        target[path[-1]] = new
    return copy


def mutations(payload: dict[str, Any], rng: random.Random) -> Iterator[Any]:
    all_paths = list(paths(payload))
    for _ in range(6):
        path = rng.choice(all_paths)
        yield replaced(payload, path, rng.choice(WRONG_VALUES))
        if path:
            yield replaced(payload, path, None, delete=True)
    yield replaced(payload, ("type",), rng.choice([3, 99, -1, "0", None]))
    text = json.dumps(payload).encode()
    cut = rng.randrange(len(text))
    yield text[:cut]
    yield text[:cut] + b"\xff" + text[cut:]


DECODERS: list[Callable[[Any], object]] = [
    DiscordAdapter.decode_public_invite,
    DiscordAdapter.decode_private_invite,
    lambda data: DiscordAdapter.decode_private_invites(
        b"[" + data + b"]" if isinstance(data, bytes) else [data]
    ),
]


@pytest.mark.parametrize("name", sorted(KINDS))
def test_mutated_payloads_raise_only_payload_error(name: str) -> None:
    rng = random.Random(name)
    outcomes = {"decoded": 0, "payload_error": 0}
    errors: list[PayloadError] = []
    for payload in generated(name, seed=11, count=120):
        for mutated in mutations(payload, rng):
            for decode in DECODERS:
                try:
                    decode(mutated)
                except PayloadError as error:
                    errors.append(error)
                    outcomes["payload_error"] += 1
                else:
                    outcomes["decoded"] += 1
    # Many mutations hit keys the decoder ignores; enough must hit ones it reads.
    assert outcomes["payload_error"] > 1000, outcomes
    assert outcomes["decoded"] > 100, outcomes
    assert all(error.platform == "discord" for error in errors)
    assert all(error.path.startswith("$") for error in errors)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["type", "code", "guild", "channel", "inviter", "expires_at", "roles", "x"]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@given(JSON)
def test_arbitrary_json_raises_only_payload_error(value: Any) -> None:
    for data in (value, msgspec.json.encode(value)):
        for decode in (
            DiscordAdapter.decode_public_invite,
            DiscordAdapter.decode_private_invite,
            DiscordAdapter.decode_private_invites,
        ):
            with contextlib.suppress(PayloadError):
                decode(data)


@given(st.binary(max_size=64))
def test_arbitrary_bytes_raise_only_payload_error(data: bytes) -> None:
    for decode in (DiscordAdapter.decode_public_invite, DiscordAdapter.decode_private_invites):
        with contextlib.suppress(PayloadError):
            decode(data)
