"""A clock a test can move by hand."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

__all__ = ["FakeClock"]


class FakeClock:
    """A settable clock: call it for the current time, ``advance`` it to move on.

    Args:
        start: The initial time; must be timezone-aware. Defaults to 2026-01-01 UTC.

    Raises:
        ValueError: ``start`` is naive, or ``advance`` would move backwards.
    """

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2026, 1, 1, tzinfo=timezone.utc)
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start time")
        self._now = start

    def __call__(self) -> datetime:
        return self._now

    def advance(self, seconds: float = 0.0, **delta: float) -> datetime:
        """Move the clock forward by ``seconds`` plus any ``timedelta`` keywords.

        Raises:
            ValueError: The total step is negative.
        """
        step = timedelta(seconds=seconds, **delta)
        if step < timedelta(0):
            raise ValueError("a FakeClock only moves forward")
        self._now += step
        return self._now

    def __repr__(self) -> str:
        return f"FakeClock({self._now.isoformat()})"
