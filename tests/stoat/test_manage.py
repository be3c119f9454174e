"""``delete``/``revoke``, ``create_invite`` and ``list_invites`` over HTTP against the emulator."""

from __future__ import annotations

import pytest

from invitekit import (
    BadRequest,
    BotAccountRejected,
    Capability,
    GroupInvite,
    InvalidArgument,
    InviteNotFound,
    MissingPermissions,
    NotFound,
    ServerError,
    ServerInvite,
    UnknownPrivateInvite,
    UnsupportedOperation,
)
from invitekit_stoat import STOAT_LINK_RULES, StoatAdapter, StoatMissingPermission
from invitekit_stoat.testing import INVITE_CODE_ALPHABET, StoatEmulator
from tests.stoat.conftest import Connect, Scene

# -- delete / revoke ----------------------------------------------------------------------


async def test_creator_deletes_with_a_reason(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    code = scene.server_invite.code
    adapter = connect(scene.alice)
    await adapter.delete(code, reason="spam wave")
    assert stoat.audit_log == [("delete", code, "spam wave")]
    request = stoat.requests[-1]
    assert (request.method, request.path, request.audit_reason) == (
        "DELETE",
        f"/invites/{code}",
        "spam wave",
    )
    with pytest.raises(InviteNotFound):
        await adapter.fetch_invite(code)
    with pytest.raises(InviteNotFound):
        await adapter.delete(code)


async def test_revoke_is_delete_and_non_ascii_reasons_arrive(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    await connect(scene.alice).revoke(scene.group_invite.code, reason="fin du voyage ✈")
    assert stoat.audit_log == [("delete", scene.group_invite.code, "fin du voyage ✈")]
    assert stoat.requests[-1].audit_reason == "fin du voyage ✈"


async def test_no_reason_sends_no_header(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    await connect(scene.alice).delete(scene.server_invite.code)
    assert stoat.requests[-1].audit_reason is None


async def test_bound_invite_deletes_itself(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    invite = await connect(scene.alice).fetch_invite(scene.server_invite.code)
    await invite.delete(reason="done")
    assert scene.server_invite.code not in stoat.invites


async def test_others_need_manage_server(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    adapter = connect(scene.carol)
    with pytest.raises(MissingPermissions) as caught:
        await adapter.delete(scene.server_invite.code)
    assert isinstance(caught.value, StoatMissingPermission)
    assert (caught.value.status, caught.value.code, caught.value.permission) == (
        403,
        "MissingPermission",
        "ManageServer",
    )
    stoat.grant(scene.devs, scene.carol, "ManageServer")
    await adapter.delete(scene.server_invite.code)
    assert scene.server_invite.code not in stoat.invites


async def test_a_bot_with_manage_server_deletes(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    stoat.grant(scene.devs, scene.robot, "ManageServer")
    await connect(scene.robot).delete(scene.server_invite.code, reason="cleanup")
    assert stoat.requests[-1].auth == "bot"
    assert stoat.audit_log == [("delete", scene.server_invite.code, "cleanup")]


async def test_a_stranger_deleting_a_group_invite_crashes_the_backend(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    # The backend reaches unreachable!() and Rocket answers its default 500; DELETE is
    # idempotent, so the transport retries before giving up.
    with pytest.raises(ServerError) as caught:
        await connect(scene.carol, max_retries=2).delete(scene.group_invite.code)
    assert (caught.value.status, caught.value.code) == (500, None)
    assert [r.method for r in stoat.requests] == ["DELETE"] * 3
    assert scene.group_invite.code in stoat.invites


async def test_overlong_reason_is_refused_before_any_request(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    adapter = connect(scene.alice)
    with pytest.raises(InvalidArgument):
        await adapter.delete(scene.server_invite.code, reason="é" * 257)  # 514 bytes
    with pytest.raises(InvalidArgument):
        await adapter.delete(scene.server_invite.code, reason="two\nlines")
    assert stoat.requests == []
    await adapter.delete(scene.server_invite.code, reason="é" * 256)
    assert stoat.audit_log == [("delete", scene.server_invite.code, "é" * 256)]


# -- create -------------------------------------------------------------------------------


async def test_create_a_server_invite(stoat: StoatEmulator, scene: Scene, connect: Connect) -> None:
    adapter = connect(scene.carol)
    invite = await adapter.create_invite(scene.general.id, reason="for the newsletter")
    assert isinstance(invite, ServerInvite)
    assert (invite.server_id, invite.channel_id, invite.creator_id) == (
        scene.devs.id,
        scene.general.id,
        scene.carol.id,
    )
    assert len(invite.code) == 8
    assert set(invite.code) <= set(INVITE_CODE_ALPHABET)
    assert STOAT_LINK_RULES.is_code(invite.code)
    assert (invite.max_uses, invite.max_age, invite.temporary) == (None, None, False)
    assert invite.adapter is adapter
    assert stoat.audit_log == [("create", invite.code, "for the newsletter")]
    request = stoat.requests[-1]
    assert (request.method, request.path) == ("POST", f"/channels/{scene.general.id}/invites")
    fetched = await adapter.fetch_invite(invite.code)
    assert fetched == invite
    await invite.delete()
    assert invite.code not in stoat.invites


async def test_create_a_group_invite(scene: Scene, connect: Connect) -> None:
    invite = await connect(scene.carol).create_invite(scene.trip.id)
    assert isinstance(invite, GroupInvite)
    assert (invite.channel_id, invite.creator_id) == (scene.trip.id, scene.carol.id)


async def test_create_needs_invite_others(scene: Scene, connect: Connect) -> None:
    with pytest.raises(StoatMissingPermission) as caught:
        await connect(scene.bob).create_invite(scene.general.id)
    assert caught.value.permission == "InviteOthers"
    with pytest.raises(MissingPermissions):
        await connect(scene.bob).create_invite(scene.trip.id)


async def test_create_in_a_direct_message(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    dm = stoat.add_direct_message(scene.alice, scene.bob)
    with pytest.raises(BadRequest) as caught:
        await connect(scene.bob).create_invite(dm.id)
    assert (caught.value.status, caught.value.code) == (400, "InvalidOperation")


async def test_create_in_an_unknown_channel(scene: Scene, connect: Connect) -> None:
    with pytest.raises(NotFound) as caught:
        await connect(scene.bob).create_invite("01JQ0000000000000000000000")
    assert not isinstance(caught.value, InviteNotFound)
    assert caught.value.code == "NotFound"


@pytest.mark.parametrize(
    "options",
    [{"max_uses": 5}, {"max_age": 3600}, {"temporary": True}, {"unique": True}],
)
async def test_limits_are_unsupported(
    stoat: StoatEmulator, scene: Scene, connect: Connect, options: dict[str, object]
) -> None:
    with pytest.raises(UnsupportedOperation):
        await connect(scene.alice).create_invite(scene.general.id, **options)  # type: ignore[arg-type]
    assert stoat.requests == []


async def test_the_api_refuses_bots_creating(
    stoat: StoatEmulator, api_base: str, scene: Scene
) -> None:
    class Unchecked(StoatAdapter):
        def supports(self, capability: Capability) -> bool:
            return True

    async with Unchecked(token=scene.robot.token, bot=True, api_base=api_base) as adapter:
        with pytest.raises(BotAccountRejected) as caught:
            await adapter.create_invite(scene.general.id)
    assert (caught.value.status, caught.value.code) == (400, "IsBot")


# -- list ---------------------------------------------------------------------------------


async def test_list_server_invites(stoat: StoatEmulator, scene: Scene, connect: Connect) -> None:
    other = stoat.add_invite(scene.devs.channel("voice"), creator=scene.carol)
    adapter = connect(scene.alice)
    invites = await adapter.list_invites(server_id=scene.devs.id)
    assert all(isinstance(invite, ServerInvite) for invite in invites)
    assert {
        (i.code, i.creator_id, i.channel_id) for i in invites if isinstance(i, ServerInvite)
    } == {
        (scene.server_invite.code, scene.alice.id, scene.general.id),
        (other.code, scene.carol.id, other.channel.id),
    }
    assert all(invite.adapter is adapter for invite in invites)
    assert stoat.requests[-1].path == f"/servers/{scene.devs.id}/invites"
    for invite in invites:
        await invite.revoke()
    assert await adapter.list_invites(server_id=scene.devs.id) == []


async def test_list_needs_manage_server(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    with pytest.raises(StoatMissingPermission) as caught:
        await connect(scene.carol).list_invites(server_id=scene.devs.id)
    assert (caught.value.status, caught.value.permission) == (403, "ManageServer")
    stoat.grant(scene.devs, scene.robot, "ManageServer")
    listed = await connect(scene.robot).list_invites(server_id=scene.devs.id)
    assert [invite.code for invite in listed] == [scene.server_invite.code]


async def test_list_an_unknown_server(scene: Scene, connect: Connect) -> None:
    with pytest.raises(NotFound) as caught:
        await connect(scene.alice).list_invites(server_id="01JQ0000000000000000000000")
    assert not isinstance(caught.value, InviteNotFound)


async def test_list_keeps_unknown_invite_types(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    stoat.fail_next(
        200,
        [
            {"type": "Server", "_id": "AAAAAAAA", "server": "s", "creator": "c", "channel": "x"},
            {"type": "Event", "_id": "BBBBBBBB", "event": "e"},
        ],
    )
    listed = await connect(scene.alice).list_invites(server_id=scene.devs.id)
    assert [type(invite) for invite in listed] == [ServerInvite, UnknownPrivateInvite]
    unknown = listed[1]
    assert isinstance(unknown, UnknownPrivateInvite)
    assert unknown.raw == {"type": "Event", "_id": "BBBBBBBB", "event": "e"}


async def test_listing_by_channel_is_unsupported(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    with pytest.raises(UnsupportedOperation, match="per server"):
        await connect(scene.alice).list_invites(channel_id=scene.general.id)
    assert stoat.requests == []
