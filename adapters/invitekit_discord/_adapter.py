"""``DiscordAdapter``: Discord's invite endpoints as invitekit verbs, over the core transport."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar
from urllib.parse import quote

from typing_extensions import Unpack

import invitekit
from invitekit import (
    Adapter,
    Capability,
    InvalidArgument,
    InvalidInviteLink,
    InviteRef,
    LinkRules,
    PrivateInvite,
    PublicInvite,
    UnsupportedOperation,
)
from invitekit.decoding import as_raw
from invitekit.http import (
    Credential,
    FormPart,
    HTTPTransport,
    Route,
    Throttle,
    TransportKwargs,
    TransportOptions,
)
from invitekit_discord import _decode
from invitekit_discord._convert import PLATFORM
from invitekit_discord._details import DiscordVanityURL, TargetUsersJob
from invitekit_discord._errors import map_error
from invitekit_discord._links import LINK_RULES
from invitekit_discord._ratelimits import DiscordRateLimits

__all__ = ["DEFAULT_API_BASE", "DEFAULT_GLOBAL_LIMIT", "DEFAULT_LOOKUP_LIMIT", "DiscordAdapter"]

DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_LOOKUP_LIMIT = Throttle(limit=120, period=600.0)
"""At most 120 invite lookups per 10 minutes: about half the ~250 per 10 minutes reported
to earn a Cloudflare ban without a single 429 first (discord-api-docs #7145)."""
DEFAULT_GLOBAL_LIMIT = Throttle(limit=50, period=1.0)
"""Discord's global limit: 50 requests per second per bot."""
PROJECT_URL = "https://pypi.org/project/invitekit/"
MAX_REASON_LENGTH = 512
MAX_ROLE_IDS = 250
_LOOKUPS = "invite_lookups"
_CREATE_OPTIONS = frozenset(
    {"unique", "target_type", "target_user_id", "target_application_id", "role_ids"}
)


def _snowflake(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        raise InvalidArgument(
            f"{what} must be a Discord snowflake (digits): {value!r}", platform=PLATFORM
        )
    return value


class DiscordAdapter(Adapter):
    """Discord invites through the REST API (v10), as a bot or anonymously.

    Args:
        token: A bot token. Without one only ``fetch_invite`` works; every other verb
            raises ``UnsupportedOperation`` before any I/O.
        api_base: The API base URL; point it at ``invitekit_discord.testing`` in tests,
            or at a Discord-compatible server (with ``link_hosts``).
        lookup_limit: The client-side cap on ``fetch_invite`` calls; ``None`` disables it.
        global_limit: The client-side cap on all requests (Discord allows a bot 50 per
            second unless it was granted more); ``None`` disables it.
        link_hosts: The hosts of a Discord-compatible server (a self-hosted instance),
            whose ``https://{host}/invite/{code}`` links this adapter recognises instead
            of Discord's (the first is the canonical one its invites print with).
        instance: The name of that instance: by default its first link host; a label
            such as ``"work"``, or one of ``link_hosts``. A host name given here alone is
            its link host. Invites carry it, so they never equal Discord's.
        **options: The options every HTTP adapter takes (``timeout``, ``max_retries``,
            ``rate_limit_store``, ``allow_insecure``, ``transport`` …), documented on
            ``invitekit.http.TransportOptions``.

    ``accept`` is not available to bots on Discord: it raises ``UnsupportedOperation``.
    ``create_invite`` takes Discord's options as keywords: ``unique`` (bool),
    ``target_type`` (1 stream, 2 embedded application) with ``target_user_id`` or
    ``target_application_id``, and ``role_ids`` (roles granted on joining); any other
    keyword raises ``UnsupportedOperation`` and a malformed value ``InvalidArgument``,
    both before any request. Beyond the core verbs: ``fetch_vanity_url``,
    ``fetch_target_users``, ``update_target_users`` and ``fetch_target_users_job``.
    Use the adapter as an async context manager, or ``await adapter.close()``.

    Raises:
        InvalidArgument: An option is malformed (a token with line breaks, a non-HTTP base,
            plain http to another host without ``allow_insecure``, a link host that is
            not a host name, an instance name with a dot that is none of the link hosts).
    """

    platform: ClassVar[str] = PLATFORM
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.FETCH,
            Capability.DELETE,
            Capability.CREATE,
            Capability.LIST_SERVER_INVITES,
            Capability.LIST_CHANNEL_INVITES,
        }
    )
    link_rules: ClassVar[LinkRules] = LINK_RULES

    def __init__(
        self,
        token: str | None = None,
        *,
        api_base: str = DEFAULT_API_BASE,
        lookup_limit: Throttle | None = DEFAULT_LOOKUP_LIMIT,
        global_limit: Throttle | None = DEFAULT_GLOBAL_LIMIT,
        link_hosts: Iterable[str] = (),
        instance: str | None = None,
        **options: Unpack[TransportKwargs],
    ) -> None:
        hosts = [link_hosts] if isinstance(link_hosts, str) else list(link_hosts)
        self._link_rules = (
            self.link_rules.self_hosted(hosts, instance=instance)
            if hosts or instance is not None
            else self.link_rules
        )
        credential = None
        if token is not None:
            raw: object = token
            # Accept the header form too; "Bot Bot …" would never authenticate.
            credential = Credential.from_token(
                "Authorization",
                raw.removeprefix("Bot ") if isinstance(raw, str) else raw,
                scheme="Bot",
                platform=PLATFORM,
            )
        self.api_base = api_base
        self._transport = TransportOptions(**options).build(
            api_base,
            platform=PLATFORM,
            error_mapper=map_error,
            rate_limits=DiscordRateLimits(),
            credential=credential,
            user_agent=f"DiscordBot ({PROJECT_URL}, {invitekit.__version__})",
            throttles={} if lookup_limit is None else {_LOOKUPS: lookup_limit},
            global_throttle=global_limit,
        )
        self._lookups = None if lookup_limit is None else _LOOKUPS

    @property
    def transport(self) -> HTTPTransport:
        """The HTTP transport this adapter sends through."""
        return self._transport

    @property
    def instance(self) -> str | None:
        """The Discord-compatible server's name, or ``None`` for Discord itself."""
        return self._link_rules.instance

    @property
    def active_link_rules(self) -> LinkRules:
        """Discord's link rules, or a Discord-compatible server's
        ``{host}/invite/{code}`` forms (the first host canonical)."""
        return self._link_rules

    @property
    def authenticated(self) -> bool:
        """Whether the adapter has a bot token."""
        return self._transport.authenticated

    def supports(self, capability: Capability) -> bool:
        """Fetching works anonymously; everything else needs a bot token."""
        if capability not in self.capabilities:
            return False
        return capability is Capability.FETCH or self.authenticated

    def __repr__(self) -> str:
        auth = "bot" if self.authenticated else "anonymous"
        instance = "" if self.instance is None else f" instance={self.instance!r}"
        return f"<DiscordAdapter {self.api_base} {auth}{instance}>"

    async def close(self) -> None:
        """Close the HTTP session. Safe to call twice."""
        await self._transport.close()

    # -- decoding -----------------------------------------------------------------------

    @classmethod
    def decode_public_invite(cls, data: Any) -> PublicInvite:
        """Decode an invite as ``GET /invites/{code}`` returns it into invitekit models.

        Raises:
            PayloadError: ``data`` is malformed; unknown invite types become
                ``UnknownPublicInvite``.
        """
        return _decode.decode_public(data)

    @classmethod
    def decode_private_invite(cls, data: Any) -> PrivateInvite:
        """Decode one invite with metadata (create, list) into invitekit models.

        Raises:
            PayloadError: ``data`` is malformed; unknown invite types become
                ``UnknownPrivateInvite``.
        """
        return _decode.decode_private(data)

    @classmethod
    def decode_private_invites(cls, data: Any) -> list[PrivateInvite]:
        """Decode a list of invites (``GET /channels|guilds/{id}/invites``) into invitekit models.

        Raises:
            PayloadError: ``data`` is malformed; unknown invite types become
                ``UnknownPrivateInvite``.
        """
        return _decode.decode_private_list(data)

    # -- core verbs ---------------------------------------------------------------------

    async def _fetch_invite(
        self, code: str, *, with_counts: bool, event_id: str | None
    ) -> PublicInvite:
        params = {"with_counts": "true" if with_counts else "false"}
        if event_id is not None:
            params["guild_scheduled_event_id"] = _snowflake(event_id, "event id")
        route = Route("GET", "/invites/{code}", {"code": code}, throttle=self._lookups)
        response = await self._transport.request(route, params=params)
        return _decode.decode_public(response.body)

    async def _delete(self, code: str, *, reason: str | None) -> None:
        route = Route("DELETE", "/invites/{code}", {"code": code})
        response = await self._transport.request(route, headers=_audit_log(reason))
        if response.body:
            # Discord answers with the deleted invite; a page that is not JSON (a CDN's
            # bot check, say) comes from something that did not delete anything.
            as_raw(response.body, platform=PLATFORM)

    async def _create_invite(
        self,
        channel_id: str,
        *,
        max_uses: int | None,
        max_age: int | None,
        temporary: bool,
        reason: str | None,
        **platform_options: Any,
    ) -> PrivateInvite:
        """Create an invite; Discord options: ``unique`` (bool), ``target_type`` (1 stream,
        2 embedded application) with ``target_user_id`` / ``target_application_id``, and
        ``role_ids`` (roles granted on joining; needs ``MANAGE_ROLES``)."""
        unknown = set(platform_options) - _CREATE_OPTIONS
        if unknown:
            raise UnsupportedOperation(
                f"Discord invites have no options {sorted(unknown)}; "
                f"known: {sorted(_CREATE_OPTIONS)}",
                platform=PLATFORM,
            )
        body = {
            "max_age": 0 if max_age is None else max_age,
            "max_uses": 0 if max_uses is None else max_uses,
            "temporary": bool(temporary),
            **_create_options(platform_options),
        }
        headers = _audit_log(reason)
        route = Route("POST", "/channels/{channel_id}/invites", {"channel_id": channel_id})
        response = await self._transport.request(route, json=body, headers=headers)
        return _decode.decode_private(response.body)

    async def _list_invites(
        self, *, server_id: str | None, channel_id: str | None
    ) -> list[PrivateInvite]:
        if server_id is not None:
            route = Route("GET", "/guilds/{guild_id}/invites", {"guild_id": server_id})
        else:
            assert channel_id is not None
            route = Route("GET", "/channels/{channel_id}/invites", {"channel_id": channel_id})
        response = await self._transport.request(route)
        return _decode.decode_private_list(response.body)

    # -- Discord-only verbs -------------------------------------------------------------

    def _require_token(self, what: str) -> None:
        if not self.authenticated:
            raise UnsupportedOperation(f"{what} needs a bot token", platform=PLATFORM)

    def _check_code(self, target: str | InviteRef) -> str:
        code = self.ref(target).code
        if not LINK_RULES.is_code(code):
            raise InvalidInviteLink(f"invalid Discord invite code {code!r}", platform=PLATFORM)
        return code

    async def fetch_vanity_url(self, guild_id: str) -> DiscordVanityURL:
        """Return a guild's vanity invite code (``None`` if unset) and its use count.

        Raises:
            UnsupportedOperation: The adapter has no bot token.
            InvalidArgument: ``guild_id`` is not a snowflake.
            MissingPermissions: The bot lacks ``MANAGE_GUILD``.
            NotFound: No such guild.
            HTTPError, TransportError: As for every request.
        """
        self._require_token("fetching a vanity URL")
        guild_id = _snowflake(guild_id, "guild id")
        route = Route("GET", "/guilds/{guild_id}/vanity-url", {"guild_id": guild_id})
        response = await self._transport.request(route)
        return _decode.decode_vanity_url(response.body, guild_id)

    async def fetch_target_users(self, code: str | InviteRef) -> list[str]:
        """Return the ids of the users allowed to accept the invite ``code`` (a code, a
        link of this adapter's instance, or an ``InviteRef``).

        Raises:
            UnsupportedOperation: The adapter has no bot token.
            InvalidInviteLink: ``code`` is neither a Discord invite code nor a link or
                ``InviteRef`` of this adapter's instance.
            InviteNotFound: No such invite.
            NotFound: The invite has no target users (Discord code 10129).
            MissingPermissions: The bot is not the inviter and lacks ``MANAGE_GUILD``
                and ``VIEW_AUDIT_LOG``.
            HTTPError, TransportError: As for every request.
        """
        self._require_token("reading target users")
        route = Route("GET", "/invites/{code}/target-users", {"code": self._check_code(code)})
        response = await self._transport.request(route)
        return _parse_csv_ids(response.body)

    async def update_target_users(self, code: str | InviteRef, user_ids: Iterable[str]) -> None:
        """Replace the users allowed to accept the invite ``code`` (a code, link or ref);
        Discord then processes the list asynchronously (see ``fetch_target_users_job``).

        Raises:
            UnsupportedOperation: The adapter has no bot token.
            InvalidInviteLink: ``code`` is neither a Discord invite code nor a link or
                ``InviteRef`` of this adapter's instance.
            InvalidArgument: A user id is not a snowflake, or there are none.
            BadRequest: Discord rejected lines of the list (they are in the message).
            InviteNotFound, MissingPermissions, HTTPError, TransportError: As usual.
        """
        self._require_token("updating target users")
        code = self._check_code(code)
        if isinstance(user_ids, str):
            raise InvalidArgument(
                "user_ids must be an iterable of ids, not one string", platform=PLATFORM
            )
        ids = [_snowflake(user_id, "user id") for user_id in user_ids]
        if not ids:
            raise InvalidArgument("give at least one target user id", platform=PLATFORM)
        csv = "user_id\n" + "".join(f"{user_id}\n" for user_id in ids)
        form = [
            FormPart(
                "target_users_file",
                csv.encode(),
                filename="target_users.csv",
                content_type="text/csv",
            )
        ]
        route = Route("PUT", "/invites/{code}/target-users", {"code": code})
        await self._transport.request(route, form=form)

    async def fetch_target_users_job(self, code: str | InviteRef) -> TargetUsersJob:
        """Return how far Discord got processing the last target-users upload for the
        invite ``code`` (a code, link or ref).

        Raises:
            UnsupportedOperation: The adapter has no bot token.
            InvalidInviteLink: ``code`` is neither a Discord invite code nor a link or
                ``InviteRef`` of this adapter's instance.
            NotFound: No upload for this invite (Discord code 10124).
            InviteNotFound, MissingPermissions, HTTPError, TransportError: As usual.
        """
        self._require_token("reading a target-users job")
        route = Route(
            "GET", "/invites/{code}/target-users/job-status", {"code": self._check_code(code)}
        )
        response = await self._transport.request(route)
        return _decode.decode_job_status(response.body)


def _audit_log(reason: str | None) -> dict[str, str]:
    if not reason:
        return {}
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidArgument(
            f"an audit-log reason has at most {MAX_REASON_LENGTH} characters, got {len(reason)}",
            platform=PLATFORM,
        )
    return {"X-Audit-Log-Reason": quote(reason, safe=" /")}


def _create_options(options: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if "unique" in options:
        if not isinstance(options["unique"], bool):
            raise InvalidArgument("unique must be a bool", platform=PLATFORM)
        body["unique"] = options["unique"]
    if "target_type" in options:
        target_type = options["target_type"]
        if isinstance(target_type, bool) or target_type not in (1, 2):
            raise InvalidArgument(
                f"target_type must be 1 (stream) or 2 (embedded application): {target_type!r}",
                platform=PLATFORM,
            )
        body["target_type"] = int(target_type)
    for name in ("target_user_id", "target_application_id"):
        if name in options:
            body[name] = _snowflake(options[name], name)
    if "role_ids" in options:
        role_ids = options["role_ids"]
        if isinstance(role_ids, str) or not isinstance(role_ids, Iterable):
            raise InvalidArgument("role_ids must be an iterable of role ids", platform=PLATFORM)
        ids = list(dict.fromkeys(_snowflake(role_id, "role id") for role_id in role_ids))
        if len(ids) > MAX_ROLE_IDS:
            raise InvalidArgument(f"at most {MAX_ROLE_IDS} role ids", platform=PLATFORM)
        body["role_ids"] = ids
    return body


def _parse_csv_ids(body: bytes) -> list[str]:
    lines = [line.strip() for line in body.decode("utf-8", "replace").splitlines()]
    return [line for line in lines if line and line.lower() != "user_id"]
