"""``InviteTracker``: which invite a new member joined through, found by diffing use counts.

No platform says which invite a member used. What a bot can see is the servers'
invite list: when a member joins, the invite whose ``uses`` went up is the one. The
tracker keeps a snapshot per server, lists the invites again on every join, and
compares. Joins of one server are handled one at a time (a lock per server), so two
members joining at once never read the same rise twice.

Uses it has seen rise but not yet handed to a join wait ``hold`` seconds for the join
they belong to: two members joining through one invite at once both get it. When the
rises cannot be told apart (several invites went up), every join they can belong to
is ``AMBIGUOUS`` rather than guessed.
"""

from __future__ import annotations

import asyncio
import enum
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

import msgspec

from invitekit.adapter import Adapter
from invitekit.capabilities import Capability
from invitekit.errors import InvalidArgument
from invitekit.models import BaseInvite, PrivateInvite, ServerInvite

__all__ = ["InviteTracker", "JoinAttribution", "JoinSource", "VanityInfo", "VanityLookup"]

_MAX_PENDING = 1024
"""Uses remembered per invite; more than this many unclaimed joins in ``hold`` is a raid
whose oldest rises no longer matter."""


class JoinSource(str, enum.Enum):
    """How a member joined, as far as the use counts tell."""

    INVITE = "invite"
    """Through ``JoinAttribution.invite``: its uses rose, and nothing else's did."""
    AMBIGUOUS = "ambiguous"
    """Through one of ``candidates``: the uses of more than one rose (or one rose while
    another invite vanished), so the tracker does not guess which."""
    VANITY = "vanity"
    """Through the server's vanity code: only its uses rose."""
    UNKNOWN = "unknown"
    """No rise. Either an invite with a use limit vanished, perhaps at its last use (it
    is in ``candidates``), or the member came another way (added by a bot or through
    discovery), or this was the first join the tracker saw in the server."""


class JoinAttribution(msgspec.Struct, frozen=True, kw_only=True):
    """Which invite a member joined through."""

    server_id: str
    source: JoinSource
    invite: PrivateInvite | None = None
    """The invite used (``INVITE``), as listed just after the join."""
    candidates: tuple[PrivateInvite, ...] = ()
    """``AMBIGUOUS``: the invites it may have been. ``UNKNOWN``: invites with a use limit
    that vanished, which may have been used up without the tracker seeing the rise."""
    vanity_code: str | None = None
    """The vanity code when it was used (``VANITY``) or may have been (``AMBIGUOUS``)."""
    member_id: str | None = None
    """The member, as given to ``member_joined``."""

    @property
    def code(self) -> str | None:
        """The code used: the invite's, or the vanity code; ``None`` when not certain."""
        if self.source is JoinSource.INVITE and self.invite is not None:
            return self.invite.code
        if self.source is JoinSource.VANITY:
            return self.vanity_code
        return None


class VanityInfo(Protocol):
    """A server's vanity code and how often it was used (Discord's ``DiscordVanityURL``)."""

    @property
    def code(self) -> str | None:
        """The vanity code, or ``None`` when the server has none."""

    @property
    def uses(self) -> int:
        """How often members joined through it."""


class VanityLookup(Protocol):
    """Looks up a server's vanity code and uses, e.g. ``DiscordAdapter.fetch_vanity_url``."""

    def __call__(self, server_id: str, /) -> Awaitable[VanityInfo | None]:
        """Return the vanity code and uses of ``server_id``, or ``None`` when it has none."""


def _uses() -> deque[float]:
    return deque(maxlen=_MAX_PENDING)


@dataclass
class _Rise:
    """Seen uses of one invite not yet handed to a join: one timestamp per use."""

    invite: PrivateInvite
    times: deque[float] = field(default_factory=_uses)


@dataclass
class _Vanished:
    """An invite with a use limit that disappeared: it may hold ``weight`` unseen uses."""

    invite: PrivateInvite
    weight: int
    since: float


@dataclass
class _Group:
    """Uses several joins share without telling which is whose."""

    candidates: dict[str, PrivateInvite]
    vanity: bool
    seen: bool
    """Whether a rise was seen (``AMBIGUOUS``), or only vanished invites (``UNKNOWN``)."""
    left: int
    since: float


@dataclass
class _Server:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    tracked: bool = False
    invites: dict[str, PrivateInvite] = field(default_factory=dict)
    vanity_code: str | None = None
    vanity_uses: int | None = None
    rises: dict[str, _Rise] = field(default_factory=dict)
    vanity_rises: deque[float] = field(default_factory=_uses)
    vanished: dict[str, _Vanished] = field(default_factory=dict)
    group: _Group | None = None

    def reset(self, invites: Iterable[PrivateInvite], vanity: VanityInfo | None) -> None:
        self.tracked = True
        self.invites = {invite.code: invite for invite in invites}
        self.vanity_code = None if vanity is None else vanity.code
        self.vanity_uses = None if vanity is None else vanity.uses
        self.rises.clear()
        self.vanity_rises.clear()
        self.vanished.clear()
        self.group = None

    def lose(self, invite: PrivateInvite, now: float, *, reported: bool) -> None:
        """Note that ``invite`` is gone; with a use limit, it may have been used up.

        Found missing from a listing, it may hide every use it had left. Reported
        deleted, it counts only at its last use: the platform reports a used-up invite
        as it goes, while one revoked with uses to spare would otherwise cloud the joins
        after it.
        """
        max_uses = getattr(invite, "max_uses", None)
        if max_uses is None:
            return  # unlimited invites vanish only by deletion or expiry
        left = max_uses - (getattr(invite, "uses", None) or 0)
        if reported and left > 1:
            return
        self.vanished[invite.code] = _Vanished(invite, max(1, left), now)


class InviteTracker:
    """Attributes member joins to invites by watching their use counts.

    Args:
        adapter: Lists the invites; it must support ``LIST_SERVER_INVITES`` with an
            account that sees use counts (on Discord, ``MANAGE_GUILD``). The tracker
            does not close it.
        vanity: Looks up a server's vanity code and its uses, so vanity joins are told
            apart; for Discord pass ``discord_adapter.fetch_vanity_url``.
        hold: Seconds a seen rise waits for the join it belongs to.
        clock: Monotonic seconds, for tests.

    Call ``track`` when the bot starts seeing a server, ``member_joined`` on every
    join, and ``invite_created``/``invite_deleted`` on the platform's invite events.
    Invites listed without use counts (Stoat's; Discord's without ``MANAGE_GUILD``)
    are kept in the snapshot but never attributed: joins through them are ``UNKNOWN``.

    Raises:
        UnsupportedOperation: ``adapter`` cannot list a server's invites.
        InvalidArgument: ``hold`` is not a positive number of seconds.
    """

    def __init__(
        self,
        adapter: Adapter,
        *,
        vanity: VanityLookup | None = None,
        hold: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        adapter.require(Capability.LIST_SERVER_INVITES)
        given: object = hold
        if (
            isinstance(given, bool)
            or not isinstance(given, (int, float))
            or not math.isfinite(given)
            or given <= 0
        ):
            raise InvalidArgument(
                f"hold must be a positive number of seconds, not {hold!r}",
                platform=adapter.platform,
            )
        self.adapter = adapter
        self._vanity = vanity
        self._hold = float(hold)
        self._clock = clock
        self._servers: dict[str, _Server] = {}

    def __repr__(self) -> str:
        return f"<InviteTracker {self.adapter!r} servers={len(self.servers)}>"

    @property
    def servers(self) -> frozenset[str]:
        """The ids of the servers being tracked."""
        return frozenset(sid for sid, server in self._servers.items() if server.tracked)

    def invites(self, server_id: str) -> list[PrivateInvite]:
        """The invites of ``server_id`` as the tracker last saw them.

        Raises:
            KeyError: The server is not tracked.
        """
        server = self._servers.get(server_id)
        if server is None or not server.tracked:
            raise KeyError(f"server {server_id!r} is not tracked")
        return list(server.invites.values())

    def forget(self, server_id: str) -> None:
        """Stop tracking ``server_id`` (the bot left it); unknown ids are ignored."""
        self._servers.pop(server_id, None)

    def _server(self, server_id: str) -> _Server:
        server = self._servers.get(server_id)
        if server is None:
            server = self._servers[server_id] = _Server()
        return server

    async def _look(self, server_id: str) -> tuple[list[PrivateInvite], VanityInfo | None]:
        invites = await self.adapter.list_invites(server_id=server_id)
        vanity = None if self._vanity is None else await self._vanity(server_id)
        return invites, vanity

    async def track(self, server_id: str) -> list[PrivateInvite]:
        """Take a fresh snapshot of ``server_id``'s invites and return it.

        Rises seen earlier and not yet attributed are dropped. Call it when the bot
        starts seeing the server, or to resynchronise after missed events.

        Raises:
            InvalidArgument: ``server_id`` is malformed.
            MissingPermissions: The account may not list the server's invites.
            HTTPError, TransportError: Listing (or the vanity lookup) failed; the
                snapshot is left as it was.
        """
        server = self._server(server_id)
        async with server.lock:
            invites, vanity = await self._look(server_id)
            server.reset(invites, vanity)
            return list(server.invites.values())

    async def member_joined(
        self, server_id: str, *, member_id: str | None = None
    ) -> JoinAttribution:
        """Say which invite the member who just joined ``server_id`` used.

        Call it once per join, after the platform reported the join (its use is then
        counted). A server not tracked yet is tracked now, and this first join is
        ``UNKNOWN``: there was nothing to compare with.

        Raises:
            InvalidArgument: ``server_id`` is malformed.
            MissingPermissions: The account may not list the server's invites.
            HTTPError, TransportError: Listing (or the vanity lookup) failed; the
                snapshot is left as it was, so the next join still sees this rise.
        """
        server = self._server(server_id)
        async with server.lock:
            invites, vanity = await self._look(server_id)
            now = self._clock()
            if not server.tracked:
                server.reset(invites, vanity)
                return JoinAttribution(
                    server_id=server_id, source=JoinSource.UNKNOWN, member_id=member_id
                )
            self._observe(server, invites, vanity, now)
            return self._attribute(server, server_id, member_id, now)

    async def invite_created(self, invite: BaseInvite) -> None:
        """Add an invite the platform reported created (Discord's ``INVITE_CREATE``).

        Anything but a ``ServerInvite`` of a tracked server is ignored, so a converted
        peer object can be passed as it is. An invite the tracker already listed keeps
        the use count it was listed with.
        """
        if not isinstance(invite, ServerInvite):
            return
        server = self._servers.get(invite.server_id)
        if server is None or not server.tracked:
            return
        async with server.lock:
            server.invites.setdefault(invite.code, invite)

    async def invite_deleted(self, code: str, *, server_id: str | None = None) -> None:
        """Drop an invite the platform reported deleted (Discord's ``INVITE_DELETE``).

        Without ``server_id`` every tracked server is searched. An invite deleted at its
        last use may have been used up rather than revoked: the next join lists it among
        its ``candidates``.
        """
        if server_id is not None:
            found = self._servers.get(server_id)
            servers = [] if found is None else [found]
        else:
            servers = [s for s in self._servers.values() if code in s.invites]
        for server in servers:
            async with server.lock:
                invite = server.invites.pop(code, None)
                if invite is not None:
                    server.lose(invite, self._clock(), reported=True)

    # -- the diff -----------------------------------------------------------------------

    def _observe(
        self,
        server: _Server,
        invites: list[PrivateInvite],
        vanity: VanityInfo | None,
        now: float,
    ) -> None:
        current = {invite.code: invite for invite in invites}
        for code, invite in current.items():
            before = server.invites.get(code)
            uses = getattr(invite, "uses", None)
            # An invite first seen now was created after the snapshot: it started at 0.
            previous = 0 if before is None else getattr(before, "uses", None)
            if code in server.rises:
                server.rises[code].invite = invite
            if uses is None or previous is None or uses <= previous:
                continue
            rise = server.rises.setdefault(code, _Rise(invite))
            rise.times.extend([now] * min(uses - previous, _MAX_PENDING))
        for code, before in server.invites.items():
            if code not in current:
                server.lose(before, now, reported=False)
        server.invites = current
        if vanity is not None:
            if server.vanity_uses is not None and vanity.uses > server.vanity_uses:
                server.vanity_rises.extend(
                    [now] * min(vanity.uses - server.vanity_uses, _MAX_PENDING)
                )
            server.vanity_code = vanity.code
            server.vanity_uses = vanity.uses

    def _expire(self, server: _Server, now: float) -> None:
        oldest = now - self._hold
        for code in list(server.rises):
            times = server.rises[code].times
            while times and times[0] < oldest:
                times.popleft()
            if not times:
                del server.rises[code]
        while server.vanity_rises and server.vanity_rises[0] < oldest:
            server.vanity_rises.popleft()
        for code, vanished in list(server.vanished.items()):
            if vanished.since < oldest:
                del server.vanished[code]
        if server.group is not None and server.group.since < oldest:
            server.group = None

    def _attribute(
        self, server: _Server, server_id: str, member_id: str | None, now: float
    ) -> JoinAttribution:
        self._expire(server, now)
        sources = len(server.rises) + bool(server.vanity_rises)
        if server.group is None and not server.vanished and sources <= 1:
            if server.vanity_rises:
                server.vanity_rises.popleft()
                return JoinAttribution(
                    server_id=server_id,
                    source=JoinSource.VANITY,
                    vanity_code=server.vanity_code,
                    member_id=member_id,
                )
            if not server.rises:
                return JoinAttribution(
                    server_id=server_id, source=JoinSource.UNKNOWN, member_id=member_id
                )
            code, rise = next(iter(server.rises.items()))
            rise.times.popleft()
            if not rise.times:
                del server.rises[code]
            return JoinAttribution(
                server_id=server_id,
                source=JoinSource.INVITE,
                invite=rise.invite,
                member_id=member_id,
            )
        group = self._regroup(server, now)
        return JoinAttribution(
            server_id=server_id,
            source=JoinSource.AMBIGUOUS if group.seen else JoinSource.UNKNOWN,
            candidates=tuple(group.candidates.values()),
            vanity_code=server.vanity_code if group.vanity else None,
            member_id=member_id,
        )

    def _regroup(self, server: _Server, now: float) -> _Group:
        """Merge every unclaimed use into one group, and let this join take one of them.

        Which of the merged uses is whose cannot be told, so the joins they belong to
        all share the group's candidates instead of each getting a guess.
        """
        group = server.group or _Group({}, vanity=False, seen=False, left=0, since=now)
        for code, rise in server.rises.items():
            group.candidates[code] = rise.invite
            group.left += len(rise.times)
            group.seen = True
        for code, vanished in server.vanished.items():
            group.candidates[code] = vanished.invite
            group.left += vanished.weight
        if server.vanity_rises:
            group.vanity = group.seen = True
            group.left += len(server.vanity_rises)
        server.rises.clear()
        server.vanished.clear()
        server.vanity_rises.clear()
        group.left -= 1
        group.since = now
        server.group = group if group.left > 0 else None
        return group
