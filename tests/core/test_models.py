"""Models: immutable, equal and hashable by (platform, code), ``str()`` is the link."""

from __future__ import annotations

from datetime import datetime, timezone

import msgspec
import pytest

from invitekit import (
    GroupInvite,
    InviteRef,
    InviteServer,
    PublicFriendInvite,
    PublicGroupInvite,
    PublicServerInvite,
    ServerInvite,
    UnboundInvite,
    UnknownPlatform,
    UnknownPrivateInvite,
    UnknownPublicInvite,
)
from invitekit_fake import FakeAdapter

WHEN = datetime(2026, 1, 1, tzinfo=timezone.utc)


def public(code: str = "abc", platform: str = "fake") -> PublicServerInvite:
    return PublicServerInvite(platform=platform, code=code, server=InviteServer(id="1", name="S"))


def private(code: str = "abc", platform: str = "fake") -> ServerInvite:
    return ServerInvite(platform=platform, code=code, server_id="1", channel_id="2", uses=3)


def test_public_and_private_views_of_one_invite_are_equal() -> None:
    assert public() == private()
    assert hash(public()) == hash(private())
    assert {public(), private(), GroupInvite(platform="fake", code="abc")} == {public()}


@pytest.mark.parametrize(
    "other",
    [public("xyz"), public(platform="other"), "abc", InviteRef("fake", "abc"), None],
)
def test_invites_differ_by_platform_or_code(other: object) -> None:
    assert public() != other


def test_invites_of_every_variant_hash_by_platform_and_code() -> None:
    variants = [
        public(),
        private(),
        PublicGroupInvite(platform="fake", code="abc"),
        PublicFriendInvite(platform="fake", code="abc", expires_at=WHEN),
        UnknownPublicInvite(platform="fake", code="abc", raw={"type": 9}),
        GroupInvite(platform="fake", code="abc"),
        UnknownPrivateInvite(platform="fake", code="abc", raw={}),
    ]
    assert len(set(variants)) == 1


def test_models_are_immutable() -> None:
    invite = public()
    with pytest.raises(AttributeError):
        invite.code = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        invite.server.name = "other"  # type: ignore[misc]


def test_str_is_the_canonical_url() -> None:
    assert str(public()) == "https://fake.invitekit.test/abc"
    assert public().url == str(public())
    assert public().ref == InviteRef("fake", "abc")


def test_url_of_an_unregistered_platform_is_an_unknown_platform_error() -> None:
    with pytest.raises(UnknownPlatform):
        _ = public(platform="nowhere").url


def test_repr_shows_fields_but_not_the_bound_adapter() -> None:
    invite = FakeAdapter().bind(public())
    text = repr(invite)
    assert text.startswith("PublicServerInvite(platform='fake', code='abc'")
    assert "_adapter" not in text
    assert "FakeAdapter" not in text


async def test_unbound_invites_raise_unbound_invite() -> None:
    for invite in (public(), private()):
        assert invite.adapter is None
        with pytest.raises(UnboundInvite, match="not bound"):
            await invite.accept()
        with pytest.raises(UnboundInvite):
            await invite.delete(reason="x")
        with pytest.raises(UnboundInvite):
            await invite.revoke()


def test_unknown_fields_are_none_not_invented() -> None:
    invite = public()
    assert invite.member_count is None
    assert invite.channel is None
    assert invite.server.icon_url is None
    assert private().max_uses is None
    assert private().temporary is None


def test_models_encode_to_json_without_the_adapter_field_value() -> None:
    encoded = msgspec.json.decode(msgspec.json.encode(public()))
    assert encoded["code"] == "abc"
    assert encoded["server"]["name"] == "S"
