"""``lazy_exports``: a package's names imported on first access, submodules included."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

_INIT = """
from invitekit.ext import lazy_exports

__all__ = ["Thing"]
__getattr__, __dir__ = lazy_exports(
    __name__, {"Thing": "lazypkg._things", "helpers": "lazypkg.helpers"}
)
"""


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    root = tmp_path / "lazypkg"
    root.mkdir()
    (root / "__init__.py").write_text(_INIT)
    (root / "_things.py").write_text("class Thing:\n    pass\n")
    (root / "helpers.py").write_text("VALUE = 41\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module("lazypkg")
    for name in [name for name in sys.modules if name.split(".")[0] == "lazypkg"]:
        del sys.modules[name]


def test_a_name_is_imported_on_first_access_and_kept(package: ModuleType) -> None:
    assert "lazypkg._things" not in sys.modules
    thing = package.Thing
    assert thing is sys.modules["lazypkg._things"].Thing
    assert vars(package)["Thing"] is thing


def test_a_name_mapped_to_its_own_submodule_is_the_submodule(package: ModuleType) -> None:
    assert "lazypkg.helpers" not in sys.modules
    assert package.helpers is sys.modules["lazypkg.helpers"]
    assert package.helpers.VALUE == 41


def test_dir_lists_the_lazy_names_before_they_are_imported(package: ModuleType) -> None:
    assert {"Thing", "helpers"} <= set(dir(package))
    assert "lazypkg._things" not in sys.modules


def test_an_unknown_name_is_an_attribute_error(package: ModuleType) -> None:
    with pytest.raises(AttributeError, match="missing"):
        package.missing  # noqa: B018
