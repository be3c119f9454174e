"""``TransportOptions``: what every network adapter lets its users tune, built in one place."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from invitekit.errors import InvalidArgument
from invitekit.http._credentials import Credential
from invitekit.http._errors import ErrorMapper
from invitekit.http._limiter import RateLimitStore
from invitekit.http._ratelimits import RateLimitPolicy, Throttle
from invitekit.http._retry import RetryPolicy
from invitekit.http._transport import HTTPTransport
from invitekit.http._transports import Transport

__all__ = ["TransportOptions"]


@dataclass(frozen=True)
class TransportOptions:
    """The options an adapter's users tune, the same on every platform.

    An adapter takes them as keyword arguments and hands them here; ``build`` adds what
    the platform decides (base URL, error mapping, rate-limit policy, credential).
    The fields are documented on ``HTTPTransport``; ``max_retries`` becomes its
    ``RetryPolicy``.
    """

    timeout: float = 15.0
    max_retries: int = 3
    wait_for_rate_limits: bool = True
    max_wait: float | None = 60.0
    rate_limit_store: RateLimitStore | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep
    allow_insecure: bool = False
    transport: Transport | None = None

    @classmethod
    def pick(cls, arguments: Mapping[str, Any]) -> TransportOptions:
        """The options among ``arguments`` (an adapter's ``locals()``, whose keyword
        parameters carry these names); the others keep their defaults."""
        return cls(**{f.name: arguments[f.name] for f in fields(cls) if f.name in arguments})

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
