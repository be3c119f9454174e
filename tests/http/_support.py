"""Test support for the transport: a manual clock and a scripted HTTP server on loopback."""

from __future__ import annotations

import asyncio
import socket
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import msgspec
from aiohttp import web

__all__ = ["ManualTime", "Reply", "ScriptedServer", "Seen", "serve"]


class ManualTime:
    """A monotonic clock that moves only when something sleeps on it."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@dataclass
class Reply:
    """One scripted response."""

    status: int = 200
    body: object = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    delay: float = 0.0
    """Real seconds to stall before answering (for timeouts)."""
    drop: bool = False
    """Close the connection instead of answering."""


@dataclass(frozen=True)
class Seen:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    at: float | None = None
    """The ``ManualTime`` reading when the request arrived, if the server has one."""


class ScriptedServer:
    """Answers requests from a queue of ``Reply`` objects (then with ``200 {}``)."""

    def __init__(self, clock: ManualTime | None = None) -> None:
        self.clock = clock
        self.replies: deque[Reply] = deque()
        self.seen: list[Seen] = []
        self.url = ""

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append(
            Seen(
                request.method,
                request.path,
                dict(request.query),
                {k.lower(): v for k, v in request.headers.items()},
                await request.read(),
                None if self.clock is None else self.clock(),
            )
        )
        reply = self.replies.popleft() if self.replies else Reply()
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.drop:
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        if isinstance(reply.body, (bytes, str)):
            body = reply.body.encode() if isinstance(reply.body, str) else reply.body
            content_type = reply.content_type or "text/plain"
        else:
            body = msgspec.json.encode(reply.body)
            content_type = reply.content_type or "application/json"
        response = web.Response(status=reply.status, body=body, headers=reply.headers)
        response.content_type = content_type
        return response

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    """Run ``app`` on 127.0.0.1 on a free port; yield its base URL."""
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", 0))
        site = web.SockSite(runner, sock)
        await site.start()
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        await runner.cleanup()
        sock.close()
