"""Print pip constraints that pin invitekit's runtime dependencies to their declared floors.

CI installs the suite against these, so every floor in pyproject.toml is a version the
suite has passed on. Usage: ``python3 .ci/floors.py > floors.txt`` (Python 3.11+).
With ``--extra NAME`` it prints that extra's requirements instead, unchanged.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import tomllib

# The optional extras whose floors users rely on as much as the core's.
RUNTIME_EXTRAS = ("redis",)


def floors(requirements: list[str]) -> list[str]:
    pinned = []
    for requirement in requirements:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*>=\s*([^,;\s]+)", requirement)
        if match is None:
            raise SystemExit(f"a runtime requirement needs exactly one '>=' floor: {requirement}")
        pinned.append(f"{match.group(1)}=={match.group(2)}")
    return pinned


def main(argv: list[str]) -> None:
    project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())[
        "project"
    ]
    extras: dict[str, list[str]] = project["optional-dependencies"]
    if argv[:1] == ["--extra"] and len(argv) == 2:
        lines = extras[argv[1]]
    else:
        lines = floors([*project["dependencies"], *(r for e in RUNTIME_EXTRAS for r in extras[e])])
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1:])
