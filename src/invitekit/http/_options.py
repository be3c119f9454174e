"""``TransportOptions``: what every network adapter lets its users tune, built in one place."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from typing_extensions import TypedDict

from invitekit.errors import InvalidArgument
from invitekit.http._credentials import Credential
from invitekit.http._errors import ErrorMapper
from invitekit.http._limiter import RateLimitStore
from invitekit.http._ratelimits import RateLimitPolicy, Throttle
from invitekit.http._retry import RetryPolicy
from invitekit.http._transport import HTTPTransport
from invitekit.http._transports import Transport

__all__ = ["TransportKwargs", "TransportOptions"]


class TransportKwargs(TypedDict, total=False):
    """The keyword arguments every HTTP adapter takes, as ``**options``; each is a field
    of ``TransportOptions``, where it is documented."""

    timeout: float
    max_retries: int
    wait_for_rate_limits: bool
    max_wait: float | None
    rate_limit_store: RateLimitStore | None
    clock: Callable[[], float]
    sleep: Callable[[float], Awaitable[Any]]
    allow_insecure: bool
    transport: Transport | None


@dataclass(frozen=True)
class TransportOptions:
    """The options an adapter's users tune, the same on every platform.

    An adapter takes them as keyword arguments (``**options: Unpack[TransportKwargs]``)
    and hands them here; ``build`` adds what the platform decides (base URL, error
    mapping, rate-limit policy, credential).

    Raises:
        TypeError: On construction, an option that is not one of these.
    """

    timeout: float = 15.0
    """Seconds one request attempt (connect, send, read the body) may take."""
    max_retries: int = 3
    """Retries after a 429, and after a failure of an idempotent request."""
    wait_for_rate_limits: bool = True
    """Wait when a rate limit is reached; ``False`` raises ``RateLimited`` at once."""
    max_wait: float | None = 60.0
    """The longest single rate-limit wait before ``RateLimited`` (``None``: no bound)."""
    rate_limit_store: RateLimitStore | None = None
    """Where rate-limit state lives: the adapter's own memory by default; a shared store
    (``invitekit.redis``) makes every process of a bot obey the limits any of them
    learnt."""
    clock: Callable[[], float] = time.monotonic
    """Monotonic seconds for rate-limit bookkeeping; for tests."""
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep
    """The coroutine rate-limit and retry waits go through; for tests."""
    allow_insecure: bool = False
    """Accept a plain ``http://`` API base on a host other than this machine (loopback is
    always accepted); the token then crosses the network unencrypted."""
    transport: Transport | None = None
    """What sends the finished requests: the network (``AiohttpTransport``) by default,
    a ``MockTransport`` in tests."""

    def build(
        self,
        base_url: str,
        *,
        platform: str,
        error_mapper: ErrorMapper | None = None,
        rate_limits: RateLimitPolicy | None = None,
        credential: Credential | None = None,
        user_agent: str | None = None,
        headers: Mapping[str, str] | None = None,
        throttles: Mapping[str, Throttle] | None = None,
        global_throttle: Throttle | None = None,
    ) -> HTTPTransport:
        """The ``HTTPTransport`` of an adapter of ``platform`` with these options.

        Raises:
            InvalidArgument: An option is out of range (``max_retries`` below 0, a
                timeout that is not positive …), or as ``HTTPTransport`` raises it.
        """
        try:
            retry = RetryPolicy(max_retries=self.max_retries)
        except ValueError as exc:
            raise InvalidArgument(str(exc), platform=platform) from None
        return HTTPTransport(
            base_url,
            platform=platform,
            error_mapper=error_mapper,
            rate_limits=rate_limits,
            credential=credential,
            user_agent=user_agent,
            headers=headers,
            timeout=self.timeout,
            retry=retry,
            throttles=throttles,
            global_throttle=global_throttle,
            rate_limit_store=self.rate_limit_store,
            wait_for_rate_limits=self.wait_for_rate_limits,
            max_wait=self.max_wait,
            clock=self.clock,
            sleep=self.sleep,
            allow_insecure=self.allow_insecure,
            transport=self.transport,
        )
