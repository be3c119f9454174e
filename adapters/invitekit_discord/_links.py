"""Discord's invite links: ``discord.gg/CODE`` and ``discord(app).com/invite/CODE``.

The ``www.``, ``ptb.`` and ``canary.`` subdomains are Discord's own (the public test and
canary clients), so links on them lead to the same invites. ``?event=ID`` points at a
scheduled event. Codes are letters, digits and hyphens: random codes are alphanumeric
and vanity codes add hyphens.
"""

from __future__ import annotations

import string

from invitekit import LinkForm, LinkRules

__all__ = ["CODE_CHARS", "LINK_RULES"]

CODE_CHARS = string.ascii_letters + string.digits + "-"

_SUBDOMAINS = ("", "www.", "ptb.", "canary.")


def _forms() -> tuple[LinkForm, ...]:
    forms = [LinkForm(f"{sub}discord.gg", "/") for sub in _SUBDOMAINS]
    for domain in ("discord.com", "discordapp.com"):
        forms += [LinkForm(f"{sub}{domain}", "/invite/") for sub in _SUBDOMAINS]
    return tuple(forms)


LINK_RULES = LinkRules(
    platform="discord",
    forms=_forms(),
    canonical="https://discord.gg/{code}",
    code_chars=CODE_CHARS,
    min_length=2,
    max_length=64,
    event_param="event",
    # Discord-compatible servers (Spacebar) link to invites as https://{host}/invite/{code}.
    self_hosted_prefix="/invite/",
)
"""The link rules of the ``discord`` platform."""
