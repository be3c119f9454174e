"""Serve an emulator from its own thread and event loop.

The test's loop then holds only the client's tasks, so "nothing left running after
``close()``" can be checked with ``asyncio.all_tasks()`` and nothing else.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager, contextmanager

__all__ = ["served_in_thread"]


@contextmanager
def served_in_thread(serve: AbstractAsyncContextManager[str]) -> Iterator[str]:
    """Enter ``serve`` (an emulator's ``serve()``) on a private loop; yield its base URL."""
    ready = threading.Event()
    stop: asyncio.Event | None = None
    loop: asyncio.AbstractEventLoop | None = None
    base: list[str] = []
    failure: list[BaseException] = []

    async def run() -> None:
        nonlocal stop, loop
        stop, loop = asyncio.Event(), asyncio.get_running_loop()
        try:
            async with serve as api_base:
                base.append(api_base)
                ready.set()
                await stop.wait()
        except BaseException as error:  # reported to the test thread below
            failure.append(error)
            ready.set()

    thread = threading.Thread(target=asyncio.run, args=(run(),), daemon=True)
    thread.start()
    ready.wait(10.0)
    if failure or not base:
        raise RuntimeError("the emulator did not start") from (failure[0] if failure else None)
    try:
        yield base[0]
    finally:
        assert loop is not None
        assert stop is not None
        loop.call_soon_threadsafe(stop.set)
        thread.join(10.0)
