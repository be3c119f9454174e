"""What the Matrix tests need of a homeserver, whichever it is: its URL, and seeding over
plain HTTP (accounts, rooms, aliases, memberships, state).

Two homeservers implement it: a real Synapse (``_synapse.py``) and invitekit's own
stand-in (``_standin.py``). Every Matrix test runs against both, and seeds both the same
way, through the same requests, so what the stand-in answers cannot drift from Synapse.
"""

from __future__ import annotations

import abc
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

__all__ = ["SERVER_NAME", "Homeserver", "HomeserverError", "User"]

SERVER_NAME = "invitekit.test"
"""The server name of every homeserver the tests start."""


class HomeserverError(RuntimeError):
    """A homeserver is not installed, did not start, or refused to be seeded."""


@dataclass(frozen=True)
class User:
    """A registered account: its Matrix id and access token."""

    user_id: str
    token: str


class Homeserver(abc.ABC):
    """A running homeserver, seeded over HTTP as its users would."""

    tight: bool
    """Whether joins, room creation and invites are tightly rate limited (1/s, burst 2)."""

    @property
    @abc.abstractmethod
    def url(self) -> str:
        """The homeserver's base URL (client API and admin API)."""

    @property
    @abc.abstractmethod
    def shared_secret(self) -> str:
        """The secret of Synapse's shared-secret registration."""

    @abc.abstractmethod
    def start(self) -> None:
        """Start serving.

        Raises:
            HomeserverError: It cannot start here.
        """

    @abc.abstractmethod
    def stop(self) -> None:
        """Stop serving and clean up. Safe to call twice."""

    # -- plain HTTP, for seeding (the adapter under test never goes through here) --------

    def request(
        self, method: str, path: str, body: object = None, *, token: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        """One request to the homeserver; returns the status and the JSON body."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token is not None:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def get(self, path: str) -> dict[str, Any]:
        """GET ``path`` and return its JSON body.

        Raises:
            OSError: The homeserver did not answer.
        """
        with urllib.request.urlopen(self.url + path, timeout=5) as response:
            body: dict[str, Any] = json.loads(response.read())
            return body

    def register(self, name: str, *, admin: bool = False) -> User:
        """Register ``name`` with the shared secret and return its id and token.

        Raises:
            HomeserverError: The homeserver refused the registration.
        """
        _, nonce = self.request("GET", "/_synapse/admin/v1/register")
        password = secrets.token_hex(8)
        mac = hmac.new(
            self.shared_secret.encode(),
            b"\0".join(
                [
                    nonce["nonce"].encode(),
                    name.encode(),
                    password.encode(),
                    b"admin" if admin else b"notadmin",
                ]
            ),
            hashlib.sha1,
        ).hexdigest()
        status, body = self.request(
            "POST",
            "/_synapse/admin/v1/register",
            {
                "nonce": nonce["nonce"],
                "username": name,
                "password": password,
                "admin": admin,
                "mac": mac,
            },
        )
        if status != 200:
            raise HomeserverError(f"registering {name!r} failed: {status} {body}")
        return User(body["user_id"], body["access_token"])

    def create_room(self, owner: User, **options: object) -> str:
        """Create a room as ``owner`` (``options`` as ``createRoom`` takes them); its id.

        Raises:
            HomeserverError: The homeserver refused.
        """
        answer = self._ok(
            "POST", "/_matrix/client/v3/createRoom", options, owner.token, "creating a room"
        )
        return str(answer["room_id"])

    def add_alias(self, owner: User, alias: str, room_id: str) -> None:
        """Point ``alias`` at ``room_id``.

        Raises:
            HomeserverError: The homeserver refused.
        """
        path = f"/_matrix/client/v3/directory/room/{quote(alias, safe='')}"
        self._ok("PUT", path, {"room_id": room_id}, owner.token, f"creating {alias}")

    def room_action(self, actor: User, room_id: str, action: str, user: User) -> None:
        """``invite``, ``ban``, ``kick`` or ``unban`` ``user`` in ``room_id``.

        Raises:
            HomeserverError: The homeserver refused.
        """
        path = f"/_matrix/client/v3/rooms/{quote(room_id, safe='')}/{action}"
        self._ok("POST", path, {"user_id": user.user_id}, actor.token, f"{action} {user.user_id}")

    def send_state(self, actor: User, room_id: str, event_type: str, content: object) -> str:
        """Send a state event; its event id.

        Raises:
            HomeserverError: The homeserver refused.
        """
        path = f"/_matrix/client/v3/rooms/{quote(room_id, safe='')}/state/{event_type}/"
        return str(self._ok("PUT", path, content, actor.token, f"sending {event_type}")["event_id"])

    def _ok(self, method: str, path: str, body: object, token: str, what: str) -> dict[str, Any]:
        status, answer = self.request(method, path, body, token=token)
        if status != 200:
            raise HomeserverError(f"{what} failed: {status} {answer}")
        return answer
