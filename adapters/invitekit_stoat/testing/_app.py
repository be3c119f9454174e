"""``StoatEmulator``: the seeded world served as Stoat's invite routes over ``aiohttp.web``."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from invitekit.testing.emulation import FaultQueue, serve_on_loopback
from invitekit_stoat.testing import _payloads
from invitekit_stoat.testing._limiter import FixedWindows, RateLimitConfig
from invitekit_stoat.testing._responses import (
    Reply,
    encode,
    json_response,
    rocket_default,
    typed_error,
)
from invitekit_stoat.testing._state import (
    EmulatedInvite,
    EmulatedRequest,
    EmulatedUser,
    EmulatedWorld,
)

__all__ = ["StoatEmulator"]

_AUDIT_REASON_LIMIT = 512
_NOT_FOUND = "crates/core/database/src/util/reference.rs:30:26"
_MISSING_PERMISSION = "crates/core/permissions/src/models/mod.rs:80:17"


@dataclass
class _Canned:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str]


class StoatEmulator(EmulatedWorld):
    """Seeded Stoat state plus the ``aiohttp.web`` app that serves it.

    Args:
        group_size: The most recipients a group may have (the backend's default is 100).
        rate_limits: The limiter to apply; ``None`` sends no rate-limit headers at all
            (as when a proxy strips them).
        rate_limit_headers: Announce the limits in ``X-RateLimit-*`` headers; ``False``
            enforces them all the same and says nothing until a 429's ``retry_after``.
        base_path: A path the API lives under (``"/api"`` for self-hosted instances).
            Every route is also served under ``{base_path}/0.8``, as the backend does.
        clock: Monotonic seconds, for the rate limiter.
        seed: Seeds the generated ids, tokens and codes.

    Faults queued on ``faults`` (``invitekit.testing.emulation.Fault``) spoil the answers to the
    next requests, ahead of ``fail_next``: stalls, connection resets before or during the
    body, slow, cut or empty bodies, wrong content types, or a proxy's page.
    """

    def __init__(
        self,
        *,
        group_size: int = 100,
        rate_limits: RateLimitConfig | None = RateLimitConfig(),  # noqa: B008 - frozen
        rate_limit_headers: bool = True,
        base_path: str = "",
        clock: Callable[[], float] = time.monotonic,
        seed: int = 0,
    ) -> None:
        super().__init__(group_size=group_size, seed=seed)
        self.base_path = base_path.rstrip("/")
        self.requests: list[EmulatedRequest] = []
        self.audit_log: list[tuple[str, str, str | None]] = []
        """``(action, code, reason)`` for every invite created or deleted."""
        self.rate_limited = 0
        """How many requests were answered with a rate-limit 429."""
        self._clock = clock
        self._limiter: FixedWindows | None = None
        self.rate_limits = rate_limits
        self._canned: deque[_Canned] = deque()
        self.rate_limit_headers = rate_limit_headers
        self.faults = FaultQueue()
        """Faults for the next requests, served before anything else is looked at."""
        self._stopping = asyncio.Event()

    @property
    def rate_limits(self) -> RateLimitConfig | None:
        """The limiter's configuration; setting it starts counting afresh."""
        return None if self._limiter is None else self._limiter.config

    @rate_limits.setter
    def rate_limits(self, config: RateLimitConfig | None) -> None:
        self._limiter = None if config is None else FixedWindows(config, self._clock)

    def fail_next(
        self,
        status: int,
        body: bytes | str | Mapping[str, Any] | list[Any] = b"",
        *,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Answer the next request with this response instead, as a proxy in front would.

        Queued responses are used once each, in order. Mappings and lists are sent as
        JSON; strings as HTML unless ``content_type`` says otherwise.
        """
        if isinstance(body, (Mapping, list)):
            data, default_type = encode(body), "application/json"
        elif isinstance(body, str):
            data, default_type = body.encode(), "text/html"
        else:
            data, default_type = bytes(body), "application/octet-stream"
        self._canned.append(
            _Canned(status, data, content_type or default_type, dict(headers or {}))
        )

    # -- serving ------------------------------------------------------------------------

    def make_app(self) -> web.Application:
        """Return a new ``aiohttp.web`` app serving this emulator's state."""
        app = web.Application(middlewares=[self._middleware])
        for prefix in {self.base_path, f"{self.base_path}/0.8"}:
            app.router.add_get(f"{prefix}/invites/{{code}}", self._fetch_invite)
            app.router.add_post(f"{prefix}/invites/{{code}}", self._join)
            app.router.add_delete(f"{prefix}/invites/{{code}}", self._delete_invite)
            app.router.add_post(f"{prefix}/channels/{{channel}}/invites", self._create_invite)
            app.router.add_get(f"{prefix}/servers/{{server}}/invites", self._list_invites)
        return app

    @contextlib.asynccontextmanager
    async def serve(self) -> AsyncIterator[str]:
        """Serve on ``127.0.0.1`` on a free port; yields the API base URL to give the adapter.

        Raises:
            OSError: The socket could not be opened.
        """
        self._stopping = asyncio.Event()
        async with serve_on_loopback(
            self.make_app(), path=self.base_path, stopping=self._stopping
        ) as api_base:
            yield api_base

    @web.middleware
    async def _middleware(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        auth, user = self._identify(request)
        self.requests.append(
            EmulatedRequest(
                method=request.method,
                path=request.path,
                auth=auth,
                user_id=None if user is None else user.id,
                audit_reason=request.headers.get("X-Audit-Log-Reason"),
                accept=request.headers.get("Accept"),
            )
        )
        fault = self.faults.pop()
        if fault is not None:
            await fault.before(self._stopping)
            if not fault.handled:
                return fault.canned()
        response = await self._answer(request, handler, user)
        if fault is not None and isinstance(response, web.Response):
            return await fault.deliver(request, response, self._stopping)
        return response

    async def _answer(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
        user: EmulatedUser | None,
    ) -> web.StreamResponse:
        if self._canned:
            canned = self._canned.popleft()
            return web.Response(
                status=canned.status,
                body=canned.body,
                content_type=canned.content_type.partition(";")[0],
                headers=canned.headers,
            )
        limit_headers: dict[str, str] = {}
        if self._limiter is not None:
            key = user.id if user is not None else (request.remote or "?")
            limit_headers, retry_after = self._limiter.hit(key, request.path[len(self.base_path) :])
            if not self.rate_limit_headers:
                limit_headers = {}
            if retry_after is not None:
                self.rate_limited += 1
                return json_response(429, {"retry_after": retry_after}, headers=limit_headers)
        try:
            response = await handler(request)
        except Reply as reply:
            response = reply.response
        except web.HTTPException as exc:
            # Rocket answers unmatched routes and methods with its default 404.
            response = rocket_default(request, 404 if exc.status in (404, 405) else exc.status)
        response.headers.update(limit_headers)
        return response

    # -- request helpers ----------------------------------------------------------------

    def _identify(self, request: web.Request) -> tuple[str | None, EmulatedUser | None]:
        # The backend reads X-Bot-Token first and never falls back to the session header.
        bot_token = request.headers.get("X-Bot-Token")
        if bot_token is not None:
            return "bot", self.user_by_token(bot_token, bot=True)
        session_token = request.headers.get("X-Session-Token")
        if session_token is not None:
            return "session", self.user_by_token(session_token, bot=False)
        return None, None

    def _authenticate(self, request: web.Request) -> EmulatedUser:
        _, user = self._identify(request)
        if user is None:
            raise Reply(rocket_default(request, 401))
        return user

    @staticmethod
    def _audit_reason(request: web.Request) -> str | None:
        reason = request.headers.get("X-Audit-Log-Reason")
        if reason is not None and len(reason.encode()) > _AUDIT_REASON_LIMIT:
            raise typed_error(
                400, "HeaderTooLarge", "crates/delta/src/util/audit_log_reason.rs:21:17"
            )
        return reason

    def _invite(self, request: web.Request) -> EmulatedInvite:
        invite = self.find_invite(request.match_info["code"])
        if invite is None:
            raise typed_error(404, "NotFound", _NOT_FOUND)
        return invite

    # -- routes -------------------------------------------------------------------------

    async def _fetch_invite(self, request: web.Request) -> web.Response:
        return json_response(200, _payloads.public_invite(self._invite(request)))

    async def _join(self, request: web.Request) -> web.Response:
        user = self._authenticate(request)
        if user.bot:
            raise typed_error(400, "IsBot", "crates/delta/src/routes/invites/invite_join.rs:18:20")
        joined = sum(user in server.members for server in self.servers.values())
        # The backend lets the count reach the limit and refuses only beyond it.
        if joined > user.server_limit:
            raise typed_error(
                400,
                "TooManyServers",
                "crates/core/database/src/models/users/model.rs:293:17",
                max=user.server_limit,
            )
        channel = self._invite(request).channel
        if channel.server is not None:
            server = channel.server
            if user.id in server.banned:
                raise typed_error(
                    403, "Banned", "crates/core/database/src/models/server_members/model.rs:74:24"
                )
            if user in server.members:
                raise typed_error(
                    409,
                    "AlreadyInServer",
                    "crates/core/database/src/models/server_members/model.rs:80:24",
                )
            server.members.append(user)
            return json_response(200, _payloads.join_server(server))
        if user in channel.recipients:
            raise typed_error(
                409, "AlreadyInGroup", "crates/core/database/src/models/channels/model.rs:523:24"
            )
        if len(channel.recipients) >= self.group_size:
            raise typed_error(
                403,
                "GroupTooLarge",
                "crates/core/database/src/models/channels/model.rs:527:24",
                max=self.group_size,
            )
        channel.recipients.append(user)
        return json_response(200, _payloads.join_group(channel, user))

    async def _delete_invite(self, request: web.Request) -> web.Response:
        user = self._authenticate(request)
        reason = self._audit_reason(request)
        code = request.match_info["code"]
        invite = self.invites.get(code)
        if invite is None:
            raise typed_error(404, "NotFound", _NOT_FOUND)
        if invite.creator is not user:
            server = invite.channel.server
            if server is None:
                # The backend reaches unreachable!() here and panics.
                raise Reply(rocket_default(request, 500))
            if not server.allows(user, "ManageServer"):
                raise typed_error(
                    403, "MissingPermission", _MISSING_PERMISSION, permission="ManageServer"
                )
        del self.invites[code]
        self.audit_log.append(("delete", code, reason))
        return web.Response(status=204)

    async def _create_invite(self, request: web.Request) -> web.Response:
        user = self._authenticate(request)
        reason = self._audit_reason(request)
        if user.bot:
            raise typed_error(
                400, "IsBot", "crates/delta/src/routes/channels/invite_create.rs:25:20"
            )
        channel = self.channels.get(request.match_info["channel"])
        if channel is None:
            raise typed_error(404, "NotFound", _NOT_FOUND)
        if channel.server is not None:
            allowed = channel.server.allows(user, "InviteOthers")
        else:
            allowed = user in channel.recipients
        if not allowed:
            raise typed_error(
                403, "MissingPermission", _MISSING_PERMISSION, permission="InviteOthers"
            )
        if channel.kind not in ("TextChannel", "Group"):
            raise typed_error(
                400,
                "InvalidOperation",
                "crates/core/database/src/models/channel_invites/model.rs:61:22",
            )
        invite = self.add_invite(channel, creator=user)
        self.audit_log.append(("create", invite.code, reason))
        return json_response(200, _payloads.private_invite(invite))

    async def _list_invites(self, request: web.Request) -> web.Response:
        user = self._authenticate(request)
        server = self.servers.get(request.match_info["server"])
        if server is None:
            raise typed_error(404, "NotFound", _NOT_FOUND)
        if not server.allows(user, "ManageServer"):
            raise typed_error(
                403, "MissingPermission", _MISSING_PERMISSION, permission="ManageServer"
            )
        invites = [
            _payloads.private_invite(invite)
            for invite in self.invites.values()
            if invite.channel.server is server
        ]
        return json_response(200, invites)
