"""Capabilities follow the account kind, and a missing one stops a verb before any I/O.

The adapters here point at a port nothing listens on: any request would end in
``TransportError``, so ``UnsupportedOperation`` proves no request was made.
"""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable, Iterator

import pytest

from invitekit import Capability, InvalidArgument, UnsupportedOperation, get_adapter
from invitekit_stoat import StoatAdapter

ALL = set(Capability)
EXPECTED = {
    "anonymous": {Capability.FETCH},
    "bot": {Capability.FETCH, Capability.DELETE, Capability.LIST_SERVER_INVITES},
    "user": {
        Capability.FETCH,
        Capability.ACCEPT,
        Capability.DELETE,
        Capability.CREATE,
        Capability.LIST_SERVER_INVITES,
    },
}


@pytest.fixture(scope="module")
def dead_base() -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def build(kind: str, api_base: str) -> StoatAdapter:
    if kind == "anonymous":
        return StoatAdapter(api_base=api_base)
    return StoatAdapter(token="t0ken", bot=kind == "bot", api_base=api_base)


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_supports(kind: str, dead_base: str) -> None:
    adapter = build(kind, dead_base)
    assert {c for c in Capability if adapter.supports(c)} == EXPECTED[kind]
    assert StoatAdapter.capabilities == frozenset(EXPECTED["user"])


Verb = Callable[[StoatAdapter], Awaitable[object]]
VERBS: dict[Capability, Verb] = {
    Capability.ACCEPT: lambda a: a.accept("w2PDnFm6"),
    Capability.DELETE: lambda a: a.delete("w2PDnFm6", reason="x"),
    Capability.CREATE: lambda a: a.create_invite("01JQ0000000000000000000001"),
    Capability.LIST_SERVER_INVITES: lambda a: a.list_invites(
        server_id="01JQ0000000000000000000001"
    ),
    Capability.LIST_CHANNEL_INVITES: lambda a: a.list_invites(
        channel_id="01JQ0000000000000000000001"
    ),
}


MISSING = [
    (kind, capability)
    for kind in sorted(EXPECTED)
    for capability in sorted(VERBS, key=lambda c: c.value)
    if capability not in EXPECTED[kind]
]


def test_every_account_kind_misses_something() -> None:
    assert {kind for kind, _ in MISSING} == set(EXPECTED)
    assert len(MISSING) == 5 + 3 + 1  # anonymous, bot, user


@pytest.mark.parametrize(("kind", "capability"), MISSING)
async def test_missing_capabilities_raise_before_io(
    kind: str, capability: Capability, dead_base: str
) -> None:
    async with build(kind, dead_base) as adapter:
        with pytest.raises(UnsupportedOperation) as caught:
            await VERBS[capability](adapter)
    assert caught.value.platform == "stoat"


async def test_bound_invite_of_a_bot_cannot_accept(dead_base: str) -> None:
    adapter = build("bot", dead_base)
    invite = StoatAdapter.decode_public_invite(
        b'{"type":"Group","code":"PvdThs9F","channel_id":"c","channel_name":"n","user_name":"u"}'
    )
    adapter.bind(invite)
    with pytest.raises(UnsupportedOperation, match="IsBot"):
        await invite.accept()
    await adapter.close()


def test_get_adapter_passes_options() -> None:
    adapter = get_adapter("stoat", token="abc", bot=False, api_base="https://chat.example.org/api")
    assert isinstance(adapter, StoatAdapter)
    assert adapter.api_base == "https://chat.example.org/api"
    assert adapter.supports(Capability.ACCEPT)
    assert "abc" not in repr(adapter)
    default = get_adapter("stoat")
    assert isinstance(default, StoatAdapter)
    assert default.api_base == "https://api.stoat.chat"


@pytest.mark.parametrize(
    "options",
    [
        {"token": "two\nlines"},
        {"token": ""},
        {"api_base": "api.stoat.chat"},
        {"cdn_base": "ftp://cdn"},
        {"link_hosts": ["bad host"]},
        {"max_retries": -1},
        {"timeout": 0},
    ],
)
def test_bad_options(options: dict[str, object]) -> None:
    with pytest.raises(InvalidArgument) as caught:
        StoatAdapter(**options)  # type: ignore[arg-type]
    assert "two\nlines" not in str(caught.value)


def test_unknown_options_are_invalid_arguments() -> None:
    with pytest.raises(InvalidArgument):
        get_adapter("stoat", tokn="typo")
