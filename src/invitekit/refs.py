"""``InviteRef``: which invite, on which platform — before anything is fetched."""

from __future__ import annotations

from dataclasses import dataclass

from invitekit._validation import check_code

__all__ = ["InviteRef"]


@dataclass(frozen=True, slots=True)
class InviteRef:
    """An immutable, hashable reference to one invite.

    ``str(ref)`` is ``ref.url``, the platform's canonical link.

    Attributes:
        platform: The registry name of the platform.
        code: The invite code, checked to be safe in a URL path.
        event_id: The scheduled event the link points at (Discord ``?event=``), or
            ``None``.

    Raises:
        InvalidInviteLink: On construction, if ``code`` could not be placed in a URL path.
    """

    platform: str
    code: str
    event_id: str | None = None

    def __post_init__(self) -> None:
        check_code(self.code, platform=self.platform)

    @property
    def url(self) -> str:
        """The canonical link of this invite.

        Raises:
            UnknownPlatform: No adapter is registered for ``platform``.
        """
        from invitekit.registry import link_rules_for

        return link_rules_for(self.platform).canonical_url(self.code, self.event_id)

    def __str__(self) -> str:
        return self.url
