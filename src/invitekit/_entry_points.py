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
from typing import Any

__all__ = ["entry_points", "load"]

_METADATA_SUFFIXES = (".dist-info", ".egg-info")
# Patterns as text: ``re`` compiles them on first use, not when ``invitekit`` is imported.
_SEPARATORS = r"[-_.]+"
# ``module`` or ``module:attribute.path``, with optional ``[extras]`` (which only
# installers use); the form entry points take (PyPA entry points specification).
_REFERENCE = r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$"


def entry_points(*groups: str) -> dict[str, list[tuple[str, str]]]:
    """The ``(name, value)`` of every entry point in each of ``groups``, in ``sys.path``
    order; the distributions are read once for all of them."""
    found = _read_directories(groups)
    if found is None:
        from importlib.metadata import entry_points as metadata_entry_points

        return {
            group: [(entry.name, entry.value) for entry in metadata_entry_points(group=group)]
            for group in groups
        }
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


def _other_finders() -> bool:
    """Whether a finder other than the path finder supplies distributions."""
    from importlib.machinery import PathFinder

    return any(
        finder is not PathFinder and hasattr(finder, "find_distributions")
        for finder in sys.meta_path
    )


def _read_directories(groups: tuple[str, ...]) -> dict[str, list[tuple[str, str]]] | None:
    """The entry points of ``groups``, or ``None`` when ``importlib.metadata`` could find
    something this module does not read: a distribution from another finder, or a path
    entry that is not a string naming a directory (or nothing) other than an egg."""
    if _other_finders():
        return None
    found: dict[str, list[tuple[str, str]]] = {group: [] for group in groups}
    seen: set[str] = set()
    # Typed as objects: anything can be put on sys.path.
    entries: list[object] = list(sys.path)
    try:
        for entry in entries:
            # An egg directory keeps its metadata in EGG-INFO, which is not read here.
            if not isinstance(entry, str) or entry.lower().endswith(".egg"):
                return None
            root = entry or "."
            if not os.path.isdir(root):
                if os.path.exists(root):
                    return None  # an archive
                continue
            for child in os.listdir(root):
                if not child.lower().endswith(_METADATA_SUFFIXES):
                    continue
                name = _normalized_name(child)
                if name not in seen:
                    seen.add(name)
                    _add_entries(os.path.join(root, child), found)
    except (OSError, UnicodeDecodeError):
        return None
    return found


def _normalized_name(directory_name: str) -> str:
    stem = os.path.splitext(directory_name)[0]
    return re.sub(_SEPARATORS, "_", stem.partition("-")[0]).lower()


def _add_entries(directory: str, found: dict[str, list[tuple[str, str]]]) -> None:
    """Add the entries of ``directory``'s ``entry_points.txt`` in the groups ``found`` has."""
    path = os.path.join(directory, "entry_points.txt")
    if not os.path.isfile(path):
        return
    with open(path, encoding="utf-8") as file:
        text = file.read()
    entries = None
    for raw_line in text.splitlines():
        line = raw_line.strip()
        # The same reading as importlib.metadata's: '#' starts a comment, a section
        # name is what is left once the brackets are stripped.
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            entries = found.get(line.strip("[]"))
        elif entries is not None and "=" in line:
            name, _, value = line.partition("=")
            entries.append((name.strip(), value.strip()))
