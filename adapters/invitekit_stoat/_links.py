"""Stoat invite links: the official and legacy Revolt forms, plus self-hosted instances."""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import replace

from invitekit import InvalidArgument, LinkForm, LinkRules
from invitekit_stoat._wire import PLATFORM

__all__ = ["STOAT_LINK_RULES", "instance_forms", "instance_rules"]

# Generated codes are 8 characters of 0-9A-Za-z without I, L, O, U; vanity codes
# (``Testers``) and discoverable server ULIDs are longer or use other letters, so the
# rules accept any ASCII letters and digits. Codes are case-sensitive.
_CODE_CHARS = string.ascii_letters + string.digits

STOAT_LINK_RULES = LinkRules(
    platform=PLATFORM,
    forms=(
        LinkForm("stt.gg"),
        LinkForm("stoat.chat", "/invite/"),
        LinkForm("rvlt.gg"),
        LinkForm("app.revolt.chat", "/invite/"),
        LinkForm("nightly.revolt.chat", "/invite/"),
        LinkForm("local.revolt.chat", "/invite/"),
    ),
    canonical="https://stt.gg/{code}",
    code_chars=_CODE_CHARS,
    min_length=1,
    max_length=64,
    reserved=frozenset({"discover"}),
)
"""The link forms of the official Stoat instance and of legacy Revolt."""


def _host(value: str) -> str:
    host = value.strip()
    scheme, separator, rest = host.partition("://")
    if separator:
        if scheme.lower() not in ("http", "https"):
            raise InvalidArgument(f"not a web address: {value!r}", platform=PLATFORM)
        host = rest
    host = host.rstrip("/").lower()
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InvalidArgument(f"not a host name: {value!r}", platform=PLATFORM) from exc
    allowed = set(string.ascii_lowercase + string.digits + "-")
    if not host or any(not label or not set(label) <= allowed for label in host.split(".")):
        raise InvalidArgument(
            f"not a host name (expected e.g. 'chat.example.org'): {value!r}", platform=PLATFORM
        )
    return host


def instance_forms(hosts: Iterable[str]) -> tuple[LinkForm, ...]:
    """Return the ``{host}/invite/{code}`` link forms of self-hosted instances.

    ``hosts`` are host names (``chat.example.org``) or ``http(s)://`` origins.

    Raises:
        InvalidArgument: A value is not a host name (paths, ports and credentials are not
            accepted: a link form is matched on its exact host).
    """
    if isinstance(hosts, str):
        hosts = (hosts,)
    return tuple(LinkForm(_host(host), "/invite/") for host in hosts)


def instance_rules(hosts: Iterable[str], instance: str | None = None) -> LinkRules:
    """Return the link rules of a self-hosted instance: ``https://{host}/invite/{code}``
    on each of ``hosts``, the first being canonical. The instance is named ``instance``,
    or after its first host.

    Raises:
        InvalidArgument: No host is given, or a value is not a host name.
    """
    forms = instance_forms(hosts)
    if not forms:
        raise InvalidArgument(
            "a self-hosted Stoat instance needs a link host (its invite links' host)",
            platform=PLATFORM,
        )
    return replace(
        STOAT_LINK_RULES,
        forms=forms,
        canonical=f"https://{forms[0].host}/invite/{{code}}",
        instance=forms[0].host if instance is None else instance,
    )
