"""The error tree: shape, attributes and the status map."""

from __future__ import annotations

import pytest

from invitekit import errors
from invitekit.errors import (
    AdapterImportError,
    AlreadyMember,
    BadRequest,
    Banned,
    BotAccountRejected,
    Conflict,
    Forbidden,
    GroupTooLarge,
    HTTPError,
    InvalidArgument,
    InvalidInviteLink,
    InviteError,
    InviteNotFound,
    MissingPermissions,
    NotFound,
    PayloadError,
    RateLimited,
    ServerError,
    TooManyServers,
    TransportError,
    Unauthorized,
    UnboundInvite,
    UnknownPlatform,
    UnsupportedOperation,
    error_for_status,
)

TREE = [
    (InvalidInviteLink, (InviteError, ValueError)),
    (InvalidArgument, (InviteError, ValueError)),
    (UnknownPlatform, (InviteError, LookupError)),
    (AdapterImportError, (UnknownPlatform, ImportError)),
    (UnboundInvite, (InviteError,)),
    (UnsupportedOperation, (InviteError,)),
    (PayloadError, (InviteError,)),
    (TransportError, (InviteError,)),
    (HTTPError, (InviteError,)),
    (BadRequest, (HTTPError,)),
    (BotAccountRejected, (BadRequest,)),
    (TooManyServers, (BadRequest,)),
    (Unauthorized, (HTTPError,)),
    (Forbidden, (HTTPError,)),
    (MissingPermissions, (Forbidden,)),
    (Banned, (Forbidden,)),
    (GroupTooLarge, (Forbidden,)),
    (NotFound, (HTTPError,)),
    (InviteNotFound, (NotFound,)),
    (Conflict, (HTTPError,)),
    (AlreadyMember, (Conflict,)),
    (RateLimited, (HTTPError,)),
    (ServerError, (HTTPError,)),
]


@pytest.mark.parametrize(("error", "parents"), TREE)
def test_tree_shape(error: type[Exception], parents: tuple[type[Exception], ...]) -> None:
    for parent in parents:
        assert issubclass(error, parent)


def test_every_public_error_is_in_the_tree() -> None:
    exported = {getattr(errors, name) for name in errors.__all__ if name[0].isupper()}
    assert exported == {error for error, _ in TREE} | {InviteError}


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (BadRequest, 400),
        (BotAccountRejected, 400),
        (TooManyServers, 400),
        (Unauthorized, 401),
        (Forbidden, 403),
        (Banned, 403),
        (GroupTooLarge, 403),
        (MissingPermissions, 403),
        (NotFound, 404),
        (InviteNotFound, 404),
        (Conflict, 409),
        (AlreadyMember, 409),
        (RateLimited, 429),
        (ServerError, 500),
    ],
)
def test_http_errors_default_to_their_status(error: type[HTTPError], status: int) -> None:
    raised = error("nope", platform="fake")
    assert raised.status == status
    assert raised.platform == "fake"
    assert raised.code is None
    assert error("nope", status=418).status == 418


def test_every_error_carries_platform_and_message() -> None:
    error = PayloadError("bad", platform="discord", path="$.guild.id")
    assert (error.platform, error.message, error.path) == ("discord", "bad", "$.guild.id")
    assert str(error) == "[discord] bad"
    assert "path='$.guild.id'" in repr(error)
    assert str(InviteError("plain")) == "plain"
    assert InviteError("plain").platform is None


def test_rate_limited_carries_retry_after() -> None:
    error = RateLimited("slow down", platform="stoat", retry_after=1.5, code="RateLimited")
    assert error.retry_after == 1.5
    assert (error.status, error.code) == (429, "RateLimited")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, BadRequest),
        (401, Unauthorized),
        (403, Forbidden),
        (404, NotFound),
        (409, Conflict),
        (429, RateLimited),
        (500, ServerError),
        (502, ServerError),
        (599, ServerError),
        (418, HTTPError),
        (302, HTTPError),
    ],
)
def test_error_for_status(status: int, expected: type[HTTPError]) -> None:
    assert error_for_status(status) is expected
