"""The one error tree of invitekit.

Every error carries ``.platform`` (``None`` when no platform is involved)::

    InviteError
    ├── InvalidInviteLink (ValueError)      a link or code that is not an invite
    ├── InvalidArgument (ValueError)        an option or identifier that cannot be sent
    ├── UnknownPlatform (LookupError)       no adapter is registered under that name
    │   └── AdapterImportError (ImportError)  an adapter is registered but failed to load
    ├── UnboundInvite                       a verb called on an invite no adapter produced
    ├── UnsupportedOperation                capability missing; raised before any I/O
    ├── PayloadError                        a payload that does not decode (.path)
    ├── TransportError                      timeouts, resets, unreachable hosts
    └── HTTPError (.status, .code, .message)
        ├── BadRequest 400 → BotAccountRejected, TooManyServers
        ├── Unauthorized 401
        ├── Forbidden 403 → MissingPermissions, Banned, GroupTooLarge
        ├── NotFound 404 → InviteNotFound
        ├── Conflict 409 → AlreadyMember
        ├── RateLimited 429 (.retry_after)
        └── ServerError 5xx

Adapters translate their platform's failures into these classes in one place and
always chain the original exception (``raise ... from exc``).
"""

from __future__ import annotations

__all__ = [
    "AdapterImportError",
    "AlreadyMember",
    "BadRequest",
    "Banned",
    "BotAccountRejected",
    "Conflict",
    "Forbidden",
    "GroupTooLarge",
    "HTTPError",
    "InvalidArgument",
    "InvalidInviteLink",
    "InviteError",
    "InviteNotFound",
    "MissingPermissions",
    "NotFound",
    "PayloadError",
    "RateLimited",
    "ServerError",
    "TooManyServers",
    "TransportError",
    "Unauthorized",
    "UnboundInvite",
    "UnknownPlatform",
    "UnsupportedOperation",
    "error_for_status",
]


class InviteError(Exception):
    """Root of every error invitekit raises.

    Args:
        message: What went wrong, in words a user can act on.
        platform: The platform involved, or ``None``.
    """

    def __init__(self, message: str, *, platform: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.platform = platform

    def __str__(self) -> str:
        if self.platform is None:
            return self.message
        return f"[{self.platform}] {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, platform={self.platform!r})"


class InvalidInviteLink(InviteError, ValueError):
    """The text is not an invite link (or, with a platform, not a valid code)."""


class InvalidArgument(InviteError, ValueError):
    """An argument (an id, an option, an audit-log reason) cannot be sent as given."""


class UnknownPlatform(InviteError, LookupError):
    """No adapter is registered under the requested platform name."""


class AdapterImportError(UnknownPlatform, ImportError):
    """An adapter is registered but importing it failed; the cause is chained."""


class UnboundInvite(InviteError):
    """``accept``/``delete``/``revoke`` was called on an invite that no adapter produced.

    Invites built by the pure ``decode_*`` functions are not bound to a connection;
    fetch them through an adapter or client, or call the adapter's verb with the code.
    """


class UnsupportedOperation(InviteError):
    """The adapter lacks the capability for this operation; no request was made."""


class PayloadError(InviteError):
    """A payload could not be decoded.

    Attributes:
        path: The JSON path of the offending value (``"$"`` for the document root).
    """

    def __init__(self, message: str, *, platform: str | None = None, path: str = "$") -> None:
        super().__init__(message, platform=platform)
        self.path = path

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, platform={self.platform!r}, "
            f"path={self.path!r})"
        )


class TransportError(InviteError):
    """The request did not complete: timeout, connection reset, unreachable host."""


class HTTPError(InviteError):
    """The platform answered with an error status.

    Attributes:
        status: The HTTP status code.
        code: The platform's own error code or type (Discord ``10006``, Stoat
            ``"NotFound"``), or ``None`` when the body carried none.
    """

    default_status: int = 0

    def __init__(
        self,
        message: str,
        *,
        platform: str | None = None,
        status: int | None = None,
        code: int | str | None = None,
    ) -> None:
        super().__init__(message, platform=platform)
        self.status = self.default_status if status is None else status
        self.code = code

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, platform={self.platform!r}, "
            f"status={self.status!r}, code={self.code!r})"
        )


class BadRequest(HTTPError):
    """400: the platform refused the request as malformed or not allowed."""

    default_status = 400


class BotAccountRejected(BadRequest):
    """400: bot accounts cannot perform this (joining through an invite, for one)."""


class TooManyServers(BadRequest):
    """400: the account is already in as many servers as the platform allows."""


class Unauthorized(HTTPError):
    """401: no token, or the token is invalid."""

    default_status = 401


class Forbidden(HTTPError):
    """403: the account may not do this."""

    default_status = 403


class MissingPermissions(Forbidden):
    """403: the account lacks a permission (manage server, create invites …)."""


class Banned(Forbidden):
    """403: the account is banned from the server the invite leads to."""


class GroupTooLarge(Forbidden):
    """403: the group the invite leads to is full."""


class NotFound(HTTPError):
    """404: the resource does not exist."""

    default_status = 404


class InviteNotFound(NotFound):
    """404: the invite does not exist, expired, was used up, or was deleted."""


class Conflict(HTTPError):
    """409: the request conflicts with the current state."""

    default_status = 409


class AlreadyMember(Conflict):
    """409: the account is already a member of the server or group."""


class RateLimited(HTTPError):
    """429: raised only when waiting is not allowed or retries ran out.

    Attributes:
        retry_after: Seconds to wait before the request may succeed.
    """

    default_status = 429

    def __init__(
        self,
        message: str,
        *,
        platform: str | None = None,
        status: int | None = None,
        code: int | str | None = None,
        retry_after: float = 0.0,
    ) -> None:
        super().__init__(message, platform=platform, status=status, code=code)
        self.retry_after = retry_after


class ServerError(HTTPError):
    """5xx: the platform failed."""

    default_status = 500


_BY_STATUS: dict[int, type[HTTPError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    429: RateLimited,
}


def error_for_status(status: int) -> type[HTTPError]:
    """Return the generic error class for an HTTP status (``HTTPError`` if none fits)."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, HTTPError)
