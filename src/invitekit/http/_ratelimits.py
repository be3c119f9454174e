"""What a platform says about its rate limits, and how an adapter tells the transport.

The transport is platform-neutral. An adapter hands it a ``RateLimitPolicy``: which
routes share limits before the platform has said anything (``route_key``), and how to
read the platform's rate-limit headers and 429 bodies (``parse``). The helpers below
read the common ``X-RateLimit-*`` family in any time unit.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import NamedTuple, Protocol

from invitekit._validation import is_count, is_number
from invitekit.http._messages import Response, Route

__all__ = [
    "DefaultRateLimits",
    "RateLimitInfo",
    "RateLimitPolicy",
    "RouteKey",
    "Throttle",
    "parse_rate_limit_headers",
    "parse_retry_after",
]


class RouteKey(NamedTuple):
    """Which limits a route counts against.

    Attributes:
        route: Routes with the same value share a bucket until the platform names one
            (``"GET /invites/{code}"``).
        resource: The top-level resource the platform counts separately (a channel or
            guild id); ``""`` when there is none.
    """

    route: str
    resource: str = ""


@dataclass(frozen=True)
class RateLimitInfo:
    """The rate-limit facts one response carries; every field may be unknown.

    Attributes:
        bucket: The platform's id for the bucket; routes reporting the same id share it.
        limit: Requests the bucket allows per window.
        remaining: Requests left in the current window.
        reset_after: Seconds until the bucket refills.
        retry_after: Seconds to wait before trying again (429 responses).
        is_global: The 429 applies to every route, not just this bucket.
    """

    bucket: str | None = None
    limit: int | None = None
    remaining: int | None = None
    reset_after: float | None = None
    retry_after: float | None = None
    is_global: bool = False


@dataclass(frozen=True)
class Throttle:
    """A client-side cap: at most ``limit`` requests per ``period`` seconds.

    For limits a platform enforces without announcing them (Discord's invite lookups).

    Raises:
        ValueError: ``limit`` is below 1 or ``period`` is not positive.
    """

    limit: int
    period: float

    def __post_init__(self) -> None:
        if not is_count(self.limit) or self.limit < 1:
            raise ValueError(f"throttle limit must be a positive integer: {self.limit!r}")
        if not is_number(self.period) or self.period <= 0:
            raise ValueError(f"throttle period must be a positive number: {self.period!r}")


class RateLimitPolicy(Protocol):
    """What an adapter tells the transport about its platform's rate limits."""

    def route_key(self, route: Route) -> RouteKey:
        """Return the limits ``route`` counts against."""
        ...

    def parse(self, response: Response) -> RateLimitInfo:
        """Read the rate-limit facts of ``response``; never raises."""
        ...


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _integer(value: str | None) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def parse_rate_limit_headers(
    headers: Mapping[str, str], *, unit: float = 1.0, prefix: str = "x-ratelimit-"
) -> RateLimitInfo:
    """Read ``{prefix}bucket``, ``limit``, ``remaining``, ``reset-after`` and ``global``.

    Args:
        headers: Response headers with lower-case names.
        unit: Seconds per unit of ``reset-after`` (1 for seconds, 0.001 for milliseconds).
        prefix: The lower-case header prefix.

    Malformed or negative values count as absent.
    """
    reset_name, global_name, bucket_name, limit_name, remaining_name = _header_names(prefix)
    reset_after = _number(headers.get(reset_name))
    is_global = headers.get(global_name, "").strip().lower() in {"true", "1"}
    return RateLimitInfo(
        bucket=headers.get(bucket_name) or None,
        limit=_integer(headers.get(limit_name)),
        remaining=_integer(headers.get(remaining_name)),
        reset_after=None if reset_after is None else reset_after * unit,
        is_global=is_global,
    )


# Every response is read with these: the names are built once per prefix.
@functools.lru_cache(maxsize=16)
def _header_names(prefix: str) -> tuple[str, str, str, str, str]:
    return (
        f"{prefix}reset-after",
        f"{prefix}global",
        f"{prefix}bucket",
        f"{prefix}limit",
        f"{prefix}remaining",
    )


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Read a ``Retry-After`` header: delay seconds or an HTTP date (RFC 9110, 10.2.3).

    A date in the past gives ``0.0``; a malformed value gives ``None``.
    """
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _number(value.strip())
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class DefaultRateLimits:
    """A ``RateLimitPolicy`` for APIs with ``X-RateLimit-*`` headers counted in seconds.

    Every distinct method and path template is its own route; there are no resources.
    """

    def route_key(self, route: Route) -> RouteKey:
        """Return ``RouteKey("GET /path/{x}")``."""
        return RouteKey(str(route))

    def parse(self, response: Response) -> RateLimitInfo:
        """Read ``X-RateLimit-*`` headers, with ``Retry-After`` as the retry delay."""
        info = parse_rate_limit_headers(response.headers)
        retry_after = parse_retry_after(response.headers)
        if retry_after is None:
            return info
        return RateLimitInfo(
            bucket=info.bucket,
            limit=info.limit,
            remaining=info.remaining,
            reset_after=info.reset_after,
            retry_after=retry_after,
            is_global=info.is_global,
        )
