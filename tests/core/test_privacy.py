"""One privacy rule for the library's own code (issue 15, section 4).

- A name that starts with ``_`` belongs to its module: no other module imports it.
- A module that starts with ``_`` belongs to its package: only modules in that package
  (or below it) import it. Everyone else goes through the package's public namespace.
- Adapters are third parties of the core: they import only public modules of
  ``invitekit``.

Checked by reading every module's imports (relative ones resolved), as the light-import
check reads ``sys.modules``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TREES = [ROOT / "src", ROOT / "adapters"]


def _modules() -> Iterator[tuple[str, Path]]:
    for tree in TREES:
        for path in sorted(tree.rglob("*.py")):
            parts = list(path.relative_to(tree).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            yield ".".join(parts), path


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _imports(module: str, path: Path) -> Iterator[tuple[str, str | None, int]]:
    """(module, name or None, line) for every import in ``path``, and for every use of a
    ``_name`` attribute of an imported module (``registry._snapshot()``)."""
    package = module if _is_package(path) else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name] = alias.name
                yield alias.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
                yield base, alias.name, node.lineno
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            yield aliases[node.value.id], node.attr, node.lineno


def _owner(private_module: str) -> str:
    """The package a private module belongs to: everything above its first private part."""
    parts = private_module.split(".")
    for index, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:index])
    return private_module


def _private(module: str) -> bool:
    return any(p.startswith("_") and not p.startswith("__") for p in module.split("."))


def _violations(modules: list[tuple[str, Path]]) -> list[str]:
    ours = {name for name, _ in modules}
    found = []
    for module, path in modules:
        adapter = not module.startswith("invitekit.") and module != "invitekit"
        for target, name, line in _imports(module, path):
            where = f"{path}:{line}"
            top = target.split(".")[0]
            if top not in {m.split(".")[0] for m in ours}:
                continue  # the standard library and dependencies
            full = f"{target}.{name}" if name else target
            if name is not None and f"{target}.{name}" in ours:
                target, name = f"{target}.{name}", None  # `from pkg import module`
            private_name = name is not None and name.startswith("_") and not name.startswith("__")
            if private_name and target != module:
                found.append(f"{where}: {module} imports the private name {full}")
            if _private(target):
                owner = _owner(target)
                if not (module == owner or module.startswith(owner + ".")):
                    found.append(f"{where}: {module} imports {target}, private to {owner}")
            if adapter and top == "invitekit" and _private(target):
                found.append(f"{where}: the adapter {module} imports {target}")
    return found


def test_no_module_imports_another_packages_private_names() -> None:
    assert _violations(list(_modules())) == []


@pytest.mark.parametrize(
    ("owner", "source", "expected"),
    [
        ("invitekit.redis._x", "from invitekit.client._coalesce import Coalescer", True),
        ("invitekit.redis._x", "from invitekit.registry import _snapshot", True),
        ("invitekit.testing._x", "from invitekit import registry\nregistry._snapshot()", True),
        ("invitekit.http._a", "from invitekit.http._b import thing", False),
        ("invitekit.http._a", "from invitekit._validation import check", False),
        ("invitekit.redis._x", "from invitekit.client import Coalescer", False),
    ],
)
def test_the_check_tells_leaks_from_allowed_imports(
    tmp_path: Path, owner: str, source: str, expected: bool
) -> None:
    """The rule applied to one made-up module: the check can fail."""
    path, other = tmp_path / "probe.py", tmp_path / "other.py"
    path.write_text(source + "\n", encoding="utf-8")
    other.write_text("", encoding="utf-8")
    modules = [(owner, path), ("invitekit.client._coalesce", other), ("invitekit.registry", other)]
    leaks = _violations(modules)
    assert bool(leaks) == expected, leaks
