"""stoat.py invites convert into the models their payloads decode to; the tracker on Stoat.

The stoat.py objects are made by stoat.py's own ``Parser`` from Stoat payloads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import stoat
from hypothesis import HealthCheck, given, settings
from stoat.parser import Parser

from invitekit import (
    GroupInvite,
    InvalidArgument,
    InviteTracker,
    JoinSource,
    PayloadError,
    PublicGroupInvite,
    PublicServerInvite,
    ServerInvite,
    UnknownPublicInvite,
)
from invitekit_stoat import StoatAdapter, StoatInviteDetails
from invitekit_stoat.converters import convert, from_payload, from_stoat_py
from tests.stoat.conftest import Connect, Scene
from tests.stoat.test_generated import STRATEGIES

PAYLOADS = Path(__file__).parent / "data" / "payloads"
PUBLIC = [
    "server_public_invite.json",
    "server_public_invite_minimal.json",
    "group_public_invite.json",
]
PRIVATE = ["private_server_invite.json", "private_group_invite.json"]
ELSEWHERE = "https://files.chat.example"


class _State:
    """stoat.py's parser hands its state to every object and reads nothing from it here."""


def parser() -> Parser:
    return Parser(state=_State())  # type: ignore[arg-type]


def load(name: str) -> Any:
    """A shared payload (typed loosely: stoat.py wants its own TypedDicts)."""
    return json.loads((PAYLOADS / name).read_bytes())


@pytest.mark.parametrize("name", PUBLIC)
def test_public_invites_convert_like_they_decode(name: str) -> None:
    payload = load(name)
    converted = from_stoat_py(parser().parse_public_invite(payload))
    assert isinstance(converted, (PublicServerInvite, PublicGroupInvite))
    assert repr(converted) == repr(StoatAdapter.decode_public_invite(payload))
    assert converted.adapter is None


@pytest.mark.parametrize("name", PRIVATE)
def test_private_invites_convert_like_they_decode(name: str) -> None:
    payload = load(name)
    converted = from_stoat_py(parser().parse_invite(payload))
    assert isinstance(converted, (ServerInvite, GroupInvite))
    assert repr(converted) == repr(StoatAdapter.decode_private_invite(payload))


def test_files_keep_their_bucket() -> None:
    converted = from_stoat_py(parser().parse_public_invite(load(PUBLIC[0])))
    details = converted.details  # type: ignore[union-attr]
    assert isinstance(details, StoatInviteDetails)
    assert details.server_icon is not None
    assert details.server_icon.tag == "icons"
    assert converted.server.icon_url == details.server_icon.url()  # type: ignore[union-attr]


def test_a_self_hosted_cdn_gives_its_own_links() -> None:
    converted = from_stoat_py(parser().parse_public_invite(load(PUBLIC[0])), cdn_base=ELSEWHERE)
    assert isinstance(converted, PublicServerInvite)
    assert converted.server.icon_url is not None
    assert converted.server.icon_url.startswith(f"{ELSEWHERE}/icons/")


def test_an_unknown_public_invite_is_kept_whole() -> None:
    payload = {"type": "Event", "code": "abc123", "event_name": "launch"}
    peer = parser().parse_public_invite(payload)  # type: ignore[arg-type]
    assert isinstance(peer, stoat.UnknownPublicInvite)
    converted = from_stoat_py(peer)
    assert isinstance(converted, UnknownPublicInvite)
    assert converted.raw == payload


FILE_BUCKETS = {"server_icon": "icons", "server_banner": "banners", "user_avatar": "avatars"}


def as_stoat_py_keeps_it(file: dict[str, Any], tag: str) -> None:
    """Reduce a file to what stoat.py 1.2.1 keeps of it: the bucket follows from where the
    file sits, ``deleted``/``reported`` false is the same as absent, and images have no
    ``thumbhash`` or ``animated`` (newer than the library)."""
    file["tag"] = tag
    for flag in ("deleted", "reported"):
        if file.get(flag) is False:
            del file[flag]
    metadata = file.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("thumbhash", None)
        metadata.pop("animated", None)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=STRATEGIES.named("InviteResponse"))
def test_generated_public_invites_convert_like_they_decode(payload: dict[str, Any]) -> None:
    for key, tag in FILE_BUCKETS.items():
        if isinstance(payload.get(key), dict):
            as_stoat_py_keeps_it(payload[key], tag)
    try:
        expected = repr(StoatAdapter.decode_public_invite(payload))
    except PayloadError:
        return  # not Stoat-shaped enough to decode; stoat.py objects never hold these
    assert repr(from_stoat_py(parser().parse_public_invite(payload))) == expected  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(payload=STRATEGIES.named("Invite"))
def test_generated_private_invites_convert_like_they_decode(payload: dict[str, Any]) -> None:
    expected = repr(StoatAdapter.decode_private_invite(payload))
    assert repr(from_stoat_py(parser().parse_invite(payload))) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [object(), "abc", 7, None])
def test_other_objects_are_refused(value: Any) -> None:
    with pytest.raises(InvalidArgument, match=r"stoat\.py invite"):
        from_stoat_py(value)


def test_a_peer_object_holding_nonsense_is_a_payload_error() -> None:
    broken: Any = dict(load(PRIVATE[0]), server=None)
    peer = parser().parse_invite(broken)
    with pytest.raises(PayloadError) as caught:
        from_stoat_py(peer)
    assert caught.value.path == "$.server"


def test_from_payload_tells_the_shapes_apart() -> None:
    assert isinstance(from_payload(load(PUBLIC[0])), PublicServerInvite)
    assert isinstance(from_payload(json.dumps(load(PUBLIC[2]))), PublicGroupInvite)
    assert isinstance(from_payload(load(PRIVATE[0])), ServerInvite)
    assert isinstance(from_payload(json.dumps(load(PRIVATE[1])).encode()), GroupInvite)
    elsewhere = from_payload(load(PUBLIC[0]), cdn_base=ELSEWHERE)
    assert elsewhere.server.icon_url.startswith(ELSEWHERE)  # type: ignore[union-attr]


@pytest.mark.parametrize("data", [b"[]", "null", 3, b"{"])
def test_from_payload_refuses_what_is_not_an_object(data: Any) -> None:
    with pytest.raises(PayloadError) as caught:
        from_payload(data)
    assert caught.value.path == "$"


def test_convert_takes_objects_and_payloads() -> None:
    payload = load(PUBLIC[0])
    assert repr(convert(payload)) == repr(convert(parser().parse_public_invite(payload)))
    with pytest.raises(InvalidArgument):
        convert(object())


# -- the tracker on Stoat ---------------------------------------------------------------


async def test_the_tracker_follows_stoat_invites_but_cannot_attribute_joins(
    scene: Scene, connect: Connect
) -> None:
    """Stoat lists invites without use counts: joins are UNKNOWN, never guessed."""
    tracker = InviteTracker(connect(scene.alice))
    snapshot = await tracker.track(scene.devs.id)
    assert [invite.code for invite in snapshot] == [scene.server_invite.code]
    await connect(scene.bob).accept(scene.server_invite.code)
    result = await tracker.member_joined(scene.devs.id, member_id=scene.bob.id)
    assert result.source is JoinSource.UNKNOWN
    assert result.candidates == ()
    created = await connect(scene.carol).create_invite(scene.general.id)
    await tracker.invite_created(created)
    assert {i.code for i in tracker.invites(scene.devs.id)} == {
        scene.server_invite.code,
        created.code,
    }
    await tracker.invite_deleted(created.code)
    assert [i.code for i in tracker.invites(scene.devs.id)] == [scene.server_invite.code]
