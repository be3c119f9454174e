"""The emulator's HTTP side: routing, auth, rate limits, and one handler per endpoint.

Every answer follows the real API: status codes, ``{"message", "code"}`` error bodies
(with the nested ``errors`` tree for 400s), ``X-RateLimit-*`` headers on every routed
response, and 429 bodies with ``retry_after`` and ``global``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any
from urllib.parse import unquote

import msgspec
from aiohttp import web

from invitekit_discord.testing._emulator import DiscordEmulator, RecordedRequest
from invitekit_discord.testing._world import (
    EmulatedChannel,
    EmulatedGuild,
    EmulatedInvite,
    EmulatedUser,
    TargetUsersJobState,
)

__all__ = ["BUCKETS", "build_app"]

BUCKETS = {
    ("GET", "/invites/{code}"): "invites.get",
    ("DELETE", "/invites/{code}"): "invites.delete",
    ("GET", "/invites/{code}/target-users"): "invites.target_users",
    ("PUT", "/invites/{code}/target-users"): "invites.target_users",
    ("GET", "/invites/{code}/target-users/job-status"): "invites.target_users",
    ("GET", "/channels/{channel_id}/invites"): "channels.invites.get",
    ("POST", "/channels/{channel_id}/invites"): "channels.invites.post",
    ("GET", "/guilds/{guild_id}/invites"): "guilds.invites",
    ("GET", "/guilds/{guild_id}/vanity-url"): "guilds.vanity_url",
}
"""(method, path template) → the bucket name ``limits`` are keyed by."""

# aiohttp runs each request in its own task, so these are per request.
_CURRENT_USER: ContextVar[EmulatedUser | None] = ContextVar("emulator_user", default=None)
_CURRENT_RECORD: ContextVar[RecordedRequest | None] = ContextVar("emulator_record", default=None)
_EMULATOR: web.AppKey[DiscordEmulator] = web.AppKey("emulator")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_INVITES_PER_GUILD = 1000


class Fail(Exception):
    """Raised by a handler to answer with Discord's JSON error."""

    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def response(self) -> web.Response:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return _json(body, self.status)


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=msgspec.json.encode(data),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def _field_error(name: str, code: str, message: str) -> Fail:
    return Fail(
        400, 50035, "Invalid Form Body", {name: {"_errors": [{"code": code, "message": message}]}}
    )


def _truthy(value: str | None) -> bool:
    return value is not None and value.lower() in {"true", "1"}


def _emulator(request: web.Request) -> DiscordEmulator:
    return request.app[_EMULATOR]


def _user(request: web.Request) -> EmulatedUser | None:
    return _CURRENT_USER.get()


def _bot(request: web.Request) -> EmulatedUser:
    user = _user(request)
    if user is None:
        raise Fail(401, 0, "401: Unauthorized")
    return user


def _guild(request: web.Request) -> EmulatedGuild:
    guild = _emulator(request).world.guilds.get(request.match_info["guild_id"])
    if guild is None:
        raise Fail(404, 10004, "Unknown Guild")
    return guild


def _channel(request: web.Request) -> EmulatedChannel:
    channel = _emulator(request).world.channels.get(request.match_info["channel_id"])
    if channel is None:
        raise Fail(404, 10003, "Unknown Channel")
    return channel


def _invite(request: web.Request) -> EmulatedInvite:
    invite = _emulator(request).world.live_invite(request.match_info["code"])
    if invite is None:
        raise Fail(404, 10006, "Unknown Invite")
    return invite


def _missing_permissions() -> Fail:
    return Fail(403, 50013, "Missing Permissions")


def _snowflake(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.isdigit():
        raise _field_error(name, "NUMBER_TYPE_COERCE", f'Value "{value}" is not snowflake.')
    return value


def _reason(request: web.Request) -> str | None:
    header = request.headers.get("X-Audit-Log-Reason")
    if header is None:
        return None
    reason = unquote(header)
    if not 1 <= len(reason) <= 512:
        raise _field_error("reason", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 512 in length.")
    return reason


# -- middleware ----------------------------------------------------------------------------


@web.middleware
async def _middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    emulator = _emulator(request)
    multipart = request.content_type.startswith("multipart/")
    record = RecordedRequest(
        method=request.method,
        path=request.path,
        query=dict(request.query),
        headers={name.lower(): value for name, value in request.headers.items()},
        body=b"" if multipart else await request.read(),
        received_at=emulator.world.clock(),
    )
    emulator.requests.append(record)
    _CURRENT_RECORD.set(record)
    _CURRENT_USER.set(None)
    await emulator.stall()
    fault = emulator.faults.pop()
    if fault is not None:
        await fault.before(emulator.stopping)
    if fault is not None and not fault.handled:
        response: web.StreamResponse = fault.canned()
    else:
        response = await _respond(emulator, request, handler)
        if not emulator.rate_limit_headers:
            for name in [n for n in response.headers if n.lower().startswith("x-ratelimit-")]:
                del response.headers[name]
    record.status = response.status
    record.response_headers = dict(response.headers)
    if isinstance(response, web.Response) and isinstance(response.body, bytes):
        record.response_body = response.body
    if fault is not None:
        record.fault = fault.kind.value
        if fault.handled and isinstance(response, web.Response):
            return await fault.deliver(request, response, emulator.stopping)
    return response


async def _respond(
    emulator: DiscordEmulator, request: web.Request, handler: Handler
) -> web.StreamResponse:
    injected = emulator.next_injection()
    if injected is not None:
        canned = web.Response(body=injected.body, status=injected.status, headers=injected.headers)
        canned.content_type = injected.content_type
        return canned
    if emulator.require_user_agent and not request.headers.get("User-Agent", "").startswith(
        "DiscordBot ("
    ):
        return Fail(403, 40333, "internal network error").response()
    match = request.match_info
    if match.http_exception is not None:
        status = match.http_exception.status
        return Fail(status, 0, f"{status}: {match.http_exception.reason}").response()
    try:
        _authenticate(emulator, request)
    except Fail as fail:
        return fail.response()
    template = (
        match.route.resource.canonical.removeprefix("/api/v10") if match.route.resource else ""
    )
    bucket = BUCKETS.get((request.method, template), template)
    resource = match.get("channel_id") or match.get("guild_id") or ""
    user = _user(request)
    if emulator.global_limit is not None:
        who = user.id if user is not None else (request.remote or "anonymous")
        verdict = emulator.windows.check_global(who, emulator.global_limit)
        if not verdict.allowed:
            body = {
                "message": "You are being rate limited.",
                "retry_after": verdict.retry_after,
                "global": True,
            }
            return _json(body, 429, verdict.headers)
    verdict = emulator.windows.check(bucket, resource, emulator.limit_for(bucket))
    if not verdict.allowed:
        headers = dict(verdict.headers, **{"X-RateLimit-Scope": "user"})
        body = {
            "message": "You are being rate limited.",
            "retry_after": round(verdict.retry_after, 3),
            "global": False,
        }
        return _json(body, 429, headers)
    response: web.StreamResponse
    try:
        response = await handler(request)
    except Fail as fail:
        response = fail.response()
    response.headers.update(verdict.headers)
    return response


def _authenticate(emulator: DiscordEmulator, request: web.Request) -> None:
    header = request.headers.get("Authorization")
    if header is None:
        return
    scheme, _, token = header.partition(" ")
    user = emulator.world.by_token(token) if scheme == "Bot" else None
    if user is None:
        raise Fail(401, 0, "401: Unauthorized")
    _CURRENT_USER.set(user)


# -- handlers ------------------------------------------------------------------------------


async def get_invite(request: web.Request) -> web.Response:
    world = _emulator(request).world
    invite = _invite(request)
    event = None
    event_id = request.query.get("guild_scheduled_event_id")
    if event_id is not None:
        _snowflake("guild_scheduled_event_id", event_id)
        candidate = world.events.get(event_id)
        if candidate is not None and candidate.guild is invite.guild:
            event = candidate
    counts = _truthy(request.query.get("with_counts"))
    return _json(world.render_invite(invite, counts=counts, event=event))


async def delete_invite(request: web.Request) -> web.Response:
    world = _emulator(request).world
    bot = _bot(request)
    invite = _invite(request)
    allowed = invite.inviter is bot or bot.can(invite.guild, "MANAGE_CHANNELS", "MANAGE_GUILD")
    if not allowed:
        raise _missing_permissions()
    reason = _reason(request)
    del world.invites[invite.code]
    world.audit_log.append(("delete", invite.code, reason))
    world.dispatches.append(("INVITE_DELETE", world.render_invite_delete(invite)))
    return _json(world.render_invite(invite))


async def list_channel_invites(request: web.Request) -> web.Response:
    world = _emulator(request).world
    bot = _bot(request)
    channel = _channel(request)
    if channel.guild is None:
        raise Fail(400, 50024, "Cannot execute action on this channel type")
    if not bot.can(channel.guild, "MANAGE_CHANNELS"):
        raise _missing_permissions()
    invites = [i for i in world.live_invites() if i.channel is channel]
    return _json([world.render_invite(i, metadata=True) for i in invites])


async def list_guild_invites(request: web.Request) -> web.Response:
    world = _emulator(request).world
    bot = _bot(request)
    guild = _guild(request)
    metadata = bot.can(guild, "MANAGE_GUILD")
    if not metadata and not bot.can(guild, "VIEW_AUDIT_LOG"):
        raise _missing_permissions()
    invites = [i for i in world.live_invites() if i.guild is guild]
    return _json([world.render_invite(i, metadata=metadata) for i in invites])


async def vanity_url(request: web.Request) -> web.Response:
    bot = _bot(request)
    guild = _guild(request)
    if not bot.can(guild, "MANAGE_GUILD"):
        raise _missing_permissions()
    return _json({"code": guild.vanity_code, "uses": guild.vanity_uses})


def _int_field(body: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = body.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise _field_error(name, "NUMBER_TYPE_COERCE", f'Value "{value}" is not int.')
    if not low <= value <= high:
        raise _field_error(
            name, "NUMBER_TYPE_MAX", f"int value should be between {low} and {high}."
        )
    return value


def _bool_field(body: dict[str, Any], name: str) -> bool:
    value = body.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _field_error(name, "BOOLEAN_TYPE_COERCE", f'Value "{value}" is not bool.')
    return value


async def create_invite(request: web.Request) -> web.Response:
    emulator = _emulator(request)
    world = emulator.world
    bot = _bot(request)
    channel = _channel(request)
    if channel.guild is None:
        raise Fail(400, 50024, "Cannot execute action on this channel type")
    guild = channel.guild
    if not bot.can(guild, "CREATE_INSTANT_INVITE"):
        raise _missing_permissions()
    if not request.content_type == "application/json":
        raise Fail(400, 50035, "Invalid Form Body")
    try:
        body = msgspec.json.decode(await request.read())
    except msgspec.DecodeError:
        raise Fail(400, 50109, "The request body contains invalid JSON.") from None
    if not isinstance(body, dict):
        raise Fail(400, 50035, "Invalid Form Body")
    max_age = _int_field(body, "max_age", 86400, 0, 604800)
    max_uses = _int_field(body, "max_uses", 0, 0, 100)
    temporary = _bool_field(body, "temporary")
    unique = _bool_field(body, "unique")
    target_type = body.get("target_type")
    target_user = target_application = None
    if target_type is not None:
        if target_type == 1:
            user_id = _snowflake("target_user_id", body.get("target_user_id"))
            target_user = world.users.get(user_id)
            if target_user is None:
                raise Fail(404, 10013, "Unknown User")
        elif target_type == 2:
            app_id = _snowflake("target_application_id", body.get("target_application_id"))
            target_application = world.applications.get(app_id)
            if target_application is None:
                raise Fail(404, 10002, "Unknown Application")
        else:
            raise _field_error(
                "target_type",
                "ENUM_TYPE_COERCE",
                f'Value "{target_type}" is not a valid enum value.',
            )
    roles = []
    role_ids = body.get("role_ids")
    if role_ids is not None:
        if not isinstance(role_ids, list):
            raise _field_error("role_ids", "LIST_TYPE_CONVERT", "Must be a list.")
        if not bot.can(guild, "MANAGE_ROLES"):
            raise _missing_permissions()
        for role_id in role_ids:
            role = guild.roles.get(_snowflake("role_ids", role_id))
            if role is None:
                raise Fail(400, 50028, "Invalid Role")
            roles.append(role)
    reason = _reason(request)
    if not unique and target_type is None and not roles:
        for existing in world.live_invites():
            same = (existing.max_age, existing.max_uses, existing.temporary) == (
                max_age,
                max_uses,
                temporary,
            )
            if (
                existing.channel is channel
                and existing.inviter is bot
                and same
                and not existing.roles
            ):
                return _json(world.render_invite(existing, metadata=True))
    if sum(1 for i in world.live_invites() if i.guild is guild) >= MAX_INVITES_PER_GUILD:
        raise Fail(400, 30016, "Maximum number of invites reached (1000)")
    invite = emulator.add_invite(
        channel,
        inviter=bot,
        max_age=max_age,
        max_uses=max_uses,
        temporary=temporary,
        target_type=target_type,
        target_user=target_user,
        target_application=target_application,
        roles=roles,
    )
    world.audit_log.append(("create", invite.code, reason))
    world.dispatches.append(("INVITE_CREATE", world.render_invite_create(invite)))
    return _json(world.render_invite(invite, metadata=True))


def _may_see_targets(bot: EmulatedUser, invite: EmulatedInvite, *extra: str) -> bool:
    return invite.inviter is bot or bot.can(invite.guild, "MANAGE_GUILD", *extra)


async def get_target_users(request: web.Request) -> web.Response:
    bot = _bot(request)
    invite = _invite(request)
    if not _may_see_targets(bot, invite, "VIEW_AUDIT_LOG"):
        raise _missing_permissions()
    if invite.target_users is None:
        raise Fail(404, 10129, "Unknown invite target users")
    text = "user_id\n" + "".join(f"{user_id}\n" for user_id in invite.target_users)
    return web.Response(text=text, content_type="text/csv")


async def put_target_users(request: web.Request) -> web.Response:
    world = _emulator(request).world
    bot = _bot(request)
    invite = _invite(request)
    if not _may_see_targets(bot, invite):
        raise _missing_permissions()
    form = await request.post() if request.content_type == "multipart/form-data" else {}
    upload = form.get("target_users_file")
    if not isinstance(upload, web.FileField):
        raise _field_error("target_users_file", "BASE_TYPE_REQUIRED", "This field is required")
    # Closed here, not left to aiohttp: releases before 3.10.2 never close it.
    with upload.file:
        data = upload.file.read()
    record = _CURRENT_RECORD.get()
    if record is not None:
        record.body = data
    ids: list[str] = []
    problems: list[str] = []
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        value = line.strip()
        if not value or (number == 1 and value.lower() == "user_id"):
            continue
        if not value.isdigit():
            problems.append(f"Line {number}: invalid user ID format")
        else:
            ids.append(value)
    if problems:
        return _json({"target_users_file": problems}, 400)
    invite.target_users = list(dict.fromkeys(ids))
    invite.job = TargetUsersJobState(total=len(invite.target_users), created_at=world.clock())
    return web.Response(status=204)


async def target_users_job(request: web.Request) -> web.Response:
    world = _emulator(request).world
    bot = _bot(request)
    invite = _invite(request)
    if not _may_see_targets(bot, invite, "VIEW_AUDIT_LOG"):
        raise _missing_permissions()
    if invite.job is None:
        raise Fail(404, 10124, "Unknown invite target users job")
    return _json(world.render_job(invite.job))


def build_app(emulator: DiscordEmulator) -> web.Application:
    """Return the emulator's application; routes live under ``/api/v10``."""
    app = web.Application(middlewares=[_middleware])
    app[_EMULATOR] = emulator
    api = web.RouteTableDef()
    api.get("/api/v10/invites/{code}")(get_invite)
    api.delete("/api/v10/invites/{code}")(delete_invite)
    api.get("/api/v10/invites/{code}/target-users")(get_target_users)
    api.put("/api/v10/invites/{code}/target-users")(put_target_users)
    api.get("/api/v10/invites/{code}/target-users/job-status")(target_users_job)
    api.get("/api/v10/channels/{channel_id}/invites")(list_channel_invites)
    api.post("/api/v10/channels/{channel_id}/invites")(create_invite)
    api.get("/api/v10/guilds/{guild_id}/invites")(list_guild_invites)
    api.get("/api/v10/guilds/{guild_id}/vanity-url")(vanity_url)
    app.add_routes(api)
    return app
