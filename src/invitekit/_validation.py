"""Checks that keep caller-supplied strings from changing the shape of a request."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping

from invitekit.errors import InvalidArgument, InvalidInviteLink

# Anything that would end, escape or re-route a URL path segment, plus whitespace (``\s``
# is str.isspace) and control characters, which have no place in a code or an id on any
# platform. One regular expression: this runs for every lookup, cache hits included.
_FORBIDDEN = re.compile(r"[/\\?#%@:;&=+\s\x00-\x1f\x7f]")
# A header line ends at CR or LF and a NUL cuts it short on some servers; a tab is the
# one control character a field value may hold (RFC 9110, 5.5).
_HEADER_VALUE_FORBIDDEN = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# A field name is a token (RFC 9110, 5.1 and 5.6.2).
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def _problem(value: object, platform: str | None) -> str | None:
    if not isinstance(value, str):
        return f"expected a string, got {type(value).__name__}"
    if not value:
        return "it is empty"
    if ".." in value or value == ".":
        return "it contains '..'"
    forbidden = _FORBIDDEN.search(value)
    if forbidden is not None and not _platform_identifier(value, platform):
        return f"it contains the character {forbidden.group()!r}"
    return None


def _platform_identifier(value: str, platform: str | None) -> bool:
    """Whether ``platform``'s link rules take ``value`` as one of its identifiers although
    it holds a character the rule above refuses (Matrix's ``#room:example.org``).

    Asked only when that rule fails, so platforms that never accept such values pay
    nothing on the way of every lookup.
    """
    if platform is None:
        return False
    from invitekit.errors import InviteError
    from invitekit.registry import link_rules_for

    try:
        rules = link_rules_for(platform)
    except InviteError:
        return False
    return rules.accepts_identifier(value)


def check_code(code: object, *, platform: str | None = None) -> str:
    """Return ``code`` unchanged if it can be placed in a URL path.

    A code holding a character that could change a URL (``#``, ``:``, ``@`` …) passes
    only when the link rules of ``platform`` accept it as an identifier of theirs
    (``LinkRules.accepts_identifier``), which promises that its adapter percent-encodes
    it.

    Raises:
        InvalidInviteLink: The code is empty, not a string, or contains ``/``, ``..``,
            ``?``, ``#``, ``%``, whitespace or a control character (see above).
    """
    problem = _problem(code, platform)
    if problem is not None:
        raise InvalidInviteLink(f"invalid invite code {code!r}: {problem}", platform=platform)
    assert isinstance(code, str)
    return code


def check_id(value: object, *, what: str, platform: str | None = None) -> str:
    """Return the identifier ``value`` unchanged if it can be placed in a URL path.

    As for codes, ``platform``'s link rules may accept an identifier holding ``#``,
    ``:`` or ``@`` (``check_code`` explains when).

    Raises:
        InvalidArgument: The identifier is empty, not a string, or contains a character
            that would change the request path.
    """
    problem = _problem(value, platform)
    if problem is not None:
        raise InvalidArgument(f"invalid {what} {value!r}: {problem}", platform=platform)
    assert isinstance(value, str)
    return value


def check_reason(reason: object, *, platform: str | None = None) -> str | None:
    """Return an audit-log ``reason`` as it can travel in one header line.

    Spaces and tabs around it are dropped, as HTTP drops them from a header value; a
    reason that is blank then is no reason (``None``).

    Raises:
        InvalidArgument: The reason is not a string, or contains a line break or another
            control character (a tab is fine), which no header may carry.
    """
    if reason is None:
        return None
    if not isinstance(reason, str) or _HEADER_VALUE_FORBIDDEN.search(reason):
        raise InvalidArgument(
            "an audit-log reason must be a string without line breaks or control characters",
            platform=platform,
        )
    return reason.strip(" \t") or None


def check_headers(headers: Mapping[str, str], *, platform: str | None = None) -> dict[str, str]:
    """Return ``headers`` as a new dict if every one can travel as one header line.

    invitekit checks this itself rather than leaving it to the HTTP client: older aiohttp
    releases put a NUL byte on the wire instead of refusing it.

    Raises:
        InvalidArgument: A name is not an HTTP token (empty, or with a space, a colon or
            a control character), or a value is not a string or holds a line break or
            another control character (a tab is fine). The value is left out of the
            message: it may be a secret.
    """
    checked: dict[str, str] = {}
    # Typed as objects: callers' annotations are not checked at runtime.
    pairs: Iterable[tuple[object, object]] = headers.items()
    for name, value in pairs:
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise InvalidArgument(f"invalid header name {name!r}", platform=platform)
        if not isinstance(value, str) or _HEADER_VALUE_FORBIDDEN.search(value):
            raise InvalidArgument(
                f"the value of header {name!r} must be a string without line breaks or"
                " control characters",
                platform=platform,
            )
        checked[name] = value
    return checked


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


def is_count(value: object) -> bool:
    """Whether ``value`` is a non-negative ``int`` (``bool`` excluded)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def is_number(value: object) -> bool:
    """Whether ``value`` is a finite ``int`` or ``float`` (``bool`` excluded)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
