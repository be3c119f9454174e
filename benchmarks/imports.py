"""import: how long a fresh interpreter takes to import each library, and how long
``invitekit find`` takes from start to exit.

Each import sample is one new interpreter that times its own ``import`` (so the
interpreter's start-up is not counted); contenders take turns, and the median counts. The
floor is ``import msgspec`` alone, which every msgspec-based library pays; the peers
import their top-level package as a bot would. ``import invitekit`` loads the models on
first use, so invitekit is timed twice: the bare import, and the import with the models
a decoding program uses (``from invitekit import PublicInvite``); the target holds for
both.

The start-up table times whole processes from outside, start to exit: ``invitekit find``
on one link beside an interpreter that does nothing and one that imports msgspec, the
least any command built on invitekit's models can cost. No peer has a command of the
kind; it sets no target.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from benchmarks._measure import Role
from benchmarks._peers import installed_version
from benchmarks._report import Row, Table, Target
from benchmarks._settings import Settings

__all__ = ["HEAVY_MODULES", "IMPORT_TARGET", "run"]

IMPORT_TARGET = 2.0
"""``import invitekit`` may take at most twice ``import msgspec``."""

HEAVY_MODULES = ("asyncio", "ssl", "aiohttp", "importlib.metadata")
"""Modules ``import invitekit`` must not load (issue 17)."""

_WITH_MODELS = "invitekit with its models"
"""The row timing ``from invitekit import PublicInvite``: what a decoding program pays."""

_PROBE = (
    "import sys, time\n"
    "start = time.perf_counter()\n"
    "{statement}\n"
    "elapsed = time.perf_counter() - start\n"
    "heavy = [m for m in {heavy!r} if m in sys.modules]\n"
    "print(elapsed, ','.join(heavy) or '-')\n"
)


def _sample(statement: str) -> tuple[float, str]:
    probe = _PROBE.format(statement=statement, heavy=HEAVY_MODULES)
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    seconds, heavy = result.stdout.split()
    return float(seconds), heavy


_STARTS: tuple[tuple[str, Role, tuple[str, ...]], ...] = (
    ("invitekit find <link>", "ours", ("-m", "invitekit", "find", "https://discord.gg/abc")),
    ("python -c pass", "floor", ("-c", "pass")),
    ("python -c 'import msgspec'", "floor", ("-c", "import msgspec")),
)


def _start_to_exit(arguments: tuple[str, ...]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *arguments], capture_output=True, check=True, timeout=120)
    return time.perf_counter() - start


def _startup(settings: Settings) -> Table:
    samples: dict[str, list[float]] = {name: [] for name, _, _ in _STARTS}
    for _ in range(max(3, settings.repeats * 3)):
        for name, _, arguments in _STARTS:
            samples[name].append(_start_to_exit(arguments) * 1e3)
    rows = [Row(name, role, statistics.median(samples[name])) for name, role, _ in _STARTS]
    return Table(
        "startup: a fresh process runs invitekit find on one link",
        "ms",
        True,
        rows,
        ("Whole processes, timed from outside: the interpreter's own start-up included.",),
    )


def run(settings: Settings) -> tuple[list[Table], list[Target]]:
    """Import each contender in fresh interpreters, alternating, and keep the medians;
    then time ``invitekit find`` from start to exit."""
    contenders: list[tuple[str, Role, str]] = [
        ("invitekit", "ours", "import invitekit"),
        (_WITH_MODELS, "ours", "from invitekit import PublicInvite"),
        ("msgspec floor", "floor", "import msgspec"),
    ]
    for module, distribution in (
        ("discord", "discord.py"),
        ("disnake", "disnake"),
        ("hikari", "hikari"),
        ("stoat", "stoat.py"),
    ):
        release = installed_version(distribution)
        if release is not None:
            contenders.append((f"{distribution} {release}", "peer", f"import {module}"))
    samples: dict[str, list[float]] = {name: [] for name, _, _ in contenders}
    loaded: dict[str, str] = {}
    for _ in range(max(3, settings.repeats * 3)):
        for name, _, statement in contenders:
            seconds, heavy = _sample(statement)
            samples[name].append(seconds * 1e3)
            loaded[name] = heavy
    rows = [
        Row(name, role, statistics.median(samples[name]), f"loads {loaded[name]}")
        for name, role, _ in contenders
    ]
    table = Table(
        "import: a fresh interpreter imports the library",
        "ms",
        True,
        rows,
        (f"'loads' lists which of {', '.join(HEAVY_MODULES)} the import brought in.",),
    )
    floor = table.row("msgspec floor").value
    targets = []
    for name in ("invitekit", _WITH_MODELS):
        ours = table.row(name).value
        targets += [
            Target(
                table.title,
                f"{name} ≤ {IMPORT_TARGET:g}x import msgspec",
                f"{ours / floor:.2f}x",
                ours <= IMPORT_TARGET * floor,
            ),
            Target(
                table.title,
                f"{name} loads none of {', '.join(HEAVY_MODULES)}",
                loaded[name],
                loaded[name] == "-",
            ),
        ]
    return [table, _startup(settings)], targets
