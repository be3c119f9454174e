"""The emulated rate limiter: the backend's fixed windows and its headers."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["FixedWindows", "RateLimitConfig"]


@dataclass(frozen=True)
class RateLimitConfig:
    """Fixed windows per token (or client address), bucket and resource, as the backend
    keeps them.

    Args:
        window: The window length in seconds (the backend's is 10).
        limits: Calls per window per bucket: ``any`` (``/invites/*`` and everything not
            listed), ``channels`` (per channel id), ``servers`` (per server id).
    """

    window: float = 10.0
    limits: Mapping[str, int] = field(
        default_factory=lambda: {"any": 20, "channels": 15, "servers": 5}
    )


@dataclass
class _Window:
    started: float
    count: int = 0


def bucket_of(path: str) -> tuple[str, str]:
    """Return the bucket and resource of an API path (below any base path and ``/0.8``)."""
    parts = path.removeprefix("/0.8").strip("/").split("/")
    if len(parts) >= 2 and parts[0] in ("channels", "servers"):
        return parts[0], parts[1]
    return "any", ""


class FixedWindows:
    """Counts requests and answers with the backend's ``X-RateLimit-*`` headers."""

    def __init__(self, config: RateLimitConfig, clock: Callable[[], float]) -> None:
        self.config = config
        self._clock = clock
        self._windows: dict[tuple[str, str, str], _Window] = {}

    def hit(self, key: str, path: str) -> tuple[dict[str, str], int | None]:
        """Count a request by ``key`` (a user id or an address) to ``path``.

        Returns the headers to send and, when the bucket is exhausted, the
        milliseconds to wait (the request is then refused and not counted).
        """
        config = self.config
        bucket, resource = bucket_of(path)
        limit = config.limits.get(bucket, config.limits.get("any", 20))
        now = self._clock()
        window = self._windows.get((key, bucket, resource))
        if window is None or now >= window.started + config.window:
            window = self._windows[(key, bucket, resource)] = _Window(started=now)
        reset_after = max(0, round((window.started + config.window - now) * 1000))
        digest = hashlib.blake2b(f"{bucket}:{resource}".encode(), digest_size=8).digest()
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Bucket": str(int.from_bytes(digest, "big")),
            "X-RateLimit-Reset-After": str(reset_after),
        }
        if window.count >= limit:
            headers["X-RateLimit-Remaining"] = "0"
            return headers, reset_after
        window.count += 1
        headers["X-RateLimit-Remaining"] = str(limit - window.count)
        return headers, None
