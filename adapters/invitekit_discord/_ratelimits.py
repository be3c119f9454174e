"""Discord's rate limits as the core transport needs them.

Discord counts per route, split by the top-level resource in the path (a channel or a
guild id), and names shared buckets in ``X-RateLimit-Bucket``. Invite codes are not a
top-level resource, so every ``/invites/{code}`` call shares one bucket whatever the
code. Times are in seconds; a 429 body's ``retry_after`` and ``global`` win over headers.
"""

from __future__ import annotations

from invitekit.http import (
    RateLimitInfo,
    Response,
    Route,
    RouteKey,
    parse_rate_limit_headers,
    parse_retry_after,
)
from invitekit_discord._errors import read_error_body

__all__ = ["MAJOR_PARAMETERS", "DiscordRateLimits"]

MAJOR_PARAMETERS = ("channel_id", "guild_id", "webhook_id")


class DiscordRateLimits:
    """The ``RateLimitPolicy`` of Discord's REST API."""

    def route_key(self, route: Route) -> RouteKey:
        """Key a route by method and template plus its top-level resource id."""
        for name in MAJOR_PARAMETERS:
            value = route.params.get(name)
            if value is not None:
                return RouteKey(str(route), f"{name}={value}")
        return RouteKey(str(route))

    def parse(self, response: Response) -> RateLimitInfo:
        """Read ``X-RateLimit-*`` headers and, on a 429, the body's ``retry_after``."""
        info = parse_rate_limit_headers(response.headers)
        is_global = info.is_global or response.header("x-ratelimit-scope") == "global"
        if response.status != 429 and is_global == info.is_global:
            return info
        retry_after = None
        if response.status == 429:
            body = read_error_body(response)
            if body is not None:
                retry_after = body.retry_after
                is_global = is_global or bool(body.global_)
            if retry_after is None or retry_after < 0:
                retry_after = parse_retry_after(response.headers)
        return RateLimitInfo(
            bucket=info.bucket,
            limit=info.limit,
            remaining=info.remaining,
            reset_after=info.reset_after,
            retry_after=retry_after,
            is_global=is_global,
        )
