"""The emulator itself, seen with a plain HTTP client: what the real backend would answer."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from invitekit import InviteRef, find_invites, get_adapter
from invitekit.cli import main
from invitekit_stoat.demo import emulated_platform
from invitekit_stoat.testing import RateLimitConfig, StoatEmulator
from tests.stoat.conftest import Scene


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def test_missing_token_gets_rockets_json_body(
    api_base: str, scene: Scene, http: aiohttp.ClientSession
) -> None:
    url = f"{api_base}/invites/{scene.server_invite.code}"
    async with http.post(url, headers={"Accept": "application/json"}) as response:
        assert response.status == 401
        assert response.content_type == "application/json"
        assert await response.json() == {
            "error": {
                "code": 401,
                "reason": "Unauthorized",
                "description": "The request requires user authentication.",
            }
        }


async def test_without_accept_json_rocket_answers_html(
    api_base: str, scene: Scene, http: aiohttp.ClientSession
) -> None:
    url = f"{api_base}/invites/{scene.server_invite.code}"
    async with http.post(url, headers={"X-Session-Token": "wrong"}) as response:
        assert response.status == 401
        assert response.content_type == "text/html"
        assert "Unauthorized" in await response.text()


async def test_the_bot_header_wins_without_fallback(
    api_base: str, scene: Scene, http: aiohttp.ClientSession
) -> None:
    headers = {"X-Bot-Token": "invalid", "X-Session-Token": scene.bob.token}
    async with http.post(f"{api_base}/invites/{scene.server_invite.code}", headers=headers) as r:
        assert r.status == 401


async def test_typed_error_bodies_carry_a_location(
    api_base: str, scene: Scene, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{api_base}/invites/nOtThErE") as response:
        body = await response.json()
    assert response.status == 404
    assert body["type"] == "NotFound"
    assert body["location"].startswith("crates/")


async def test_optional_keys_are_absent_not_null(
    stoat: StoatEmulator, scene: Scene, api_base: str, http: aiohttp.ClientSession
) -> None:
    plain = stoat.add_server("Plain", owner=scene.bob)
    invite = stoat.add_invite(plain.channels[0], creator=scene.bob)
    async with http.get(f"{api_base}/invites/{invite.code}") as response:
        body = await response.json()
    assert set(body) == {
        "type",
        "code",
        "server_id",
        "server_name",
        "channel_id",
        "channel_name",
        "user_name",
        "member_count",
    }


async def test_unknown_routes_get_rockets_404(api_base: str, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{api_base}/nope", headers={"Accept": "application/json"}) as response:
        assert response.status == 404
        assert (await response.json())["error"]["code"] == 404
    async with http.put(f"{api_base}/invites/x", headers={"Accept": "application/json"}) as r:
        assert r.status == 404


async def test_overlong_audit_reason(
    api_base: str, scene: Scene, http: aiohttp.ClientSession
) -> None:
    headers = {"X-Session-Token": scene.alice.token, "X-Audit-Log-Reason": "x" * 513}
    async with http.delete(f"{api_base}/invites/{scene.server_invite.code}", headers=headers) as r:
        assert r.status == 400
        assert (await r.json())["type"] == "HeaderTooLarge"


async def test_rate_limit_windows_and_429_body(scene: Scene, http: aiohttp.ClientSession) -> None:
    now = [0.0]
    stoat = StoatEmulator(rate_limits=RateLimitConfig(limits={"any": 2}), clock=lambda: now[0])
    owner = stoat.add_user("owner")
    invite = stoat.add_invite(stoat.add_server("S", owner=owner).channels[0], creator=owner)
    async with stoat.serve() as api_base:
        url = f"{api_base}/invites/{invite.code}"
        seen = []
        for at in (0.0, 1.0, 2.5, 10.0):
            now[0] = at
            async with http.get(url) as response:
                seen.append(
                    (
                        response.status,
                        response.headers["X-RateLimit-Remaining"],
                        response.headers["X-RateLimit-Reset-After"],
                        await response.json() if response.status == 429 else None,
                    )
                )
    assert seen == [
        (200, "1", "10000", None),
        (200, "0", "9000", None),
        (429, "0", "7500", {"retry_after": 7500}),
        (200, "1", "10000", None),
    ]
    assert stoat.rate_limited == 1


async def test_without_a_limiter_no_headers(http: aiohttp.ClientSession) -> None:
    stoat = StoatEmulator(rate_limits=None)
    async with stoat.serve() as api_base, http.get(f"{api_base}/invites/x") as response:
        assert response.status == 404
        assert "X-RateLimit-Limit" not in response.headers


def test_seeding_rules() -> None:
    stoat = StoatEmulator()
    owner = stoat.add_user("owner")
    server = stoat.add_server("S", owner=owner)
    stoat.add_invite(server.channels[0], creator=owner, code="Testers")
    with pytest.raises(ValueError, match="taken"):
        stoat.add_invite(server.channels[0], creator=owner, code="Testers")
    with pytest.raises(ValueError, match="DirectMessage"):
        stoat.add_invite(stoat.add_direct_message(owner, owner), creator=owner)
    with pytest.raises(KeyError):
        server.channel("nope")
    assert "token" not in repr(owner)
    assert owner.token not in repr(owner)


async def test_emulated_platform_for_the_bridge_demo() -> None:
    async with emulated_platform() as demo:
        assert demo.platform == "stoat"
        refs = find_invites(demo.message)
        assert len(refs) == 2
        async with get_adapter("stoat", **demo.adapter_options) as adapter:
            for ref in refs:
                assert (await adapter.fetch_invite(ref.code)).code == ref.code
        assert find_invites(" ".join(demo.dead_links)) == [InviteRef("stoat", "GoneAway")]


def test_the_stoat_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "stoat"]) == 0
    out = capsys.readouterr().out
    for expected in ("AlreadyMember (AlreadyInServer)", "Banned", "UnsupportedOperation", "gone"):
        assert expected in out
    assert "UNEXPECTED" not in out
