"""``InviteRef``: which invite, on which platform — before anything is fetched."""

from __future__ import annotations

from dataclasses import dataclass, field

from invitekit._instances import check_instance, owner_name
from invitekit._validation import check_code

__all__ = ["InviteRef"]


@dataclass(frozen=True, slots=True)
class InviteRef:
    """An immutable, hashable reference to one invite.

    ``str(ref)`` is ``ref.url``, the canonical link of the instance the invite lives on;
    it never raises (a platform no adapter is registered for prints as
    ``platform:code``).

    Attributes:
        platform: The registry name of the platform.
        code: The invite code, checked to be safe in a URL path.
        event_id: The scheduled event the link points at (Discord ``?event=``), or
            ``None``.
        instance: The self-hosted instance the invite lives on (its name, usually its
            host), or ``None`` for the official one. Refs of different instances are
            different invites, even with equal codes.
        via: Servers that can lead to the invite (Matrix's ``via=``), in the order the
            link gave them: a hint for reaching it, not part of its identity, so refs
            that differ only here are equal.

    Raises:
        InvalidInviteLink: On construction, if ``code`` could not be placed in a URL path.
        InvalidArgument: On construction, if ``instance`` is not an instance name
            (letters, digits, ``.``, ``_`` and ``-``).
    """

    platform: str
    code: str
    event_id: str | None = None
    instance: str | None = None
    via: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        check_code(self.code, platform=self.platform)
        if self.instance is not None:
            check_instance(self.instance, platform=self.platform)

    @property
    def url(self) -> str:
        """The canonical link of this invite on its instance.

        Raises:
            UnknownPlatform: No adapter is registered for ``platform``.
            InvalidArgument: The adapter cannot link to invites of ``instance``.
        """
        from invitekit.registry import link_rules_for

        return link_rules_for(self.platform, self.instance).canonical_url(self.code, self.event_id)

    def __str__(self) -> str:
        return printable_url(self.platform, self.code, self.event_id, self.instance)


def printable_url(platform: str, code: str, event_id: str | None, instance: str | None) -> str:
    """The canonical link of an invite, or ``platform[@instance]:code`` when no adapter
    can say it: what ``str()`` of a ref or an unbound invite shows. Never raises."""
    from invitekit.registry import link_rules_for

    try:
        return link_rules_for(platform, instance).canonical_url(code, event_id)
    except Exception:
        # Not only InviteError: a third-party adapter's bug (or one failing to import)
        # must not turn printing or logging an invite into an error.
        return f"{owner_name(platform, instance)}:{code}"
