"""Entry points read without ``importlib.metadata``, whose import alone (about 35 ms: it
brings ``email``, ``zipfile``, ``csv`` and ``pathlib``) costs more than everything else
``invitekit find`` does before it prints.

Distributions are found as ``importlib.metadata`` finds them in plain directories: each
``*.dist-info`` and ``*.egg-info`` directory in the entries of ``sys.path``, in order,
each distribution once (the first on the path wins, by its normalized name), its
``entry_points.txt`` read as an INI file. Whatever this module does not read the same way
(a zip archive or an egg directory on the path, a path entry that is not a string, a
finder that supplies distributions of its own) is left to ``importlib.metadata`` itself,
so the answer is the same either way, only slower.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from typing import Any

__all__ = ["entry_points", "load"]

_METADATA_SUFFIXES = (".dist-info", ".egg-info")
# Patterns as text: ``re`` compiles them on first use, not when ``invitekit`` is imported.
_SEPARATORS = r"[-_.]+"
# ``module`` or ``module:attribute.path``, with optional ``[extras]`` (which only
# installers use); the form entry points take (PyPA entry points specification).
_REFERENCE = r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$"


def entry_points(group: str) -> list[tuple[str, str]]:
    """The ``(name, value)`` of every entry point in ``group``, in ``sys.path`` order."""
    found = _read_directories(group)
    if found is None:
        from importlib.metadata import entry_points as metadata_entry_points

        return [(entry.name, entry.value) for entry in metadata_entry_points(group=group)]
    return found


def load(value: str) -> Any:
    """Import what an entry point's ``value`` names (``package.module:attribute``).

    Raises:
        ValueError: ``value`` is not a ``module[:attribute]`` reference.
        Exception: Whatever importing the module, or reading the attribute, raises.
    """
    import importlib

    match = re.match(_REFERENCE, value.strip())
    if match is None:
        raise ValueError(f"not an entry point reference: {value!r}")
    target: Any = importlib.import_module(match["module"])
    for name in (match["attr"] or "").split("."):
        if name:
            target = getattr(target, name)
    return target


def _only_plain_directories() -> bool:
    """Whether ``importlib.metadata`` would find nothing this module cannot: no finder
    but the path finder supplies distributions, and every path entry is a string naming
    a directory (or nothing) that is not an egg."""
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if finder is not PathFinder and hasattr(finder, "find_distributions"):
            return False
    # Typed as objects: anything can be put on sys.path, and only strings are read here.
    entries: list[object] = list(sys.path)
    # An egg directory on the path keeps its metadata in EGG-INFO, which is not read here.
    return all(
        isinstance(entry, str)
        and not os.path.isfile(entry or ".")
        and not entry.lower().endswith(".egg")
        for entry in entries
    )


def _read_directories(group: str) -> list[tuple[str, str]] | None:
    if not _only_plain_directories():
        return None
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    try:
        for directory in _metadata_directories():
            name = _normalized_name(os.path.basename(directory))
            if name in seen:
                continue
            seen.add(name)
            found.extend(_group_entries(directory, group))
    except (OSError, UnicodeDecodeError):
        return None
    return found


def _metadata_directories() -> Iterator[str]:
    for entry in sys.path:
        root = entry or "."
        if not os.path.isdir(root):
            continue
        for child in os.listdir(root):
            if child.lower().endswith(_METADATA_SUFFIXES):
                yield os.path.join(root, child)


def _normalized_name(directory_name: str) -> str:
    stem = os.path.splitext(directory_name)[0]
    return re.sub(_SEPARATORS, "_", stem.partition("-")[0]).lower()


def _group_entries(directory: str, group: str) -> list[tuple[str, str]]:
    path = os.path.join(directory, "entry_points.txt")
    if not os.path.isfile(path):
        return []
    with open(path, encoding="utf-8") as file:
        text = file.read()
    entries: list[tuple[str, str]] = []
    section = None
    for raw_line in text.splitlines():
        line = raw_line.strip()
        # The same reading as importlib.metadata's: '#' starts a comment, a section
        # name is what is left once the brackets are stripped.
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
        elif section == group and "=" in line:
            name, _, value = line.partition("=")
            entries.append((name.strip(), value.strip()))
    return entries
