"""The one module that touches aiohttp, imported only when a request is about to be sent.

It owns one ``ClientSession``, opened on the first request and closed by ``close``, and
turns every aiohttp failure into ``TransportError`` with the cause chained.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode, urlsplit

from invitekit.errors import TransportError
from invitekit.http._credentials import Credential
from invitekit.http._messages import FormPart, Response

if TYPE_CHECKING:
    import aiohttp

__all__ = ["Session"]


class Session:
    """A lazily opened aiohttp session for one base URL.

    Args:
        platform: For error messages.
        timeout: Seconds a whole request (connect, send, read) may take.
        headers: Sent with every request.
        credential: Sent with every request; masked in every message.
    """

    def __init__(
        self,
        *,
        platform: str | None,
        timeout: float,
        headers: Mapping[str, str],
        credential: Credential | None,
    ) -> None:
        self._platform = platform
        self._timeout = timeout
        self._headers = dict(headers)
        self._credential = credential
        self._session: aiohttp.ClientSession | None = None

    @property
    def is_open(self) -> bool:
        """Whether an aiohttp session exists and is not closed."""
        return self._session is not None and not self._session.closed

    def _open(self) -> aiohttp.ClientSession:
        import aiohttp

        if self._session is None:
            headers = dict(self._headers)
            if self._credential is not None:
                headers[self._credential.header] = self._credential.header_value()
            self._session = aiohttp.ClientSession(
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self._timeout),
                # Cookies have no place in token-authenticated API calls.
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    async def send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        form: Sequence[FormPart] | None = None,
    ) -> Response:
        """Send one request and read the whole response.

        Raises:
            TransportError: The request did not complete (timeout, reset, refused, DNS).
        """
        import aiohttp

        session = self._open()
        if params:
            # Joined here rather than by aiohttp: building the URL once is cheaper.
            url = f"{url}{'&' if '?' in url else '?'}{urlencode(params, quote_via=quote)}"
        data: bytes | aiohttp.FormData | None = body
        if form is not None:
            data = aiohttp.FormData()
            for part in form:
                data.add_field(
                    part.name, part.value, filename=part.filename, content_type=part.content_type
                )
        try:
            async with session.request(method, url, headers=headers, data=data) as response:
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
            detail = f"{type(exc).__name__}: {exc}"
            if self._credential is not None:
                detail = self._credential.scrub(detail)
            raise TransportError(
                f"{method} {_path(url)} failed: {detail}", platform=self._platform
            ) from exc

    async def close(self) -> None:
        """Close the aiohttp session, if one was opened."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()


def _path(url: str) -> str:
    # Only the path: a query could carry something the caller wants kept out of logs.
    return urlsplit(url).path or "/"
