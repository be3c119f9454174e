"""Which API bases a transport may send a token to."""

from __future__ import annotations

import ipaddress
from urllib.parse import SplitResult, urlsplit

from invitekit.errors import InvalidArgument

__all__ = ["check_base_url", "is_loopback"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine: ``localhost``, ``127.0.0.0/8`` or ``::1``."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a malformed port raises here, not later
    except ValueError:
        return None
    return parts


def check_base_url(url: object, *, allow_insecure: bool, platform: str | None) -> str:
    """Return ``url`` without a trailing ``/`` if a token may be sent to it.

    An API base is ``https://host[:port][/path]``. Plain ``http://`` is accepted for
    loopback hosts (local emulators, a tunnel's local end) and, elsewhere, only when
    ``allow_insecure`` is true: anyone on the path could read the token otherwise.

    Raises:
        InvalidArgument: ``url`` is not a string, not http(s), has no host, or carries
            credentials, a query or a fragment; or it is plain http to another host
            without ``allow_insecure``.
    """
    if not isinstance(url, str):
        raise InvalidArgument(
            f"base URL must be a string, got {type(url).__name__}", platform=platform
        )
    parts = _split(url)
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidArgument(
            f"base URL must be an http(s) URL with a host: {url!r}", platform=platform
        )
    if parts.username is not None or parts.password is not None:
        # The URL itself stays out of the message: it holds a password.
        raise InvalidArgument("base URL must not carry credentials", platform=platform)
    if parts.query or parts.fragment or any(char.isspace() or ord(char) < 0x20 for char in url):
        raise InvalidArgument(
            f"base URL must not carry a query, a fragment or whitespace: {url!r}", platform=platform
        )
    if parts.scheme == "http" and not allow_insecure and not is_loopback(parts.hostname):
        raise InvalidArgument(
            f"base URL {url!r} is plain http to a host other than this machine; use https, "
            "or pass allow_insecure=True if the network in between is trusted",
            platform=platform,
        )
    return url.rstrip("/")
