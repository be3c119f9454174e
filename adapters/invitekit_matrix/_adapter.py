"""``MatrixAdapter``: rooms and their aliases through a homeserver's Client-Server API."""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable
from typing import Any, ClassVar

from typing_extensions import Unpack

from invitekit import (
    Adapter,
    AlreadyMember,
    Capability,
    HTTPError,
    InvalidArgument,
    InvalidInviteLink,
    InviteNotFound,
    InviteRef,
    JoinResult,
    LinkRules,
    PrivateInvite,
    PublicInvite,
    UnsupportedOperation,
)
from invitekit.decoding import as_raw, decode_payload
from invitekit.http import (
    Credential,
    HTTPTransport,
    Response,
    Route,
    TransportKwargs,
    TransportOptions,
)
from invitekit_matrix import _convert, _wire
from invitekit_matrix._decode import decode_aliases, decode_canonical_alias, decode_summary
from invitekit_matrix._details import DEFAULT_API_BASE
from invitekit_matrix._errors import Asked, error_from_response
from invitekit_matrix._ids import is_alias, is_room_id, is_server_name, is_user_id, server_of
from invitekit_matrix._links import MATRIX_LINK_RULES, MatrixLinkRules, with_client_hosts
from invitekit_matrix._ratelimits import MatrixRateLimits

__all__ = ["DEFAULT_API_BASE", "MatrixAdapter"]

_USER_AGENT = "invitekit-matrix (https://github.com/invitekit/invitekit)"
_CLIENT = "/_matrix/client"
_SUMMARY = Route("GET", _CLIENT + "/v1/room_summary/{room}")
_JOIN = Route("POST", _CLIENT + "/v3/join/{room}")
_ALIAS_PUT = Route("PUT", _CLIENT + "/v3/directory/room/{alias}")
_ALIAS_DELETE = Route("DELETE", _CLIENT + "/v3/directory/room/{alias}")
_ROOM_ALIASES = Route("GET", _CLIENT + "/v3/rooms/{room}/aliases")
_INVITE = Route("POST", _CLIENT + "/v3/rooms/{room}/invite")
_WHOAMI = Route("GET", _CLIENT + "/v3/account/whoami")
_ASKED = {
    _SUMMARY.template: Asked.ROOM,
    _JOIN.template: Asked.ROOM,
    _ALIAS_PUT.template: Asked.ALIAS,
    _ROOM_ALIASES.template: Asked.ROOM_ALIASES,
    _INVITE.template: Asked.ROOM_ALIASES,
    _WHOAMI.template: Asked.ACCOUNT,
}
_ALIAS_CHARS = string.ascii_lowercase + string.digits
_ALIAS_LENGTH = 12
"""Characters of a generated alias's localpart: 62 bits, never guessed."""


def _route(template: Route, **params: str) -> Route:
    return Route(template.method, template.template, params)


def _map_error(response: Response, route: Route) -> HTTPError:
    return error_from_response(response.status, response.body, _ASKED[route.template])


def _via_params(ref: InviteRef) -> list[tuple[str, str]]:
    via = ref.via
    if not via and ref.code.startswith("!"):
        # The server that made the room is the likeliest to be in it (clients guess so
        # too); homeservers never guess, and answer an unknown room id without servers
        # with 400 "missing via".
        via = tuple(filter(None, [server_of(ref.code)]))
    return [("via", server) for server in via]


class MatrixAdapter(Adapter):
    """Rooms and spaces on Matrix, through one homeserver's Client-Server API.

    A Matrix "invite" is a room alias (``#room:example.org``), the shareable and
    deletable name of a room, or a room id (``!opaque``) with servers to reach it
    through. Links to both come as matrix.to links, ``matrix:`` URIs, web clients' room
    links and bare aliases in chat text.

    Args:
        token: An access token of an account on the homeserver at ``api_base``; without
            one, only public rooms can be looked up.
        api_base: The homeserver's client API (``https://matrix-client.matrix.org``, the
            matrix.org homeserver, by default). Every room of the federation is reachable
            through any homeserver, so this is where requests go, not which invites
            exist: Matrix invites carry no instance.
        client_hosts: Hosts of web clients (a self-hosted Element) whose
            ``https://{host}/#/room/{room}`` links this adapter also recognises, beside
            Element's own.
        server_name: The homeserver's server name, for new aliases (``create_invite``);
            by default read once from the token's user id.
        **options: The options every HTTP adapter takes (``timeout``, ``max_retries``,
            ``rate_limit_store``, ``allow_insecure``, ``transport`` …), documented on
            ``invitekit.http.TransportOptions``.

    Raises:
        InvalidArgument: An option is malformed (a token with line breaks, a base URL
            that is not http(s) or is plain http to another host without
            ``allow_insecure``, a client host or server name that is not one).
    """

    platform: ClassVar[str] = _wire.PLATFORM
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.FETCH,
            Capability.ACCEPT,
            Capability.DELETE,
            Capability.CREATE,
            Capability.LIST_CHANNEL_INVITES,
        }
    )
    link_rules: ClassVar[LinkRules] = MATRIX_LINK_RULES

    def __init__(
        self,
        token: str | None = None,
        *,
        api_base: str = DEFAULT_API_BASE,
        client_hosts: Iterable[str] = (),
        server_name: str | None = None,
        **options: Unpack[TransportKwargs],
    ) -> None:
        credential = None
        if token is not None:
            credential = Credential.from_token(
                "Authorization", token, scheme="Bearer", platform=self.platform
            )
        given: object = server_name  # callers without type checking pass anything
        if given is not None and (not isinstance(given, str) or not is_server_name(given)):
            raise InvalidArgument(f"not a server name: {server_name!r}", platform=self.platform)
        self.authenticated = credential is not None
        self._server_name = server_name
        self._user_id: str | None = None
        self._link_rules = with_client_hosts(MATRIX_LINK_RULES, client_hosts)
        self._transport = TransportOptions(**options).build(
            api_base,
            platform=self.platform,
            error_mapper=_map_error,
            rate_limits=MatrixRateLimits(),
            credential=credential,
            user_agent=_USER_AGENT,
        )

    @property
    def transport(self) -> HTTPTransport:
        """The HTTP transport this adapter sends through."""
        return self._transport

    @property
    def api_base(self) -> str:
        """The homeserver's client API root requests go to."""
        return self._transport.base_url

    @property
    def active_link_rules(self) -> LinkRules:
        """Matrix's link rules, with this adapter's web client hosts."""
        return self._link_rules

    @property
    def client_hosts(self) -> frozenset[str]:
        """The web clients' hosts whose room links this adapter recognises."""
        rules = self._link_rules
        assert isinstance(rules, MatrixLinkRules)
        return rules.client_hosts

    # -- capabilities -------------------------------------------------------------------

    def supports(self, capability: Capability) -> bool:
        """Return whether this adapter can ``capability``: looking rooms up always; the
        rest with a token."""
        if capability not in self.capabilities:
            return False
        return capability is Capability.FETCH or self.authenticated

    def require(self, capability: Capability) -> None:
        """Raise unless this adapter supports ``capability``.

        Raises:
            UnsupportedOperation: It does not, with the reason.
        """
        if self.supports(capability):
            return
        if capability not in self.capabilities:
            reason = "Matrix aliases are listed per room (channel_id), not per server"
        else:
            reason = f"{capability.value.replace('_', ' ')} needs an access token"
        raise UnsupportedOperation(reason, platform=self.platform)

    def ref(self, target: str | InviteRef) -> InviteRef:
        """The room ``target`` names: an alias or room id, a link of any Matrix form, or
        an ``InviteRef``.

        Raises:
            InvalidInviteLink: ``target`` names no room (a user, a hashtag, a malformed
                server name) or is a link or ref of another platform.
        """
        if isinstance(target, str) and "/" not in target:
            # A bare alias is a link in Matrix, pasted as one: with spaces, in <…>.
            target = target.strip().removeprefix("<").removesuffix(">")
        ref = super().ref(target)
        if not self._link_rules.is_code(ref.code):
            raise InvalidInviteLink(
                f"{ref.code!r} is not a Matrix room alias (#room:server) or room id (!id)",
                platform=self.platform,
            )
        return ref

    # -- pure decoding ------------------------------------------------------------------

    @classmethod
    def decode_public_invite(cls, data: Any) -> PublicInvite:
        """Decode a room summary (``GET /_matrix/client/v1/room_summary/{room}``); its
        code is the room's canonical alias, else its id.

        Raises:
            PayloadError: ``data`` is malformed.
        """
        return decode_summary(data)

    @classmethod
    def decode_private_invite(cls, data: Any) -> PrivateInvite:
        """Decode the content of an ``m.room.canonical_alias`` event into its main alias.

        Raises:
            PayloadError: ``data`` is malformed or names no main alias.
        """
        return decode_canonical_alias(data)

    @classmethod
    def decode_private_invites(cls, data: Any) -> list[PrivateInvite]:
        """Decode a room's aliases (``GET /rooms/{room}/aliases``, or the content of an
        ``m.room.canonical_alias`` event).

        Raises:
            PayloadError: ``data`` is malformed.
        """
        return decode_aliases(data)

    # -- verbs --------------------------------------------------------------------------

    async def _fetch_invite(
        self, code: str, *, with_counts: bool, event_id: str | None
    ) -> PublicInvite:
        return await self._fetch_ref(
            InviteRef(self.platform, code), with_counts=with_counts, event_id=event_id
        )

    async def _fetch_ref(
        self, ref: InviteRef, *, with_counts: bool, event_id: str | None
    ) -> PublicInvite:
        # A summary always counts the joined members: with_counts has nothing to switch off.
        response = await self._summary(ref)
        return decode_summary(
            response.body, code=ref.code, event_id=event_id, via=ref.via, api_base=self.api_base
        )

    async def _summary(self, ref: InviteRef) -> Response:
        return await self._transport.request(
            _route(_SUMMARY, room=ref.code), params=_via_params(ref)
        )

    async def _accept(self, code: str) -> JoinResult:
        return await self._accept_ref(InviteRef(self.platform, code))

    async def _accept_ref(self, ref: InviteRef) -> JoinResult:
        # Matrix answers a second join with success, so the summary (whose membership
        # only a token shows) tells first whether the account is in the room already.
        try:
            summary = decode_payload(
                _wire.SUMMARY_DECODER, (await self._summary(ref)).body, platform=self.platform
            )
        except InviteNotFound:
            summary = None  # "not found or not accessible": the join tells which
        if summary is not None:
            # Checked before joining: once joined, nonsense in it must not look like failure.
            _convert.checked_room_id(summary.room_id, "$.room_id")
        if summary is not None and summary.membership == "join":
            raise AlreadyMember(
                f"the account is already in {ref.code}: the room summary says its"
                " membership is join (Matrix itself would answer the join with success)",
                platform=self.platform,
            )
        response = await self._transport.request(
            _route(_JOIN, room=ref.code), params=_via_params(ref), json={}
        )
        joined = decode_payload(_wire.JOINED_DECODER, response.body, platform=self.platform)
        room_id = _convert.checked_room_id(joined.room_id, "$.room_id")
        return _convert.join_result(
            summary, code=ref.code, room_id=room_id, via=ref.via, api_base=self.api_base
        )

    async def _delete(self, code: str, *, reason: str | None) -> None:
        # Matrix keeps no reason for alias changes; ``reason`` has nowhere to go.
        if not is_alias(code):
            raise UnsupportedOperation(
                f"{code} is a room id, which cannot be revoked; delete one of its aliases",
                platform=self.platform,
            )
        response = await self._transport.request(_route(_ALIAS_DELETE, alias=code))
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
        alias_option = platform_options.pop("alias", None)
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
                "Matrix aliases are unlimited and permanent; unsupported options: "
                + ", ".join(unsupported),
                platform=self.platform,
            )
        if not is_room_id(channel_id):
            raise InvalidArgument(
                f"channel_id must be a room id (!…), got {channel_id!r}", platform=self.platform
            )
        alias = await self._new_alias(alias_option)
        response = await self._transport.request(
            _route(_ALIAS_PUT, alias=alias), json={"room_id": channel_id}
        )
        as_raw(response.body, platform=self.platform)
        return _convert.private_invite(alias, room_id=channel_id, creator_id=self._user_id)

    async def _new_alias(self, given: object) -> str:
        if isinstance(given, str) and given.startswith("#"):
            alias = given
        elif given is None or isinstance(given, str):
            localpart = given or "".join(secrets.choice(_ALIAS_CHARS) for _ in range(_ALIAS_LENGTH))
            alias = f"#{localpart}:{await self.server_name()}"
        else:
            alias = ""
        if not is_alias(alias):
            raise InvalidArgument(
                f"alias must be a localpart or a whole alias (#room:server): {given!r}",
                platform=self.platform,
            )
        return alias

    async def _list_invites(
        self, *, server_id: str | None, channel_id: str | None
    ) -> list[PrivateInvite]:
        assert channel_id is not None  # server listing is refused by the capability check
        if not is_room_id(channel_id):
            raise InvalidArgument(
                f"channel_id must be a room id (!…), got {channel_id!r}", platform=self.platform
            )
        response = await self._transport.request(_route(_ROOM_ALIASES, room=channel_id))
        return decode_aliases(response.body, room_id=channel_id)

    # -- Matrix only --------------------------------------------------------------------

    async def invite_user(self, room_id: str, user_id: str, *, reason: str | None = None) -> None:
        """Invite one account into a room (Matrix's per-user invite, which has no code
        or link): it may then join the room, invite-only or not, with ``accept``.

        Raises:
            UnsupportedOperation: The adapter has no token.
            InvalidArgument: ``room_id`` is not a room id, ``user_id`` not a user id, or
                ``reason`` holds a line break or control character.
            MissingPermissions: The account may not invite (``M_FORBIDDEN``: also when
                the user is in the room already).
            HTTPError: Another failure the homeserver reported (``M_BAD_STATE`` when
                the user is banned).
            TransportError: The request did not complete.
        """
        if not self.authenticated:
            raise UnsupportedOperation("inviting needs an access token", platform=self.platform)
        if not is_room_id(room_id):
            raise InvalidArgument(f"not a room id: {room_id!r}", platform=self.platform)
        if not is_user_id(user_id):
            raise InvalidArgument(f"not a user id: {user_id!r}", platform=self.platform)
        body = {"user_id": user_id}
        if reason is not None:
            if any(char < " " or char == "\x7f" for char in reason):
                raise InvalidArgument(
                    "a reason must not hold control characters", platform=self.platform
                )
            body["reason"] = reason
        response = await self._transport.request(_route(_INVITE, room=room_id), json=body)
        as_raw(response.body, platform=self.platform)

    async def user_id(self) -> str:
        """The token's user id, asked once (``GET /account/whoami``).

        Raises:
            UnsupportedOperation: The adapter has no token.
            Unauthorized: The homeserver does not know the token.
            PayloadError: The answer names no user id.
            TransportError: The request did not complete.
        """
        if self._user_id is None:
            if not self.authenticated:
                raise UnsupportedOperation("who am I needs a token", platform=self.platform)
            response = await self._transport.request(_WHOAMI)
            user_id = decode_payload(_wire.WHOAMI_DECODER, response.body, platform=self.platform)
            if not is_user_id(user_id.user_id):
                raise _convert.payload_error("$.user_id", "not a user id")
            self._user_id = user_id.user_id
        return self._user_id

    async def server_name(self) -> str:
        """The homeserver's server name: as given, else the token's user id's.

        Raises:
            UnsupportedOperation, Unauthorized, PayloadError, TransportError: As for
                ``user_id``, when it must be asked.
        """
        if self._server_name is None:
            server = server_of(await self.user_id())
            assert server is not None  # a user id always has its server
            self._server_name = server
        return self._server_name

    async def close(self) -> None:
        """Close the HTTP session. Safe to call twice."""
        await self._transport.close()

    def __repr__(self) -> str:
        account = "user" if self.authenticated else "anonymous"
        return f"<MatrixAdapter {self.api_base} {account}>"
