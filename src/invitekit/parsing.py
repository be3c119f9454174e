"""``parse_invite`` and ``find_invites`` over the link rules of every registered platform."""

from __future__ import annotations

from invitekit.refs import InviteRef
from invitekit.registry import default_scanner

__all__ = ["find_invites", "parse_invite"]


def parse_invite(text: str, *, platform: str | None = None) -> InviteRef:
    """Parse one invite link in any accepted form or, with ``platform``, a bare code.

    Surrounding whitespace and one pair of ``<…>`` are ignored.

    Raises:
        InvalidInviteLink: ``text`` is not an invite link (nor, with ``platform``, a valid
            code on that platform), or is a link to a different platform. It is also a
            ``ValueError``.
        UnknownPlatform: ``platform`` is not registered.
    """
    return default_scanner().parse(text, platform=platform)


def find_invites(text: str) -> list[InviteRef]:
    """Return every invite link in free ``text``, in order of first appearance, each once.

    Links may be wrapped in ``<…>``, markdown ``[text](…)``, parentheses or quotes, and be
    followed by prose punctuation. Look-alike hosts never match.
    """
    return default_scanner().find(text)
