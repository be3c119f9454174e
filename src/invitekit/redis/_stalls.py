"""``LoopWatch``: notices when this process's event loop ran late.

A process whose loop stalls (starved of CPU, a long collection, a blocking call) finds
every Redis call it had in flight timed out when it resumes, although Redis answered
long before. The fleet asks the watch whether a failed call overlapped such a stall
before it calls Redis unavailable.
"""

from __future__ import annotations

import asyncio
import math
import time

__all__ = ["LoopWatch"]

_PERIOD = 0.05
"""Seconds between two ticks of the watch."""


class LoopWatch:
    """Ticks every ``_PERIOD`` seconds on the running loop and remembers late ticks.

    Args:
        late: How much later than due a tick (or a failure) must come for the loop to
            count as stalled.
    """

    def __init__(self, late: float) -> None:
        self._late = late
        self._last_tick: float | None = None
        self._stall_ended = -math.inf
        self._handle: asyncio.TimerHandle | None = None

    def start(self) -> None:
        """Start ticking on the running loop, if not ticking already."""
        if self._handle is None:
            self._last_tick = time.monotonic()
            self._handle = asyncio.get_running_loop().call_later(_PERIOD, self._tick)

    def _tick(self) -> None:
        now = time.monotonic()
        if self._last_tick is not None and now - self._last_tick > _PERIOD + self._late:
            self._stall_ended = now
        self._last_tick = now
        self._handle = asyncio.get_running_loop().call_later(_PERIOD, self._tick)

    def stalled_since(self, moment: float) -> bool:
        """Whether the loop ran late at some point after ``moment`` (``time.monotonic``),
        or is late right now (its tick overdue)."""
        now = time.monotonic()
        overdue = self._last_tick is not None and now - self._last_tick > _PERIOD + self._late
        return overdue or self._stall_ended >= moment

    def stop(self) -> None:
        """Stop ticking."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
