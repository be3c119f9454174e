"""The emulator's seeded state and how Discord renders it as JSON.

Plain dataclasses a test fills in a few lines; ``render_invite`` produces the payload
shapes of the real API (the public view, and the owner view with metadata).
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

__all__ = [
    "PERMISSIONS",
    "EmulatedChannel",
    "EmulatedEvent",
    "EmulatedGuild",
    "EmulatedInvite",
    "EmulatedRole",
    "EmulatedUser",
    "TargetUsersJobState",
    "World",
]

PERMISSIONS = frozenset(
    {
        "ADMINISTRATOR",
        "CREATE_INSTANT_INVITE",
        "MANAGE_CHANNELS",
        "MANAGE_GUILD",
        "MANAGE_ROLES",
        "VIEW_AUDIT_LOG",
    }
)
"""The permission names the emulator checks (``ADMINISTRATOR`` implies the others)."""

_CODE_ALPHABET = string.ascii_letters + string.digits


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat()


@dataclass(eq=False)
class EmulatedUser:
    """A Discord account; ``token`` is set for bots the emulator accepts."""

    id: str
    username: str
    global_name: str | None = None
    avatar: str | None = None
    bot: bool = False
    token: str | None = field(default=None, repr=False)
    permissions: dict[str, set[str]] = field(default_factory=dict)
    """Guild id → permission names this user has there."""

    def can(self, guild: EmulatedGuild | None, *names: str) -> bool:
        """Whether the user has any of ``names`` in ``guild``."""
        if guild is None:
            return False
        held = self.permissions.get(guild.id, set())
        return "ADMINISTRATOR" in held or any(name in held for name in names)

    def render(self) -> dict[str, Any]:
        """Return this user as Discord's JSON shows it."""
        data: dict[str, Any] = {
            "id": self.id,
            "username": self.username,
            "avatar": self.avatar,
            "discriminator": "0",
            "public_flags": 0,
            "flags": 0,
            "global_name": self.global_name,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass(eq=False)
class EmulatedRole:
    """A guild role."""

    id: str
    name: str
    position: int = 1
    color: int = 0

    def render(self) -> dict[str, Any]:
        """Return this role as Discord's JSON shows it."""
        return {
            "id": self.id,
            "name": self.name,
            "position": self.position,
            "color": self.color,
            "colors": {
                "primary_color": self.color,
                "secondary_color": None,
                "tertiary_color": None,
            },
            "icon": None,
            "unicode_emoji": None,
        }


@dataclass(eq=False)
class EmulatedGuild:
    """A guild (server) with counts for ``with_counts`` and an optional vanity code."""

    id: str
    name: str
    description: str | None = None
    icon: str | None = None
    banner: str | None = None
    splash: str | None = None
    features: list[str] = field(default_factory=list)
    vanity_code: str | None = None
    vanity_uses: int = 0
    member_count: int = 1
    presence_count: int = 1
    verification_level: int = 0
    nsfw_level: int = 0
    premium_subscription_count: int = 0
    roles: dict[str, EmulatedRole] = field(default_factory=dict)

    def render(self) -> dict[str, Any]:
        """Return this guild as Discord's JSON shows it."""
        return {
            "id": self.id,
            "name": self.name,
            "splash": self.splash,
            "banner": self.banner,
            "description": self.description,
            "icon": self.icon,
            "features": list(self.features),
            "verification_level": self.verification_level,
            "vanity_url_code": self.vanity_code,
            "nsfw_level": self.nsfw_level,
            "nsfw": False,
            "premium_subscription_count": self.premium_subscription_count,
        }


@dataclass(eq=False)
class EmulatedChannel:
    """A guild channel, or a group DM when ``guild`` is ``None`` (type 3)."""

    id: str
    name: str | None
    type: int = 0
    guild: EmulatedGuild | None = None
    icon: str | None = None
    recipients: list[EmulatedUser] = field(default_factory=list)

    def render(self) -> dict[str, Any]:
        """Return this channel as Discord's JSON shows it."""
        data: dict[str, Any] = {"id": self.id, "type": self.type, "name": self.name}
        if self.guild is None:
            if self.icon is not None:
                data["icon"] = self.icon
            data["recipients"] = [
                {"id": u.id, "username": u.username, "avatar": u.avatar} for u in self.recipients
            ]
        return data


@dataclass(eq=False)
class EmulatedEvent:
    """A guild scheduled event (external, with a location)."""

    id: str
    guild: EmulatedGuild
    name: str
    start: float
    end: float | None = None
    location: str | None = None
    description: str | None = None
    user_count: int = 0

    def render(self) -> dict[str, Any]:
        """Return this event as Discord's JSON shows it."""
        return {
            "id": self.id,
            "guild_id": self.guild.id,
            "channel_id": None,
            "creator_id": None,
            "name": self.name,
            "description": self.description,
            "scheduled_start_time": _iso(self.start),
            "scheduled_end_time": None if self.end is None else _iso(self.end),
            "privacy_level": 2,
            "status": 1,
            "entity_type": 3,
            "entity_id": None,
            "entity_metadata": {"location": self.location},
            "user_count": self.user_count,
            "image": None,
            "recurrence_rule": None,
            "guild_scheduled_event_exceptions": [],
        }


@dataclass(eq=False)
class TargetUsersJobState:
    """An uploaded target-users list being processed."""

    total: int
    created_at: float
    polls_until_done: int = 1
    completed_at: float | None = None


@dataclass(eq=False)
class EmulatedInvite:
    """An invite. ``max_age``/``max_uses`` 0 mean no limit, as on Discord."""

    code: str
    channel: EmulatedChannel
    created_at: float
    inviter: EmulatedUser | None = None
    max_age: int = 86400
    max_uses: int = 0
    uses: int = 0
    temporary: bool = False
    flags: int = 0
    target_type: int | None = None
    target_user: EmulatedUser | None = None
    target_application: dict[str, Any] | None = None
    roles: list[EmulatedRole] = field(default_factory=list)
    target_users: list[str] | None = None
    job: TargetUsersJobState | None = None

    @property
    def guild(self) -> EmulatedGuild | None:
        """The guild of the invite's channel; ``None`` for a group DM."""
        return self.channel.guild

    def expired(self, now: float) -> bool:
        """Whether the invite is past its lifetime or used up."""
        too_old = self.max_age > 0 and now >= self.created_at + self.max_age
        used_up = self.max_uses > 0 and self.uses >= self.max_uses
        return too_old or used_up


def _expires_at(invite: EmulatedInvite) -> str | None:
    return None if invite.max_age == 0 else _iso(invite.created_at + invite.max_age)


def _render_target(invite: EmulatedInvite) -> dict[str, Any]:
    """The keys saying whose stream or which application a voice invite opens."""
    data: dict[str, Any] = {}
    if invite.target_type is not None:
        data["target_type"] = invite.target_type
    if invite.target_user is not None:
        data["target_user"] = invite.target_user.render()
    if invite.target_application is not None:
        data["target_application"] = invite.target_application
    return data


class World:
    """Everything the emulator knows: users, guilds, channels, events and invites.

    Args:
        clock: Epoch seconds; expiry and rate-limit windows follow it.
        seed: Seeds ids and invite codes, so runs are reproducible.
    """

    def __init__(self, clock: Callable[[], float], *, seed: int = 0) -> None:
        self.clock = clock
        self._random = random.Random(seed)
        self._next_id = 1_100_000_000_000_000_000
        self.users: dict[str, EmulatedUser] = {}
        self.guilds: dict[str, EmulatedGuild] = {}
        self.channels: dict[str, EmulatedChannel] = {}
        self.events: dict[str, EmulatedEvent] = {}
        self.invites: dict[str, EmulatedInvite] = {}
        self.applications: dict[str, dict[str, Any]] = {}
        self.audit_log: list[tuple[str, str, str | None]] = []
        """``(action, invite code, reason)`` for every create and delete."""
        self.dispatches: list[tuple[str, dict[str, Any]]] = []
        """``(event name, data)`` of every gateway dispatch the API calls caused."""

    def new_id(self) -> str:
        """Return a fresh snowflake."""
        self._next_id += 1
        return str(self._next_id)

    def new_code(self, length: int = 8) -> str:
        """Return an unused random invite code."""
        while True:
            code = "".join(self._random.choice(_CODE_ALPHABET) for _ in range(length))
            if code not in self.invites:
                return code

    def by_token(self, token: str) -> EmulatedUser | None:
        """Return the bot with this token, if any."""
        for user in self.users.values():
            if user.token is not None and user.token == token:
                return user
        return None

    def live_invite(self, code: str) -> EmulatedInvite | None:
        """Return the invite ``code`` unless it is missing, expired or used up (then gone)."""
        invite = self.invites.get(code)
        if invite is not None and invite.expired(self.clock()):
            del self.invites[code]
            return None
        return invite

    def live_invites(self) -> Iterable[EmulatedInvite]:
        """Every invite still valid, oldest first."""
        return [i for i in list(self.invites.values()) if self.live_invite(i.code) is not None]

    def render_invite(
        self,
        invite: EmulatedInvite,
        *,
        metadata: bool = False,
        counts: bool = False,
        event: EmulatedEvent | None = None,
    ) -> dict[str, Any]:
        """Render ``invite`` as Discord does (``metadata``: the owner view)."""
        channel = invite.channel
        guild = channel.guild
        data: dict[str, Any] = {
            "type": 0 if guild is not None else 1,
            "code": invite.code,
            "expires_at": _expires_at(invite),
            "channel": channel.render(),
        }
        if invite.inviter is not None:
            data["inviter"] = invite.inviter.render()
        if guild is not None:
            data["guild"] = guild.render()
            data["guild_id"] = guild.id
            data["flags"] = invite.flags
            data.update(_render_target(invite))
            if invite.roles:
                data["roles"] = [role.render() for role in invite.roles]
            if counts:
                data["approximate_member_count"] = guild.member_count
                data["approximate_presence_count"] = guild.presence_count
            if event is not None:
                data["guild_scheduled_event"] = event.render()
        else:
            data["max_age"] = invite.max_age
            data["created_at"] = _iso(invite.created_at)
            if counts:
                data["approximate_member_count"] = len(channel.recipients)
        if metadata:
            data.update(
                uses=invite.uses,
                max_uses=invite.max_uses,
                max_age=invite.max_age,
                temporary=invite.temporary,
                created_at=_iso(invite.created_at),
            )
        return data

    def render_invite_create(self, invite: EmulatedInvite) -> dict[str, Any]:
        """Render the ``INVITE_CREATE`` dispatch Discord sends for ``invite``."""
        guild = invite.guild
        data: dict[str, Any] = {
            "channel_id": invite.channel.id,
            "code": invite.code,
            "created_at": _iso(invite.created_at),
            "max_age": invite.max_age,
            "max_uses": invite.max_uses,
            "temporary": invite.temporary,
            "uses": 0,
            "expires_at": _expires_at(invite),
        }
        if guild is not None:
            data["guild_id"] = guild.id
        if invite.inviter is not None:
            data["inviter"] = invite.inviter.render()
        data.update(_render_target(invite))
        if invite.roles:
            data["role_ids"] = [role.id for role in invite.roles]
        return data

    def render_invite_delete(self, invite: EmulatedInvite) -> dict[str, Any]:
        """Render the ``INVITE_DELETE`` dispatch Discord sends for ``invite``."""
        data: dict[str, Any] = {"channel_id": invite.channel.id, "code": invite.code}
        if invite.guild is not None:
            data["guild_id"] = invite.guild.id
        return data

    def render_job(self, job: TargetUsersJobState) -> dict[str, Any]:
        """Render a target-users job; it completes after ``polls_until_done`` polls."""
        if job.completed_at is None:
            if job.polls_until_done <= 0:
                job.completed_at = self.clock()
            job.polls_until_done -= 1
        done = job.completed_at is not None
        return {
            "status": 2 if done else 1,
            "total_users": job.total,
            "processed_users": job.total if done else 0,
            "created_at": _iso(job.created_at),
            "completed_at": None if job.completed_at is None else _iso(job.completed_at),
            "error_message": None,
        }
