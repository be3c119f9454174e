"""The fake platform's state and rules: users, servers, groups, invites, bans.

Each ``FakeWorld`` is independent; nothing is shared between instances. The rules mirror
what the real platforms do (see the checks in ``join``), so code tested against the fake
meets the same errors it will meet in production.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from invitekit import (
    AlreadyMember,
    Banned,
    BotAccountRejected,
    GroupTooLarge,
    InvalidArgument,
    InviteNotFound,
    MissingPermissions,
    NotFound,
    TooManyServers,
    Unauthorized,
)
from invitekit_fake import _wire
from invitekit_fake._clock import FakeClock

__all__ = ["FakeChannel", "FakeGroup", "FakeInvite", "FakeServer", "FakeUser", "FakeWorld"]

_PLATFORM = _wire.PLATFORM
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghjkmnpqrstvwxyz"


@dataclass(eq=False)
class FakeUser:
    """An account on the fake platform."""

    id: str
    name: str
    display_name: str | None = None
    bot: bool = False


@dataclass(eq=False)
class FakeChannel:
    """A channel of a fake server."""

    id: str
    name: str
    server: FakeServer


@dataclass(eq=False)
class FakeServer:
    """A fake server: members, managers (may list and delete any invite) and bans."""

    id: str
    name: str
    owner: FakeUser
    description: str | None = None
    channels: dict[str, FakeChannel] = field(default_factory=dict)
    members: dict[str, FakeUser] = field(default_factory=dict)
    managers: set[str] = field(default_factory=set)
    banned: set[str] = field(default_factory=set)

    def channel(self, name: str) -> FakeChannel:
        """Return the channel called ``name``.

        Raises:
            KeyError: The server has no such channel.
        """
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(f"server {self.name!r} has no channel {name!r}")


@dataclass(eq=False)
class FakeGroup:
    """A fake group (group DM) with a size limit."""

    id: str
    name: str
    owner: FakeUser
    max_size: int
    members: dict[str, FakeUser] = field(default_factory=dict)


@dataclass(eq=False)
class FakeInvite:
    """An invite on the fake platform; ``target`` is a channel, a group or (friend) a user."""

    code: str
    target: FakeChannel | FakeGroup | FakeUser
    creator: FakeUser
    created_at: datetime
    max_uses: int | None = None
    max_age: int | None = None
    temporary: bool = False
    uses: int = 0

    @property
    def expires_at(self) -> datetime | None:
        """When the invite stops working, or ``None`` if never."""
        if self.max_age is None:
            return None
        return self.created_at + timedelta(seconds=self.max_age)


class FakeWorld:
    """An in-memory chat platform.

    Args:
        clock: Returns the current aware ``datetime``; a ``FakeClock`` by default.
        server_limit: How many servers one account may be in.
        group_size: The default size limit of new groups.
        seed: Seeds the generator of invite codes and ids, for repeatable runs.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] | None = None,
        server_limit: int = 100,
        group_size: int = 100,
        seed: int = 0,
    ) -> None:
        self.clock: Callable[[], datetime] = clock or FakeClock()
        self.server_limit = server_limit
        self.group_size = group_size
        self.users: dict[str, FakeUser] = {}
        self.servers: dict[str, FakeServer] = {}
        self.groups: dict[str, FakeGroup] = {}
        self.invites: dict[str, FakeInvite] = {}
        self._random = random.Random(seed)
        self._next_id = 1

    # -- setting up -------------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        self._next_id += 1
        return f"{prefix}{self._next_id}"

    def add_user(
        self, name: str, *, bot: bool = False, display_name: str | None = None
    ) -> FakeUser:
        """Create an account."""
        user = FakeUser(self._new_id("u"), name, display_name, bot)
        self.users[user.id] = user
        return user

    def add_server(
        self,
        name: str,
        *,
        owner: FakeUser,
        channels: tuple[str, ...] = ("general",),
        description: str | None = None,
    ) -> FakeServer:
        """Create a server owned (and managed) by ``owner``, with the named channels."""
        server = FakeServer(self._new_id("s"), name, owner, description)
        server.members[owner.id] = owner
        server.managers.add(owner.id)
        for channel_name in channels:
            self.add_channel(server, channel_name)
        self.servers[server.id] = server
        return server

    def add_channel(self, server: FakeServer, name: str) -> FakeChannel:
        """Add a channel to ``server``."""
        channel = FakeChannel(self._new_id("c"), name, server)
        server.channels[channel.id] = channel
        return channel

    def add_group(self, name: str, *, owner: FakeUser, max_size: int | None = None) -> FakeGroup:
        """Create a group with ``owner`` as its first member."""
        group = FakeGroup(self._new_id("g"), name, owner, max_size or self.group_size)
        group.members[owner.id] = owner
        self.groups[group.id] = group
        return group

    def add_member(self, target: FakeServer | FakeGroup, user: FakeUser) -> None:
        """Make ``user`` a member of ``target`` without an invite."""
        target.members[user.id] = user

    def make_manager(self, server: FakeServer, user: FakeUser) -> None:
        """Give ``user`` the right to list and delete every invite of ``server``."""
        server.members[user.id] = user
        server.managers.add(user.id)

    def ban(self, server: FakeServer, user: FakeUser) -> None:
        """Ban ``user`` from ``server`` (and remove them if they are a member)."""
        server.banned.add(user.id)
        server.members.pop(user.id, None)

    def add_invite(
        self,
        target: FakeChannel | FakeGroup | FakeUser,
        *,
        creator: FakeUser | None = None,
        code: str | None = None,
        max_uses: int | None = None,
        max_age: int | None = None,
        temporary: bool = False,
    ) -> FakeInvite:
        """Create an invite directly (no permission checks); a user target is a friend invite.

        Raises:
            InvalidArgument: ``code`` is already taken.
        """
        if code is None:
            code = self._new_code()
        elif code in self.invites:
            raise InvalidArgument(f"invite code {code!r} is taken", platform=_PLATFORM)
        if creator is None:
            creator = target if isinstance(target, FakeUser) else _owner_of(target)
        invite = FakeInvite(code, target, creator, self.clock(), max_uses, max_age, temporary)
        self.invites[code] = invite
        return invite

    def _new_code(self) -> str:
        while True:
            code = "".join(self._random.choices(_CODE_ALPHABET, k=8))
            if code not in self.invites:
                return code

    # -- the platform's rules ---------------------------------------------------------

    def live_invite(self, code: str) -> FakeInvite:
        """Return the invite ``code`` if it still works, dropping it if it has expired.

        Raises:
            InviteNotFound: No such invite, or it expired.
        """
        invite = self.invites.get(code)
        if (
            invite is not None
            and invite.expires_at is not None
            and self.clock() >= invite.expires_at
        ):
            del self.invites[code]
            invite = None
        if invite is None:
            raise InviteNotFound("Unknown Invite", platform=_PLATFORM, code="UnknownInvite")
        return invite

    def join(self, code: str, user: FakeUser | None) -> bytes:
        """Accept ``code`` as ``user``; return the join payload.

        Checks run in the order the platforms use: the account first, then the invite.

        Raises:
            Unauthorized: No account.
            BotAccountRejected: Bots cannot join through invites.
            TooManyServers: ``user`` is at the server limit.
            InviteNotFound: No such invite, or it expired.
            Banned: ``user`` is banned from the server.
            AlreadyMember: ``user`` is already a member.
            GroupTooLarge: The group is full.
            InvalidArgument: The code is a friend invite.
        """
        user = _require_user(user)
        if user.bot:
            raise BotAccountRejected(
                "bot accounts cannot accept invites", platform=_PLATFORM, code="IsBot"
            )
        if sum(user.id in server.members for server in self.servers.values()) >= self.server_limit:
            raise TooManyServers(
                f"already in {self.server_limit} servers", platform=_PLATFORM, code="TooManyServers"
            )
        invite = self.live_invite(code)
        target = invite.target
        if isinstance(target, FakeUser):
            raise InvalidArgument("friend invites cannot be accepted as a join", platform=_PLATFORM)
        if isinstance(target, FakeChannel):
            server = target.server
            if user.id in server.banned:
                raise Banned("you are banned from this server", platform=_PLATFORM, code="Banned")
            if user.id in server.members:
                raise AlreadyMember(
                    "already in this server", platform=_PLATFORM, code="AlreadyInServer"
                )
            server.members[user.id] = user
            payload: _wire.JoinPayload = _wire.JoinServer(
                code=code,
                server=_wire_server(server),
                channels=[_wire_channel(channel) for channel in server.channels.values()],
            )
        else:
            if user.id in target.members:
                raise AlreadyMember(
                    "already in this group", platform=_PLATFORM, code="AlreadyInGroup"
                )
            if len(target.members) >= target.max_size:
                raise GroupTooLarge(
                    f"the group is full ({target.max_size})",
                    platform=_PLATFORM,
                    code="GroupTooLarge",
                )
            target.members[user.id] = user
            payload = _wire.JoinGroup(
                code=code,
                channel=_wire_group(target),
                members=[_wire_user(member) for member in target.members.values()],
            )
        invite.uses += 1
        if invite.max_uses is not None and invite.uses >= invite.max_uses:
            del self.invites[code]
        return _wire.ENCODER.encode(payload)

    def delete(self, code: str, user: FakeUser | None) -> None:
        """Delete ``code`` as ``user``: its creator, or a manager of its server, may.

        Raises:
            Unauthorized: No account.
            InviteNotFound: No such invite, or it expired.
            MissingPermissions: ``user`` may not delete it.
        """
        user = _require_user(user)
        invite = self.live_invite(code)
        if invite.creator is not user and not _manages(invite.target, user):
            raise MissingPermissions(
                "you may not delete this invite", platform=_PLATFORM, code="MissingPermission"
            )
        del self.invites[code]

    def create(
        self,
        channel_id: str,
        user: FakeUser | None,
        *,
        max_uses: int | None,
        max_age: int | None,
        temporary: bool,
    ) -> bytes:
        """Create an invite to a channel or group as ``user``; return its private payload.

        Raises:
            Unauthorized: No account.
            NotFound: No such channel or group.
            MissingPermissions: ``user`` is not a member there.
        """
        user = _require_user(user)
        target = self._find_target(channel_id)
        members = target.server.members if isinstance(target, FakeChannel) else target.members
        if user.id not in members:
            raise MissingPermissions(
                "you may not create invites here", platform=_PLATFORM, code="MissingPermission"
            )
        invite = self.add_invite(
            target,
            creator=user,
            max_uses=max_uses,
            max_age=max_age,
            temporary=temporary,
        )
        return _wire.ENCODER.encode(private_payload(invite))

    def list(
        self, user: FakeUser | None, *, server_id: str | None, channel_id: str | None
    ) -> bytes:
        """List the live invites of a server or one channel; managers only.

        Raises:
            Unauthorized: No account.
            NotFound: No such server or channel.
            MissingPermissions: ``user`` does not manage the server.
        """
        user = _require_user(user)
        if server_id is not None:
            server = self.servers.get(server_id)
            if server is None:
                raise NotFound("Unknown Server", platform=_PLATFORM, code="UnknownServer")

            def wanted(invite: FakeInvite) -> bool:
                return isinstance(invite.target, FakeChannel) and invite.target.server is server
        else:
            assert channel_id is not None
            target = self._find_target(channel_id)
            if not isinstance(target, FakeChannel):
                raise NotFound("Unknown Channel", platform=_PLATFORM, code="UnknownChannel")
            server = target.server
            wanted = lambda invite: invite.target is target  # noqa: E731
        if user.id not in server.managers:
            raise MissingPermissions(
                "you may not list this server's invites",
                platform=_PLATFORM,
                code="MissingPermission",
            )
        payloads = []
        for code in list(self.invites):
            try:
                invite = self.live_invite(code)
            except InviteNotFound:
                continue
            if wanted(invite):
                payloads.append(private_payload(invite))
        return _wire.ENCODER.encode(payloads)

    def public_payload(self, code: str, *, with_counts: bool = True) -> bytes:
        """Return what resolving ``code`` serves: the public JSON payload.

        Raises:
            InviteNotFound: No such invite, or it expired.
        """
        invite = self.live_invite(code)
        target = invite.target
        inviter = _wire_user(invite.creator)
        payload: _wire.PublicPayload
        if isinstance(target, FakeChannel):
            payload = _wire.PublicServer(
                code=code,
                inviter=inviter,
                expires_at=invite.expires_at,
                server=_wire_server(target.server),
                channel=_wire_channel(target),
                member_count=len(target.server.members),
                presence_count=len(target.server.members) if with_counts else None,
            )
        elif isinstance(target, FakeGroup):
            payload = _wire.PublicGroup(
                code=code,
                inviter=inviter,
                expires_at=invite.expires_at,
                channel=_wire_group(target),
                member_count=len(target.members),
            )
        else:
            payload = _wire.PublicFriend(code=code, inviter=inviter, expires_at=invite.expires_at)
        return _wire.ENCODER.encode(payload)

    def _find_target(self, channel_id: str) -> FakeChannel | FakeGroup:
        if channel_id in self.groups:
            return self.groups[channel_id]
        for server in self.servers.values():
            if channel_id in server.channels:
                return server.channels[channel_id]
        raise NotFound("Unknown Channel", platform=_PLATFORM, code="UnknownChannel")


def private_payload(invite: FakeInvite) -> _wire.PrivatePayload:
    """Return the private (owner's) payload of ``invite``.

    Raises:
        InvalidArgument: ``invite`` is a friend invite, which has no private view.
    """
    common: dict[str, Any] = {
        "code": invite.code,
        "creator_id": invite.creator.id,
        "uses": invite.uses,
        "max_uses": invite.max_uses,
        "max_age": invite.max_age,
        "temporary": invite.temporary,
        "created_at": invite.created_at,
        "expires_at": invite.expires_at,
    }
    target = invite.target
    if isinstance(target, FakeChannel):
        return _wire.PrivateServer(channel_id=target.id, server_id=target.server.id, **common)
    if isinstance(target, FakeGroup):
        return _wire.PrivateGroup(channel_id=target.id, **common)
    raise InvalidArgument("friend invites have no private view", platform=_PLATFORM)


def _require_user(user: FakeUser | None) -> FakeUser:
    if user is None:
        raise Unauthorized("this needs an account", platform=_PLATFORM, code="NotAuthenticated")
    return user


def _owner_of(target: FakeChannel | FakeGroup) -> FakeUser:
    return target.server.owner if isinstance(target, FakeChannel) else target.owner


def _manages(target: FakeChannel | FakeGroup | FakeUser, user: FakeUser) -> bool:
    if isinstance(target, FakeChannel):
        return user.id in target.server.managers
    if isinstance(target, FakeGroup):
        return target.owner is user
    return target is user


def _wire_user(user: FakeUser) -> _wire.WireUser:
    return _wire.WireUser(id=user.id, name=user.name, display_name=user.display_name, bot=user.bot)


def _wire_server(server: FakeServer) -> _wire.WireServer:
    return _wire.WireServer(id=server.id, name=server.name, description=server.description)


def _wire_channel(channel: FakeChannel) -> _wire.WireChannel:
    return _wire.WireChannel(id=channel.id, name=channel.name, kind="text")


def _wire_group(group: FakeGroup) -> _wire.WireChannel:
    return _wire.WireChannel(id=group.id, name=group.name, kind="group")
