"""Matrix's rate limits, told to the core transport.

Homeservers announce no limits before they are reached: there are no rate-limit
headers. A 429 says ``{"errcode": "M_LIMIT_EXCEEDED", "retry_after_ms": n}``, and newer
servers add a ``Retry-After`` header (seconds). Synapse counts per account and per
kind of action (joins, room creation, invites, messages), so each endpoint is a
route of its own here and the transport learns its wait from the 429.
"""

from __future__ import annotations

import msgspec

from invitekit.decoding import DECODE_ERRORS
from invitekit.http import RateLimitInfo, Response, Route, RouteKey, parse_retry_after

__all__ = ["MatrixRateLimits"]

_MILLISECONDS = 0.001


class _RetryAfter(msgspec.Struct):
    retry_after_ms: float | None = None


_RETRY_AFTER: msgspec.json.Decoder[_RetryAfter] = msgspec.json.Decoder(_RetryAfter)


class MatrixRateLimits:
    """The ``RateLimitPolicy`` for a Matrix homeserver's Client-Server API."""

    def route_key(self, route: Route) -> RouteKey:
        """Return one route per method and endpoint (``POST /…/join/{room}``)."""
        return RouteKey(str(route))

    def parse(self, response: Response) -> RateLimitInfo:
        """Read a 429's wait: the body's ``retry_after_ms``, else ``Retry-After``."""
        if response.status != 429:
            return RateLimitInfo()
        try:
            milliseconds = _RETRY_AFTER.decode(response.body).retry_after_ms
        except DECODE_ERRORS:
            milliseconds = None
        if milliseconds is not None and milliseconds >= 0:
            return RateLimitInfo(retry_after=milliseconds * _MILLISECONDS)
        return RateLimitInfo(retry_after=parse_retry_after(response.headers))
