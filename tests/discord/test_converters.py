"""discord.py, disnake and hikari objects convert into the models their payloads decode to.

The peer objects are built by the libraries themselves from Discord payloads; the
converted model must equal the decoded one in every field the library keeps.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import hikari
import msgspec
import pytest

from invitekit import (
    GroupInvite,
    InvalidArgument,
    InviteTracker,
    JoinSource,
    PayloadError,
    PublicFriendInvite,
    PublicGroupInvite,
    PublicServerInvite,
    ServerInvite,
    UnknownPublicInvite,
)
from invitekit_discord import (
    DiscordAdapter,
    DiscordInviteDetails,
    DiscordVanityURL,
    decode_invite_create,
)
from invitekit_discord.converters import (
    convert,
    from_discord_py,
    from_disnake,
    from_hikari,
    from_payload,
)
from tests.discord._openapi import Generator, load_schemas
from tests.discord._peers import (
    LIBRARIES,
    LOST_WITH_METADATA,
    comparable,
    dpy_state,
    hikari_factory,
)
from tests.discord.conftest import PAYLOADS, World
from tests.discord.test_gateway import create_payload

PUBLIC = [
    "constructed_get_invite_guild_with_counts.json",
    "constructed_get_invite_group_dm.json",
    "docs_invite_object_verbatim.json",
]
LISTED = json.loads((PAYLOADS / "constructed_get_channel_invites_with_metadata.json").read_bytes())


def build(library: str, payload: dict[str, Any], *, metadata: bool) -> Any:
    """The library's own invite object for ``payload``."""
    if library == "hikari":
        factory = hikari_factory()
        if metadata:
            return factory.deserialize_invite_with_metadata(payload)
        return factory.deserialize_invite(payload)
    module = LIBRARIES[library]
    return module.Invite(state=dpy_state(module), data=payload)


def build_from_gateway(library: str, payload: dict[str, Any]) -> Any:
    """The library's object for an INVITE_CREATE dispatch, as its event handler gets it."""
    if library == "hikari":
        return hikari_factory().deserialize_invite_with_metadata(payload)
    module = LIBRARIES[library]
    return module.Invite.from_gateway(state=dpy_state(module), data=payload)


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "discord": from_discord_py,
    "disnake": from_disnake,
    "hikari": from_hikari,
}


@pytest.mark.parametrize("library", sorted(LIBRARIES))
@pytest.mark.parametrize("name", PUBLIC)
def test_public_invites_convert_like_they_decode(library: str, name: str) -> None:
    payload = json.loads((PAYLOADS / name).read_bytes())
    converted = CONVERTERS[library](build(library, payload, metadata=False))
    decoded = DiscordAdapter.decode_public_invite(payload)
    assert isinstance(converted, (PublicServerInvite, PublicGroupInvite))
    assert comparable(converted, library) == comparable(decoded, library)
    assert converted.adapter is None


@pytest.mark.parametrize("library", sorted(LIBRARIES))
@pytest.mark.parametrize("index", range(len(LISTED)))
def test_listed_invites_convert_like_they_decode(library: str, index: int) -> None:
    payload = LISTED[index]
    converted = CONVERTERS[library](build(library, payload, metadata=True))
    decoded = DiscordAdapter.decode_private_invite(payload)
    assert isinstance(converted, ServerInvite)
    assert comparable(converted, library) == comparable(decoded, library)
    # The fields a tracker lives on survive every library.
    assert (converted.uses, converted.max_uses, converted.max_age) == (
        decoded.uses,  # type: ignore[union-attr]
        decoded.max_uses,  # type: ignore[union-attr]
        decoded.max_age,  # type: ignore[union-attr]
    )


FRIEND = {
    "type": 2,
    "code": "pals4ever",
    "expires_at": None,
    "inviter": {
        "id": "80351110224678912",
        "username": "nelly",
        "avatar": None,
        "discriminator": "0",
        "public_flags": 0,
    },
    "channel": {"id": "1213141516171819202", "name": None, "type": 1},
    "friends_count": 12,
}


@pytest.mark.parametrize("library", sorted(LIBRARIES))
@pytest.mark.parametrize("channel", [FRIEND["channel"], None])
def test_friend_invites_convert_with_their_dm_channel(
    library: str, channel: dict[str, Any] | None
) -> None:
    payload = dict(FRIEND, channel=channel)
    converted = CONVERTERS[library](build(library, payload, metadata=False))
    decoded = DiscordAdapter.decode_public_invite(payload)
    assert isinstance(converted, PublicFriendInvite)
    if channel is None:
        assert converted.channel is None
    else:
        assert converted.channel is not None
        assert converted.channel.id == channel["id"]
    lost = frozenset({".details.friends_count"})  # none of the three keeps it
    assert comparable(converted, library, lost) == comparable(decoded, library, lost)


@pytest.mark.parametrize("library", sorted(LIBRARIES))
def test_a_guild_invite_without_a_guild_converts_to_an_unknown_invite(library: str) -> None:
    payload = {
        "type": 0,
        "code": "noGuild7",
        "expires_at": None,
        "channel": {"id": "1300000000000000001", "name": "lobby", "type": 0},
    }
    converted = CONVERTERS[library](build(library, payload, metadata=False))
    assert isinstance(converted, UnknownPublicInvite)
    assert converted.code == "noGuild7"
    assert converted.raw["channel"] == payload["channel"]


def test_hikari_keeps_invite_roles() -> None:
    payload = LISTED[1]
    converted = from_hikari(build("hikari", payload, metadata=True))
    extra = converted.details
    assert isinstance(extra, DiscordInviteDetails)
    assert [(r.id, r.name, r.color) for r in extra.roles] == [
        (role["id"], role["name"], role["color"]) for role in payload["roles"]
    ]


@pytest.mark.parametrize("library", sorted(LIBRARIES))
def test_gateway_invites_convert_like_the_dispatch_decodes(library: str) -> None:
    payload = create_payload()
    converted = CONVERTERS[library](build_from_gateway(library, payload))
    decoded = decode_invite_create(payload)
    assert isinstance(converted, ServerInvite)
    # The libraries say "guild invite" (type 0) where the dispatch says nothing, and
    # build the event's application and roles from fields the dispatch does not have.
    ignored = {
        ".details.invite_type",
        ".details.roles",
        ".details.target_application",
        ".details.has_metadata",
    }
    if library == "hikari":
        ignored.discard(".details.roles")  # hikari keeps the role ids
    want = {
        path: value
        for path, value in comparable(decoded, library).items()
        if not path.startswith(tuple(ignored))
    }
    got = comparable(converted, library)
    assert {path: got.get(path) for path in want} == want


# -- generated payloads ---------------------------------------------------------------------

SCHEMAS = load_schemas()
GENERATED = 60
PEER_READ_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


def realistic(payload: dict[str, Any]) -> dict[str, Any]:
    """Repair what the spec leaves loose but Discord never sends (hikari reads it strictly):
    a non-hex application key, colours beyond 24 bits, null counts, event types without
    their metadata, negative flags."""
    app = payload.get("target_application")
    if isinstance(app, dict):
        app["verify_key"] = "ab" * 32
    for role in payload.get("roles") or ():
        role["color"] = role["color"] % 0x1000000
        for name, value in list((role.get("colors") or {}).items()):
            if isinstance(value, int):
                role["colors"][name] = value % 0x1000000
    for key in ("approximate_member_count", "approximate_presence_count"):
        if key in payload and payload[key] is None:
            del payload[key]
    for user in (payload.get("inviter"), payload.get("target_user")):
        if isinstance(user, dict):
            user.pop("avatar_decoration_data", None)
            user.pop("accent_color", None)
    event = payload.get("guild_scheduled_event")
    if isinstance(event, dict):
        # External: a location, no channel.
        event.update(entity_type=3, entity_metadata={"location": "the lobby"}, channel_id=None)
    if isinstance(payload.get("flags"), int):
        payload["flags"] &= 0xFFFF
    return payload


def generated(kind: str, seed: int) -> list[dict[str, Any]]:
    generator = Generator(SCHEMAS, seed=seed)
    return [realistic(generator.instance(kind)) for _ in range(GENERATED)]


@pytest.mark.parametrize("library", sorted(LIBRARIES))
@pytest.mark.parametrize("kind", ["GuildInviteResponse", "GroupDMInviteResponse"])
def test_spec_generated_invites_convert_like_they_decode(library: str, kind: str) -> None:
    converted = 0
    for payload in generated(kind, seed=len(kind) * 7 + len(library)):
        metadata = "uses" in payload and "created_at" in payload
        try:
            peer = build(library, payload, metadata=metadata)
        except (*PEER_READ_ERRORS, hikari.errors.UnrecognisedEntityError):
            continue  # the library itself cannot read this payload
        decode = (
            DiscordAdapter.decode_private_invite
            if metadata
            else DiscordAdapter.decode_public_invite
        )
        decoded = decode(payload)
        result = CONVERTERS[library](peer)
        extra = LOST_WITH_METADATA.get(library, frozenset()) if metadata else frozenset()
        assert comparable(result, library, extra) == comparable(decoded, library, extra), payload
        converted += 1
    assert converted >= GENERATED // 2  # most spec-valid payloads are readable by peers


# -- hikari's vanity URL ------------------------------------------------------------------


def test_a_hikari_vanity_url_needs_its_guild() -> None:
    vanity = hikari_factory().deserialize_vanity_url({"code": "cats", "uses": 7})
    assert from_hikari(vanity, guild_id="1100") == DiscordVanityURL(
        guild_id="1100", code="cats", uses=7
    )
    with pytest.raises(InvalidArgument, match="guild_id"):
        from_hikari(vanity)  # type: ignore[call-overload]


def test_hikari_limits_of_none_mean_unlimited() -> None:
    payload = dict(LISTED[1], max_uses=0, max_age=0)
    invite = from_hikari(build("hikari", payload, metadata=True))
    assert (invite.max_uses, invite.max_age) == (None, None)
    timed = build("hikari", dict(LISTED[1], max_age=600), metadata=True)
    assert timed.max_age == timedelta(seconds=600)
    assert from_hikari(timed).max_age == 600


# -- wrong input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("converter", "value"),
    [
        (from_discord_py, object()),
        (from_disnake, "https://discord.gg/x"),
        (from_hikari, 42),
        (convert, object()),
    ],
)
def test_objects_of_other_kinds_are_refused(converter: Any, value: Any) -> None:
    with pytest.raises(InvalidArgument):
        converter(value)


def test_an_invite_of_another_library_is_refused() -> None:
    payload = json.loads((PAYLOADS / PUBLIC[0]).read_bytes())
    with pytest.raises(InvalidArgument, match=r"discord\.py"):
        from_discord_py(build("disnake", payload, metadata=False))
    with pytest.raises(InvalidArgument, match="disnake"):
        from_disnake(build("hikari", payload, metadata=False))


@pytest.mark.parametrize("library", sorted(LIBRARIES))
def test_a_peer_object_holding_nonsense_is_a_payload_error(library: str) -> None:
    payload = dict(json.loads((PAYLOADS / PUBLIC[0]).read_bytes()), code="")
    with pytest.raises(PayloadError) as caught:
        CONVERTERS[library](build(library, payload, metadata=False))
    assert caught.value.path == "$.code"


# -- convert and from_payload ---------------------------------------------------------------


@pytest.mark.parametrize("library", sorted(LIBRARIES))
def test_convert_picks_the_converter_by_library(library: str) -> None:
    payload = json.loads((PAYLOADS / PUBLIC[0]).read_bytes())
    peer = build(library, payload, metadata=False)
    assert repr(convert(peer)) == repr(CONVERTERS[library](peer))


def test_convert_takes_payloads_and_hikari_vanity_urls() -> None:
    vanity = hikari_factory().deserialize_vanity_url({"code": "cats", "uses": 7})
    assert convert(vanity, guild_id="5") == DiscordVanityURL(guild_id="5", code="cats", uses=7)
    assert convert(create_payload()).code == "Zk4sPq2"


def test_from_payload_tells_the_shapes_apart() -> None:
    public = json.loads((PAYLOADS / PUBLIC[0]).read_bytes())
    group = json.loads((PAYLOADS / PUBLIC[1]).read_bytes())
    assert isinstance(from_payload(public), PublicServerInvite)
    # A group DM's public view has a creation time but no use count: still public.
    assert "created_at" in group
    assert isinstance(from_payload(group), PublicGroupInvite)
    assert isinstance(from_payload(LISTED[1]), ServerInvite)
    assert isinstance(from_payload(msgspec.json.encode(LISTED[1])), ServerInvite)
    gateway = from_payload(json.dumps(create_payload(guild_id=...)))
    assert isinstance(gateway, GroupInvite)
    assert repr(gateway) == repr(decode_invite_create(create_payload(guild_id=...)))


@pytest.mark.parametrize("data", [b"[]", "7", b"{", [], None])
def test_from_payload_refuses_what_is_not_an_object(data: Any) -> None:
    with pytest.raises(PayloadError) as caught:
        from_payload(data)
    assert caught.value.path == "$"


def test_from_payload_names_the_path_of_a_bad_gateway_field() -> None:
    with pytest.raises(PayloadError) as caught:
        from_payload(create_payload(max_uses="ten"))
    assert caught.value.path == "$.max_uses"


# -- in a bot -------------------------------------------------------------------------------


async def test_a_discord_py_bot_feeds_the_tracker(world: World, discord: DiscordAdapter) -> None:
    """``on_invite_create`` hands discord.py invites; converted, they keep a tracker current."""
    tracker = InviteTracker(discord)
    await tracker.track(world.guild.id)
    created = await discord.create_invite(world.channel.id, max_uses=2, unique=True)
    [(_, data)] = world.emulator.dispatches
    gateway_invite = build_from_gateway("discord", data)
    await tracker.invite_created(from_discord_py(gateway_invite))
    assert created.code in {invite.code for invite in tracker.invites(world.guild.id)}
    world.emulator.use_invite(created.code)
    result = await tracker.member_joined(world.guild.id)
    assert result.source is JoinSource.INVITE
    assert result.code == created.code


def test_importing_the_converters_loads_no_peer_library() -> None:
    code = (
        "import sys, invitekit_discord.converters; "
        "loaded = {'discord', 'disnake', 'hikari', 'stoat', 'aiohttp'} & set(sys.modules); "
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
