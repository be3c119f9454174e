"""The emulator's world: accounts, servers, channels, groups, invites, and how to seed them.

The permission model is reduced to what invites need: a server's owner may do
everything; other members hold the server's default permissions (``InviteOthers``)
plus whatever ``grant`` gives them. Group recipients and direct-message participants may
invite.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "INVITE_CODE_ALPHABET",
    "EmulatedChannel",
    "EmulatedInvite",
    "EmulatedRequest",
    "EmulatedServer",
    "EmulatedUser",
    "EmulatedWorld",
]

INVITE_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghjkmnpqrstvwxyz"
"""The backend's alphabet for generated 8-character codes (no I, L, O, U)."""
_NANOID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DEFAULT_SERVER_PERMISSIONS = frozenset({"InviteOthers"})
_EVERYTHING = "*"


@dataclass(eq=False)
class EmulatedUser:
    """An account; ``token`` goes in ``X-Session-Token`` (users) or ``X-Bot-Token`` (bots)."""

    id: str
    username: str
    discriminator: str
    token: str
    bot: bool = False
    display_name: str | None = None
    avatar: dict[str, Any] | None = None
    owner: EmulatedUser | None = None
    """The account that owns a bot."""
    server_limit: int = 100
    """The backend refuses a join once the account is in *more* than this many servers."""

    def __repr__(self) -> str:
        # The token stays out of logs and assertion messages.
        return f"EmulatedUser(id={self.id!r}, username={self.username!r}, bot={self.bot!r})"


@dataclass(eq=False)
class EmulatedChannel:
    """A channel: a server's ``TextChannel``, a ``Group`` or a ``DirectMessage``."""

    id: str
    kind: str
    name: str | None = None
    description: str | None = None
    server: EmulatedServer | None = None
    owner: EmulatedUser | None = None
    recipients: list[EmulatedUser] = field(default_factory=list)
    voice: bool = False
    icon: dict[str, Any] | None = None


@dataclass(eq=False)
class EmulatedServer:
    """A server with its channels, members, bans and granted permissions."""

    id: str
    name: str
    owner: EmulatedUser
    description: str | None = None
    channels: list[EmulatedChannel] = field(default_factory=list)
    members: list[EmulatedUser] = field(default_factory=list)
    banned: set[str] = field(default_factory=set)
    granted: dict[str, set[str]] = field(default_factory=dict)
    flags: int = 0
    icon: dict[str, Any] | None = None
    banner: dict[str, Any] | None = None
    discoverable: bool = False

    def channel(self, name: str) -> EmulatedChannel:
        """Return the channel called ``name``.

        Raises:
            KeyError: There is none.
        """
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise KeyError(f"server {self.name!r} has no channel {name!r}")

    def permissions(self, user: EmulatedUser) -> frozenset[str]:
        """The permissions ``user`` holds here (``"*"``: all of them)."""
        if user is self.owner:
            return frozenset({_EVERYTHING})
        if user not in self.members:
            return frozenset()
        return _DEFAULT_SERVER_PERMISSIONS | self.granted.get(user.id, set())

    def allows(self, user: EmulatedUser, permission: str) -> bool:
        """Whether ``user`` holds ``permission`` here."""
        held = self.permissions(user)
        return _EVERYTHING in held or permission in held


@dataclass(eq=False)
class EmulatedInvite:
    """An invite: to a server's text channel or to a group."""

    code: str
    channel: EmulatedChannel
    creator: EmulatedUser


@dataclass(frozen=True)
class EmulatedRequest:
    """One request the emulator received (tokens are not kept, only who they belong to)."""

    method: str
    path: str
    auth: str | None
    """``"bot"``, ``"session"`` or ``None``: the token header that was sent."""
    user_id: str | None
    """The account the token belongs to, if it is valid."""
    audit_reason: str | None
    accept: str | None


class EmulatedWorld:
    """Seeded Stoat state.

    Args:
        group_size: The most recipients a group may have (the backend's default is 100).
        seed: Seeds the generated ids, tokens and codes.
    """

    def __init__(self, *, group_size: int = 100, seed: int = 0) -> None:
        self.group_size = group_size
        self.users: dict[str, EmulatedUser] = {}
        self.servers: dict[str, EmulatedServer] = {}
        self.channels: dict[str, EmulatedChannel] = {}
        self.invites: dict[str, EmulatedInvite] = {}
        self._random = random.Random(seed)
        self._ids = itertools.count(1)

    def _ulid(self) -> str:
        number = next(self._ids)
        digits = []
        for _ in range(16):
            number, index = divmod(number, 32)
            digits.append(_CROCKFORD[index])
        return "01JQ000000" + "".join(reversed(digits))

    def _nanoid(self, size: int, alphabet: str) -> str:
        return "".join(self._random.choice(alphabet) for _ in range(size))

    def file(
        self, tag: str, filename: str = "image.png", *, width: int = 256, height: int = 256
    ) -> dict[str, Any]:
        """Return a File object for an image, as the newest backend stores it."""
        return {
            "_id": self._nanoid(42, _NANOID_ALPHABET),
            "tag": tag,
            "filename": filename,
            "metadata": {
                "type": "Image",
                "width": width,
                "height": height,
                "thumbhash": None,
                "animated": None,
            },
            "content_type": "image/png",
            "size": width * height // 4,
        }

    def add_user(
        self,
        username: str,
        *,
        bot: bool = False,
        display_name: str | None = None,
        avatar: bool = False,
        owner: EmulatedUser | None = None,
        server_limit: int = 100,
    ) -> EmulatedUser:
        """Add an account (a bot with ``bot=True``, owned by ``owner``) and return it."""
        user = EmulatedUser(
            id=self._ulid(),
            username=username,
            discriminator=f"{len(self.users) + 1:04d}",
            token=self._nanoid(64, _NANOID_ALPHABET),
            bot=bot,
            display_name=display_name,
            avatar=self.file("avatars", f"{username}.png") if avatar else None,
            owner=owner,
            server_limit=server_limit,
        )
        self.users[user.id] = user
        return user

    def add_server(
        self,
        name: str,
        *,
        owner: EmulatedUser,
        channels: Iterable[str] = ("general",),
        members: Iterable[EmulatedUser] = (),
        description: str | None = None,
        flags: int = 0,
        icon: bool = False,
        banner: bool = False,
        discoverable: bool = False,
    ) -> EmulatedServer:
        """Add a server owned (and joined) by ``owner``, with text channels ``channels``."""
        server = EmulatedServer(
            id=self._ulid(),
            name=name,
            owner=owner,
            description=description,
            members=[owner, *members],
            flags=flags,
            icon=self.file("icons", "icon.png", width=512, height=512) if icon else None,
            banner=self.file("banners", "banner.jpg", width=1920, height=1080) if banner else None,
            discoverable=discoverable,
        )
        self.servers[server.id] = server
        for channel_name in channels:
            self.add_channel(server, channel_name)
        return server

    def add_channel(
        self,
        server: EmulatedServer,
        name: str,
        *,
        description: str | None = None,
        voice: bool = False,
    ) -> EmulatedChannel:
        """Add a text channel (with voice, if ``voice``) to ``server``."""
        channel = EmulatedChannel(
            id=self._ulid(),
            kind="TextChannel",
            name=name,
            description=description,
            server=server,
            voice=voice,
        )
        server.channels.append(channel)
        self.channels[channel.id] = channel
        return channel

    def add_group(
        self,
        name: str,
        *,
        owner: EmulatedUser,
        members: Iterable[EmulatedUser] = (),
        description: str | None = None,
    ) -> EmulatedChannel:
        """Add a group whose recipients are ``owner`` and ``members``."""
        channel = EmulatedChannel(
            id=self._ulid(),
            kind="Group",
            name=name,
            description=description,
            owner=owner,
            recipients=[owner, *members],
        )
        self.channels[channel.id] = channel
        return channel

    def add_direct_message(self, first: EmulatedUser, second: EmulatedUser) -> EmulatedChannel:
        """Add a direct-message channel between two accounts (no invites possible)."""
        channel = EmulatedChannel(id=self._ulid(), kind="DirectMessage", recipients=[first, second])
        self.channels[channel.id] = channel
        return channel

    def add_invite(
        self, channel: EmulatedChannel, *, creator: EmulatedUser, code: str | None = None
    ) -> EmulatedInvite:
        """Add an invite to ``channel`` (a server's text channel or a group).

        ``code`` defaults to a generated 8-character code; vanity codes such as
        ``"Testers"`` are allowed too.

        Raises:
            ValueError: The channel cannot have invites, or the code is taken.
        """
        if channel.kind not in ("TextChannel", "Group"):
            raise ValueError(f"a {channel.kind} channel cannot have invites")
        code = code if code is not None else self._nanoid(8, INVITE_CODE_ALPHABET)
        if code in self.invites:
            raise ValueError(f"invite code {code!r} is taken")
        invite = EmulatedInvite(code=code, channel=channel, creator=creator)
        self.invites[code] = invite
        return invite

    def ban(self, server: EmulatedServer, user: EmulatedUser) -> None:
        """Ban ``user`` from ``server`` (and remove them from it)."""
        server.banned.add(user.id)
        server.members = [member for member in server.members if member is not user]

    def grant(self, server: EmulatedServer, user: EmulatedUser, *permissions: str) -> None:
        """Give ``user`` server permissions by name (``"ManageServer"``, ``"InviteOthers"``)."""
        server.granted.setdefault(user.id, set()).update(permissions)

    def find_invite(self, code: str) -> EmulatedInvite | None:
        """Return the invite ``code`` resolves to, as the backend looks it up.

        A discoverable server's id works as a code too, leading to its first channel.
        """
        invite = self.invites.get(code)
        if invite is not None:
            return invite
        server = self.servers.get(code)
        if server is not None and server.discoverable and server.channels:
            return EmulatedInvite(code=server.id, channel=server.channels[0], creator=server.owner)
        return None

    def user_by_token(self, token: str, *, bot: bool) -> EmulatedUser | None:
        """Return the account a bot (``bot=True``) or session token belongs to."""
        for user in self.users.values():
            if user.bot == bot and user.token == token:
                return user
        return None
