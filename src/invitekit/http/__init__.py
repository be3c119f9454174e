"""The HTTP transport adapters build on: aiohttp underneath, platform-neutral on top.

An adapter describes its platform and the transport does the rest::

    transport = HTTPTransport(
        "https://api.example.chat",
        platform="example",
        credential=Credential("Authorization", Secret(token), scheme="Bot"),
        error_mapper=map_example_error,   # Response, Route -> HTTPError subclass
        rate_limits=ExampleRateLimits(),  # RateLimitPolicy: route keys + header parser
        throttles={"lookups": Throttle(100, 600.0)},
        rate_limit_store=None,            # in memory; a shared store makes a fleet act as one
    )
    response = await transport.request(Route("GET", "/invites/{code}", {"code": code}))

Under it, a ``Transport`` sends the finished requests: ``AiohttpTransport`` by default,
``MockTransport(handler)`` in tests, where ``handler`` answers each ``Request`` with a
``Response``; everything above it (rate limits, retries, error mapping) runs unchanged.

Importing this package does not import aiohttp; the first request does. One aiohttp
session per transport is opened on the first request and closed by ``close()``.
"""

from __future__ import annotations

from invitekit.http._credentials import Credential, Secret
from invitekit.http._errors import ErrorMapper, describe_status, generic_error
from invitekit.http._limiter import MemoryRateLimitStore, RateLimitStore, RateLimitWait
from invitekit.http._messages import IDEMPOTENT_METHODS, FormPart, Request, Response, Route
from invitekit.http._options import TransportKwargs, TransportOptions
from invitekit.http._ratelimits import (
    DefaultRateLimits,
    RateLimitInfo,
    RateLimitPolicy,
    RouteKey,
    Throttle,
    parse_rate_limit_headers,
    parse_retry_after,
)
from invitekit.http._retry import RetryPolicy
from invitekit.http._session import AiohttpTransport
from invitekit.http._transport import HTTPTransport
from invitekit.http._transports import Handler, MockTransport, Transport

__all__ = [
    "IDEMPOTENT_METHODS",
    "AiohttpTransport",
    "Credential",
    "DefaultRateLimits",
    "ErrorMapper",
    "FormPart",
    "HTTPTransport",
    "Handler",
    "MemoryRateLimitStore",
    "MockTransport",
    "RateLimitInfo",
    "RateLimitPolicy",
    "RateLimitStore",
    "RateLimitWait",
    "Request",
    "Response",
    "RetryPolicy",
    "Route",
    "RouteKey",
    "Secret",
    "Throttle",
    "Transport",
    "TransportKwargs",
    "TransportOptions",
    "describe_status",
    "generic_error",
    "parse_rate_limit_headers",
    "parse_retry_after",
]
