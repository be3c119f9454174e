"""Stoat's rate limits, told to the core transport.

The backend keeps fixed 10-second windows per bucket and resource: ``servers`` counts per
server id, ``channels`` per channel id, and ``/invites/*`` falls in the catch-all
``any``. Every response carries ``X-RateLimit-Limit``/``-Remaining``/``-Bucket`` and
``X-RateLimit-Reset-After`` in **milliseconds**; a 429 carries ``{"retry_after": ms}``.
"""

from __future__ import annotations

import msgspec

from invitekit.decoding import DECODE_ERRORS
from invitekit.http import RateLimitInfo, Response, Route, RouteKey, parse_rate_limit_headers

__all__ = ["StoatRateLimits"]

_MILLISECONDS = 0.001


class _RetryAfter(msgspec.Struct):
    retry_after: float | None = None


_RETRY_AFTER: msgspec.json.Decoder[_RetryAfter] = msgspec.json.Decoder(_RetryAfter)


class StoatRateLimits:
    """The ``RateLimitPolicy`` for Stoat's API."""

    def route_key(self, route: Route) -> RouteKey:
        """Return the backend's bucket and resource for ``route``."""
        parts = route.template.split("/")
        if len(parts) > 2 and parts[1] in ("servers", "channels"):
            # The resource id is the route's first parameter ({server} or {channel}).
            name = parts[2].strip("{}")
            return RouteKey(parts[1], route.params.get(name, ""))
        return RouteKey("any")

    def parse(self, response: Response) -> RateLimitInfo:
        """Read the ``X-RateLimit-*`` headers (milliseconds) and a 429's ``retry_after``."""
        info = parse_rate_limit_headers(response.headers, unit=_MILLISECONDS)
        retry_after = None
        if response.status == 429:
            try:
                retry_after = _RETRY_AFTER.decode(response.body).retry_after
            except DECODE_ERRORS:
                retry_after = None
            if retry_after is not None and retry_after < 0:
                retry_after = None
        return RateLimitInfo(
            # The route key already names the backend's bucket and resource; the
            # header's id is a hash of both, so following it would split one bucket's
            # state between resources.
            bucket=None,
            limit=info.limit,
            remaining=info.remaining,
            reset_after=info.reset_after,
            retry_after=None if retry_after is None else retry_after * _MILLISECONDS,
        )
