"""Stoat error bodies → the core error tree, as a pure function of status and body."""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invitekit import (
    AlreadyMember,
    BadRequest,
    Banned,
    BotAccountRejected,
    Conflict,
    Forbidden,
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
from invitekit_stoat import (
    StoatGroupTooLarge,
    StoatMissingPermission,
    StoatTooManyServers,
    error_from_response,
)


def body(kind: str, **extra: object) -> bytes:
    return json.dumps({"type": kind, **extra, "location": "crates/x.rs:1:1"}).encode()


TYPED = [
    # (status, type, extra fields, on an invite route, expected class)
    (400, "IsBot", {}, True, BotAccountRejected),
    (400, "TooManyServers", {"max": 50}, True, TooManyServers),
    (400, "InvalidOperation", {}, False, BadRequest),
    (400, "FailedValidation", {"error": "bad"}, False, BadRequest),
    (400, "MissingHeaders", {}, True, BadRequest),
    (400, "HeaderTooLarge", {}, True, BadRequest),
    (400, "NoEffect", {}, True, BadRequest),
    (401, "InvalidSession", {}, True, Unauthorized),
    (401, "NotAuthenticated", {}, False, Unauthorized),
    (403, "Banned", {}, True, Banned),
    (403, "GroupTooLarge", {"max": 100}, True, GroupTooLarge),
    (403, "MissingPermission", {"permission": "ManageServer"}, True, MissingPermissions),
    (404, "NotFound", {}, True, InviteNotFound),
    (404, "NotFound", {}, False, NotFound),
    (404, "UnknownServer", {}, False, NotFound),
    (404, "UnknownChannel", {}, False, NotFound),
    (404, "UnknownUser", {}, False, NotFound),
    (409, "AlreadyInServer", {}, True, AlreadyMember),
    (409, "AlreadyInGroup", {}, True, AlreadyMember),
    (500, "DatabaseError", {"operation": "find_one", "collection": "servers"}, False, ServerError),
    (500, "InternalError", {}, False, ServerError),
    (500, "LabelMe", {}, True, ServerError),
    # types invitekit does not know fall back to the status's class, keeping the type
    (403, "FeatureDisabled", {"feature": "invites"}, False, Forbidden),
    (409, "SomethingNew", {}, False, Conflict),
    (418, "Teapot", {}, False, HTTPError),
    (429, "InSlowmode", {"retry_after": 3}, False, RateLimited),
    # a 401 is an authentication failure whatever the body calls it
    (401, "NotFound", {}, True, Unauthorized),
]


@pytest.mark.parametrize(("status", "kind", "extra", "invite_route", "expected"), TYPED)
def test_typed_bodies(
    status: int, kind: str, extra: dict[str, object], invite_route: bool, expected: type[HTTPError]
) -> None:
    error = error_from_response(status, body(kind, **extra), invite_route=invite_route)
    assert type(error) is expected or (
        isinstance(error, expected) and type(error).__name__.startswith("Stoat")
    )
    assert (error.status, error.code, error.platform) == (status, kind, "stoat")
    assert "crates/" not in str(error)


def test_not_found_is_an_invite_not_found_only_on_invite_routes() -> None:
    assert type(error_from_response(404, body("NotFound"), invite_route=True)) is InviteNotFound
    assert type(error_from_response(404, body("NotFound"))) is NotFound


def test_extra_fields_stay_typed() -> None:
    permission = error_from_response(403, body("MissingPermission", permission="InviteOthers"))
    assert isinstance(permission, StoatMissingPermission)
    assert permission.permission == "InviteOthers"
    assert "InviteOthers" in permission.message
    too_many = error_from_response(400, body("TooManyServers", max=100), invite_route=True)
    assert isinstance(too_many, StoatTooManyServers)
    assert too_many.max == 100
    too_large = error_from_response(403, body("GroupTooLarge", max=50), invite_route=True)
    assert isinstance(too_large, StoatGroupTooLarge)
    assert too_large.max == 50
    assert "50" in too_large.message


def test_failed_validation_and_database_details_reach_the_message() -> None:
    assert (
        "name too long"
        in error_from_response(400, body("FailedValidation", error="name too long")).message
    )
    error = error_from_response(
        500, body("DatabaseError", operation="insert_one", collection="channel_invites")
    )
    assert "insert_one" in error.message
    assert "channel_invites" in error.message


DESCRIPTIONS = {
    401: ("Unauthorized", "The request requires user authentication."),
    404: ("Not Found", "The requested resource could not be found."),
    500: (
        "Internal Server Error",
        "The server encountered an internal error while processing this request.",
    ),
}


def rocket(status: int) -> bytes:
    reason, description = DESCRIPTIONS[status]
    detail = {"code": status, "reason": reason, "description": description}
    return json.dumps({"error": detail}).encode()


@pytest.mark.parametrize(
    ("status", "expected"), [(401, Unauthorized), (404, NotFound), (500, ServerError)]
)
def test_rocket_default_bodies_are_typed_by_status(status: int, expected: type[HTTPError]) -> None:
    error = error_from_response(status, rocket(status), invite_route=True)
    # An untyped 404 is a missing route (a wrong api_base, say), not a missing invite.
    assert type(error) is expected
    assert error.code is None
    assert error.status == status
    assert "description" not in error.message
    assert DESCRIPTIONS[status][1] in error.message


@pytest.mark.parametrize(
    ("status", "data", "expected"),
    [
        (401, b"<!DOCTYPE html><html><body><h1>Unauthorized</h1></body></html>", Unauthorized),
        (403, b"<html><title>Attention Required! | Cloudflare</title></html>", Forbidden),
        (502, b"<html><body>502 Bad Gateway</body></html>", ServerError),
        (503, b"", ServerError),
        (520, b"error code: 520", ServerError),
        (400, b"[1, 2, 3]", BadRequest),
        (404, b'{"type": 5}', NotFound),
        (409, b'"AlreadyInServer"', Conflict),
        (429, b"<html>slow down</html>", RateLimited),
    ],
)
def test_untyped_bodies_are_typed_by_status(
    status: int, data: bytes, expected: type[HTTPError]
) -> None:
    error = error_from_response(status, data, invite_route=True)
    assert type(error) is expected
    assert (error.status, error.code) == (status, None)
    assert "<html" not in error.message


def test_rate_limit_body_is_in_milliseconds() -> None:
    error = error_from_response(429, b'{"retry_after": 1500}')
    assert isinstance(error, RateLimited)
    assert error.retry_after == 1.5
    assert error_from_response(429, b'{"retry_after": -3}').retry_after == 0.0  # type: ignore[attr-defined]


@given(status=st.integers(400, 599), data=st.binary(max_size=200))
def test_never_raises_on_arbitrary_bodies(status: int, data: bytes) -> None:
    error = error_from_response(status, data)
    assert isinstance(error, HTTPError)
    assert error.status == status


@given(
    status=st.integers(400, 599),
    payload=st.dictionaries(
        st.sampled_from(
            ["type", "permission", "max", "error", "retry_after", "operation", "collection"]
        ),
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False)
        | st.text(string.printable, max_size=10)
        | st.dictionaries(st.text(string.ascii_letters, max_size=5), st.integers(), max_size=2),
    ),
)
def test_never_raises_on_odd_json_objects(status: int, payload: dict[str, object]) -> None:
    error = error_from_response(status, json.dumps(payload).encode())
    assert isinstance(error, HTTPError)
    assert error.status == status


@pytest.mark.parametrize(
    "data", [b'{"type": "\x80NotFound"}', b'{"retry_after": 5, "type": "\xff"}', b"\xff\xfe"]
)
def test_invalid_utf8_bodies(data: bytes) -> None:
    error = error_from_response(404, data, invite_route=True)
    assert type(error) is NotFound
    assert error.code is None
