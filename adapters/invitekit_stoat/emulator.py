"""A local Stoat: the invite endpoints as an ``aiohttp.web`` app over seeded data.

It answers the way the real backend does — the same routes, statuses, typed error bodies,
Rocket's default bodies where the backend has no JSON of its own, rate-limit headers in
milliseconds and 429s — so the real adapter can be tested over real HTTP::

    stoat = StoatEmulator()
    alice = stoat.add_user("alice")
    bob = stoat.add_user("bob")
    devs = stoat.add_server("Devs", owner=alice)
    invite = stoat.add_invite(devs.channels[0], creator=alice)
    async with stoat.serve() as api_base:
        async with StoatAdapter(token=bob.token, bot=False, api_base=api_base) as adapter:
            joined = await adapter.accept(invite.code)

Join rules run in the backend's order: ``IsBot``, ``TooManyServers``, ``NotFound``,
then ``Banned`` / ``AlreadyInServer`` for servers or ``AlreadyInGroup`` /
``GroupTooLarge`` for groups.

The permission model is reduced to what invites need: a server's owner may do
everything; other members hold the server's default permissions (``InviteOthers``)
plus whatever ``grant`` gives them. Group recipients and direct-message participants may
invite; the group's owner may do everything.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import random
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec
from aiohttp import web

__all__ = [
    "EmulatedChannel",
    "EmulatedInvite",
    "EmulatedRequest",
    "EmulatedServer",
    "EmulatedUser",
    "RateLimitConfig",
    "StoatEmulator",
]

INVITE_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghjkmnpqrstvwxyz"
_NANOID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_AUDIT_REASON_LIMIT = 512
_DEFAULT_SERVER_PERMISSIONS = frozenset({"InviteOthers"})
_ENCODER = msgspec.json.Encoder()

_ROCKET_REASONS = {
    400: (
        "Bad Request",
        "The request could not be understood by the server due to malformed syntax.",
    ),
    401: ("Unauthorized", "The request requires user authentication."),
    404: ("Not Found", "The requested resource could not be found."),
    500: (
        "Internal Server Error",
        "The server encountered an internal error while processing this request.",
    ),
}


@dataclass(frozen=True)
class RateLimitConfig:
    """The emulated rate limiter: fixed windows per token (or client address), bucket
    and resource, as the backend keeps them.

    Args:
        window: The window length in seconds (the backend's is 10).
        limits: Calls per window per bucket: ``any`` (``/invites/*`` and everything not
            listed), ``channels`` (per channel id), ``servers`` (per server id).
    """

    window: float = 10.0
    limits: Mapping[str, int] = field(
        default_factory=lambda: {"any": 20, "channels": 15, "servers": 5}
    )


@dataclass(eq=False)
class EmulatedUser:
    """An account; ``token`` goes in ``X-Session-Token`` (users) or ``X-Bot-Token`` (bots)."""

    id: str
    username: str
    discriminator: str
    token: str
    bot: bool = False
    display_name: str | None = None
    avatar: dict[str, Any] | None = None
    owner: EmulatedUser | None = None
    """The account that owns a bot."""
    server_limit: int = 100
    """The backend refuses a join once the account is in *more* than this many servers."""

    def __repr__(self) -> str:
        # The token stays out of logs and assertion messages.
        return f"EmulatedUser(id={self.id!r}, username={self.username!r}, bot={self.bot!r})"


@dataclass(eq=False)
class EmulatedChannel:
    """A channel: a server's ``TextChannel``, a ``Group`` or a ``DirectMessage``."""

    id: str
    kind: str
    name: str | None = None
    description: str | None = None
    server: EmulatedServer | None = None
    owner: EmulatedUser | None = None
    recipients: list[EmulatedUser] = field(default_factory=list)
    voice: bool = False
    icon: dict[str, Any] | None = None


@dataclass(eq=False)
class EmulatedServer:
    """A server with its channels, members, bans and granted permissions."""

    id: str
    name: str
    owner: EmulatedUser
    description: str | None = None
    channels: list[EmulatedChannel] = field(default_factory=list)
    members: list[EmulatedUser] = field(default_factory=list)
    banned: set[str] = field(default_factory=set)
    granted: dict[str, set[str]] = field(default_factory=dict)
    flags: int = 0
    icon: dict[str, Any] | None = None
    banner: dict[str, Any] | None = None
    discoverable: bool = False

    def channel(self, name: str) -> EmulatedChannel:
        """Return the channel called ``name``.

        Raises:
            KeyError: There is none.
        """
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise KeyError(f"server {self.name!r} has no channel {name!r}")


@dataclass(eq=False)
class EmulatedInvite:
    """An invite: to a server's text channel or to a group."""

    code: str
    channel: EmulatedChannel
    creator: EmulatedUser

    @property
    def kind(self) -> str:
        """``"Server"`` or ``"Group"``."""
        return "Server" if self.channel.server is not None else "Group"


@dataclass(frozen=True)
class EmulatedRequest:
    """One request the emulator received (tokens are not kept, only who they belong to)."""

    method: str
    path: str
    auth: str | None
    """``"bot"``, ``"session"`` or ``None``: the token header that was sent."""
    user_id: str | None
    """The account the token belongs to, if it is valid."""
    audit_reason: str | None
    accept: str | None


@dataclass
class _Canned:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str]


class _Reply(Exception):
    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


@dataclass
class _Window:
    started: float
    count: int = 0


class StoatEmulator:
    """Seeded Stoat state plus the ``aiohttp.web`` app that serves it.

    Args:
        group_size: The most recipients a group may have (the backend's default is 100).
        rate_limits: The limiter to apply; ``None`` sends no rate-limit headers at all
            (as when a proxy strips them).
        base_path: A path the API lives under (``"/api"`` for self-hosted instances).
            Every route is also served under ``{base_path}/0.8``, as the backend does.
        clock: Monotonic seconds, for the rate limiter.
        seed: Seeds the generated ids and codes.
    """

    def __init__(
        self,
        *,
        group_size: int = 100,
        rate_limits: RateLimitConfig | None = RateLimitConfig(),
        base_path: str = "",
        clock: Callable[[], float] = time.monotonic,
        seed: int = 0,
    ) -> None:
        self.group_size = group_size
        self.rate_limits = rate_limits
        self.base_path = base_path.rstrip("/")
        self.users: dict[str, EmulatedUser] = {}
        self.servers: dict[str, EmulatedServer] = {}
        self.channels: dict[str, EmulatedChannel] = {}
        self.invites: dict[str, EmulatedInvite] = {}
        self.requests: list[EmulatedRequest] = []
        self.audit_log: list[tuple[str, str, str | None]] = []
        """``(action, code, reason)`` for every invite created or deleted."""
        self.rate_limited = 0
        """How many requests were answered with a rate-limit 429."""
        self._clock = clock
        self._random = random.Random(seed)
        self._ids = itertools.count(1)
        self._canned: deque[_Canned] = deque()
        self._windows: dict[tuple[str, str, str], _Window] = {}

    # -- seeding ------------------------------------------------------------------------

    def _ulid(self) -> str:
        number = next(self._ids)
        digits = []
        for _ in range(16):
            number, index = divmod(number, 32)
            digits.append(_CROCKFORD[index])
        return "01JQ000000" + "".join(reversed(digits))

    def _nanoid(self, size: int, alphabet: str) -> str:
        return "".join(self._random.choice(alphabet) for _ in range(size))

    def file(
        self, tag: str, filename: str = "image.png", *, width: int = 256, height: int = 256
    ) -> dict[str, Any]:
        """Return a File object for an image, as the newest backend stores it."""
        return {
            "_id": self._nanoid(42, _NANOID_ALPHABET),
            "tag": tag,
            "filename": filename,
            "metadata": {
                "type": "Image",
                "width": width,
                "height": height,
                "thumbhash": None,
                "animated": None,
            },
            "content_type": "image/png",
            "size": width * height // 4,
        }

    def add_user(
        self,
        username: str,
        *,
        bot: bool = False,
        display_name: str | None = None,
        avatar: bool = False,
        owner: EmulatedUser | None = None,
        server_limit: int = 100,
    ) -> EmulatedUser:
        """Add an account (a bot with ``bot=True``, owned by ``owner``) and return it."""
        user = EmulatedUser(
            id=self._ulid(),
            username=username,
            discriminator=f"{len(self.users) + 1:04d}",
            token=self._nanoid(64, _NANOID_ALPHABET),
            bot=bot,
            display_name=display_name,
            avatar=self.file("avatars", f"{username}.png") if avatar else None,
            owner=owner,
            server_limit=server_limit,
        )
        self.users[user.id] = user
        return user

    def add_server(
        self,
        name: str,
        *,
        owner: EmulatedUser,
        channels: Iterable[str] = ("general",),
        members: Iterable[EmulatedUser] = (),
        description: str | None = None,
        flags: int = 0,
        icon: bool = False,
        banner: bool = False,
        discoverable: bool = False,
    ) -> EmulatedServer:
        """Add a server owned (and joined) by ``owner``, with text channels ``channels``."""
        server = EmulatedServer(
            id=self._ulid(),
            name=name,
            owner=owner,
            description=description,
            members=[owner, *members],
            flags=flags,
            icon=self.file("icons", "icon.png", width=512, height=512) if icon else None,
            banner=self.file("banners", "banner.jpg", width=1920, height=1080) if banner else None,
            discoverable=discoverable,
        )
        self.servers[server.id] = server
        for channel_name in channels:
            self.add_channel(server, channel_name)
        return server

    def add_channel(
        self,
        server: EmulatedServer,
        name: str,
        *,
        description: str | None = None,
        voice: bool = False,
    ) -> EmulatedChannel:
        """Add a text channel (with voice, if ``voice``) to ``server``."""
        channel = EmulatedChannel(
            id=self._ulid(),
            kind="TextChannel",
            name=name,
            description=description,
            server=server,
            voice=voice,
        )
        server.channels.append(channel)
        self.channels[channel.id] = channel
        return channel

    def add_group(
        self,
        name: str,
        *,
        owner: EmulatedUser,
        members: Iterable[EmulatedUser] = (),
        description: str | None = None,
    ) -> EmulatedChannel:
        """Add a group whose recipients are ``owner`` and ``members``."""
        channel = EmulatedChannel(
            id=self._ulid(),
            kind="Group",
            name=name,
            description=description,
            owner=owner,
            recipients=[owner, *members],
        )
        self.channels[channel.id] = channel
        return channel

    def add_direct_message(self, first: EmulatedUser, second: EmulatedUser) -> EmulatedChannel:
        """Add a direct-message channel between two accounts (no invites possible)."""
        channel = EmulatedChannel(id=self._ulid(), kind="DirectMessage", recipients=[first, second])
        self.channels[channel.id] = channel
        return channel

    def add_invite(
        self, channel: EmulatedChannel, *, creator: EmulatedUser, code: str | None = None
    ) -> EmulatedInvite:
        """Add an invite to ``channel`` (a server's text channel or a group).

        ``code`` defaults to a generated 8-character code; vanity codes such as
        ``"Testers"`` are allowed too.

        Raises:
            ValueError: The channel cannot have invites, or the code is taken.
        """
        if channel.kind not in ("TextChannel", "Group"):
            raise ValueError(f"a {channel.kind} channel cannot have invites")
        code = code if code is not None else self._nanoid(8, INVITE_CODE_ALPHABET)
        if code in self.invites:
            raise ValueError(f"invite code {code!r} is taken")
        invite = EmulatedInvite(code=code, channel=channel, creator=creator)
        self.invites[code] = invite
        return invite

    def ban(self, server: EmulatedServer, user: EmulatedUser) -> None:
        """Ban ``user`` from ``server`` (and remove them from it)."""
        server.banned.add(user.id)
        server.members = [member for member in server.members if member is not user]

    def grant(self, server: EmulatedServer, user: EmulatedUser, *permissions: str) -> None:
        """Give ``user`` server permissions by name (``"ManageServer"``, ``"InviteOthers"``)."""
        server.granted.setdefault(user.id, set()).update(permissions)

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
            data, default_type = _ENCODER.encode(body), "application/json"
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
        runner = web.AppRunner(self.make_app(), access_log=None, handle_signals=False)
        await runner.setup()
        try:
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            host, port = runner.addresses[0][:2]
            yield f"http://{host}:{port}{self.base_path}"
        finally:
            await runner.cleanup()

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
        if self._canned:
            canned = self._canned.popleft()
            return web.Response(
                status=canned.status,
                body=canned.body,
                content_type=canned.content_type.partition(";")[0],
                headers=canned.headers,
            )
        limit_headers, retry_after = self._rate_limit(request, user)
        if retry_after is not None:
            self.rate_limited += 1
            return self._json(429, {"retry_after": retry_after}, headers=limit_headers)
        try:
            response = await handler(request)
        except _Reply as reply:
            response = reply.response
        except web.HTTPException as exc:
            # Rocket answers unmatched routes and methods with its default 404.
            status = 404 if exc.status in (404, 405) else exc.status
            response = self._rocket(request, status)
        response.headers.update(limit_headers)
        return response

    # -- rate limiting ------------------------------------------------------------------

    def _bucket(self, path: str) -> tuple[str, str]:
        rest = path[len(self.base_path) :].removeprefix("/0.8")
        parts = rest.strip("/").split("/")
        if len(parts) >= 2 and parts[0] in ("channels", "servers"):
            return parts[0], parts[1]
        return "any", ""

    def _rate_limit(
        self, request: web.Request, user: EmulatedUser | None
    ) -> tuple[dict[str, str], int | None]:
        config = self.rate_limits
        if config is None:
            return {}, None
        bucket, resource = self._bucket(request.path)
        limit = config.limits.get(bucket, config.limits.get("any", 20))
        key = user.id if user is not None else (request.remote or "?")
        now = self._clock()
        window = self._windows.get((key, bucket, resource))
        if window is None or now >= window.started + config.window:
            window = self._windows[(key, bucket, resource)] = _Window(started=now)
        reset_after = max(0, round((window.started + config.window - now) * 1000))
        digest = hashlib.blake2b(f"{bucket}:{resource}".encode(), digest_size=8).digest()
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Bucket": str(int.from_bytes(digest, "big")),
            "X-RateLimit-Reset-After": str(reset_after),
        }
        if window.count >= limit:
            headers["X-RateLimit-Remaining"] = "0"
            return headers, reset_after
        window.count += 1
        headers["X-RateLimit-Remaining"] = str(limit - window.count)
        return headers, None

    # -- helpers ------------------------------------------------------------------------

    def _identify(self, request: web.Request) -> tuple[str | None, EmulatedUser | None]:
        bot_token = request.headers.get("X-Bot-Token")
        if bot_token is not None:
            return "bot", self._user_by_token(bot_token, bot=True)
        session_token = request.headers.get("X-Session-Token")
        if session_token is not None:
            return "session", self._user_by_token(session_token, bot=False)
        return None, None

    def _user_by_token(self, token: str, *, bot: bool) -> EmulatedUser | None:
        for user in self.users.values():
            if user.bot == bot and user.token == token:
                return user
        return None

    def _authenticate(self, request: web.Request) -> EmulatedUser:
        # The backend reads X-Bot-Token first and never falls back to the session header.
        _, user = self._identify(request)
        if user is None:
            raise _Reply(self._rocket(request, 401))
        return user

    @staticmethod
    def _json(status: int, data: Any, *, headers: Mapping[str, str] | None = None) -> web.Response:
        return web.Response(
            status=status,
            body=_ENCODER.encode(data),
            content_type="application/json",
            headers=headers,
        )

    @classmethod
    def _error(cls, status: int, kind: str, location: str, **extra: Any) -> _Reply:
        return _Reply(cls._json(status, {"type": kind, **extra, "location": location}))

    @staticmethod
    def _rocket(request: web.Request, status: int) -> web.Response:
        reason, description = _ROCKET_REASONS.get(status, ("Error", "An error occurred."))
        if "application/json" in request.headers.get("Accept", ""):
            body = {"error": {"code": status, "reason": reason, "description": description}}
            return StoatEmulator._json(status, body)
        html = (
            f"<!DOCTYPE html><html><head><title>{status} {reason}</title></head><body>"
            f"<h1>{reason}</h1><p>{description}</p><hr/><small>Rocket</small></body></html>"
        )
        return web.Response(status=status, text=html, content_type="text/html")

    def _find_invite(self, code: str) -> EmulatedInvite:
        invite = self.invites.get(code)
        if invite is not None:
            return invite
        # A discoverable server's id works as a code, leading to its first channel.
        server = self.servers.get(code)
        if server is not None and server.discoverable and server.channels:
            return EmulatedInvite(code=server.id, channel=server.channels[0], creator=server.owner)
        raise self._error(404, "NotFound", "crates/core/database/src/util/reference.rs:30:26")

    def _server_permissions(self, server: EmulatedServer, user: EmulatedUser) -> set[str]:
        if user is server.owner:
            return {"*"}
        if user not in server.members:
            return set()
        return set(_DEFAULT_SERVER_PERMISSIONS) | server.granted.get(user.id, set())

    @staticmethod
    def _has(permissions: set[str], permission: str) -> bool:
        return "*" in permissions or permission in permissions

    @staticmethod
    def _strip(data: dict[str, Any]) -> dict[str, Any]:
        # serde's skip_serializing_if = "Option::is_none": absent, never null.
        return {key: value for key, value in data.items() if value is not None}

    def _user_payload(self, user: EmulatedUser, viewer: EmulatedUser) -> dict[str, Any]:
        return self._strip(
            {
                "_id": user.id,
                "username": user.username,
                "discriminator": user.discriminator,
                "display_name": user.display_name,
                "avatar": user.avatar,
                "bot": {"owner": (user.owner or user).id} if user.bot else None,
                "relationship": "User" if user is viewer else "None",
                "online": False,
            }
        )

    def _channel_payload(self, channel: EmulatedChannel) -> dict[str, Any]:
        if channel.kind == "Group":
            assert channel.owner is not None
            return self._strip(
                {
                    "channel_type": "Group",
                    "_id": channel.id,
                    "name": channel.name,
                    "owner": channel.owner.id,
                    "description": channel.description,
                    "recipients": [user.id for user in channel.recipients],
                    "icon": channel.icon,
                }
            )
        assert channel.server is not None
        return self._strip(
            {
                "channel_type": "TextChannel",
                "_id": channel.id,
                "server": channel.server.id,
                "name": channel.name,
                "description": channel.description,
                "icon": channel.icon,
                "voice": {"max_users": 10} if channel.voice else None,
            }
        )

    def _server_payload(self, server: EmulatedServer) -> dict[str, Any]:
        return self._strip(
            {
                "_id": server.id,
                "owner": server.owner.id,
                "name": server.name,
                "description": server.description,
                "channels": [channel.id for channel in server.channels],
                "default_permissions": 77014766592,
                "icon": server.icon,
                "banner": server.banner,
                "flags": server.flags or None,
                "discoverable": server.discoverable or None,
                "approximate_member_count": len(server.members),
            }
        )

    # -- routes -------------------------------------------------------------------------

    async def _fetch_invite(self, request: web.Request) -> web.Response:
        invite = self._find_invite(request.match_info["code"])
        channel, creator = invite.channel, invite.creator
        payload: dict[str, Any]
        if channel.server is not None:
            server = channel.server
            payload = {
                "type": "Server",
                "code": invite.code,
                "server_id": server.id,
                "server_name": server.name,
                "server_icon": server.icon,
                "server_banner": server.banner,
                "server_flags": server.flags or None,
                "channel_id": channel.id,
                "channel_name": channel.name,
                "channel_description": channel.description,
                "user_name": creator.username,
                "user_avatar": creator.avatar,
                "member_count": len(server.members),
            }
        else:
            payload = {
                "type": "Group",
                "code": invite.code,
                "channel_id": channel.id,
                "channel_name": channel.name,
                "channel_description": channel.description,
                "user_name": creator.username,
                "user_avatar": creator.avatar,
            }
        return self._json(200, self._strip(payload))

    async def _join(self, request: web.Request) -> web.Response:
        user = self._authenticate(request)
        if user.bot:
            raise self._error(400, "IsBot", "crates/delta/src/routes/invites/invite_join.rs:18:20")
        joined = sum(user in server.members for server in self.servers.values())
        # The backend lets the count reach the limit and refuses only beyond it.
        if joined > user.server_limit:
            raise self._error(
                400,
                "TooManyServers",
                "crates/core/database/src/models/users/model.rs:293:17",
                max=user.server_limit,
            )
        invite = self._find_invite(request.match_info["code"])
        channel = invite.channel
        if channel.server is not None:
            server = channel.server
            if user.id in server.banned:
                raise self._error(
                    403, "Banned", "crates/core/database/src/models/server_members/model.rs:74:24"
                )
            if user in server.members:
                raise self._error(
                    409,
                    "AlreadyInServer",
                    "crates/core/database/src/models/server_members/model.rs:80:24",
                )
            server.members.append(user)
            return self._json(
                200,
                {
                    "type": "Server",
                    "channels": [self._channel_payload(c) for c in server.channels],
                    "server": self._server_payload(server),
                },
            )
        if user in channel.recipients:
            raise self._error(
                409, "AlreadyInGroup", "crates/core/database/src/models/channels/model.rs:523:24"
            )
        if len(channel.recipients) >= self.group_size:
            raise self._error(
                403,
                "GroupTooLarge",
                "crates/core/database/src/models/channels/model.rs:527:24",
                max=self.group_size,
            )
        channel.recipients.append(user)
        return self._json(
            200,
            {
                "type": "Group",
                "channel": self._channel_payload(channel),
                "users": [self._user_payload(member, user) for member in channel.recipients],
            },
        )

    def _audit_reason(self, request: web.Request) -> str | None:
        reason = request.headers.get("X-Audit-Log-Reason")
        if reason is not None and len(reason.encode()) > _AUDIT_REASON_LIMIT:
            raise self._error(
                400, "HeaderTooLarge", "crates/delta/src/util/audit_log_reason.rs:21:17"
            )
        return reason

    async def _delete_invite(self, request: web.Request) -> web.Response:
        user = self._authenticate(request)
        reason = self._audit_reason(request)
        code = request.match_info["code"]
        invite = self.invites.get(code)
        if invite is None:
            raise self._error(404, "NotFound", "crates/core/database/src/util/reference.rs:30:26")
        if invite.creator is not user:
            server = invite.channel.server
            if server is None:
                # The backend reaches unreachable!() here and panics.
                raise _Reply(self._rocket(request, 500))
            if not self._has(self._server_permissions(server, user), "ManageServer"):
                raise self._error(
                    403,
                    "MissingPermission",
                    "crates/core/permissions/src/models/mod.rs:80:17",
                    permission="ManageServer",
                )
        del self.invites[code]
        self.audit_log.append(("delete", code, reason))
        return web.Response(status=204)

    async def _create_invite(self, request: web.Request) -> web.Response:
        user = self._authenticate(request)
        reason = self._audit_reason(request)
        if user.bot:
            raise self._error(
                400, "IsBot", "crates/delta/src/routes/channels/invite_create.rs:25:20"
            )
        channel = self.channels.get(request.match_info["channel"])
        if channel is None:
            raise self._error(404, "NotFound", "crates/core/database/src/util/reference.rs:44:26")
        if channel.server is not None:
            allowed = self._has(self._server_permissions(channel.server, user), "InviteOthers")
        else:
            allowed = user in channel.recipients
        if not allowed:
            raise self._error(
                403,
                "MissingPermission",
                "crates/core/permissions/src/models/mod.rs:80:17",
                permission="InviteOthers",
            )
        if channel.kind not in ("TextChannel", "Group"):
            raise self._error(
                400,
                "InvalidOperation",
                "crates/core/database/src/models/channel_invites/model.rs:61:22",
            )
        invite = self.add_invite(channel, creator=user)
        self.audit_log.append(("create", invite.code, reason))
        return self._json(200, self._private_payload(invite))

    @staticmethod
    def _private_payload(invite: EmulatedInvite) -> dict[str, Any]:
        if invite.channel.server is not None:
            return {
                "type": "Server",
                "_id": invite.code,
                "server": invite.channel.server.id,
                "creator": invite.creator.id,
                "channel": invite.channel.id,
            }
        return {
            "type": "Group",
            "_id": invite.code,
            "creator": invite.creator.id,
            "channel": invite.channel.id,
        }

    async def _list_invites(self, request: web.Request) -> web.Response:
        user = self._authenticate(request)
        server = self.servers.get(request.match_info["server"])
        if server is None:
            raise self._error(404, "NotFound", "crates/core/database/src/util/reference.rs:58:26")
        if not self._has(self._server_permissions(server, user), "ManageServer"):
            raise self._error(
                403,
                "MissingPermission",
                "crates/core/permissions/src/models/mod.rs:80:17",
                permission="ManageServer",
            )
        invites = [
            self._private_payload(invite)
            for invite in self.invites.values()
            if invite.channel.server is server
        ]
        return self._json(200, invites)
