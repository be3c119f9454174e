"""What proxies, outages and odd answers turn into, over HTTP against the emulator."""

from __future__ import annotations

import socket

import pytest

from invitekit import (
    Forbidden,
    InviteNotFound,
    NotFound,
    PayloadError,
    ServerError,
    TransportError,
    Unauthorized,
    UnknownPublicInvite,
)
from invitekit_stoat import StoatAdapter
from invitekit_stoat.testing import StoatEmulator
from tests.http._support import ManualTime
from tests.stoat.conftest import Connect, Scene

CLOUDFLARE_403 = (
    "<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head></html>"
)


async def test_a_bad_gateway_on_a_lookup_is_retried(
    stoat: StoatEmulator, scene: Scene, connect: Connect, clock: ManualTime
) -> None:
    stoat.fail_next(502, "<html><body>502 Bad Gateway</body></html>")
    invite = await connect().fetch_invite(scene.server_invite.code)
    assert invite.code == scene.server_invite.code
    assert len(stoat.requests) == 2
    assert len(clock.sleeps) == 1  # one backoff


async def test_a_bad_gateway_on_a_join_is_not_retried(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    # The join may have happened behind the proxy; a POST is never sent twice.
    stoat.fail_next(502, "<html><body>502 Bad Gateway</body></html>")
    with pytest.raises(ServerError) as caught:
        await connect(scene.bob).accept(scene.server_invite.code)
    assert (caught.value.status, caught.value.code) == (502, None)
    assert len(stoat.requests) == 1


async def test_retries_are_bounded(stoat: StoatEmulator, scene: Scene, connect: Connect) -> None:
    for _ in range(3):
        stoat.fail_next(503, b"")
    with pytest.raises(ServerError) as caught:
        await connect(max_retries=2).fetch_invite(scene.server_invite.code)
    assert caught.value.status == 503
    assert len(stoat.requests) == 3


async def test_a_database_error_keeps_its_type(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    body = {
        "type": "DatabaseError",
        "operation": "find_one",
        "collection": "channel_invites",
        "location": "x",
    }
    for _ in range(2):
        stoat.fail_next(500, body)
    with pytest.raises(ServerError) as caught:
        await connect(max_retries=1).fetch_invite(scene.server_invite.code)
    assert caught.value.code == "DatabaseError"


async def test_a_cloudflare_page(stoat: StoatEmulator, scene: Scene, connect: Connect) -> None:
    stoat.fail_next(403, CLOUDFLARE_403, headers={"CF-RAY": "8a1b2c3d4e5f6a7b-AMS"})
    with pytest.raises(Forbidden) as caught:
        await connect().fetch_invite(scene.server_invite.code)
    assert (caught.value.status, caught.value.code) == (403, None)
    assert "<" not in caught.value.message


async def test_an_html_page_with_status_200_is_a_payload_error(
    stoat: StoatEmulator, scene: Scene, connect: Connect
) -> None:
    stoat.fail_next(200, "<html>Checking your browser…</html>")
    with pytest.raises(PayloadError) as caught:
        await connect().fetch_invite(scene.server_invite.code)
    assert caught.value.platform == "stoat"


async def test_an_unknown_invite_type_is_kept(stoat: StoatEmulator, connect: Connect) -> None:
    stoat.fail_next(200, {"type": "Event", "code": "EvEnT123", "event_name": "Launch"})
    invite = await connect().fetch_invite("EvEnT123")
    assert isinstance(invite, UnknownPublicInvite)
    assert invite.raw["event_name"] == "Launch"
    assert invite.url == "https://stt.gg/EvEnT123"


async def test_rocket_html_when_json_is_not_asked_for(
    stoat: StoatEmulator, api_base: str, scene: Scene
) -> None:
    # Rocket's default catcher answers HTML unless Accept prefers JSON; either way a 401
    # is Unauthorized. The adapter asks for JSON, so the emulator is made to answer HTML.
    stoat.fail_next(401, "<!DOCTYPE html><html><body><h1>401: Unauthorized</h1></body></html>")
    async with StoatAdapter(token="whatever", bot=False, api_base=api_base) as adapter:
        with pytest.raises(Unauthorized) as caught:
            await adapter.accept(scene.server_invite.code)
    assert caught.value.code is None
    assert "whatever" not in str(caught.value)


async def test_unreachable_api(scene: Scene) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with StoatAdapter(
        token="secret-token-value", api_base=f"http://127.0.0.1:{port}", max_retries=0
    ) as adapter:
        with pytest.raises(TransportError) as caught:
            await adapter.fetch_invite(scene.server_invite.code)
    assert "secret-token-value" not in str(caught.value)
    assert caught.value.platform == "stoat"


async def test_legacy_and_self_hosted_bases(scene: Scene, clock: ManualTime) -> None:
    stoat = StoatEmulator(base_path="/api", clock=clock)
    owner = stoat.add_user("owner")
    server = stoat.add_server("Self-hosted", owner=owner)
    invite = stoat.add_invite(server.channels[0], creator=owner, code="Testers")
    async with stoat.serve() as api_base:
        assert api_base.endswith("/api")
        for base in (api_base, f"{api_base}/0.8", f"{api_base}/"):
            async with StoatAdapter(api_base=base) as adapter:
                assert (await adapter.fetch_invite(invite.code)).code == "Testers"
        async with StoatAdapter(api_base=api_base.removesuffix("/api")) as adapter:
            with pytest.raises(NotFound) as caught:
                await adapter.fetch_invite(invite.code)
            # Rocket's default 404 for an unknown route: not a missing invite.
            assert not isinstance(caught.value, InviteNotFound)
            assert caught.value.code is None
