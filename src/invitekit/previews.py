"""Previews of invites for bridges: what a link leads to, as text, Markdown or HTML.

A bridge relaying a message from one platform to another shows, under an invite link,
what the source platform's client would: the server's or group's name, the kind of
invite, the channel, the member count, the expiry and the canonical link.

Names, channels and the like are chosen by whoever made the server, so every rendering
treats them as hostile: control and bidirectional-override characters are dropped,
whitespace runs become one space, very long names are cut, and the Markdown and HTML
renderings escape them so that a server called ``<img src=x onerror=…>`` or
``[click](javascript:…)`` shows as those characters and never as markup. Only the
canonical link, which invitekit builds itself, is ever a link.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from typing import Literal

import msgspec

from invitekit.models import (
    BaseInvite,
    GroupInvite,
    InviteChannel,
    InviteUser,
    PublicFriendInvite,
    PublicGroupInvite,
    PublicServerInvite,
    ServerInvite,
)

__all__ = ["InvitePreview", "PreviewKind", "preview"]

PreviewKind = Literal["server", "group", "friend", "invite"]
"""What an invite leads to, as a preview names it (``invite`` when the model is unknown)."""

MAX_NAME_LENGTH = 100
"""Names longer than this are cut (with an ellipsis): a preview is one glance."""

# C0 and C1 controls, and the characters that reorder text around them (a name with a
# right-to-left override could make the rest of the preview read backwards).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")
# CommonMark lets any ASCII punctuation be escaped with a backslash; escaping all of it
# leaves no way to open a link, an emphasis, a mention or an HTML tag.
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
_LINKABLE = re.compile(r"(?:https?|matrix):[^\s<>\"'`\\]+")


class InvitePreview(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """What an invite leads to, ready to render; every text field is already cleaned."""

    platform: str
    """The platform's registry name (``"discord"`` …)."""
    kind: PreviewKind
    """What the invite leads to."""
    name: str | None = None
    """The server's or group's name, or the inviter's for a friend invite."""
    channel: str | None = None
    """The channel new members land in, when it differs from ``name``."""
    member_count: int | None = None
    """About how many members, where the platform says."""
    expires_at: datetime | None = None
    """When the invite stops working, where the platform says."""
    url: str | None = None
    """The canonical link; ``None`` when no adapter knows how to link the platform."""

    def _headline(self) -> tuple[str, str]:
        platform = self.platform.capitalize()
        label = "invite" if self.kind == "invite" else f"{self.kind} invite"
        return self.name or "Unnamed", f"{platform} {label}"

    def _facts(self) -> list[str]:
        facts = []
        if self.channel is not None:
            facts.append(f"#{self.channel}")
        if self.member_count is not None:
            noun = "member" if self.member_count == 1 else "members"
            facts.append(f"{self.member_count:,} {noun}")
        if self.expires_at is not None:
            facts.append(f"expires {_format_time(self.expires_at)}")
        return facts

    def text(self) -> str:
        """The preview as plain text, one fact per part, the link on its own line."""
        title, label = self._headline()
        lines = [f"{title} — {label}"]
        facts = self._facts()
        if facts:
            lines.append(" · ".join(facts))
        if self.url is not None:
            lines.append(self.url)
        return "\n".join(lines)

    def markdown(self) -> str:
        """The preview as Markdown (CommonMark, as Discord and Stoat render it).

        Every user-controlled part is escaped; the link is written as an autolink only
        when it is one invitekit can vouch for (``https``, ``http`` or ``matrix`` with no
        character that could end it early), else as escaped text.
        """
        title, label = self._headline()
        lines = [f"**{_escape_markdown(title)}** — {label}"]
        facts = self._facts()
        if facts:
            lines.append(" · ".join(_escape_markdown(fact) for fact in facts))
        if self.url is not None:
            linkable = _LINKABLE.fullmatch(self.url)
            lines.append(f"<{self.url}>" if linkable else _escape_markdown(self.url))
        return "\n".join(lines)

    def html(self) -> str:
        """The preview as HTML within Matrix's ``formatted_body`` subset (``b``, ``a``,
        ``br``); every user-controlled part is escaped and only the link is a link."""
        title, label = self._headline()
        parts = [f"<b>{html.escape(title)}</b> — {html.escape(label)}"]
        facts = self._facts()
        if facts:
            parts.append(html.escape(" · ".join(facts)))
        if self.url is not None:
            shown = html.escape(self.url)
            if _LINKABLE.fullmatch(self.url):
                parts.append(f'<a href="{shown}">{shown}</a>')
            else:
                parts.append(shown)
        return "<br>".join(parts)


def preview(invite: BaseInvite) -> InvitePreview:
    """What ``invite`` leads to, with every name cleaned for display.

    Works on any invite, bound or not, public or private; fields the platform did not
    send are left out of the renderings. Never raises: the ``url`` of an invite of an
    unknown platform, or of one whose adapter fails to link it, is ``None``.
    """
    kind: PreviewKind = "invite"
    name: str | None = None
    channel = _channel_name(getattr(invite, "channel", None))
    member_count: int | None = None
    if isinstance(invite, (PublicServerInvite, ServerInvite)):
        kind = "server"
        name = invite.server.name if invite.server is not None else None
    elif isinstance(invite, (PublicGroupInvite, GroupInvite)):
        kind = "group"
        name, channel = channel, None
    elif isinstance(invite, PublicFriendInvite):
        kind = "friend"
        name, channel = _user_name(invite.inviter), None
    if isinstance(invite, (PublicServerInvite, PublicGroupInvite)):
        member_count = invite.member_count
    try:
        url: str | None = invite.url
    except Exception:
        # As for str(): a third-party adapter's bug must not stop a bridge relaying the
        # message; the preview shows everything but the link.
        url = None
    expires_at = getattr(invite, "expires_at", None)
    return InvitePreview(
        platform=_clean(invite.platform) or "unknown",
        kind=kind,
        name=_clean(name),
        channel=_clean(channel),
        member_count=member_count,
        expires_at=expires_at if isinstance(expires_at, datetime) else None,
        url=url,
    )


def _channel_name(channel: object) -> str | None:
    return channel.name if isinstance(channel, InviteChannel) else None


def _user_name(user: InviteUser | None) -> str | None:
    if user is None:
        return None
    return user.display_name or user.name


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = _SPACES.sub(" ", _UNSAFE.sub("", _SPACES.sub(" ", text))).strip()
    if len(cleaned) > MAX_NAME_LENGTH:
        cleaned = cleaned[: MAX_NAME_LENGTH - 1].rstrip() + "…"
    return cleaned or None


def _escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _format_time(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M UTC")
