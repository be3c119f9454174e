"""Deprecated: ``parse_invite`` and ``find_invites`` live in ``invitekit.links`` (and at
the top level, ``invitekit.parse_invite``). This module goes in the next release."""

from __future__ import annotations

import warnings

from invitekit.links import find_invites, parse_invite

__all__ = ["find_invites", "parse_invite"]

warnings.warn(
    "invitekit.parsing is deprecated; import parse_invite and find_invites from invitekit "
    "(or invitekit.links)",
    DeprecationWarning,
    stacklevel=2,
)
