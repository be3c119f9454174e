"""Start fleet processes (``tests.redis._worker``), start them at once, read what they say."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["Worker", "run_fleet"]

ROOT = Path(__file__).resolve().parents[2]


class Worker:
    """One worker process; its stderr goes to a file, shown when it fails."""

    def __init__(self, process: asyncio.subprocess.Process, stderr: Any) -> None:
        self.process = process
        self._stderr = stderr

    @classmethod
    async def start(cls, config: dict[str, Any]) -> Worker:
        stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the worker
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.redis._worker",
            json.dumps(config),
            cwd=ROOT,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
        )
        return cls(process, stderr)

    def errors(self) -> str:
        self._stderr.seek(0)
        text: str = self._stderr.read().decode(errors="replace")
        return text[-4000:]

    async def read(self, key: str, timeout: float = 60.0) -> Any:
        """The value of the next line that has ``key``."""
        assert self.process.stdout is not None
        while True:
            try:
                line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
            except asyncio.TimeoutError:
                raise AssertionError(f"no {key!r} in {timeout}s:\n{self.errors()}") from None
            if not line:
                raise AssertionError(f"the worker exited without {key!r}:\n{self.errors()}")
            message = json.loads(line)
            if key in message:
                return message[key]

    def go(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b"go\n")

    async def finish(self, timeout: float = 60.0) -> dict[str, Any]:
        try:
            done: dict[str, Any] = await self.read("done", timeout)
            return done
        finally:
            await self.close()

    def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()

    async def close(self) -> None:
        self.kill()
        assert self.process.stdin is not None
        self.process.stdin.close()
        await self.process.wait()
        self._stderr.close()


async def run_fleet(configs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Start one worker per config, let them go together, return their reports."""
    workers = [await Worker.start(config) for config in configs]
    try:
        for worker in workers:
            await worker.read("ready")
        for worker in workers:
            worker.go()
        return [await worker.finish() for worker in workers]
    finally:
        for worker in workers:
            await worker.close()
