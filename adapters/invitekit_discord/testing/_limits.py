"""Server-side rate limits as Discord announces them: fixed windows per bucket and
resource, ``X-RateLimit-*`` headers on every response, 429s when a window is full."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["DEFAULT_LIMIT", "Limit", "Verdict", "Windows", "bucket_hash"]


@dataclass(frozen=True)
class Limit:
    """``limit`` requests per ``window`` seconds."""

    limit: int
    window: float


DEFAULT_LIMIT = Limit(50, 1.0)


@dataclass
class _Window:
    start: float
    count: int = 0


@dataclass(frozen=True)
class Verdict:
    """Whether a request may proceed, and the headers to send either way."""

    allowed: bool
    headers: dict[str, str]
    retry_after: float = 0.0


def bucket_hash(bucket: str) -> str:
    """The opaque id ``X-RateLimit-Bucket`` gives ``bucket``."""
    return hashlib.sha256(bucket.encode()).hexdigest()[:32]


def _seconds(value: float) -> str:
    return f"{max(0.0, value):.3f}"


class Windows:
    """Fixed windows keyed by ``(bucket, resource)``; the first request opens a window."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._windows: dict[tuple[str, str], _Window] = {}

    def reset(self) -> None:
        """Forget every window."""
        self._windows.clear()

    def check(self, bucket: str, resource: str, limit: Limit) -> Verdict:
        """Count a request against ``bucket``/``resource``, or refuse it."""
        now = self._clock()
        window = self._windows.get((bucket, resource))
        if window is None or now >= window.start + limit.window:
            window = self._windows[(bucket, resource)] = _Window(start=now)
        reset_after = window.start + limit.window - now
        allowed = window.count < limit.limit
        if allowed:
            window.count += 1
        headers = {
            "X-RateLimit-Limit": str(limit.limit),
            "X-RateLimit-Remaining": str(limit.limit - window.count),
            "X-RateLimit-Reset": _seconds(window.start + limit.window),
            "X-RateLimit-Reset-After": _seconds(reset_after),
            "X-RateLimit-Bucket": bucket_hash(bucket),
        }
        if not allowed:
            headers["Retry-After"] = str(math.ceil(reset_after))
        return Verdict(allowed, headers, reset_after)

    def check_global(self, who: str, limit: Limit) -> Verdict:
        """Count a request against the global limit of ``who`` (a bot or an address)."""
        verdict = self.check("global", who, limit)
        if verdict.allowed:
            return Verdict(True, {})
        headers = {
            "Retry-After": verdict.headers["Retry-After"],
            "X-RateLimit-Global": "true",
            "X-RateLimit-Scope": "global",
        }
        return Verdict(False, headers, verdict.retry_after)
