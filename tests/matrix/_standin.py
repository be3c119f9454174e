"""invitekit's stand-in homeserver (``invitekit_matrix.testing``), served from a thread
of its own so that the tests seed it over blocking HTTP exactly as they seed Synapse."""

from __future__ import annotations

import asyncio
import threading

from invitekit_matrix.testing import MatrixStandIn, RateLimit
from tests.matrix._homeserver import SERVER_NAME, Homeserver, HomeserverError

__all__ = ["StandIn"]

TIGHT = RateLimit(per_second=1, burst=2)
"""Synapse's tight test limits (``_synapse.py``): 1 action a second, 2 at once."""


class StandIn(Homeserver):
    """The stand-in on 127.0.0.1, with the server name and limits the Synapse tests use.

    Args:
        tight: Tight rate limits for joins, room creation and invites.
    """

    def __init__(self, *, tight: bool = False) -> None:
        self.tight = tight
        self.standin = MatrixStandIn(server_name=SERVER_NAME, rate_limit=TIGHT if tight else None)
        self._url: str | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None

    @property
    def url(self) -> str:
        """The stand-in's base URL."""
        if self._url is None:
            raise HomeserverError("the stand-in is not serving")
        return self._url

    @property
    def shared_secret(self) -> str:
        """The stand-in's registration secret."""
        return self.standin.registration_shared_secret

    def start(self) -> None:
        """Serve from a new thread; return once it answers.

        Raises:
            HomeserverError: It did not start within ten seconds.
        """
        ready = threading.Event()
        failure: list[BaseException] = []

        async def serve() -> None:
            self._loop = asyncio.get_running_loop()
            self._stopping = asyncio.Event()
            async with self.standin.serve() as url:
                self._url = url
                ready.set()
                await self._stopping.wait()

        def run() -> None:
            try:
                asyncio.run(serve())
            except BaseException as exc:  # reported to start(), which is waiting
                failure.append(exc)
                ready.set()

        self._thread = threading.Thread(target=run, name="matrix-stand-in", daemon=True)
        self._thread.start()
        if not ready.wait(10) or failure:
            raise HomeserverError(f"the stand-in did not start: {failure}")

    def stop(self) -> None:
        """Stop serving and wait for the thread. Safe to call twice."""
        loop, stopping, thread = self._loop, self._stopping, self._thread
        self._thread = None
        if loop is not None and stopping is not None and thread is not None:
            loop.call_soon_threadsafe(stopping.set)
            thread.join(10)
