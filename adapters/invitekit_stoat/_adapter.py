"""``StoatAdapter``: Stoat's (formerly Revolt's) invite endpoints through the core transport."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from typing_extensions import Unpack

from invitekit import (
    Adapter,
    Capability,
    HTTPError,
    InvalidArgument,
    JoinResult,
    LinkRules,
    PrivateInvite,
    PublicInvite,
    UnsupportedOperation,
)
from invitekit.decoding import as_raw, decode_payload, decode_tagged, decode_tagged_list
from invitekit.http import (
    Credential,
    HTTPTransport,
    Response,
    Route,
    TransportKwargs,
    TransportOptions,
)
from invitekit_stoat import _convert, _wire
from invitekit_stoat._decode import decode_public
from invitekit_stoat._details import DEFAULT_CDN_BASE
from invitekit_stoat._errors import error_from_response
from invitekit_stoat._links import STOAT_LINK_RULES
from invitekit_stoat._ratelimits import StoatRateLimits

__all__ = ["DEFAULT_API_BASE", "StoatAdapter"]

DEFAULT_API_BASE = "https://api.stoat.chat"
_AUDIT_REASON_LIMIT = 512
"""Bytes the backend accepts in ``X-Audit-Log-Reason``; longer gives ``HeaderTooLarge``."""
_USER_AGENT = "invitekit-stoat (https://github.com/invitekit/invitekit)"

_FETCH = Route("GET", "/invites/{code}")
_JOIN = Route("POST", "/invites/{code}")
_DELETE = Route("DELETE", "/invites/{code}")
_CREATE = Route("POST", "/channels/{channel}/invites")
_LIST = Route("GET", "/servers/{server}/invites")


def _route(template: Route, **params: str) -> Route:
    return Route(template.method, template.template, params)


def _map_error(response: Response, route: Route) -> HTTPError:
    return error_from_response(
        response.status, response.body, invite_route=route.template.startswith("/invites/")
    )


class StoatAdapter(Adapter):
    """Invites on Stoat (formerly Revolt): the official instance or a self-hosted one.

    Args:
        token: A bot token or a user session token; ``None`` can only fetch invites.
        bot: Whether ``token`` is a bot's (sent as ``X-Bot-Token``) or a user session's
            (``X-Session-Token``). Bots cannot accept or create invites on Stoat.
        api_base: The API root: ``https://api.stoat.chat`` by default; legacy
            (``https://api.revolt.chat``, ``…/0.8``), self-hosted
            (``https://chat.example.org/api``) and local emulators work the same way.
        cdn_base: Where files are served, for icon, banner and avatar links.
        link_hosts: The hosts of a self-hosted instance, whose
            ``https://{host}/invite/{code}`` links this adapter recognises (the first is
            the canonical one its invites print with). Giving them makes the adapter one
            of that instance, not of the official one: see ``instance``.
        instance: The name of the self-hosted instance: by default its first link host;
            a label such as ``"work"``, or one of ``link_hosts``. A host name given here
            alone is its link host. Invites carry it, and never equal or share a cache
            entry with another instance's.
        **options: The options every HTTP adapter takes (``timeout``, ``max_retries``,
            ``rate_limit_store``, ``allow_insecure``, ``transport`` …), documented on
            ``invitekit.http.TransportOptions``.

    Raises:
        InvalidArgument: An option is malformed (a token with line breaks, a base URL
            that is not http(s) or is plain http to another host without
            ``allow_insecure``, a link host that is not a host name, an instance name
            with a dot that is none of the link hosts).

    Stoat invites have no use limits, expiry or temporary membership: ``create_invite``
    with any of those options raises ``UnsupportedOperation``, and private invites report
    ``max_uses``/``max_age`` as ``None`` (unlimited). Invites are listed per server only.
    """

    platform: ClassVar[str] = _wire.PLATFORM
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.FETCH,
            Capability.ACCEPT,
            Capability.DELETE,
            Capability.CREATE,
            Capability.LIST_SERVER_INVITES,
        }
    )
    link_rules: ClassVar[LinkRules] = STOAT_LINK_RULES

    def __init__(
        self,
        token: str | None = None,
        *,
        bot: bool = True,
        api_base: str = DEFAULT_API_BASE,
        cdn_base: str = DEFAULT_CDN_BASE,
        link_hosts: Iterable[str] = (),
        instance: str | None = None,
        **options: Unpack[TransportKwargs],
    ) -> None:
        credential = None
        if token is not None:
            credential = Credential.from_token(
                "X-Bot-Token" if bot else "X-Session-Token", token, platform=self.platform
            )
        cdn: object = cdn_base  # callers without type checking pass anything
        if not isinstance(cdn, str) or not cdn.startswith(("http://", "https://")):
            raise InvalidArgument(f"cdn_base must be http(s): {cdn_base!r}", platform=self.platform)
        self.bot = bool(bot)
        self.authenticated = credential is not None
        self.cdn_base = cdn_base.rstrip("/")
        hosts = [link_hosts] if isinstance(link_hosts, str) else list(link_hosts)
        self._link_rules = (
            self.link_rules.self_hosted(hosts, instance=instance)
            if hosts or instance is not None
            else self.link_rules
        )
        self._transport = TransportOptions(**options).build(
            api_base,
            platform=self.platform,
            error_mapper=_map_error,
            rate_limits=StoatRateLimits(),
            credential=credential,
            user_agent=_USER_AGENT,
            # Without it, Rocket's own error pages (bad tokens, panics) come back as HTML.
            headers={"Accept": "application/json"},
        )

    @property
    def transport(self) -> HTTPTransport:
        """The HTTP transport this adapter sends through."""
        return self._transport

    @property
    def api_base(self) -> str:
        """The API root requests go to."""
        return self._transport.base_url

    @property
    def instance(self) -> str | None:
        """The self-hosted instance's name, or ``None`` for the official Stoat."""
        return self._link_rules.instance

    @property
    def active_link_rules(self) -> LinkRules:
        """The official Stoat's link rules, or a self-hosted instance's
        ``{host}/invite/{code}`` forms (the first host canonical)."""
        return self._link_rules

    # -- capabilities -------------------------------------------------------------------

    def _missing(self, capability: Capability) -> str | None:
        if capability not in self.capabilities:
            return "Stoat lists invites per server only, not per channel"
        if capability is Capability.FETCH:
            return None
        if not self.authenticated:
            return f"{capability.value.replace('_', ' ')} needs a token"
        if self.bot and capability in (Capability.ACCEPT, Capability.CREATE):
            return f"Stoat bot accounts cannot {capability.value} invites (the API answers IsBot)"
        return None

    def supports(self, capability: Capability) -> bool:
        """Return whether this instance can ``capability``: fetching always; deleting and
        listing server invites with a token; accepting and creating with a user token."""
        return self._missing(capability) is None

    def require(self, capability: Capability) -> None:
        """Raise unless this instance supports ``capability``.

        Raises:
            UnsupportedOperation: It does not, with the reason.
        """
        if not self.supports(capability):
            reason = self._missing(capability) or f"this adapter cannot {capability.value}"
            raise UnsupportedOperation(reason, platform=self.platform)

    # -- pure decoding ------------------------------------------------------------------

    @classmethod
    def decode_public_invite(cls, data: Any) -> PublicInvite:
        """Decode an ``InviteResponse`` (``GET /invites/{code}``).

        Raises:
            PayloadError: ``data`` is malformed; an unknown ``type`` is not an error, it
                gives ``UnknownPublicInvite``.
        """
        return decode_public(data, cdn_base=DEFAULT_CDN_BASE)

    @classmethod
    def decode_private_invite(cls, data: Any) -> PrivateInvite:
        """Decode an ``Invite`` (listed or just created).

        Raises:
            PayloadError: ``data`` is malformed; an unknown ``type`` gives
                ``UnknownPrivateInvite``.
        """
        payload = decode_tagged(
            _wire.PRIVATE_DECODER, data, platform=cls.platform, unknown=_convert.unknown_private
        )
        if isinstance(payload, (_wire.PrivateServer, _wire.PrivateGroup)):
            return _convert.private_invite(payload)
        return payload

    @classmethod
    def decode_private_invites(cls, data: Any) -> list[PrivateInvite]:
        """Decode an array of ``Invite`` objects (``GET /servers/{id}/invites``).

        Raises:
            PayloadError: ``data`` is not an array or an item is malformed.
        """
        payloads = decode_tagged_list(
            _wire.PRIVATE_DECODER, data, platform=cls.platform, unknown=_convert.unknown_private
        )
        return [
            _convert.private_invite(p)
            if isinstance(p, (_wire.PrivateServer, _wire.PrivateGroup))
            else p
            for p in payloads
        ]

    @classmethod
    def decode_join_result(
        cls, data: Any, *, code: str, cdn_base: str = DEFAULT_CDN_BASE
    ) -> JoinResult:
        """Decode an ``InviteJoinResponse`` (``POST /invites/{code}``) for ``code``.

        Raises:
            PayloadError: ``data`` is malformed or of an unknown ``type``.
        """
        payload = decode_payload(_wire.JOIN_DECODER, data, platform=cls.platform)
        return _convert.join_result(payload, code=code, cdn_base=cdn_base)

    # -- verbs --------------------------------------------------------------------------

    async def _fetch_invite(
        self, code: str, *, with_counts: bool, event_id: str | None
    ) -> PublicInvite:
        if event_id is not None:
            raise UnsupportedOperation("Stoat invites have no events", platform=self.platform)
        # Stoat always sends the member count; with_counts has nothing to switch off.
        response = await self._transport.request(_route(_FETCH, code=code))
        return decode_public(response.body, cdn_base=self.cdn_base)

    async def _accept(self, code: str) -> JoinResult:
        response = await self._transport.request(_route(_JOIN, code=code))
        return self.decode_join_result(response.body, code=code, cdn_base=self.cdn_base)

    async def _delete(self, code: str, *, reason: str | None) -> None:
        response = await self._transport.request(
            _route(_DELETE, code=code), headers=self._reason_header(reason)
        )
        if response.body:
            # The backend answers 204 with nothing; a page that is not JSON (a CDN's bot
            # check, say) comes from something that did not delete anything.
            as_raw(response.body, platform=self.platform)

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
        unsupported = [
            name
            for name, given in (
                ("max_uses", max_uses is not None),
                ("max_age", max_age is not None),
                ("temporary", temporary),
            )
            if given
        ] + sorted(platform_options)
        if unsupported:
            raise UnsupportedOperation(
                "Stoat invites are unlimited and permanent; unsupported options: "
                + ", ".join(unsupported),
                platform=self.platform,
            )
        response = await self._transport.request(
            _route(_CREATE, channel=channel_id), headers=self._reason_header(reason)
        )
        return self.decode_private_invite(response.body)

    async def _list_invites(
        self, *, server_id: str | None, channel_id: str | None
    ) -> list[PrivateInvite]:
        assert server_id is not None  # channel listing is refused by the capability check
        response = await self._transport.request(_route(_LIST, server=server_id))
        return self.decode_private_invites(response.body)

    def _reason_header(self, reason: str | None) -> dict[str, str]:
        if reason is None:
            return {}
        if len(reason.encode()) > _AUDIT_REASON_LIMIT:
            raise InvalidArgument(
                f"Stoat takes audit-log reasons of at most {_AUDIT_REASON_LIMIT} bytes",
                platform=self.platform,
            )
        return {"X-Audit-Log-Reason": reason}

    async def close(self) -> None:
        """Close the HTTP session. Safe to call twice."""
        await self._transport.close()

    def __repr__(self) -> str:
        account = "anonymous" if not self.authenticated else ("bot" if self.bot else "user")
        instance = "" if self.instance is None else f" instance={self.instance!r}"
        return f"<StoatAdapter {self.api_base} {account}{instance}>"
