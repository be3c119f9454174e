"""How a self-hosted instance is named and where its links live.

An instance's name is its identity: invites and refs carry it, and it is in every cache
and lease key. A name with a dot is a host name, and always one of the instance's link
hosts, so an invite of the instance can be linked from its name alone; any other name
(``work``) is a label that only the instance's adapter can turn into a link.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

from invitekit.errors import InvalidArgument

_HOST_LABEL = frozenset(string.ascii_lowercase + string.digits + "-")
# No '@', ':' or '/': ``platform@instance:code`` is how an unlinkable invite prints.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def link_host(value: object, *, platform: str | None = None) -> str:
    """Return the host name that links on ``value`` carry, lower-case and IDNA-encoded.

    ``value`` is a host name (``chat.example.org``) or an ``http(s)://`` origin.

    Raises:
        InvalidArgument: ``value`` is not a host name: a path, a port, credentials or
            another scheme are refused, since a link form is matched on its exact host.
    """
    if not isinstance(value, str):
        raise InvalidArgument(f"a link host must be a string, got {value!r}", platform=platform)
    host = value.strip()
    scheme, separator, rest = host.partition("://")
    if separator:
        if scheme.lower() not in ("http", "https"):
            raise InvalidArgument(f"not a web address: {value!r}", platform=platform)
        host = rest
    host = host.rstrip("/").lower()
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InvalidArgument(f"not a host name: {value!r}", platform=platform) from exc
    if not host or any(not label or not set(label) <= _HOST_LABEL for label in host.split(".")):
        raise InvalidArgument(
            f"not a host name (expected e.g. 'chat.example.org'): {value!r}", platform=platform
        )
    return host


def link_hosts(hosts: Iterable[str] | str, *, platform: str | None = None) -> list[str]:
    """Return ``hosts`` (one string or several) as link hosts, in order, each once.

    Raises:
        InvalidArgument: A value is not a host name.
    """
    given = [hosts] if isinstance(hosts, str) else list(hosts)
    return list(dict.fromkeys(link_host(host, platform=platform) for host in given))


def check_instance(name: object, *, platform: str | None = None) -> str:
    """Return ``name`` if it can name an instance.

    Raises:
        InvalidArgument: ``name`` is not a string of letters, digits, ``.``, ``_`` and
            ``-`` starting with a letter or digit.
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InvalidArgument(
            f"invalid instance name {name!r}: use letters, digits, '.', '_' and '-', "
            "or one of its link hosts",
            platform=platform,
        )
    return name


def instance_name(name: object, hosts: list[str], *, platform: str | None = None) -> str:
    """Return the name of the instance whose link hosts are ``hosts`` (normalised, not
    empty): ``name``, or the first host when ``name`` is ``None``.

    Raises:
        InvalidArgument: ``name`` is not a string of letters, digits, ``.``, ``_`` and
            ``-``, or it has a dot (so names a host) but is not one of ``hosts``.
    """
    if name is None:
        return hosts[0]
    name = check_instance(name, platform=platform)
    if "." not in name:
        return name
    host = link_host(name, platform=platform)
    if host not in hosts:
        raise InvalidArgument(
            f"the instance name {name!r} is a host name but not one of its link hosts "
            f"({', '.join(hosts)}): name it after one of them, or without a dot",
            platform=platform,
        )
    return host


def links_by_name(name: str) -> bool:
    """Whether an instance called ``name`` has links on the host of that name."""
    return "." in name


def owner_name(platform: str, instance: str | None) -> str:
    """``platform``, or ``platform@instance`` for a self-hosted instance: whose invites
    these are, as messages and unlinkable invites name them."""
    return platform if instance is None else f"{platform}@{instance}"
