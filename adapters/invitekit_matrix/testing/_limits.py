"""Synapse's rate limiting, as far as the stand-in needs it: a leaky bucket per account
and action (``rc_joins``, ``rc_room_creation``, ``rc_invites``)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["LeakyBuckets", "RateLimit"]


@dataclass(frozen=True)
class RateLimit:
    """``burst`` actions at once, then ``per_second`` more each second (Synapse's
    ``burst_count`` and ``per_second``)."""

    per_second: float
    burst: int


class LeakyBuckets:
    """One bucket per key; ``hit`` counts an action or says how long to wait."""

    def __init__(self, limit: RateLimit, clock: Callable[[], float]) -> None:
        self.limit = limit
        self._clock = clock
        self._levels: dict[str, tuple[float, float]] = {}
        """key → (actions still in the bucket, when that was measured)"""

    def hit(self, key: str) -> int | None:
        """Count an action of ``key``; ``None`` when allowed, else the milliseconds until
        one would be (the action is then not counted)."""
        now = self._clock()
        level, then = self._levels.get(key, (0.0, now))
        level = max(0.0, level - (now - then) * self.limit.per_second)
        if level + 1 > self.limit.burst:
            wait = (level + 1 - self.limit.burst) / self.limit.per_second
            self._levels[key] = (level, now)
            return max(1, math.ceil(wait * 1000))
        self._levels[key] = (level + 1, now)
        return None
