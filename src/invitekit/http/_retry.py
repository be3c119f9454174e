"""When to send a request again, and how long to wait first."""

from __future__ import annotations

from dataclasses import dataclass

from invitekit._validation import is_count, is_number

__all__ = ["RetryPolicy"]


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff.

    Failures that may have reached the server (timeouts, resets, the statuses in
    ``retry_statuses``) are retried for idempotent methods only: a ``POST`` that timed
    out may have created something, so it is never sent twice. A 429 is a refusal made
    before the request was acted on, so every method is sent again after the wait it
    asks for, within the same ``max_retries``.

    Args:
        max_retries: Further attempts after the first one (0 disables retrying).
        backoff: The first backoff delay in seconds; it doubles with every attempt.
        max_backoff: The longest backoff delay.
        retry_statuses: Server statuses worth another try.

    Raises:
        ValueError: A negative or non-finite number.
    """

    max_retries: int = 3
    backoff: float = 0.5
    max_backoff: float = 8.0
    retry_statuses: frozenset[int] = frozenset({500, 502, 503, 504, 520, 522, 524})

    def __post_init__(self) -> None:
        if not is_count(self.max_retries):
            raise ValueError(f"max_retries must be a non-negative integer: {self.max_retries!r}")
        for name in ("backoff", "max_backoff"):
            value = getattr(self, name)
            if not is_number(value) or value < 0:
                raise ValueError(f"{name} must be a non-negative number: {value!r}")

    def delay(self, attempt: int) -> float:
        """Return the backoff before retry number ``attempt`` (1 for the first retry)."""
        return float(min(self.max_backoff, self.backoff * 2 ** max(0, attempt - 1)))
