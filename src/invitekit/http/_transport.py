"""``HTTPTransport``: one platform's API over aiohttp, with its rate limits obeyed.

The flow of one request: wait for the client-side throttles, a global pause and the
route's bucket; send; learn the rate-limit headers; then return, retry, or raise the
error the adapter's mapper chose. Retries are bounded and follow ``RetryPolicy``.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import msgspec

from invitekit._validation import check_headers, is_number
from invitekit.errors import HTTPError, InvalidArgument, RateLimited, TransportError
from invitekit.http._credentials import Credential
from invitekit.http._errors import ErrorMapper, generic_error
from invitekit.http._limiter import MemoryRateLimitStore, RateLimitStore
from invitekit.http._messages import FormPart, Request, Response, Route
from invitekit.http._percent import query_string
from invitekit.http._ratelimits import (
    DefaultRateLimits,
    RateLimitInfo,
    RateLimitPolicy,
    RouteKey,
    Throttle,
    parse_retry_after,
)
from invitekit.http._retry import RetryPolicy
from invitekit.http._session import AiohttpTransport
from invitekit.http._transports import Transport
from invitekit.http._urls import check_base_url

__all__ = ["HTTPTransport"]

logger = logging.getLogger("invitekit.http")

_ENCODER = msgspec.json.Encoder()
_GLOBAL = "global"


class HTTPTransport:
    """Sends one platform's API requests: one session, rate limits, retries, typed errors.

    Args:
        base_url: The API base, e.g. ``https://discord.com/api/v10``; route paths are
            appended to it.
        platform: Put on every error raised.
        error_mapper: Turns error responses into the platform's ``HTTPError``
            subclasses; by default the class follows the status alone.
        rate_limits: How the platform announces its limits; ``DefaultRateLimits()`` by
            default.
        credential: The token and how to send it; masked in every message.
        user_agent: The ``User-Agent`` header.
        headers: More headers for every request.
        timeout: Seconds one attempt (connect, send, read the body) may take.
        retry: How often and when to try again.
        throttles: Client-side caps by name; a ``Route`` names the one it counts against.
        global_throttle: A client-side cap on every request.
        rate_limit_store: Where rate-limit state lives; a ``MemoryRateLimitStore`` of
            this transport's own by default. A shared store (Redis) makes every
            transport with the same ``rate_limit_scope`` obey one set of limits.
        rate_limit_scope: Which state in the store is this transport's: by default the
            platform and the base URL (``"discord|https://discord.com/api/v10"``), so
            one account's processes share it. Accounts sharing a store need scopes (or,
            in Redis, namespaces) of their own.
        wait_for_rate_limits: Wait when a limit is reached; ``False`` raises
            ``RateLimited`` instead.
        max_wait: The longest single rate-limit wait; a longer one raises ``RateLimited``
            at once (``None``: no bound).
        clock: Monotonic seconds; for tests.
        sleep: The coroutine used to wait; for tests.
        allow_insecure: Accept a plain ``http://`` base on a host other than this
            machine; the token then crosses the network unencrypted.
        transport: What sends the finished requests: an ``AiohttpTransport`` with
            ``timeout`` by default, a ``MockTransport`` in tests (``timeout`` is then the
            mock's business).

    Raises:
        InvalidArgument: ``base_url`` is not an http(s) URL, carries credentials, a
            query or a fragment, or is plain http to another host without
            ``allow_insecure``; a number is out of range; a throttle is named
            ``"global"`` alongside ``global_throttle``; or a header (``user_agent``
            included) could not travel as one header line; or ``transport`` lacks
            ``send`` and ``close``.
    """

    def __init__(
        self,
        base_url: str,
        *,
        platform: str | None = None,
        error_mapper: ErrorMapper | None = None,
        rate_limits: RateLimitPolicy | None = None,
        credential: Credential | None = None,
        user_agent: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 15.0,
        retry: RetryPolicy | None = None,
        throttles: Mapping[str, Throttle] | None = None,
        global_throttle: Throttle | None = None,
        rate_limit_store: RateLimitStore | None = None,
        rate_limit_scope: str | None = None,
        wait_for_rate_limits: bool = True,
        max_wait: float | None = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        allow_insecure: bool = False,
        transport: Transport | None = None,
    ) -> None:
        base = check_base_url(base_url, allow_insecure=allow_insecure, platform=platform)
        if not is_number(timeout) or timeout <= 0:
            raise InvalidArgument(
                f"timeout must be a positive number: {timeout!r}", platform=platform
            )
        if max_wait is not None and (not is_number(max_wait) or max_wait < 0):
            raise InvalidArgument(f"max_wait must be None or >= 0: {max_wait!r}", platform=platform)
        self.base_url = base
        self.platform = platform
        self._error_mapper = error_mapper
        self._rate_limits: RateLimitPolicy = rate_limits or DefaultRateLimits()
        self._credential = credential
        self._retry = retry or RetryPolicy()
        self._wait_allowed = wait_for_rate_limits
        self._max_wait = max_wait
        self._clock = clock
        self._sleep = sleep
        self._throttles = dict(throttles or {})
        if global_throttle is not None:
            if _GLOBAL in self._throttles:
                raise InvalidArgument(
                    f"the throttle name {_GLOBAL!r} is taken by global_throttle", platform=platform
                )
            self._global: list[tuple[str, Throttle]] = [(_GLOBAL, global_throttle)]
        else:
            self._global = []
        self._limiter: RateLimitStore = (
            MemoryRateLimitStore(clock) if rate_limit_store is None else rate_limit_store
        )
        self._scope = rate_limit_scope or f"{platform or ''}|{self.base_url}"
        default_headers = dict(headers or {})
        if user_agent is not None:
            default_headers["User-Agent"] = user_agent
        self._headers = check_headers(default_headers, platform=platform)
        if transport is not None and not isinstance(transport, Transport):
            raise InvalidArgument(
                f"transport must have async send(request) and close(): {transport!r}",
                platform=platform,
            )
        self._wire: Transport = transport or AiohttpTransport(
            timeout=float(timeout),
            platform=platform,
            scrub=None if credential is None else credential.scrub,
        )
        self._closed = False

    @property
    def closed(self) -> bool:
        """Whether ``close`` was called."""
        return self._closed

    @property
    def session_open(self) -> bool:
        """Whether an HTTP session is open right now (one opens on the first request)."""
        return bool(getattr(self._wire, "is_open", False))

    @property
    def authenticated(self) -> bool:
        """Whether requests carry a credential."""
        return self._credential is not None

    async def request(
        self,
        route: Route,
        *,
        params: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
        json: object = None,
        form: Sequence[FormPart] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Send ``route`` and return its successful response (status below 400).

        Args:
            route: What to call.
            params: The query string: a mapping, or name and value pairs when a name
                repeats (Matrix's ``via=a&via=b``).
            json: A body to send as JSON (``None``: no JSON body).
            form: A ``multipart/form-data`` body instead.
            headers: Headers for this request only.

        Raises:
            RateLimited: A rate limit needed a wait that is not allowed (see
                ``wait_for_rate_limits`` and ``max_wait``), or 429s outlasted the retries.
            HTTPError: The subclass the error mapper picked for an error status.
            TransportError: The request did not complete, after any retries, or the
                transport is closed.
            InvalidArgument: Both ``json`` and ``form`` were given, ``route`` names a
                throttle that was not configured, or a header could not travel as one
                header line (a bad name, a line break or another control character).
        """
        if self._closed:
            raise TransportError("the HTTP transport is closed", platform=self.platform)
        if json is not None and form is not None:
            raise InvalidArgument("give a JSON body or a form, not both", platform=self.platform)
        if route.throttle is not None and route.throttle not in self._throttles:
            raise InvalidArgument(f"no throttle named {route.throttle!r}", platform=self.platform)
        send_headers = check_headers(headers or {}, platform=self.platform)
        body = None
        if json is not None:
            body = _ENCODER.encode(json)
            send_headers.setdefault("Content-Type", "application/json")
        key = self._rate_limits.route_key(route)
        throttles = self._global
        if route.throttle is not None:
            throttles = [(route.throttle, self._throttles[route.throttle]), *throttles]
        url = self.base_url + route.path
        if params:
            url = f"{url}?{query_string(params)}"
        all_headers = dict(self._headers)
        if self._credential is not None:
            # Revealed per request, never kept: the transport's state shows no token.
            all_headers[self._credential.header] = self._credential.header_value()
        all_headers.update(send_headers)
        request = Request(
            route.method, url, all_headers, body, None if form is None else tuple(form)
        )
        attempt = 0
        while True:
            ticket = await self._limiter.acquire(self._scope, key, throttles, self._wait)
            # The store hears of every attempt once, answered or not, so no bucket
            # waits on a request that was lost.
            try:
                response = await self._wire.send(request)
            except TransportError:
                await self._limiter.update(self._scope, key, None, ticket)
                if not route.idempotent or attempt >= self._retry.max_retries:
                    raise
                attempt += 1
                await self._backoff(route, attempt, None, "transport failure")
                continue
            except BaseException:
                await self._settle_lost(key, ticket)
                raise
            info = self._read_limits(response)
            await self._limiter.update(self._scope, key, info, ticket)
            logger.debug("%s -> %d (attempt %d)", route, response.status, attempt + 1)
            if response.status == 429:
                delay = self._retry_after(info, response, attempt)
                await self._limiter.rate_limited(self._scope, key, info, delay)
                if attempt >= self._retry.max_retries or not self._may_wait(delay):
                    raise self._rate_limited_error(response, route, delay)
                attempt += 1
                continue
            if response.status >= 400:
                if (
                    response.status in self._retry.retry_statuses
                    and route.idempotent
                    and attempt < self._retry.max_retries
                ):
                    attempt += 1
                    await self._backoff(route, attempt, response, f"status {response.status}")
                    continue
                raise self._error(response, route)
            return response

    async def close(self) -> None:
        """Close the HTTP session; later requests raise ``TransportError``. Safe to repeat."""
        self._closed = True
        await self._wire.close()

    async def __aenter__(self) -> HTTPTransport:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        auth = "authenticated" if self._credential is not None else "anonymous"
        return f"<HTTPTransport {self.base_url} {auth}{' closed' if self._closed else ''}>"

    # -- waiting ------------------------------------------------------------------------

    def _may_wait(self, seconds: float) -> bool:
        return self._wait_allowed and (self._max_wait is None or seconds <= self._max_wait)

    async def _wait(self, seconds: float, why: str) -> None:
        if seconds <= 0:
            return
        if not self._may_wait(seconds):
            raise RateLimited(
                f"{why}: the next request may go out in {seconds:.3f}s, which is more than "
                f"this client waits ({self._describe_wait_policy()})",
                platform=self.platform,
                retry_after=seconds,
            )
        logger.debug("waiting %.3fs for %s", seconds, why)
        await self._sleep(seconds)

    def _describe_wait_policy(self) -> str:
        if not self._wait_allowed:
            return "waiting is disabled"
        return f"max_wait={self._max_wait:g}s"

    async def _backoff(
        self, route: Route, attempt: int, response: Response | None, why: str
    ) -> None:
        delay = self._retry.delay(attempt)
        if response is not None:
            asked = parse_retry_after(response.headers)
            if asked is not None and self._may_wait(asked):
                delay = max(delay, asked)
        logger.debug("retrying %s after %s in %.3fs", route, why, delay)
        await self._sleep(delay)

    def _retry_after(self, info: RateLimitInfo, response: Response, attempt: int) -> float:
        asked = info.retry_after
        # A policy's value is used only when it is a delay: finite and not negative.
        if asked is not None and math.isfinite(asked) and asked >= 0:
            return asked
        asked = parse_retry_after(response.headers)
        if asked is not None:
            return asked
        # A 429 that names no delay (a proxy's, say): back off as for a failure.
        return self._retry.delay(attempt + 1)

    # -- errors -------------------------------------------------------------------------

    def _error(self, response: Response, route: Route) -> HTTPError:
        error = None
        if self._error_mapper is not None:
            try:
                error = self._error_mapper(response, route)
            except Exception as exc:
                # A mapper that trips over a hostile body must not turn an HTTP error
                # into an untyped one; the status still says what kind it is.
                logger.warning("%s: the error mapper raised %s", route, type(exc).__name__)
        if error is None:
            error = generic_error(response, route, platform=self.platform)
        if self._credential is not None:
            # Some servers and proxies echo the credential back in their error text.
            scrubbed = self._credential.scrub(error.message)
            if scrubbed != error.message:
                error.message, error.args = scrubbed, (scrubbed,)
        return error

    async def _settle_lost(self, key: RouteKey, ticket: object) -> None:
        """Settle an attempt that ended without an answer, even while the caller is being
        cancelled: the settling runs on by itself, and its own failure is only logged,
        so the exception on its way out is the one the caller sees."""
        settling = asyncio.ensure_future(self._limiter.update(self._scope, key, None, ticket))
        try:
            await asyncio.shield(settling)
        except asyncio.CancelledError:
            settling.add_done_callback(_log_failure)
        except Exception as exc:
            logger.warning("settling a lost %s request failed: %s", key.route, type(exc).__name__)

    def _read_limits(self, response: Response) -> RateLimitInfo:
        try:
            return self._rate_limits.parse(response)
        except Exception as exc:
            # RateLimitPolicy.parse must not raise; if one does, the answer still counts.
            policy = type(self._rate_limits).__name__
            logger.warning("%s.parse raised %s", policy, type(exc).__name__)
            return RateLimitInfo()

    def _rate_limited_error(self, response: Response, route: Route, delay: float) -> RateLimited:
        error = self._error(response, route)
        return RateLimited(
            error.message,
            platform=self.platform,
            status=response.status,
            code=error.code,
            retry_after=delay,
        )


def _log_failure(task: asyncio.Future[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.warning("settling a lost request failed: %s", type(task.exception()).__name__)
