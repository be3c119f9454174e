"""How big each scenario runs: the full sizes of issue 6, or a smoke run for CI."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FULL", "SMOKE", "Settings"]


@dataclass(frozen=True)
class Settings:
    """Sizes and repeats for one run."""

    repeats: int
    """Timed batches per contender (the median counts)."""
    batch_seconds: float
    """About how long one timed batch of a decode contender lasts."""
    list_size: int
    """Invites in the decoded lists."""
    messages: int
    """Chat messages in the scan corpus."""
    lookups: int
    codes: int
    concurrency: int
    """Resolve: lookups of ``codes`` distinct codes, ``concurrency`` at a time."""
    memory_invites: int
    """Invites kept alive when measuring retained memory."""


FULL = Settings(
    repeats=7,
    batch_seconds=0.2,
    list_size=100,
    messages=100_000,
    lookups=1_000,
    codes=100,
    concurrency=50,
    memory_invites=100_000,
)
SMOKE = Settings(
    repeats=1,
    batch_seconds=0.002,
    list_size=10,
    messages=500,
    lookups=20,
    codes=5,
    concurrency=5,
    memory_invites=200,
)
