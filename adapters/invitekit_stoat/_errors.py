"""Stoat error responses → invitekit's error tree; a pure function of status and body.

Stoat sends ``{"type": "<ErrorType>", …, "location": …}``. Its rate limiter sends
``{"retry_after": ms}`` without a type, and failures inside Rocket's request guards
(bad or missing tokens, unknown routes, panics) come back as Rocket's default
``{"error": {"code", "reason", "description"}}`` or as HTML. Proxies add HTML pages of
their own. A typed body decides the class; anything else falls back to the status.
"""

from __future__ import annotations

import http

from invitekit import (
    AlreadyMember,
    BadRequest,
    Banned,
    BotAccountRejected,
    GroupTooLarge,
    HTTPError,
    InviteNotFound,
    MissingPermissions,
    NotFound,
    RateLimited,
    ServerError,
    TooManyServers,
    Unauthorized,
)
from invitekit.decoding import DECODE_ERRORS
from invitekit.errors import error_for_status
from invitekit_stoat import _wire

__all__ = [
    "StoatGroupTooLarge",
    "StoatMissingPermission",
    "StoatTooManyServers",
    "error_from_response",
]

PLATFORM = _wire.PLATFORM


class StoatMissingPermission(MissingPermissions):
    """403 ``MissingPermission``; ``permission`` names the permission (``"ManageServer"``)."""

    def __init__(self, message: str, *, permission: str | None, status: int = 403) -> None:
        super().__init__(message, platform=PLATFORM, status=status, code="MissingPermission")
        self.permission = permission


class StoatTooManyServers(TooManyServers):
    """400 ``TooManyServers``; ``max`` is the account's server limit."""

    def __init__(self, message: str, *, max: int | None, status: int = 400) -> None:
        super().__init__(message, platform=PLATFORM, status=status, code="TooManyServers")
        self.max = max


class StoatGroupTooLarge(GroupTooLarge):
    """403 ``GroupTooLarge``; ``max`` is the group size limit."""

    def __init__(self, message: str, *, max: int | None, status: int = 403) -> None:
        super().__init__(message, platform=PLATFORM, status=status, code="GroupTooLarge")
        self.max = max


_BY_TYPE: dict[str, tuple[type[HTTPError], str]] = {
    "IsBot": (BotAccountRejected, "bot accounts cannot do this"),
    "InvalidSession": (Unauthorized, "the token is invalid"),
    "NotAuthenticated": (Unauthorized, "this needs a token"),
    "Banned": (Banned, "the account is banned from this server"),
    "NotFound": (NotFound, "not found"),
    "UnknownServer": (NotFound, "no such server"),
    "UnknownChannel": (NotFound, "no such channel"),
    "UnknownUser": (NotFound, "no such user"),
    "AlreadyInServer": (AlreadyMember, "the account is already in this server"),
    "AlreadyInGroup": (AlreadyMember, "the account is already in this group"),
    "InvalidOperation": (BadRequest, "not possible on this kind of channel"),
    "MissingHeaders": (BadRequest, "a required header is missing"),
    "HeaderTooLarge": (BadRequest, "a header is too large (audit-log reasons: 512 bytes)"),
    "FailedValidation": (BadRequest, "the request failed validation"),
    "NoEffect": (BadRequest, "the request had no effect"),
    "DatabaseError": (ServerError, "Stoat's database failed"),
    "InternalError": (ServerError, "Stoat failed internally"),
    "LabelMe": (ServerError, "Stoat failed with an unlabelled error"),
}


def error_from_response(status: int, body: bytes, *, invite_route: bool = False) -> HTTPError:
    """Return the invitekit error for a Stoat error response.

    Args:
        status: The HTTP status.
        body: The raw response body (JSON, HTML or empty).
        invite_route: Whether the request was about one invite (``/invites/{code}``); a
            ``NotFound`` there becomes ``InviteNotFound``.

    ``.code`` is the body's ``type`` (``"NotFound"``, ``"MissingPermission"``) or
    ``None`` for untyped bodies. This function never raises.
    """
    try:
        parsed = _wire.ERROR_DECODER.decode(body) if body.strip() else None
    except DECODE_ERRORS:
        parsed = None
    if parsed is not None and parsed.type is not None:
        return _typed(status, parsed, invite_route=invite_route)
    if status == 429:
        seconds = _seconds(parsed.retry_after if parsed is not None else None)
        return RateLimited(
            f"rate limited; retry after {seconds:g} s",
            platform=PLATFORM,
            status=status,
            retry_after=seconds,
        )
    reason = _reason(status)
    if parsed is not None and isinstance(parsed.error, _wire.RocketDetail):
        detail = parsed.error.description or parsed.error.reason
        if detail:
            reason = f"{reason}: {detail}"
    elif parsed is None and body.strip():
        reason = f"{reason} (the body is not Stoat's JSON: a proxy or an error page)"
    return error_for_status(status)(reason, platform=PLATFORM, status=status)


def _typed(status: int, body: _wire.ErrorBody, *, invite_route: bool) -> HTTPError:
    kind = body.type
    assert kind is not None
    if kind == "MissingPermission":
        return StoatMissingPermission(
            f"missing permission {body.permission or '(unnamed)'}",
            permission=body.permission,
            status=status,
        )
    if kind == "TooManyServers":
        limit = "" if body.max is None else f" (at most {body.max})"
        return StoatTooManyServers(
            f"the account is in too many servers{limit}", max=body.max, status=status
        )
    if kind == "GroupTooLarge":
        limit = "" if body.max is None else f" (at most {body.max} members)"
        return StoatGroupTooLarge(f"the group is full{limit}", max=body.max, status=status)
    known = _BY_TYPE.get(kind)
    if known is None:
        error_class, message = error_for_status(status), _reason(status)
    else:
        error_class, message = known
    if status == 401:
        # An authentication failure whatever the body claims: no other reading helps.
        error_class = Unauthorized
    if error_class is NotFound and kind == "NotFound" and invite_route:
        error_class, message = InviteNotFound, "no such invite"
    if kind == "DatabaseError" and body.operation:
        message = f"{message} ({body.operation} on {body.collection})"
    elif kind == "FailedValidation" and isinstance(body.error, str):
        message = f"{message}: {body.error}"
    return error_class(f"{message} ({kind})", platform=PLATFORM, status=status, code=kind)


def _seconds(milliseconds: float | None) -> float:
    if milliseconds is None or milliseconds < 0:
        return 0.0
    return milliseconds / 1000


def _reason(status: int) -> str:
    try:
        return f"HTTP {status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"
