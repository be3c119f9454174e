"""Faults for the local API emulators adapters ship: broken answers on demand.

An emulator keeps a ``FaultQueue``; each queued ``Fault`` spoils the answer to one
request. Some answer instead of the emulator, as a proxy or CDN in front of it would
(``Fault.respond``); the others let the emulator handle the request first — so a
``POST`` has really created something — and then spoil the delivery: the connection
drops before or during the body, the body trickles in too slowly, arrives cut short,
empty, or under the wrong content type::

    emulator.faults.add(Fault.reset_during_body(), times=2)
    emulator.faults.add(Fault.respond(502, CLOUDFLARE_502_PAGE))

Importing this module imports ``aiohttp.web``; ``import invitekit`` never does.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections import deque
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from enum import Enum

from aiohttp import web

__all__ = ["Fault", "FaultKind", "FaultQueue", "serve_on_loopback"]


class FaultKind(str, Enum):
    """What a ``Fault`` does to an answer."""

    RESPOND = "respond"
    """Answer with a canned response; the request is never handled."""
    STALL = "stall"
    """Wait before handling the request; the answer itself is the real one."""
    RESET = "reset"
    """Handle the request, then reset the connection before any byte of the answer."""
    RESET_DURING_BODY = "reset_during_body"
    """Handle the request, send the headers and half the body, then reset."""
    SLOW_BODY = "slow_body"
    """Handle the request, send the headers and half the body, the rest after a pause."""
    TRUNCATED = "truncated"
    """Handle the request, then send only the first half of its body, as a whole answer."""
    EMPTY = "empty"
    """Handle the request, then answer with its status and no body."""
    RETYPED = "retyped"
    """Handle the request, then send its body under another content type."""


@dataclass(frozen=True)
class Fault:
    """One spoilt answer. Build it with the class methods, not by hand."""

    kind: FaultKind
    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @classmethod
    def respond(
        cls,
        status: int,
        body: bytes | str = b"",
        *,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Fault:
        """Answer with this response instead of handling the request.

        A ``str`` body is sent as ``text/html`` unless ``content_type`` says otherwise,
        ``bytes`` as ``application/octet-stream``; no content type header is sent for an
        empty body without ``content_type``.
        """
        data = body.encode() if isinstance(body, str) else bytes(body)
        if content_type is None and data:
            content_type = "text/html" if isinstance(body, str) else "application/octet-stream"
        return cls(
            FaultKind.RESPOND, status, data, content_type=content_type, headers=dict(headers or {})
        )

    @classmethod
    def stall(cls, seconds: float) -> Fault:
        """Wait ``seconds`` (real time) before handling the request, as an overloaded
        server does; a stopping emulator cuts the wait short."""
        return cls(FaultKind.STALL, seconds=seconds)

    @classmethod
    def reset(cls) -> Fault:
        """Handle the request, then reset the connection before answering."""
        return cls(FaultKind.RESET)

    @classmethod
    def reset_during_body(cls) -> Fault:
        """Handle the request; send the headers and half the body, then reset."""
        return cls(FaultKind.RESET_DURING_BODY)

    @classmethod
    def slow_body(cls, seconds: float) -> Fault:
        """Handle the request; send the headers and half the body, the rest ``seconds``
        (real time) later. A stopping emulator cuts the pause short."""
        return cls(FaultKind.SLOW_BODY, seconds=seconds)

    @classmethod
    def truncated(cls) -> Fault:
        """Handle the request; answer with the first half of its body and a matching
        ``Content-Length``, so the HTTP message is whole and the JSON is not."""
        return cls(FaultKind.TRUNCATED)

    @classmethod
    def empty(cls, status: int | None = None) -> Fault:
        """Handle the request; answer with its status (or ``status``) and no body."""
        return cls(FaultKind.EMPTY, status)

    @classmethod
    def retyped(cls, content_type: str, body: bytes | str | None = None) -> Fault:
        """Handle the request; send its body (or ``body``) as ``content_type``."""
        data = b"" if body is None else body.encode() if isinstance(body, str) else bytes(body)
        return cls(FaultKind.RETYPED, body=data, content_type=content_type)

    @property
    def handled(self) -> bool:
        """Whether the emulator handles the request before the fault spoils the answer."""
        return self.kind is not FaultKind.RESPOND

    async def before(self, stopping: asyncio.Event) -> None:
        """Do what comes before the request is handled: the wait of a ``stall``."""
        if self.kind is FaultKind.STALL:
            await _pause(self.seconds, stopping)

    def canned(self) -> web.Response:
        """The response of a ``respond`` fault."""
        response = web.Response(status=self.status or 200, body=self.body, headers=self.headers)
        if self.content_type is not None:
            response.content_type = self.content_type
        return response

    async def deliver(
        self, request: web.Request, real: web.Response, stopping: asyncio.Event
    ) -> web.StreamResponse:
        """Send ``real``, the emulator's own answer to ``request``, spoilt.

        Raises:
            ValueError: This is a ``respond`` fault, which has no real answer to spoil.
        """
        body = real.body if isinstance(real.body, bytes) else b""
        if self.kind is FaultKind.RESPOND:
            raise ValueError("a respond fault replaces the answer; use canned()")
        if self.kind is FaultKind.STALL:
            return real
        if self.kind is FaultKind.RESET:
            _reset(request)
            return web.Response(status=real.status)
        if self.kind in (FaultKind.TRUNCATED, FaultKind.EMPTY, FaultKind.RETYPED):
            spoilt = web.Response(status=self.status or real.status, headers=_kept(real))
            if self.kind is FaultKind.TRUNCATED:
                spoilt.body = body[: len(body) // 2]
                spoilt.content_type = real.content_type
            elif self.kind is FaultKind.RETYPED:
                spoilt.body = self.body or body
                spoilt.content_type = self.content_type or "text/plain"
            return spoilt
        stream = web.StreamResponse(status=real.status, headers=_kept(real))
        stream.content_type = real.content_type
        stream.content_length = len(body)
        # The client may well have given up by the time the rest is due.
        with suppress(ConnectionError):
            await stream.prepare(request)
            await stream.write(body[: len(body) // 2])
            if self.kind is FaultKind.RESET_DURING_BODY:
                _reset(request)
                return stream
            await _pause(self.seconds, stopping)
            await stream.write(body[len(body) // 2 :])
            await stream.write_eof()
        return stream


async def _pause(seconds: float, stopping: asyncio.Event) -> None:
    with suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stopping.wait(), seconds)


def _kept(response: web.Response) -> dict[str, str]:
    """The headers of ``response`` a spoilt copy keeps: not those about its body."""
    dropped = {"content-length", "content-type", "transfer-encoding"}
    return {k: v for k, v in response.headers.items() if k.lower() not in dropped}


def _reset(request: web.Request) -> None:
    """Abort the connection with a TCP reset, not an orderly close."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


class FaultQueue:
    """Faults waiting for requests: queued ones first, each once, then any schedule.

    ``add`` queues faults for the very next requests; ``every`` spoils every n-th
    request from then on, taking its faults in turn — steady trouble for load tests.
    """

    def __init__(self) -> None:
        self._queue: deque[Fault] = deque()
        self._schedule: tuple[Fault, ...] = ()
        self._period = 0
        self._seen = 0
        self._served = 0

    def add(self, fault: Fault, *, times: int = 1) -> None:
        """Spoil the answers to the next ``times`` requests with ``fault``.

        Raises:
            ValueError: ``times`` is below 1.
        """
        if times < 1:
            raise ValueError(f"times must be at least 1, got {times}")
        self._queue.extend([fault] * times)

    def every(self, period: int, faults: Iterable[Fault]) -> None:
        """Spoil every ``period``-th request from now on with ``faults``, in turn.

        An empty ``faults`` stops the schedule.

        Raises:
            ValueError: ``period`` is below 1.
        """
        if period < 1:
            raise ValueError(f"period must be at least 1, got {period}")
        self._schedule, self._period, self._seen = tuple(faults), period, 0

    def pop(self) -> Fault | None:
        """Return the fault for the request that just arrived, if any."""
        if self._queue:
            return self._queue.popleft()
        if not self._schedule:
            return None
        self._seen += 1
        if self._seen % self._period:
            return None
        fault = self._schedule[self._served % len(self._schedule)]
        self._served += 1
        return fault

    def clear(self) -> None:
        """Forget every queued fault and the schedule."""
        self._queue.clear()
        self._schedule = ()

    def __len__(self) -> int:
        """The number of queued faults (the schedule not counted)."""
        return len(self._queue)


@asynccontextmanager
async def serve_on_loopback(
    app: web.Application, *, path: str, stopping: asyncio.Event, host: str = "127.0.0.1"
) -> AsyncIterator[str]:
    """Serve ``app`` on ``host`` at a free port; yield ``http://host:port{path}``.

    Every emulator serves this way. On leaving, ``stopping`` is set first, so stalls and
    slow bodies still running end at once, and the server shuts down within a second.

    Raises:
        OSError: The socket could not be opened.
    """
    runner = web.AppRunner(
        app, access_log=None, handle_signals=False, handler_cancellation=True, shutdown_timeout=1.0
    )
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((host, 0))
        await web.SockSite(runner, sock).start()
        yield f"http://{host}:{sock.getsockname()[1]}{path}"
    finally:
        stopping.set()
        await runner.cleanup()
        sock.close()
