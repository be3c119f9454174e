"""HTTPTransport over real HTTP on loopback: retries, timeouts, error pages, sessions."""

from __future__ import annotations

import logging
import socket

import pytest

from invitekit import (
    BadRequest,
    Forbidden,
    HTTPError,
    InvalidArgument,
    NotFound,
    ServerError,
    TransportError,
    Unauthorized,
)
from invitekit.http import (
    Credential,
    FormPart,
    HTTPTransport,
    MockTransport,
    Request,
    Response,
    RetryPolicy,
    Route,
    Secret,
)
from tests.http._support import ManualTime, Reply, ScriptedServer

TOKEN = "tok.SECRET-1234567890"
GET = Route("GET", "/things/{id}", {"id": "1"})
POST = Route("POST", "/things")
PUT = Route("PUT", "/things/{id}", {"id": "1"})
DELETE = Route("DELETE", "/things/{id}", {"id": "1"})


def make(server: ScriptedServer, time: ManualTime, **options: object) -> HTTPTransport:
    settings: dict[str, object] = {"platform": "test", "clock": time, "sleep": time.sleep}
    settings.update(options)
    return HTTPTransport(server.url, **settings)  # type: ignore[arg-type]


async def test_get_returns_the_response_and_sends_default_headers(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    server.script(Reply(body={"ok": True}))
    credential = Credential("Authorization", Secret(TOKEN), scheme="Bot")
    async with make(server, manual_time, credential=credential, user_agent="UA/1") as transport:
        response = await transport.request(GET, params={"with_counts": "true"})
    assert response.status == 200
    assert response.body == b'{"ok":true}'
    assert response.is_json
    seen = server.seen[0]
    assert (seen.method, seen.path, seen.query) == ("GET", "/things/1", {"with_counts": "true"})
    assert seen.headers["authorization"] == f"Bot {TOKEN}"
    assert seen.headers["user-agent"] == "UA/1"


async def test_path_parameters_are_percent_encoded_whole(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    route = Route("GET", "/things/{id}", {"id": "a/../b c"})
    async with make(server, manual_time) as transport:
        await transport.request(route)
    assert server.seen[0].path == "/things/a/../b c"  # aiohttp's view, decoded
    assert route.path == "/things/a%2F..%2Fb%20c"


async def test_a_query_name_may_repeat() -> None:
    sent: list[Request] = []

    def answer(request: Request) -> Response:
        sent.append(request)
        return Response(200, {"content-type": "application/json"}, b"{}")

    transport = HTTPTransport("http://127.0.0.1:1", transport=MockTransport(answer))
    async with transport:
        await transport.request(GET, params=[("via", "a.org"), ("via", "b c.org")])
    assert sent[0].url == "http://127.0.0.1:1/things/1?via=a.org&via=b%20c.org"


async def test_json_and_form_bodies(server: ScriptedServer, manual_time: ManualTime) -> None:
    async with make(server, manual_time) as transport:
        await transport.request(POST, json={"max_age": 0}, headers={"X-Extra": "1"})
        await transport.request(
            PUT, form=[FormPart("file", b"user_id\n1\n", filename="u.csv", content_type="text/csv")]
        )
        with pytest.raises(InvalidArgument):
            await transport.request(POST, json={}, form=[FormPart("a", "b")])
    first, second = server.seen
    assert first.headers["content-type"] == "application/json"
    assert first.headers["x-extra"] == "1"
    assert first.body == b'{"max_age":0}'
    assert second.headers["content-type"].startswith("multipart/form-data")
    assert b'filename="u.csv"' in second.body
    assert b"user_id\n1\n" in second.body


@pytest.mark.parametrize("route", [GET, PUT, DELETE], ids=str)
async def test_idempotent_requests_are_retried_after_server_errors(
    server: ScriptedServer, manual_time: ManualTime, route: Route
) -> None:
    server.script(Reply(500), Reply(502, "<html>bad gateway</html>", content_type="text/html"))
    async with make(server, manual_time) as transport:
        response = await transport.request(route)
    assert response.status == 200
    assert len(server.seen) == 3
    assert manual_time.sleeps == [0.5, 1.0]


async def test_post_is_never_retried_after_a_server_error(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    server.script(Reply(500, {"message": "boom"}))
    async with make(server, manual_time) as transport:
        with pytest.raises(ServerError) as caught:
            await transport.request(POST, json={})
    assert caught.value.status == 500
    assert len(server.seen) == 1
    assert manual_time.sleeps == []


async def test_retries_run_out(server: ScriptedServer, manual_time: ManualTime) -> None:
    server.script(*[Reply(503)] * 5)
    retry = RetryPolicy(max_retries=2, backoff=1.0)
    async with make(server, manual_time, retry=retry) as transport:
        with pytest.raises(ServerError) as caught:
            await transport.request(GET)
    assert caught.value.status == 503
    assert len(server.seen) == 3
    assert manual_time.sleeps == [1.0, 2.0]


async def test_a_retry_after_header_on_a_server_error_lengthens_the_backoff(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    server.script(Reply(503, headers={"Retry-After": "7"}))
    async with make(server, manual_time) as transport:
        await transport.request(GET)
    assert manual_time.sleeps == [7.0]


async def test_dropped_connections_are_retried_for_get_only(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    server.script(Reply(drop=True))
    async with make(server, manual_time) as transport:
        assert (await transport.request(GET)).status == 200
        assert len(server.seen) == 2
        server.script(Reply(drop=True))
        with pytest.raises(TransportError) as caught:
            await transport.request(POST, json={})
    assert len(server.seen) == 3
    assert isinstance(caught.value.__cause__, Exception)
    assert caught.value.platform == "test"


async def test_timeouts_become_transport_errors_and_post_is_not_resent(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    server.script(Reply(delay=5.0))
    async with make(server, manual_time, timeout=0.2) as transport:
        with pytest.raises(TransportError, match="timed out") as caught:
            await transport.request(POST, json={})
    assert len(server.seen) == 1
    assert caught.value.__cause__ is not None


async def test_timeouts_are_retried_for_get(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    server.script(Reply(delay=5.0), Reply(body={"second": True}))
    async with make(server, manual_time, timeout=0.3) as transport:
        response = await transport.request(GET)
    assert response.body == b'{"second":true}'
    assert len(server.seen) == 2


async def test_unreachable_hosts_become_transport_errors(manual_time: ManualTime) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    credential = Credential("Authorization", Secret(TOKEN), scheme="Bot")
    transport = HTTPTransport(
        f"http://127.0.0.1:{port}",
        credential=credential,
        retry=RetryPolicy(max_retries=1),
        clock=manual_time,
        sleep=manual_time.sleep,
    )
    async with transport:
        with pytest.raises(TransportError) as caught:
            await transport.request(GET)
    assert TOKEN not in str(caught.value)
    assert TOKEN not in repr(caught.value)
    assert manual_time.sleeps == [0.5]


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, BadRequest), (401, Unauthorized), (403, Forbidden), (404, NotFound), (418, HTTPError)],
)
async def test_html_error_pages_become_typed_errors_with_the_status(
    server: ScriptedServer, manual_time: ManualTime, status: int, error: type[HTTPError]
) -> None:
    server.script(
        Reply(
            status,
            "<!DOCTYPE html><title>Access denied | Cloudflare</title>",
            content_type="text/html",
            headers={"CF-RAY": "8a1b2c3d4e5f-FRA"},
        )
    )
    async with make(server, manual_time) as transport:
        with pytest.raises(error) as caught:
            await transport.request(POST, json={})
    assert type(caught.value) is error
    assert caught.value.status == status
    assert caught.value.code is None
    assert "non-JSON (text/html)" in caught.value.message
    assert "Cloudflare" in caught.value.message


async def test_the_error_mapper_decides_the_error(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    seen: list[tuple[int, str]] = []

    def mapper(response: Response, route: Route) -> HTTPError:
        seen.append((response.status, str(route)))
        return NotFound("mapped", platform="test", status=response.status, code=42)

    server.script(Reply(404, {"code": 42}))
    async with make(server, manual_time, error_mapper=mapper) as transport:
        with pytest.raises(NotFound, match="mapped") as caught:
            await transport.request(GET)
    assert caught.value.code == 42
    assert seen == [(404, "GET /things/{id}")]


async def test_one_session_opened_lazily_and_closed(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    transport = make(server, manual_time)
    assert not transport.session_open
    await transport.request(GET)
    await transport.request(GET)
    assert transport.session_open
    assert len({seen.headers.get("host") for seen in server.seen}) == 1
    await transport.close()
    assert not transport.session_open
    assert transport.closed
    with pytest.raises(TransportError, match="closed"):
        await transport.request(GET)
    await transport.close()


async def test_closing_an_unused_transport_is_fine(manual_time: ManualTime) -> None:
    transport = HTTPTransport("http://127.0.0.1:9", clock=manual_time, sleep=manual_time.sleep)
    await transport.close()
    assert transport.closed
    assert not transport.session_open


async def test_tokens_stay_out_of_reprs_errors_and_logs(
    server: ScriptedServer, manual_time: ManualTime, caplog: pytest.LogCaptureFixture
) -> None:
    secret = Secret(TOKEN)
    credential = Credential("Authorization", secret, scheme="Bot")
    server.script(Reply(401, {"message": "401: Unauthorized", "code": 0}))
    caplog.set_level(logging.DEBUG, logger="invitekit")
    async with make(server, manual_time, credential=credential) as transport:
        with pytest.raises(Unauthorized) as caught:
            await transport.request(GET)
        texts = [repr(secret), str(secret), repr(credential), repr(transport), str(transport)]
    texts += [str(caught.value), repr(caught.value), caplog.text]
    assert all(TOKEN not in text for text in texts)
    assert caplog.records  # the transport did log, just not the token
    assert server.seen[0].headers["authorization"] == f"Bot {TOKEN}"
    assert secret.scrub(f"x{TOKEN}y") == "x********y"


def test_secrets_refuse_header_injection_and_pickling() -> None:
    import pickle

    with pytest.raises(ValueError, match="control"):
        Secret("abc\r\nX-Evil: 1")
    with pytest.raises(ValueError, match="non-empty"):
        Secret("")
    with pytest.raises(TypeError):
        pickle.dumps(Secret(TOKEN))
    assert Secret("a") == Secret("a")
    assert Secret("a") != Secret("b")


BAD_HEADERS = [
    {"X-Bad": "a\x00b"},
    {"X-Bad": "a\r\nX-Evil: 1"},
    {"X-Bad": "a\nb"},
    {"X-Bad": "a\x7fb"},
    {"X Bad": "a"},
    {"X-Bad:": "a"},
    {"": "a"},
    {"X-Bad\r\nX-Evil": "a"},
]


@pytest.mark.parametrize("headers", BAD_HEADERS)
async def test_headers_that_cannot_travel_are_refused_before_sending(
    server: ScriptedServer, manual_time: ManualTime, headers: dict[str, str]
) -> None:
    with pytest.raises(InvalidArgument):
        make(server, manual_time, headers=headers)
    async with make(server, manual_time) as transport:
        with pytest.raises(InvalidArgument):
            await transport.request(GET, headers=headers)
        # A refused request holds no place in its bucket: the next one goes out.
        server.script(Reply(body={}))
        await transport.request(GET, headers={"X-Fine": "tab\tand ünïcode"})
    assert len(server.seen) == 1
    assert server.seen[0].headers["x-fine"].startswith("tab\tand")


def test_a_user_agent_with_a_line_break_is_refused(
    server: ScriptedServer, manual_time: ManualTime
) -> None:
    with pytest.raises(InvalidArgument):
        make(server, manual_time, user_agent="bot/1\r\nX-Evil: 1")


def test_options_are_validated() -> None:
    with pytest.raises(InvalidArgument):
        HTTPTransport("ftp://example.com")
    with pytest.raises(InvalidArgument):
        HTTPTransport("https://example.com", timeout=0)
    with pytest.raises(InvalidArgument):
        HTTPTransport("https://example.com", max_wait=-1)
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError, match="upper-case"):
        Route("get", "/x")
    with pytest.raises(ValueError, match="start with"):
        Route("GET", "x")
