"""A real Synapse homeserver for the tests: configured, started on 127.0.0.1, stopped.

Synapse runs as a process of its own, from any Python that has it installed: the test
interpreter when ``matrix-synapse`` is importable there (the dev install), or the one
``INVITEKIT_SYNAPSE_PYTHON`` names (the lowest-versions CI run borrows the dev venv's,
since Synapse's own dependencies are not invitekit's floors).
"""

from __future__ import annotations

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
from pathlib import Path
from typing import Any

from tests.matrix._homeserver import SERVER_NAME, Homeserver, HomeserverError
from tests.redis._server import free_port

__all__ = ["Synapse", "SynapseError", "synapse_python"]

_RELAXED = {"per_second": 1000, "burst_count": 1000}
# Tight enough for a 429 within a few requests, loose enough that waiting one out takes
# about a second, not Synapse's default five.
_TIGHT = {"per_second": 1, "burst_count": 2}


class SynapseError(HomeserverError):
    """Synapse is not installed, or did not start."""


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


class Synapse(Homeserver):
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

    @property
    def shared_secret(self) -> str:
        """The secret of shared-secret registration, from the configuration."""
        return str(self.config["registration_shared_secret"])

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
