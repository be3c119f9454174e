"""Stoat invite links: the official and legacy Revolt forms, plus self-hosted instances."""

from __future__ import annotations

import string
from collections.abc import Iterable

from invitekit import LinkForm, LinkRules

__all__ = ["STOAT_LINK_RULES", "instance_forms"]

# Generated codes are 8 characters of 0-9A-Za-z without I, L, O, U; vanity codes
# (``Testers``) and discoverable server ULIDs are longer or use other letters, so the
# rules accept any ASCII letters and digits. Codes are case-sensitive.
_CODE_CHARS = string.ascii_letters + string.digits

STOAT_LINK_RULES = LinkRules(
    # Spelt out, not imported from _wire: finding links must not build the decoders.
    platform="stoat",
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
    self_hosted_prefix="/invite/",
)
"""The link forms of the official Stoat instance and of legacy Revolt."""


def instance_forms(hosts: Iterable[str]) -> tuple[LinkForm, ...]:
    """Return the ``{host}/invite/{code}`` link forms of self-hosted instances.

    ``hosts`` are host names (``chat.example.org``) or ``http(s)://`` origins.

    Raises:
        InvalidArgument: A value is not a host name (paths, ports and credentials are not
            accepted: a link form is matched on its exact host).
    """
    given = [hosts] if isinstance(hosts, str) else list(hosts)
    return STOAT_LINK_RULES.self_hosted(given).forms if given else ()
