"""The seam under every adapter: the ``Transport`` protocol, and ``MockTransport`` for tests.

An adapter's ``HTTPTransport`` decides everything about a request (URL, headers, token,
body, rate limits, retries) and hands the finished ``Request`` to a ``Transport``, which
only sends it. ``AiohttpTransport`` sends it over the network; ``MockTransport`` answers
it with a function of the test's, so an adapter's rate limiting, retries and error
mapping run unchanged on canned responses.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Protocol, runtime_checkable

from invitekit.errors import TransportError
from invitekit.http._messages import Request, Response

__all__ = ["Handler", "MockTransport", "Transport"]


@runtime_checkable
class Transport(Protocol):
    """Sends finished requests and returns complete responses."""

    async def send(self, request: Request) -> Response:
        """Send ``request`` and return the whole response, whatever its status.

        Raises:
            TransportError: The request did not complete (the adapter's retry policy
                decides whether it is sent again).
            InvalidArgument: The request cannot be sent as it is.
        """

    async def close(self) -> None:
        """Release what the transport holds; it is not used afterwards."""


Handler = Callable[[Request], "Response | Awaitable[Response]"]
"""What a ``MockTransport`` calls for each request: a plain or an async function."""


class MockTransport:
    """A ``Transport`` that answers every request with ``handler(request)``.

    The handler may be a plain or an async function; raising ``TransportError`` in it
    stands for a request that did not complete. Every request is kept in ``requests``,
    in order, so a test can assert what an adapter sent (token included: keep the test's
    token fake).

    Raises:
        TypeError: ``handler`` is not callable.
    """

    def __init__(self, handler: Handler) -> None:
        if not callable(handler):
            raise TypeError(f"a MockTransport needs a callable handler, got {handler!r}")
        self.handler = handler
        self.requests: list[Request] = []
        self.closed = False

    async def send(self, request: Request) -> Response:
        """Record ``request`` and return the handler's response.

        Raises:
            TransportError: The transport is closed, or the handler raised it.
            TypeError: The handler returned something other than a ``Response``.
        """
        if self.closed:
            raise TransportError("the mock transport is closed")
        self.requests.append(request)
        answer = self.handler(request)
        if inspect.isawaitable(answer):
            answer = await answer
        if not isinstance(answer, Response):
            raise TypeError(f"the handler returned {type(answer).__name__}, not a Response")
        return answer

    async def close(self) -> None:
        """Refuse further requests."""
        self.closed = True

    def __repr__(self) -> str:
        return f"<MockTransport {len(self.requests)} requests>"
