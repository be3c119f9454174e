"""``DiscordEmulator``: seed it, serve it on loopback, point ``DiscordAdapter`` at it."""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import msgspec
from aiohttp import web

from invitekit.testing.emulation import Fault, FaultQueue, serve_on_loopback
from invitekit_discord.testing._limits import DEFAULT_LIMIT, Limit, Windows, bucket_hash
from invitekit_discord.testing._world import (
    PERMISSIONS,
    EmulatedChannel,
    EmulatedEvent,
    EmulatedGuild,
    EmulatedInvite,
    EmulatedRole,
    EmulatedUser,
    World,
)

__all__ = ["API_PREFIX", "DiscordEmulator", "InjectedResponse", "RecordedRequest"]

API_PREFIX = "/api/v10"


@dataclass
class RecordedRequest:
    """One request the emulator received, and the status it answered with."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""
    fault: str | None = None
    """The kind of ``Fault`` that spoilt the answer, if one did."""
    received_at: float = 0.0
    """When it arrived, on the emulator's clock (to check rates across clients)."""


@dataclass(frozen=True)
class InjectedResponse:
    """A canned response served instead of the real one (see ``fail_next``)."""

    status: int
    body: bytes
    content_type: str
    headers: Mapping[str, str] = field(default_factory=dict)


class DiscordEmulator:
    """Discord's invite endpoints, served from seeded data by an ``aiohttp.web`` app.

    Args:
        clock: Epoch seconds; invite expiry and rate-limit windows follow it, so a test
            can share one manual clock between the emulator and the adapter.
        limits: Per-bucket limits by bucket name (see ``BUCKETS``); others get
            ``DEFAULT_LIMIT``.
        global_limit: A global limit per bot (or per address without a token).
        require_user_agent: Refuse requests without a ``DiscordBot (…)`` User-Agent with
            403/40333, as Cloudflare does.
        rate_limit_headers: Send ``X-RateLimit-*`` headers; ``False`` enforces the limits
            all the same but announces nothing until a 429 (as behind a stripping proxy).
        seed: Seeds ids and invite codes.

    Faults queued on ``faults`` (``invitekit.testing.emulation.Fault``) spoil the answers to the
    next requests: connection resets before or during the body, slow, cut or empty
    bodies, wrong content types, or a proxy's page instead of the API's answer.

    Run it with ``async with emulator.serve() as api_base:`` and hand ``api_base`` to
    ``DiscordAdapter(api_base=...)``.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        limits: Mapping[str, Limit] | None = None,
        global_limit: Limit | None = None,
        require_user_agent: bool = True,
        rate_limit_headers: bool = True,
        seed: int = 0,
    ) -> None:
        self.world = World(clock, seed=seed)
        self.limits = dict(limits or {})
        self.global_limit = global_limit
        self.require_user_agent = require_user_agent
        self.rate_limit_headers = rate_limit_headers
        self.faults = FaultQueue()
        """Faults for the next requests, served before anything else is looked at."""
        self.windows = Windows(clock)
        self.requests: list[RecordedRequest] = []
        self._injected: deque[InjectedResponse] = deque()
        self._stalls: deque[float] = deque()
        self._stopping = asyncio.Event()

    # -- seeding ------------------------------------------------------------------------

    def add_user(
        self,
        username: str,
        *,
        global_name: str | None = None,
        avatar: str | None = None,
        id: str | None = None,
    ) -> EmulatedUser:
        """Add a (human) user."""
        user = EmulatedUser(
            id=id or self.world.new_id(), username=username, global_name=global_name, avatar=avatar
        )
        self.world.users[user.id] = user
        return user

    def add_bot(
        self,
        token: str,
        *,
        username: str = "invitekit-bot",
        permissions: Mapping[EmulatedGuild, Iterable[str]] | None = None,
    ) -> EmulatedUser:
        """Add a bot the emulator accepts ``token`` for, with permissions per guild.

        Raises:
            ValueError: A permission name is unknown (see ``PERMISSIONS``).
        """
        bot = EmulatedUser(id=self.world.new_id(), username=username, bot=True, token=token)
        self.world.users[bot.id] = bot
        for guild, names in (permissions or {}).items():
            self.grant(bot, guild, *names)
        return bot

    def grant(self, user: EmulatedUser, guild: EmulatedGuild, *names: str) -> None:
        """Give ``user`` permissions in ``guild``.

        Raises:
            ValueError: A permission name is unknown.
        """
        unknown = set(names) - PERMISSIONS
        if unknown:
            raise ValueError(f"unknown permissions {sorted(unknown)}; known: {sorted(PERMISSIONS)}")
        user.permissions.setdefault(guild.id, set()).update(names)

    def revoke(self, user: EmulatedUser, guild: EmulatedGuild, *names: str) -> None:
        """Take permissions in ``guild`` away from ``user``."""
        user.permissions.get(guild.id, set()).difference_update(names)

    def add_guild(self, name: str, **fields: Any) -> EmulatedGuild:
        """Add a guild; ``fields`` are further ``EmulatedGuild`` fields (``features`` …)."""
        guild = EmulatedGuild(id=fields.pop("id", None) or self.world.new_id(), name=name, **fields)
        self.world.guilds[guild.id] = guild
        return guild

    def add_channel(self, guild: EmulatedGuild, name: str, *, type: int = 0) -> EmulatedChannel:
        """Add a guild channel (type 0 text, 2 voice, 13 stage …)."""
        channel = EmulatedChannel(id=self.world.new_id(), name=name, type=type, guild=guild)
        self.world.channels[channel.id] = channel
        return channel

    def add_group_dm(
        self, name: str | None, recipients: Iterable[EmulatedUser], *, icon: str | None = None
    ) -> EmulatedChannel:
        """Add a group DM (channel type 3)."""
        channel = EmulatedChannel(
            id=self.world.new_id(), name=name, type=3, icon=icon, recipients=list(recipients)
        )
        self.world.channels[channel.id] = channel
        return channel

    def add_role(self, guild: EmulatedGuild, name: str, **fields: Any) -> EmulatedRole:
        """Add a role to ``guild``."""
        role = EmulatedRole(id=self.world.new_id(), name=name, **fields)
        guild.roles[role.id] = role
        return role

    def add_event(
        self, guild: EmulatedGuild, name: str, *, starts_in: float = 3600.0, **fields: Any
    ) -> EmulatedEvent:
        """Add a scheduled event to ``guild`` starting ``starts_in`` seconds from now."""
        event = EmulatedEvent(
            id=self.world.new_id(),
            guild=guild,
            name=name,
            start=self.world.clock() + starts_in,
            **fields,
        )
        self.world.events[event.id] = event
        return event

    def add_application(self, name: str, *, description: str = "") -> str:
        """Add an embedded application (for ``target_type`` 2); returns its id."""
        app_id = self.world.new_id()
        self.world.applications[app_id] = {
            "id": app_id,
            "name": name,
            "icon": None,
            "description": description,
            "type": None,
            "verify_key": "0" * 64,
            "flags": 0,
            "flags_new": "0",
        }
        return app_id

    def add_invite(
        self,
        channel: EmulatedChannel,
        *,
        code: str | None = None,
        inviter: EmulatedUser | None = None,
        max_age: int = 86400,
        max_uses: int = 0,
        uses: int = 0,
        temporary: bool = False,
        **fields: Any,
    ) -> EmulatedInvite:
        """Add an invite created now; ``fields`` are further ``EmulatedInvite`` fields.

        Raises:
            ValueError: ``code`` is taken.
        """
        code = code or self.world.new_code()
        if code in self.world.invites:
            raise ValueError(f"invite code {code!r} is taken")
        invite = EmulatedInvite(
            code=code,
            channel=channel,
            created_at=self.world.clock(),
            inviter=inviter,
            max_age=max_age,
            max_uses=max_uses,
            uses=uses,
            temporary=temporary,
            **fields,
        )
        self.world.invites[code] = invite
        return invite

    @property
    def dispatches(self) -> list[tuple[str, dict[str, Any]]]:
        """The gateway dispatches (``INVITE_CREATE``, ``INVITE_DELETE``) that API calls
        caused, as ``(event name, data)`` in order: what a bot's gateway would receive.
        Seeding with ``add_invite`` dispatches nothing."""
        return self.world.dispatches

    def use_invite(self, code: str) -> None:
        """Count one use of ``code``, as when a user joins through it.

        Raises:
            KeyError: No such live invite.
        """
        invite = self.world.live_invite(code)
        if invite is None:
            raise KeyError(code)
        invite.uses += 1

    # -- failure injection --------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        *,
        code: int | None = None,
        message: str | None = None,
        body: bytes | str | None = None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests with this response instead.

        Without ``body`` it is Discord's JSON error ``{"message": …, "code": …}``; with
        one (an HTML page, say) it is sent as given with ``content_type``.
        """
        if body is None:
            phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
            payload = {"message": message or f"{status}: {phrase}", "code": code or 0}
            data, kind = msgspec.json.encode(payload), content_type or "application/json"
        else:
            data = body.encode() if isinstance(body, str) else body
            kind = content_type or "text/html"
        for _ in range(times):
            self._injected.append(InjectedResponse(status, data, kind, dict(headers or {})))

    def rate_limit_next(
        self,
        retry_after: float,
        *,
        scope: str = "user",
        bucket: str | None = None,
        headers: bool = True,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests with Discord's 429.

        Args:
            retry_after: The seconds the body's ``retry_after`` asks for.
            scope: ``"user"`` or ``"shared"`` for one bucket, ``"global"`` for every route
                (the body then says ``"global": true``).
            bucket: The bucket name (see ``BUCKETS``) whose headers to send with it.
            headers: Send ``Retry-After`` and ``X-RateLimit-*`` headers; ``False`` sends
                the JSON body alone.
            times: How many requests get it.

        Raises:
            ValueError: ``scope`` is not one of Discord's.
        """
        if scope not in ("user", "shared", "global"):
            raise ValueError(f"scope must be user, shared or global, got {scope!r}")
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": scope == "global",
        }
        sent: dict[str, str] = {}
        if headers:
            sent = {"Retry-After": str(math.ceil(retry_after)), "X-RateLimit-Scope": scope}
            if scope == "global":
                sent["X-RateLimit-Global"] = "true"
            if bucket is not None:
                limit = self.limit_for(bucket)
                sent.update(
                    {
                        "X-RateLimit-Limit": str(limit.limit),
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                        "X-RateLimit-Bucket": bucket_hash(bucket),
                    }
                )
        fault = Fault.respond(
            429, msgspec.json.encode(body), content_type="application/json", headers=sent
        )
        self.faults.add(fault, times=times)

    def stall_next(self, seconds: float) -> None:
        """Hold the next request ``seconds`` (real time) before answering it."""
        self._stalls.append(seconds)

    def next_injection(self) -> InjectedResponse | None:
        """Pop the next injected response, if any."""
        return self._injected.popleft() if self._injected else None

    @property
    def stopping(self) -> asyncio.Event:
        """Set when the server begins to stop; pending stalls and slow bodies end then."""
        return self._stopping

    async def stall(self) -> None:
        """Wait out a pending stall; a stopping server cuts it short."""
        if not self._stalls:
            return
        seconds = self._stalls.popleft()
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    # -- serving ------------------------------------------------------------------------

    def limit_for(self, bucket: str) -> Limit:
        """The limit of ``bucket``."""
        return self.limits.get(bucket, DEFAULT_LIMIT)

    def app(self) -> web.Application:
        """Build the ``aiohttp.web`` application (API under ``/api/v10``)."""
        from invitekit_discord.testing._app import build_app

        return build_app(self)

    @asynccontextmanager
    async def serve(self, host: str = "127.0.0.1") -> AsyncIterator[str]:
        """Serve on ``host`` at a free port; yield the API base URL for the adapter."""
        self._stopping = asyncio.Event()
        async with serve_on_loopback(
            self.app(), path=API_PREFIX, stopping=self._stopping, host=host
        ) as api_base:
            yield api_base

    def statuses(self) -> list[int]:
        """The status of every request answered so far, in order."""
        return [request.status for request in self.requests]
