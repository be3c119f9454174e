"""Checks that keep caller-supplied strings from changing the shape of a request URL."""

from __future__ import annotations

import re

from invitekit.errors import InvalidArgument, InvalidInviteLink

# Anything that would end, escape or re-route a URL path segment, plus whitespace (``\s``
# is str.isspace) and control characters, which have no place in a code or an id on any
# platform. One regular expression: this runs for every lookup, cache hits included.
_FORBIDDEN = re.compile(r"[/\\?#%@:;&=+\s\x00-\x1f\x7f]")


def _problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"expected a string, got {type(value).__name__}"
    if not value:
        return "it is empty"
    if ".." in value or value == ".":
        return "it contains '..'"
    forbidden = _FORBIDDEN.search(value)
    if forbidden is not None:
        return f"it contains the character {forbidden.group()!r}"
    return None


def check_code(code: object, *, platform: str | None = None) -> str:
    """Return ``code`` unchanged if it can be placed in a URL path.

    Raises:
        InvalidInviteLink: The code is empty, not a string, or contains ``/``, ``..``,
            ``?``, ``#``, ``%``, whitespace or a control character.
    """
    problem = _problem(code)
    if problem is not None:
        raise InvalidInviteLink(f"invalid invite code {code!r}: {problem}", platform=platform)
    assert isinstance(code, str)
    return code


def check_id(value: object, *, what: str, platform: str | None = None) -> str:
    """Return the identifier ``value`` unchanged if it can be placed in a URL path.

    Raises:
        InvalidArgument: The identifier is empty, not a string, or contains a character
            that would change the request path.
    """
    problem = _problem(value)
    if problem is not None:
        raise InvalidArgument(f"invalid {what} {value!r}: {problem}", platform=platform)
    assert isinstance(value, str)
    return value


def check_reason(reason: object, *, platform: str | None = None) -> str | None:
    """Return an audit-log ``reason`` unchanged if it fits in one header line.

    Raises:
        InvalidArgument: The reason is not a string or contains a line break.
    """
    if reason is None:
        return None
    if not isinstance(reason, str) or "\r" in reason or "\n" in reason:
        raise InvalidArgument(
            "an audit-log reason must be a string without line breaks", platform=platform
        )
    return reason


def check_limit(value: object, *, what: str, platform: str | None = None) -> int | None:
    """Return ``value`` if it is ``None`` (no limit) or a positive integer (not a bool).

    Raises:
        InvalidArgument: Anything else.
    """
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidArgument(
            f"{what} must be a positive integer, or None for no limit, got {value!r}",
            platform=platform,
        )
    return value
