"""The bridge demo: every installed platform's local emulator, one message, one client.

Adapters take part by offering an *emulated platform* under the entry-point group
``invitekit.emulators``: a callable returning an async context manager that starts a
local stand-in for the platform (an HTTP emulator on 127.0.0.1, or an in-memory world)
and yields a ``DemoPlatform`` describing how to reach it. The demo starts them all,
builds one ``InviteClient`` from the registry with those options, resolves a message
holding every platform's sample links plus a dead one, prints the results, and stops
everything again. Nothing leaves the machine.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, TextIO

from invitekit.client import InviteClient
from invitekit.errors import InviteError

__all__ = ["EMULATOR_ENTRY_POINT_GROUP", "DemoPlatform", "expect_error", "run_bridge_demo"]

EMULATOR_ENTRY_POINT_GROUP = "invitekit.emulators"
"""Adapters offer local stand-ins here: ``name = "package.module:factory"``."""


@dataclass(frozen=True)
class DemoPlatform:
    """How to reach a running emulated platform, and what to say on it.

    Attributes:
        platform: The registry name of the platform.
        adapter_options: Options for ``get_adapter`` that point at the emulator.
        message: A chat message holding links that resolve on the emulator.
        dead_links: Links of this platform that must not resolve.
    """

    platform: str
    adapter_options: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    dead_links: tuple[str, ...] = ()


EmulatedPlatform = Callable[[], AbstractAsyncContextManager[DemoPlatform]]


async def expect_error(
    error: type[InviteError], call: Awaitable[Any], who: str, why: str, out: TextIO
) -> bool:
    """Await ``call`` in a tour, which must raise ``error``: print ``who`` met it and
    ``why`` (with the platform's error code, when it sent one); return whether it did.

    An error of another class is not caught.
    """
    try:
        await call
    except error as caught:
        code = getattr(caught, "code", None)
        detail = f" ({code})" if code else ""
        out.write(f"{who:<10}: {type(caught).__name__}{detail}, {why}\n")
        return True
    out.write(f"{who:<10}: UNEXPECTED: no {error.__name__} was raised\n")
    return False


async def run_bridge_demo(out: TextIO) -> bool:
    """Resolve one message across every emulated platform; return whether all went as planned.

    Every sample link must resolve and every dead link must fail with its typed error.
    """
    from invitekit.cli._resolve import print_table

    started = time.perf_counter()
    emulators = sorted(entry_points(group=EMULATOR_ENTRY_POINT_GROUP), key=lambda e: e.name)
    if not emulators:
        out.write("no emulated platforms are installed\n")
        return False
    async with AsyncExitStack() as stack:
        platforms: list[DemoPlatform] = []
        for entry in emulators:
            factory: EmulatedPlatform = entry.load()
            platforms.append(await stack.enter_async_context(factory()))
        out.write(f"started   : {', '.join(p.platform for p in platforms)} (local only)\n")
        message = " ".join(
            [p.message for p in platforms] + [link for p in platforms for link in p.dead_links]
        )
        out.write(f"message   : {message}\n")
        client = await stack.enter_async_context(
            InviteClient(
                *(p.platform for p in platforms),
                options={p.platform: p.adapter_options for p in platforms},
            )
        )
        dead = {client.to_ref(link) for p in platforms for link in p.dead_links}
        results = await client.resolve_all(message)
        print_table(results, out)
    as_planned = bool(results) and all((r.ref in dead) != r.ok for r in results)
    resolved = sum(r.ok for r in results)
    out.write(
        f"resolved  : {resolved} of {len(results)} link(s) in "
        f"{time.perf_counter() - started:.2f} s; {'as planned' if as_planned else 'UNEXPECTED'}\n"
    )
    return as_planned
