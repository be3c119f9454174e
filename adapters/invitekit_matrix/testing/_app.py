"""``MatrixStandIn``: the stand-in's world served as the Client-Server API over
``aiohttp.web``."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web

from invitekit.testing.emulation import serve_on_loopback
from invitekit_matrix.testing._limits import LeakyBuckets, RateLimit
from invitekit_matrix.testing._state import (
    DEFAULT_SERVER_NAME,
    MatrixError,
    StandInUser,
    StandInWorld,
)

__all__ = ["MatrixStandIn"]

_CLIENT = "/_matrix/client"
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class MatrixStandIn(StandInWorld):
    """A homeserver stand-in: the rooms, aliases and joins ``MatrixAdapter`` uses, served
    over real HTTP on 127.0.0.1, answering as Synapse does.

    Seed it in Python (``add_user``, ``create_room``, ``add_alias``) or over HTTP as one
    seeds Synapse: ``createRoom``, the room and state endpoints, and Synapse's
    shared-secret registration (``/_synapse/admin/v1/register``).

    Args:
        server_name: The server name in user ids, aliases and older room ids.
        registration_shared_secret: The secret of shared-secret registration; random by
            default.
        rate_limit: Limits joins, room creations and invites per account, as Synapse's
            ``rc_*`` settings do; ``None`` (the default) limits nothing.
        clock: Monotonic seconds, for the rate limits.
        seed: Seeds the generated ids and tokens.
    """

    def __init__(
        self,
        *,
        server_name: str = DEFAULT_SERVER_NAME,
        registration_shared_secret: str | None = None,
        rate_limit: RateLimit | None = None,
        clock: Callable[[], float] = time.monotonic,
        seed: int | None = None,
    ) -> None:
        super().__init__(server_name=server_name, seed=seed)
        self.registration_shared_secret = registration_shared_secret or secrets.token_hex(16)
        self._limits = (
            None
            if rate_limit is None
            else {
                action: LeakyBuckets(rate_limit, clock)
                for action in ("join", "create_room", "invite")
            }
        )
        self._nonces: set[str] = set()
        self.requests: list[tuple[str, str]] = []
        """``(method, path)`` of every request served, in order."""

    def make_app(self) -> web.Application:
        """The ``aiohttp.web`` application serving this homeserver."""
        app = web.Application(middlewares=[self._errors])
        add = app.router.add_route
        add("GET", f"{_CLIENT}/versions", self._versions)
        add("GET", "/_synapse/admin/v1/register", self._nonce)
        add("POST", "/_synapse/admin/v1/register", self._register)
        add("GET", f"{_CLIENT}/v3/account/whoami", self._whoami)
        add("POST", f"{_CLIENT}/v3/createRoom", self._create_room)
        add("GET", f"{_CLIENT}/v3/directory/room/{{alias}}", self._get_alias)
        add("PUT", f"{_CLIENT}/v3/directory/room/{{alias}}", self._put_alias)
        add("DELETE", f"{_CLIENT}/v3/directory/room/{{alias}}", self._delete_alias)
        add("GET", f"{_CLIENT}/v1/room_summary/{{room}}", self._summary)
        add("POST", f"{_CLIENT}/v3/join/{{room}}", self._join)
        add("GET", f"{_CLIENT}/v3/rooms/{{room}}/aliases", self._aliases)
        add("POST", f"{_CLIENT}/v3/rooms/{{room}}/{{action}}", self._member)
        add("PUT", f"{_CLIENT}/v3/rooms/{{room}}/state/{{kind}}/{{key:.*}}", self._state)
        add("*", "/{anything:.*}", self._unrecognized)
        return app

    @asynccontextmanager
    async def serve(self) -> AsyncIterator[str]:
        """Serve on ``127.0.0.1`` at a free port; yields the base URL to give
        ``MatrixAdapter(api_base=...)``.

        Raises:
            OSError: The socket could not be opened.
        """
        async with serve_on_loopback(
            self.make_app(), path="", stopping=asyncio.Event()
        ) as api_base:
            yield api_base

    # -- plumbing ----------------------------------------------------------------------

    @web.middleware
    async def _errors(self, request: web.Request, handler: _Handler) -> web.StreamResponse:
        self.requests.append((request.method, request.path))
        try:
            return await handler(request)
        except MatrixError as refused:
            return web.json_response(refused.body(), status=refused.status)

    def _user(self, request: web.Request, *, required: bool = True) -> StandInUser | None:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else None
        return self.user_for(token, required=required)

    def _account(self, request: web.Request) -> StandInUser:
        user = self._user(request)
        assert user is not None  # required: a missing token raised
        return user

    def _limit(self, action: str, user: StandInUser) -> None:
        if self._limits is None:
            return
        wait = self._limits[action].hit(user.user_id)
        if wait is not None:
            raise _rate_limited(wait)

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        try:
            body = json.loads(await request.read() or b"{}")
        except ValueError:
            raise MatrixError(400, "M_NOT_JSON", "Content not JSON.") from None
        if not isinstance(body, dict):
            raise MatrixError(400, "M_BAD_JSON", "Content must be a JSON object.")
        return body

    # -- endpoints ---------------------------------------------------------------------

    async def _versions(self, request: web.Request) -> web.Response:
        return web.json_response({"versions": ["v1.11", "v1.12", "v1.15"], "unstable_features": {}})

    async def _unrecognized(self, request: web.Request) -> web.Response:
        raise MatrixError(404, "M_UNRECOGNIZED", "Unrecognized request")

    async def _nonce(self, request: web.Request) -> web.Response:
        nonce = secrets.token_hex(16)
        self._nonces.add(nonce)
        return web.json_response({"nonce": nonce})

    async def _register(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        nonce, name = str(body.get("nonce", "")), str(body.get("username", ""))
        if nonce not in self._nonces:
            raise MatrixError(400, "M_UNKNOWN", "unrecognised nonce")
        self._nonces.discard(nonce)
        admin = bool(body.get("admin"))
        message = b"\0".join(
            [
                nonce.encode(),
                name.encode(),
                str(body.get("password", "")).encode(),
                b"admin" if admin else b"notadmin",
            ]
        )
        expected = hmac.new(self.registration_shared_secret.encode(), message, hashlib.sha1)
        if not hmac.compare_digest(expected.hexdigest(), str(body.get("mac", ""))):
            raise MatrixError(403, "M_FORBIDDEN", "HMAC incorrect")
        user = self.add_user(name, admin=admin)
        return web.json_response(
            {
                "user_id": user.user_id,
                "access_token": user.token,
                "home_server": self.server_name,
                "device_id": "STANDIN",
            }
        )

    async def _whoami(self, request: web.Request) -> web.Response:
        user = self._account(request)
        return web.json_response(
            {"user_id": user.user_id, "is_guest": False, "device_id": "STANDIN"}
        )

    async def _create_room(self, request: web.Request) -> web.Response:
        user = self._account(request)
        body = await self._body(request)
        self._limit("create_room", user)
        creation = body.get("creation_content")
        state = body.get("initial_state")
        room = self.create_room(
            user,
            preset=body.get("preset"),
            name=body.get("name"),
            topic=body.get("topic"),
            room_version=str(body.get("room_version", "12")),
            room_type=creation.get("type") if isinstance(creation, dict) else None,
            initial_state=[event for event in state if isinstance(event, dict)]
            if isinstance(state, list)
            else (),
        )
        return web.json_response({"room_id": room.room_id})

    async def _get_alias(self, request: web.Request) -> web.Response:
        return web.json_response(self.resolve_alias(request.match_info["alias"]))

    async def _put_alias(self, request: web.Request) -> web.Response:
        user = self._account(request)
        body = await self._body(request)
        self.add_alias(user, request.match_info["alias"], str(body.get("room_id", "")))
        return web.json_response({})

    async def _delete_alias(self, request: web.Request) -> web.Response:
        self.delete_alias(request.match_info["alias"], self._account(request))
        return web.json_response({})

    async def _summary(self, request: web.Request) -> web.Response:
        user = self._user(request, required=False)
        via = request.query.getall("via", [])
        return web.json_response(self.summary(request.match_info["room"], via, user))

    async def _join(self, request: web.Request) -> web.Response:
        user = self._account(request)
        await self._body(request)
        self._limit("join", user)
        room_id = self.join(request.match_info["room"], request.query.getall("via", []), user)
        return web.json_response({"room_id": room_id})

    async def _aliases(self, request: web.Request) -> web.Response:
        user = self._account(request)
        return web.json_response({"aliases": self.room_aliases(request.match_info["room"], user)})

    async def _member(self, request: web.Request) -> web.Response:
        user = self._account(request)
        body = await self._body(request)
        action = request.match_info["action"]
        if action == "invite":
            self._limit("invite", user)
        self.member_action(request.match_info["room"], action, user, str(body.get("user_id")))
        return web.json_response({})

    async def _state(self, request: web.Request) -> web.Response:
        user = self._account(request)
        body = await self._body(request)
        event_id = self.send_state(
            request.match_info["room"], request.match_info["kind"], body, user
        )
        return web.json_response({"event_id": event_id})


def _rate_limited(wait_ms: int) -> MatrixError:
    return MatrixError(429, "M_LIMIT_EXCEEDED", "Too Many Requests", retry_after_ms=wait_ms)
