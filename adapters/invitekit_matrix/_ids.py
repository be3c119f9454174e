"""Matrix identifiers: server names, room aliases, room ids and event ids.

The grammar is the specification's (appendices, "Identifier Grammar"), narrowed where a
value would otherwise be unsafe or ambiguous to carry around: a localpart never holds
whitespace, control or invisible format characters, nor the ASCII characters that end
or re-route a URL (``/ \\ ? %`` …), although the specification allows almost any code
point. Aliases bridged from IRC (``#_oftc_#debian:matrix.org``) keep their inner ``#``.
Every function here is pure and never raises. The checks that links and codes go
through are cached: chat repeats the same few rooms, and a check costs a pass over the
identifier per rule.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import unicodedata

__all__ = [
    "is_alias",
    "is_event_id",
    "is_room_id",
    "is_room_reference",
    "is_server_name",
    "is_user_id",
    "server_of",
]

_CACHED = 4096
"""Identifiers whose verdicts each check keeps (least recently used first out)."""
_MAX_BYTES = 255
"""The longest identifier, sigil and server included (bytes of UTF-8)."""
_LOCALPART_REFUSED = frozenset('/\\?%"<>`{}|^[]:')
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"})
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_TLD = re.compile(r"[A-Za-z]{2,63}")
_IPV4 = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
_PORT = re.compile(r"[0-9]{1,5}")
_HASH_ID = re.compile(r"[A-Za-z0-9_-]{43}")
"""Room ids of room version 12 on: a SHA-256 hash in unpadded URL-safe Base64."""
_OLD_EVENT_ID = re.compile(r"[A-Za-z0-9+=._-]{1,254}")
"""Event ids: hashes in (URL-safe) Base64 from room version 3 on, opaque before."""
_USER_LOCALPART = re.compile(r"[A-Za-z0-9._=/+-]{1,254}")


@functools.lru_cache(maxsize=_CACHED)
def is_server_name(text: str, *, in_prose: bool = False) -> bool:
    """Whether ``text`` is a well-formed server name: a DNS name, an IPv4 literal or an
    IPv6 literal in brackets, with an optional port (1-65535).

    DNS names keep to the usual host-name rules (labels of letters, digits and inner
    hyphens), as the specification recommends. ``in_prose`` asks more of a name found in
    free text, where ``#topic:thing`` is no room: a DNS name then needs a dot and an
    alphabetic top-level label.
    """
    host, port = _split_port(text)
    if port is not None and not (_PORT.fullmatch(port) and 0 < int(port) < 65536):
        return False
    if host.startswith("["):
        return host.endswith("]") and _is_ipv6(host[1:-1])
    if _IPV4.fullmatch(host):
        return all(int(part) < 256 for part in host.split("."))
    if not host.isascii() or len(host) > _MAX_BYTES:
        return False
    labels = host.split(".")
    if not all(_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        return False
    return not in_prose or (len(labels) > 1 and _TLD.fullmatch(labels[-1]) is not None)


def _split_port(text: str) -> tuple[str, str | None]:
    if text.startswith("["):
        close = text.find("]")
        if close != -1 and text[close + 1 : close + 2] == ":":
            return text[: close + 1], text[close + 2 :]
        return text, None
    host, colon, port = text.partition(":")
    return (host, port) if colon else (host, None)


def _is_ipv6(text: str) -> bool:
    if not 2 <= len(text) <= 45 or "%" in text:
        return False
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _is_localpart(text: str) -> bool:
    return bool(text) and all(_is_localpart_char(char) for char in text)


def _is_localpart_char(char: str) -> bool:
    if char.isascii():
        return "!" <= char <= "~" and char not in _LOCALPART_REFUSED
    return unicodedata.category(char) not in _UNSAFE_CATEGORIES


def _fits(identifier: str) -> bool:
    return len(identifier.encode("utf-8", "surrogatepass")) <= _MAX_BYTES


def _sigil_split(identifier: str, sigil: str) -> tuple[str, str] | None:
    """``(localpart, server)`` of ``sigil + localpart + ":" + server``, if it has one."""
    if not identifier.startswith(sigil):
        return None
    # The server part begins at the first colon: localparts have none.
    localpart, colon, server = identifier[1:].partition(":")
    return (localpart, server) if colon else None


@functools.lru_cache(maxsize=_CACHED)
def is_alias(code: str) -> bool:
    """Whether ``code`` is a room alias, ``#localpart:server``."""
    parts = _sigil_split(code, "#")
    return (
        parts is not None and _fits(code) and _is_localpart(parts[0]) and is_server_name(parts[1])
    )


@functools.lru_cache(maxsize=_CACHED)
def is_room_id(code: str) -> bool:
    """Whether ``code`` is a room id: ``!opaque:server`` (room versions 1-11) or
    ``!hash`` (room version 12 on: 43 characters, no server part)."""
    if not code.startswith("!") or not _fits(code):
        return False
    parts = _sigil_split(code, "!")
    if parts is None:
        return _HASH_ID.fullmatch(code[1:]) is not None
    return _is_localpart(parts[0]) and is_server_name(parts[1])


def is_room_reference(code: str) -> bool:
    """Whether ``code`` names a room: an alias or a room id."""
    return is_alias(code) or is_room_id(code)


@functools.lru_cache(maxsize=_CACHED)
def is_event_id(value: str) -> bool:
    """Whether ``value`` is an event id: ``$hash`` (room version 4 on), ``$opaque`` of
    version 3, or ``$opaque:server`` (versions 1 and 2)."""
    if not value.startswith("$") or not _fits(value):
        return False
    parts = _sigil_split(value, "$")
    if parts is None:
        return _OLD_EVENT_ID.fullmatch(value[1:]) is not None
    return _OLD_EVENT_ID.fullmatch(parts[0]) is not None and is_server_name(parts[1])


def is_user_id(value: str) -> bool:
    """Whether ``value`` is a user id, ``@localpart:server`` (historical localparts
    included, as far as they are printable ASCII without ``:``)."""
    parts = _sigil_split(value, "@")
    return (
        parts is not None
        and _fits(value)
        and _USER_LOCALPART.fullmatch(parts[0]) is not None
        and is_server_name(parts[1])
    )


def server_of(identifier: str) -> str | None:
    """The server part of an alias, room id, event id or user id; ``None`` if it has
    none (room version 12 ids)."""
    _, colon, server = identifier[1:].partition(":")
    return server if colon else None
