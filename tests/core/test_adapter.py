"""The Adapter base: everything is checked before an adapter's hooks (its I/O) run."""

from __future__ import annotations

import pytest

from invitekit import (
    InvalidArgument,
    InvalidInviteLink,
    InviteServer,
    PublicServerInvite,
)
from invitekit_fake import FakeAdapter, FakeWorld


@pytest.fixture
def owner_adapter() -> FakeAdapter:
    world = FakeWorld()
    owner = world.add_user("owner")
    world.add_server("S", owner=owner)
    return FakeAdapter(world, user=owner)


@pytest.mark.parametrize("reason", ["line\nbreak", "carriage\rreturn", 5])
async def test_reasons_with_line_breaks_never_reach_the_platform(
    owner_adapter: FakeAdapter, reason: object
) -> None:
    with pytest.raises(InvalidArgument):
        await owner_adapter.delete("abc", reason=reason)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        await owner_adapter.create_invite("c1", reason=reason)  # type: ignore[arg-type]
    assert owner_adapter.calls == []


@pytest.mark.parametrize("bad_id", ["", "../x", "a/b", "1?x=2", "1#f", "a b", "%2F"])
async def test_ids_that_would_change_the_path_are_refused(
    owner_adapter: FakeAdapter, bad_id: str
) -> None:
    with pytest.raises(InvalidArgument):
        await owner_adapter.create_invite(bad_id)
    with pytest.raises(InvalidArgument):
        await owner_adapter.list_invites(server_id=bad_id)
    with pytest.raises(InvalidArgument):
        await owner_adapter.list_invites(channel_id=bad_id)
    with pytest.raises(InvalidArgument):
        await owner_adapter.fetch_invite("abc", event_id=bad_id)
    assert owner_adapter.calls == []


@pytest.mark.parametrize("code", ["", "a/b", "..", "a b", "a?b", "a#b", "%41", "a\x00"])
async def test_codes_that_would_change_the_path_are_refused(
    owner_adapter: FakeAdapter, code: str
) -> None:
    for call in (owner_adapter.fetch_invite, owner_adapter.accept, owner_adapter.delete):
        with pytest.raises(InvalidInviteLink):
            await call(code)
    assert owner_adapter.calls == []


async def test_binding_checks_the_platform(owner_adapter: FakeAdapter) -> None:
    foreign = PublicServerInvite(platform="other", code="abc", server=InviteServer(id="1"))
    with pytest.raises(InvalidArgument, match="cannot bind"):
        owner_adapter.bind(foreign)
    own = PublicServerInvite(platform="fake", code="abc", server=InviteServer(id="1"))
    assert owner_adapter.bind(own) is own
    assert own.adapter is owner_adapter


async def test_async_context_manager_closes() -> None:
    async with FakeAdapter() as adapter:
        assert adapter.closed is False
    assert adapter.closed is True
