"""A real Synapse homeserver for the tests: configured, started on 127.0.0.1, stopped.

Synapse runs as a process of its own, from any Python that has it installed: the test
interpreter when ``matrix-synapse`` is importable there (the dev install), or the one
``INVITEKIT_SYNAPSE_PYTHON`` names (the lowest-versions CI run borrows the dev venv's,
since Synapse's own dependencies are not invitekit's floors).
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tests.redis._server import free_port

__all__ = ["Synapse", "SynapseError", "User", "synapse_python"]

SERVER_NAME = "invitekit.test"

_RELAXED = {"per_second": 1000, "burst_count": 1000}
# Tight enough for a 429 within a few requests, loose enough that waiting one out takes
# about a second, not Synapse's default five.
_TIGHT = {"per_second": 1, "burst_count": 2}


class SynapseError(RuntimeError):
    """Synapse is not installed, or did not start."""


@dataclass(frozen=True)
class User:
    """A registered account: its Matrix id and access token."""

    user_id: str
    token: str


def synapse_python() -> str | None:
    """A Python that can run Synapse, or ``None``."""
    named = os.environ.get("INVITEKIT_SYNAPSE_PYTHON")
    if named:
        return named
    if importlib.util.find_spec("synapse") is not None:
        return sys.executable
    return None


def _config(directory: Path, port: int, *, tight: bool) -> dict[str, Any]:
    limits = _TIGHT if tight else _RELAXED
    return {
        "server_name": SERVER_NAME,
        "pid_file": str(directory / "homeserver.pid"),
        "listeners": [
            {
                "port": port,
                "type": "http",
                "tls": False,
                "bind_addresses": ["127.0.0.1"],
                "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }
        ],
        "database": {"name": "sqlite3", "args": {"database": str(directory / "homeserver.db")}},
        "media_store_path": str(directory / "media"),
        "signing_key_path": str(directory / "signing.key"),
        "log_config": None,
        "registration_shared_secret": secrets.token_hex(16),
        "macaroon_secret_key": secrets.token_hex(16),
        "form_secret": secrets.token_hex(16),
        "report_stats": False,
        "trusted_key_servers": [],
        "federation_domain_whitelist": [],
        "suppress_key_server_warning": True,
        "enable_registration": False,
        "bcrypt_rounds": 4,
        "rc_message": limits,
        "rc_registration": _RELAXED,
        "rc_login": {"address": _RELAXED, "account": _RELAXED, "failed_attempts": _RELAXED},
        "rc_room_creation": limits,
        "rc_joins": {"local": limits, "remote": limits},
        "rc_invites": {"per_room": limits, "per_user": limits, "per_issuer": limits},
        "rc_admin_redaction": _RELAXED,
    }


class Synapse:
    """One homeserver in a directory of its own.

    Args:
        tight: Tight rate limits (1 request/s, burst 2) for joins, room creation and
            invites, for the 429 tests; relaxed otherwise.
    """

    def __init__(self, *, tight: bool = False) -> None:
        self.tight = tight
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="invitekit-synapse-"))
        self.config = _config(self.directory, self.port, tight=tight)
        self.process: subprocess.Popen[bytes] | None = None
        self._log = self.directory / "synapse.log"

    @property
    def url(self) -> str:
        """The homeserver's base URL (client API and admin API)."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        """Start Synapse and wait until it answers.

        Raises:
            SynapseError: No Python with Synapse, or it did not answer within ``timeout``.
        """
        python = synapse_python()
        if python is None:
            raise SynapseError("matrix-synapse is not installed (pip install -e '.[dev]')")
        path = self.directory / "homeserver.yaml"
        # JSON is YAML: no YAML writer needed.
        path.write_text(json.dumps(self.config), encoding="utf-8")
        log = self._log.open("wb")
        self.process = subprocess.Popen(
            [python, "-m", "synapse.app.homeserver", "-c", str(path)],
            cwd=self.directory,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SynapseError(f"Synapse exited at start:\n{self.log_tail()}")
            try:
                self.get("/_matrix/client/versions")
            except (OSError, urllib.error.URLError):
                time.sleep(0.1)
                continue
            return
        self.stop()
        raise SynapseError(f"Synapse did not answer within {timeout:g}s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        """The end of Synapse's output, for failure messages."""
        try:
            return self._log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop Synapse (SIGTERM, then SIGKILL) and remove its directory."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)

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
            OSError: Synapse did not answer.
        """
        with urllib.request.urlopen(self.url + path, timeout=5) as response:
            body: dict[str, Any] = json.loads(response.read())
            return body

    def register(self, name: str, *, admin: bool = False) -> User:
        """Register ``name`` with the shared secret and return its id and token.

        Raises:
            SynapseError: Synapse refused the registration.
        """
        _, nonce = self.request("GET", "/_synapse/admin/v1/register")
        password = secrets.token_hex(8)
        mac = hmac.new(
            self.config["registration_shared_secret"].encode(),
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
            raise SynapseError(f"registering {name!r} failed: {status} {body}")
        return User(body["user_id"], body["access_token"])

    # -- seeding rooms -----------------------------------------------------------------

    def create_room(self, owner: User, **options: object) -> str:
        """Create a room as ``owner`` (``options`` as ``createRoom`` takes them); its id.

        Raises:
            SynapseError: Synapse refused.
        """
        answer = self._ok(
            "POST", "/_matrix/client/v3/createRoom", options, owner.token, "creating a room"
        )
        return str(answer["room_id"])

    def add_alias(self, owner: User, alias: str, room_id: str) -> None:
        """Point ``alias`` at ``room_id``.

        Raises:
            SynapseError: Synapse refused.
        """
        path = f"/_matrix/client/v3/directory/room/{quote(alias, safe='')}"
        self._ok("PUT", path, {"room_id": room_id}, owner.token, f"creating {alias}")

    def room_action(self, actor: User, room_id: str, action: str, user: User) -> None:
        """``invite``, ``ban``, ``kick`` or ``unban`` ``user`` in ``room_id``.

        Raises:
            SynapseError: Synapse refused.
        """
        path = f"/_matrix/client/v3/rooms/{quote(room_id, safe='')}/{action}"
        self._ok("POST", path, {"user_id": user.user_id}, actor.token, f"{action} {user.user_id}")

    def send_state(self, actor: User, room_id: str, event_type: str, content: object) -> str:
        """Send a state event; its event id.

        Raises:
            SynapseError: Synapse refused.
        """
        path = f"/_matrix/client/v3/rooms/{quote(room_id, safe='')}/state/{event_type}/"
        return str(self._ok("PUT", path, content, actor.token, f"sending {event_type}")["event_id"])

    def _ok(self, method: str, path: str, body: object, token: str, what: str) -> dict[str, Any]:
        status, answer = self.request(method, path, body, token=token)
        if status != 200:
            raise SynapseError(f"{what} failed: {status} {answer}")
        return answer
