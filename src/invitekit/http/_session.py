"""``AiohttpTransport``: the one module that touches aiohttp, imported only when a request
is about to be sent.

It owns one ``ClientSession``, opened on the first request and closed by ``close``, and
turns every aiohttp failure into ``TransportError`` with the cause chained.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from invitekit.errors import InvalidArgument, TransportError
from invitekit.http._messages import Request, Response

if TYPE_CHECKING:
    import aiohttp

__all__ = ["AiohttpTransport"]


class AiohttpTransport:
    """The default ``Transport``: a lazily opened aiohttp session.

    Args:
        timeout: Seconds a whole request (connect, send, read) may take.
        platform: For error messages.
        scrub: Masks secrets in the messages of the errors it raises (an adapter passes
            its credential's ``scrub``).

    Raises:
        InvalidArgument: ``timeout`` is not a positive number.
    """

    def __init__(
        self,
        *,
        timeout: float = 15.0,
        platform: str | None = None,
        scrub: Callable[[str], str] | None = None,
    ) -> None:
        given: object = timeout  # callers' annotations are not checked at runtime
        if isinstance(given, bool) or not isinstance(given, (int, float)) or not given > 0:
            raise InvalidArgument(
                f"timeout must be a positive number: {timeout!r}", platform=platform
            )
        self._platform = platform
        self._timeout = float(timeout)
        self._scrub = scrub
        self._session: aiohttp.ClientSession | None = None

    @property
    def timeout(self) -> float:
        """Seconds a whole request may take."""
        return self._timeout

    @property
    def is_open(self) -> bool:
        """Whether an aiohttp session exists and is not closed."""
        return self._session is not None and not self._session.closed

    def _open(self) -> aiohttp.ClientSession:
        import aiohttp

        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._timeout),
                # Cookies have no place in token-authenticated API calls.
                cookie_jar=aiohttp.DummyCookieJar(),
            )
            # aiohttp re-sends an idempotent request once, unseen, when the connection
            # drops (RFC 9112, 9.3.1). The transport retries by its own policy, and a
            # send it does not see is one the rate limiter cannot count: that hidden
            # re-send is what earns a 429 at a window's edge. aiohttp has no public
            # switch for it; its own test client turns it off the same way.
            if hasattr(self._session, "_retry_connection"):
                self._session._retry_connection = False
        return self._session

    async def send(self, request: Request) -> Response:
        """Send one request and read the whole response.

        Raises:
            TransportError: The request did not complete (timeout, reset, refused, DNS).
            InvalidArgument: aiohttp refused to send it (a header it cannot carry).
        """
        import aiohttp

        session = self._open()
        data: bytes | aiohttp.FormData | None = request.body
        if request.form is not None:
            data = aiohttp.FormData()
            for part in request.form:
                data.add_field(
                    part.name, part.value, filename=part.filename, content_type=part.content_type
                )
        method, url = request.method, request.url
        try:
            async with session.request(
                method, url, headers=dict(request.headers), data=data
            ) as response:
                payload = await response.read()
                return Response(
                    status=response.status,
                    headers={name.lower(): value for name, value in response.headers.items()},
                    body=payload,
                )
        except asyncio.TimeoutError as exc:
            raise TransportError(
                f"{method} {_path(url)} timed out after {self._timeout:g}s", platform=self._platform
            ) from exc
        except aiohttp.ClientError as exc:
            raise TransportError(
                f"{method} {_path(url)} failed: {self._describe(exc)}", platform=self._platform
            ) from exc
        except ValueError as exc:
            # aiohttp refuses, before sending, what it cannot put on the wire (a header
            # with a control character, say): the caller's input, not the network.
            raise InvalidArgument(
                f"{method} {_path(url)} cannot be sent: {self._describe(exc)}",
                platform=self._platform,
            ) from exc

    def _describe(self, exc: BaseException) -> str:
        detail = f"{type(exc).__name__}: {exc}"
        return detail if self._scrub is None else self._scrub(detail)

    async def close(self) -> None:
        """Close the aiohttp session, if one was opened."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    def __repr__(self) -> str:
        return f"<AiohttpTransport timeout={self._timeout:g}s>"


def _path(url: str) -> str:
    # Only the path: a query could carry something the caller wants kept out of logs.
    return urlsplit(url).path or "/"
