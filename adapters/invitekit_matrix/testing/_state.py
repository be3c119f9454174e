"""The stand-in homeserver's state and rules: accounts, rooms, memberships and aliases.

Every rule answers the way Synapse 1.163 does (the same statuses, errcodes and keys); the
tests hold the stand-in and the real server to the same answers. Failures are
``MatrixError``s, which the app turns into Matrix's error bodies.
"""

from __future__ import annotations

import base64
import hashlib
import random
import string
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "DEFAULT_SERVER_NAME",
    "MatrixError",
    "Membership",
    "StandInRoom",
    "StandInUser",
    "StandInWorld",
]

DEFAULT_SERVER_NAME = "standin.invitekit.test"
"""The server name of a stand-in homeserver unless another is given."""

Membership = Literal["join", "invite", "leave", "ban"]

_CREATOR_POWER = 100
_MODERATOR_POWER = 50
_LEGACY_ID_CHARS = string.ascii_letters


class MatrixError(Exception):
    """A request the homeserver refuses: ``status`` with ``errcode`` and ``error``."""

    def __init__(self, status: int, errcode: str, error: str, **extra: object) -> None:
        super().__init__(f"{status} {errcode}: {error}")
        self.status = status
        self.errcode = errcode
        self.error = error
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The JSON body Matrix answers with."""
        return {"errcode": self.errcode, "error": self.error, **self.extra}


def _not_accessible() -> MatrixError:
    return MatrixError(404, "M_NOT_FOUND", "Room not found or is not accessible")


@dataclass(eq=False)
class StandInUser:
    """An account: its Matrix id and access token."""

    user_id: str
    token: str
    admin: bool = False


@dataclass(eq=False)
class StandInRoom:
    """A room (or a space) and its state."""

    room_id: str
    version: str
    creator: str
    room_type: str | None = None
    name: str | None = None
    topic: str | None = None
    avatar_url: str | None = None
    join_rule: str = "invite"
    guest_access: str = "forbidden"
    history_visibility: str = "shared"
    encryption: str | None = None
    canonical_alias: str | None = None
    members: dict[str, Membership] = field(default_factory=dict)
    power: dict[str, int] = field(default_factory=dict)

    def membership(self, user: StandInUser | None) -> Membership | None:
        """``user``'s membership, ``None`` for no user."""
        if user is None:
            return None
        return self.members.get(user.user_id, "leave")

    @property
    def joined(self) -> int:
        """How many accounts are in the room."""
        return sum(1 for state in self.members.values() if state == "join")

    def summary(self, user: StandInUser | None) -> dict[str, Any]:
        """The room summary as ``user`` (or an anonymous caller) sees it: unset keys left
        out, as Synapse leaves them.

        Raises:
            MatrixError: 404 when the room is not public, not world-readable and
                ``user`` is neither in it nor invited.
        """
        membership = self.membership(user)
        visible = (
            self.join_rule == "public"
            or self.history_visibility == "world_readable"
            or membership in ("join", "invite")
        )
        if not visible or membership == "ban":
            raise _not_accessible()
        answer: dict[str, Any] = {
            "room_id": self.room_id,
            "room_version": self.version,
            "num_joined_members": self.joined,
            "guest_can_join": self.guest_access == "can_join",
            "world_readable": self.history_visibility == "world_readable",
            "join_rule": self.join_rule,
        }
        optional = {
            "name": self.name,
            "topic": self.topic,
            "avatar_url": self.avatar_url,
            "canonical_alias": self.canonical_alias,
            "room_type": self.room_type,
            "encryption": self.encryption,
            "membership": membership,
        }
        answer.update((key, value) for key, value in optional.items() if value is not None)
        return answer


class StandInWorld:
    """Accounts, rooms and aliases of one stand-in homeserver, with Synapse's rules.

    Args:
        server_name: The server name in user ids, aliases and older room ids.
        seed: Seeds the generated ids and tokens (``None``: random).
    """

    def __init__(self, *, server_name: str = DEFAULT_SERVER_NAME, seed: int | None = None) -> None:
        self.server_name = server_name
        self._random = random.SystemRandom() if seed is None else random.Random(seed)
        self.users: dict[str, StandInUser] = {}
        self.rooms: dict[str, StandInRoom] = {}
        self.aliases: dict[str, tuple[str, str]] = {}
        """alias → (room id, the user id that created it)"""
        self._tokens: dict[str, StandInUser] = {}
        self._events = 0

    # -- seeding -----------------------------------------------------------------------

    def add_user(self, localpart: str, *, admin: bool = False) -> StandInUser:
        """Register ``@localpart:server`` and give it a token.

        Raises:
            MatrixError: 400 ``M_USER_IN_USE`` when the id is taken.
        """
        user_id = f"@{localpart}:{self.server_name}"
        if user_id in self.users:
            raise MatrixError(400, "M_USER_IN_USE", "User ID already taken.")
        user = StandInUser(user_id, f"syt_{self._token_part(24)}", admin)
        self.users[user_id] = user
        self._tokens[user.token] = user
        return user

    def create_room(
        self,
        creator: StandInUser,
        *,
        preset: str | None = None,
        name: str | None = None,
        topic: str | None = None,
        room_version: str = "12",
        room_type: str | None = None,
        initial_state: list[dict[str, Any]] | tuple[dict[str, Any], ...] = (),
    ) -> StandInRoom:
        """Create a room as ``creator``, who is its only member, with all power.

        ``preset`` is ``createRoom``'s: ``public_chat`` makes it public; ``private_chat``
        (the default) invite-only with guests allowed. ``initial_state`` takes the
        state events a room shows in its summary (avatar, topic, name, join rules, guest
        access, history visibility, encryption).

        Raises:
            MatrixError: 400 ``M_UNSUPPORTED_ROOM_VERSION`` for a version outside 1 to 12.
        """
        if room_version not in {str(number) for number in range(1, 13)}:
            raise MatrixError(
                400,
                "M_UNSUPPORTED_ROOM_VERSION",
                "Your homeserver does not support this room version",
            )
        room = StandInRoom(
            room_id=self._room_id(room_version),
            version=room_version,
            creator=creator.user_id,
            room_type=room_type,
            name=name,
            topic=topic,
        )
        if preset == "public_chat":
            room.join_rule = "public"
        else:
            room.guest_access = "can_join"
        room.members[creator.user_id] = "join"
        room.power[creator.user_id] = _CREATOR_POWER
        for event in initial_state:
            self._apply_state(room, str(event.get("type")), event.get("content"))
        self.rooms[room.room_id] = room
        return room

    def add_alias(self, user: StandInUser, alias: str, room_id: str) -> None:
        """Point ``alias`` at ``room_id`` (``PUT /directory/room/{alias}``).

        Raises:
            MatrixError: 400 for an alias of another server or an unknown room, 403 when
                ``user`` is not in the room, 409 when the alias exists.
        """
        if not alias.endswith(f":{self.server_name}"):
            raise MatrixError(400, "M_UNKNOWN", "Room alias must be local")
        if alias in self.aliases:
            raise MatrixError(409, "M_UNKNOWN", f"Room alias {alias} already exists")
        room = self.rooms.get(room_id)
        if room is None:
            raise MatrixError(400, "M_UNKNOWN", "Room does not exist")
        if room.membership(user) != "join":
            raise MatrixError(
                403, "M_FORBIDDEN", "You must be in the room to create an alias for it"
            )
        self.aliases[alias] = (room_id, user.user_id)

    # -- the rules the endpoints follow -------------------------------------------------

    def user_for(self, token: str | None, *, required: bool) -> StandInUser | None:
        """The account ``token`` belongs to.

        Raises:
            MatrixError: 401 ``M_MISSING_TOKEN`` when a token is required and none was
                given, 401 ``M_UNKNOWN_TOKEN`` for a token no account has.
        """
        if token is None:
            if required:
                raise MatrixError(401, "M_MISSING_TOKEN", "Missing access token")
            return None
        user = self._tokens.get(token)
        if user is None:
            raise MatrixError(
                401, "M_UNKNOWN_TOKEN", "Invalid access token passed.", soft_logout=False
            )
        return user

    def resolve_alias(self, alias: str) -> dict[str, Any]:
        """``GET /directory/room/{alias}``.

        Raises:
            MatrixError: 404 ``M_NOT_FOUND``.
        """
        target = self.aliases.get(alias)
        if target is None:
            raise MatrixError(404, "M_NOT_FOUND", f"Room alias {alias} not found")
        return {"room_id": target[0], "servers": [self.server_name]}

    def summary(self, target: str, via: list[str], user: StandInUser | None) -> dict[str, Any]:
        """``GET /room_summary/{roomIdOrAlias}``.

        Raises:
            MatrixError: 400 for a target that is neither id nor alias, or an unknown
                room id with no ``via``; 404 for an unknown alias or room, or one
                ``user`` may not see.
        """
        room = self._target_room(target, via, joining=False)
        return room.summary(user)

    def join(self, target: str, via: list[str], user: StandInUser) -> str:
        """``POST /join/{roomIdOrAlias}``: the joined room's id. Joining again succeeds.

        Raises:
            MatrixError: 400 for a malformed target, 404 for an unknown alias or room,
                403 ``M_BAD_STATE`` when banned, 403 ``M_FORBIDDEN`` for an invite-only
                room without an invite.
        """
        room = self._target_room(target, via, joining=True)
        membership = room.membership(user)
        if membership == "ban":
            raise MatrixError(403, "M_BAD_STATE", "You are banned from this room")
        if membership != "join" and room.join_rule != "public" and membership != "invite":
            raise MatrixError(403, "M_FORBIDDEN", "You are not invited to this room.")
        room.members[user.user_id] = "join"
        return room.room_id

    def delete_alias(self, alias: str, user: StandInUser) -> None:
        """``DELETE /directory/room/{alias}``; the room's canonical alias goes with it.

        Raises:
            MatrixError: 404 for an unknown alias, 403 unless ``user`` made it, is an
                admin, or may change the room's state.
        """
        target = self.aliases.get(alias)
        if target is None:
            raise MatrixError(404, "M_NOT_FOUND", f"Room alias {alias} not found")
        room_id, creator = target
        room = self.rooms[room_id]
        if not (creator == user.user_id or user.admin or self._may_moderate(room, user)):
            raise MatrixError(403, "M_FORBIDDEN", "You don't have permission to delete the alias.")
        del self.aliases[alias]
        if room.canonical_alias == alias:
            room.canonical_alias = None

    def room_aliases(self, room_id: str, user: StandInUser) -> list[str]:
        """``GET /rooms/{roomId}/aliases``, in the order they were made.

        Raises:
            MatrixError: 403 unless ``user`` is in the room (or it is world-readable).
        """
        room = self.rooms.get(room_id)
        if room is None or (
            room.membership(user) != "join" and room.history_visibility != "world_readable"
        ):
            raise MatrixError(
                403,
                "M_FORBIDDEN",
                f"User {user.user_id} not in room {room_id}, and room previews are disabled",
            )
        return [alias for alias, (target, _) in self.aliases.items() if target == room_id]

    def member_action(self, room_id: str, action: str, actor: StandInUser, user_id: str) -> None:
        """``POST /rooms/{roomId}/{invite,ban,unban,kick}`` by ``actor`` on ``user_id``.

        Raises:
            MatrixError: 403 ``M_FORBIDDEN`` when ``actor`` is not in the room, lacks
                the power, or invites someone already in it; 403 ``M_BAD_STATE`` when
                inviting a banned user; 404 for an unknown action.
        """
        room = self.rooms.get(room_id)
        if room is None or room.membership(actor) != "join":
            raise MatrixError(403, "M_FORBIDDEN", f"{actor.user_id} not in room {room_id}.")
        current = room.members.get(user_id, "leave")
        if action == "invite":
            if current == "ban":
                raise MatrixError(403, "M_BAD_STATE", "Cannot invite user who was banned")
            if current == "join":
                raise MatrixError(403, "M_FORBIDDEN", f"{user_id} is already in the room.")
            room.members[user_id] = "invite"
            return
        if action not in ("ban", "unban", "kick"):
            raise MatrixError(404, "M_UNRECOGNIZED", "Unrecognized request")
        if not self._may_moderate(room, actor):
            raise MatrixError(
                403, "M_FORBIDDEN", f"You don't have permission to {action} this user"
            )
        if action == "ban":
            room.members[user_id] = "ban"
        elif (action == "unban" and current == "ban") or (action == "kick" and current != "ban"):
            room.members[user_id] = "leave"

    def send_state(self, room_id: str, event_type: str, content: object, actor: StandInUser) -> str:
        """``PUT /rooms/{roomId}/state/{eventType}/``: the new event's id.

        Raises:
            MatrixError: 403 when ``actor`` is not in the room or lacks the power; 400
                ``M_BAD_ALIAS`` for a canonical alias that does not point to the room.
        """
        room = self.rooms.get(room_id)
        if room is None or room.membership(actor) != "join":
            raise MatrixError(403, "M_FORBIDDEN", f"User {actor.user_id} not in room {room_id}")
        if not self._may_moderate(room, actor):
            raise MatrixError(
                403, "M_FORBIDDEN", "You don't have permission to post that to the room."
            )
        if event_type == "m.room.canonical_alias" and isinstance(content, dict):
            alias = content.get("alias")
            if alias is not None and self.aliases.get(str(alias), ("",))[0] != room_id:
                raise MatrixError(
                    400, "M_BAD_ALIAS", f"Room alias {alias} does not point to the room"
                )
        self._apply_state(room, event_type, content)
        return self._event_id()

    # -- internals ---------------------------------------------------------------------

    def _target_room(self, target: str, via: list[str], *, joining: bool) -> StandInRoom:
        if target.startswith("#") and ":" in target:
            room_id = self.aliases.get(target, (None,))[0]
            if room_id is None:
                if joining:
                    raise MatrixError(404, "M_NOT_FOUND", f"Room alias {target} not found")
                raise _not_accessible()
            return self.rooms[room_id]
        if not target.startswith("!") or len(target) < 2:
            raise MatrixError(400, "M_UNKNOWN", f"{target} was not legal room ID or room alias")
        room = self.rooms.get(target)
        if room is not None:
            return room
        if joining:
            if via and not all(server == self.server_name for server in via):
                raise MatrixError(502, "M_UNKNOWN", "Failed to make_join via any server")
            raise MatrixError(
                404,
                "M_UNKNOWN",
                "Can't join remote room because no servers that are in the room have been "
                "provided.",
            )
        if not via:
            raise MatrixError(400, "M_UNKNOWN", "Missing via to query remote room")
        raise _not_accessible()

    def _may_moderate(self, room: StandInRoom, user: StandInUser) -> bool:
        return room.power.get(user.user_id, 0) >= _MODERATOR_POWER

    def _apply_state(self, room: StandInRoom, event_type: str, content: object) -> None:
        values = content if isinstance(content, dict) else {}

        def text(key: str) -> str | None:
            value = values.get(key)
            return value if isinstance(value, str) and value else None

        if event_type == "m.room.name":
            room.name = text("name")
        elif event_type == "m.room.topic":
            room.topic = text("topic")
        elif event_type == "m.room.avatar":
            room.avatar_url = text("url")
        elif event_type == "m.room.canonical_alias":
            room.canonical_alias = text("alias")
        elif event_type == "m.room.join_rules":
            room.join_rule = text("join_rule") or room.join_rule
        elif event_type == "m.room.guest_access":
            room.guest_access = text("guest_access") or "forbidden"
        elif event_type == "m.room.history_visibility":
            room.history_visibility = text("history_visibility") or room.history_visibility
        elif event_type == "m.room.encryption":
            room.encryption = text("algorithm")

    def _room_id(self, version: str) -> str:
        if version == "12":
            # Version 12 ids are the create event's hash: 43 URL-safe base64 characters,
            # no server part.
            digest = hashlib.sha256(self._token_part(32).encode()).digest()
            return "!" + base64.urlsafe_b64encode(digest).decode().rstrip("=")
        local = "".join(self._random.choice(_LEGACY_ID_CHARS) for _ in range(18))
        return f"!{local}:{self.server_name}"

    def _event_id(self) -> str:
        self._events += 1
        digest = hashlib.sha256(f"{self._events}{self._token_part(8)}".encode()).digest()
        return "$" + base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def _token_part(self, length: int) -> str:
        alphabet = string.ascii_letters + string.digits
        return "".join(self._random.choice(alphabet) for _ in range(length))
