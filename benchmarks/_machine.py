"""Which machine and which versions produced a run: printed above every result."""

from __future__ import annotations

import os
import platform
from pathlib import Path

from benchmarks._peers import installed_version

__all__ = ["describe", "describe_markdown", "versions"]

_PACKAGES = (
    "invitekit",
    "msgspec",
    "aiohttp",
    "orjson",
    "discord.py",
    "disnake",
    "hikari",
    "stoat.py",
    "mautrix",
    "matrix-nio",
    "matrix-synapse",
)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def versions() -> dict[str, str]:
    """Installed versions of invitekit, its dependencies and the peers."""
    return {name: installed_version(name) or "not installed" for name in _PACKAGES}


def _lines() -> list[tuple[str, str]]:
    return [
        ("CPU", f"{_cpu()}, {os.cpu_count()} logical cores"),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("packages", ", ".join(f"{name} {v}" for name, v in versions().items())),
    ]


def describe() -> str:
    """The machine and versions as plain text."""
    return "\n".join(f"{label}: {value}" for label, value in _lines())


def describe_markdown() -> str:
    """The machine and versions as a Markdown list."""
    return "\n".join(f"- **{label}**: {value}" for label, value in _lines()) + "\n"
