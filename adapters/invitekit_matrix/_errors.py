"""Matrix error responses → invitekit's error tree; a pure function of what was asked,
the status and the body.

Matrix sends ``{"errcode": "M_…", "error": "text"}``. One errcode means different things
on different endpoints (``M_FORBIDDEN`` on a join: the room is closed to you; on an
alias: you may not manage it), so the kind of request decides with it. Proxies answer
with pages of their own; anything that is not Matrix's JSON falls back to the status.
"""

from __future__ import annotations

import enum

from invitekit import (
    Banned,
    Conflict,
    Forbidden,
    HTTPError,
    InviteNotFound,
    MissingPermissions,
    NotFound,
    RateLimited,
    Unauthorized,
)
from invitekit.decoding import DECODE_ERRORS
from invitekit.errors import error_for_status
from invitekit.http import describe_status
from invitekit_matrix import _wire

__all__ = ["Asked", "error_from_response"]

PLATFORM = _wire.PLATFORM
_TOKEN_ERRCODES = frozenset({"M_MISSING_TOKEN", "M_UNKNOWN_TOKEN"})
# An unknown room id answers M_UNKNOWN on a join, an unknown alias M_NOT_FOUND.
_MISSING_ERRCODES = frozenset({"M_NOT_FOUND", "M_UNKNOWN"})


class Asked(enum.Enum):
    """What a request was about, for telling what its errcode means."""

    ROOM = "room"
    """A room through a code (a summary, a join): 404 means no such invite."""
    ALIAS = "alias"
    """Managing an alias (create, delete): 404 means no such invite, 403 no right."""
    ROOM_ALIASES = "room aliases"
    """A room's alias list, or inviting someone: 403 means no right."""
    ACCOUNT = "account"
    """The account itself (who am I)."""


def error_from_response(status: int, body: bytes, asked: Asked) -> HTTPError:
    """Return the invitekit error for a Matrix error response.

    ``.code`` is the body's ``errcode`` (``"M_NOT_FOUND"``), or ``None`` for a body
    that is not Matrix's. This function never raises.
    """
    try:
        parsed = _wire.ERROR_DECODER.decode(body) if body.strip() else None
    except DECODE_ERRORS:
        parsed = None
    errcode = parsed.errcode if parsed is not None else None
    text = parsed.error if parsed is not None and parsed.error else None
    message = describe_status(status) if text is None else f"{text} ({errcode or status})"
    if parsed is None and body.strip():
        message += " (the body is not Matrix's JSON: a proxy or an error page)"
    if status == 429 or errcode == "M_LIMIT_EXCEEDED":
        return _rate_limited(status, parsed, message)
    error_class = _error_class(status, errcode, asked)
    return error_class(message, platform=PLATFORM, status=status, code=errcode)


def _error_class(status: int, errcode: str | None, asked: Asked) -> type[HTTPError]:
    if status == 401 or errcode in _TOKEN_ERRCODES:
        return Unauthorized
    if status == 404 and errcode in _MISSING_ERRCODES:
        # M_UNRECOGNIZED (an endpoint the server lacks) stays a plain NotFound.
        return InviteNotFound if asked in (Asked.ROOM, Asked.ALIAS) else NotFound
    if status == 403 and errcode == "M_BAD_STATE" and asked is Asked.ROOM:
        return Banned  # what Synapse answers a banned account's join
    if status == 403 and errcode == "M_FORBIDDEN":
        return Forbidden if asked is Asked.ROOM else MissingPermissions
    if status == 409:
        return Conflict
    return error_for_status(status)


def _rate_limited(status: int, parsed: _wire.ErrorBody | None, message: str) -> RateLimited:
    milliseconds = parsed.retry_after_ms if parsed is not None else None
    seconds = milliseconds / 1000 if milliseconds is not None and milliseconds >= 0 else 0.0
    return RateLimited(
        message, platform=PLATFORM, status=status, code="M_LIMIT_EXCEEDED", retry_after=seconds
    )
