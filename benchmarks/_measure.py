"""Timing: contenders take turns, batch after batch, and the median batch counts.

Alternating (rather than running one contender's repeats back to back) spreads the
noise of a shared machine — other processes, CPU frequency, a garbage collection — over
every contender alike.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = ["Contender", "Role", "Timing", "calibrate", "time_alternating"]

Role = Literal["ours", "floor", "peer"]


@dataclass(frozen=True)
class Contender:
    """One way of doing a scenario's work: ``run()`` does one unit of it."""

    name: str
    role: Role
    run: Callable[[], object]


@dataclass(frozen=True)
class Timing:
    """Seconds per unit of work, one sample per batch."""

    contender: Contender
    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        """The median seconds per unit."""
        return statistics.median(self.samples)


def calibrate(run: Callable[[], object], budget: float) -> int:
    """How many calls of ``run`` fit in about ``budget`` seconds (at least one)."""
    start = time.perf_counter()
    run()
    once = max(time.perf_counter() - start, 1e-7)
    calls = 1
    # A first call can be slow (imports, caches); time a few more before trusting it.
    while once * calls < budget / 20 and calls < 1_000_000:
        calls *= 10
        start = time.perf_counter()
        for _ in range(calls):
            run()
        once = max((time.perf_counter() - start) / calls, 1e-9)
    return max(1, int(budget / once))


def time_alternating(
    contenders: Sequence[Contender], *, repeats: int, budget: float
) -> list[Timing]:
    """Time every contender ``repeats`` times, taking turns; each batch lasts ~``budget`` s.

    The starting contender rotates from one round to the next, so none always runs
    first (on a cold cache) or last.
    """
    numbers = [calibrate(c.run, budget) for c in contenders]
    samples: list[list[float]] = [[] for _ in contenders]
    for round_ in range(repeats):
        for offset in range(len(contenders)):
            index = (round_ + offset) % len(contenders)
            run, number = contenders[index].run, numbers[index]
            gc.collect()
            start = time.perf_counter()
            for _ in range(number):
                run()
            samples[index].append((time.perf_counter() - start) / number)
    return [Timing(c, tuple(s)) for c, s in zip(contenders, samples, strict=True)]
