"""The registry's own entry-point reader answers what ``importlib.metadata`` answers,
and hands every environment it does not read the same way to ``importlib.metadata``."""

from __future__ import annotations

import sys
import zipfile
from importlib.metadata import entry_points as metadata_entry_points
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invitekit import _entry_points
from invitekit._entry_points import entry_points, load

GROUPS = ("invitekit.adapters", "invitekit.links", "invitekit.demos", "console_scripts")


def _expected(group: str) -> list[tuple[str, str]]:
    return [(entry.name, entry.value) for entry in metadata_entry_points(group=group)]


def _distribution(root: Path, directory: str, text: str | None) -> None:
    path = root / directory
    path.mkdir(parents=True)
    (path / "METADATA").write_text(f"Name: {directory.partition('-')[0]}\nVersion: 1\n")
    if text is not None:
        (path / "entry_points.txt").write_text(text)


@pytest.fixture
def isolated_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    roots = [tmp_path / "first", tmp_path / "second"]
    for root in roots:
        root.mkdir()
    monkeypatch.setattr(sys, "path", [str(root) for root in roots])
    return roots


@pytest.mark.parametrize("group", GROUPS)
def test_this_environment_reads_the_same(group: str) -> None:
    assert _entry_points._read_directories((group,)) is not None  # the fast reader ran
    assert entry_points(group) == {group: _expected(group)}


def test_several_groups_are_read_in_one_pass() -> None:
    found = entry_points(*GROUPS)
    assert found == {group: _expected(group) for group in GROUPS}


def test_crafted_distributions_read_the_same(isolated_path: list[Path]) -> None:
    first, second = isolated_path
    _distribution(
        first,
        "Alpha_Pkg-2.0.dist-info",
        "# a comment\n[invitekit.adapters]\nalpha = alpha.adapter:Alpha\n\n"
        "beta=beta.mod:Cls.inner [extra]\n[other]\nalpha = nope:Nope\n",
    )
    # The same distribution again, later on the path: shadowed, as importlib.metadata does.
    _distribution(second, "alpha.pkg-1.0.dist-info", "[invitekit.adapters]\nold = old:Old\n")
    _distribution(second, "gamma-1.0.egg-info", "[invitekit.adapters]\n gamma = g:G \n")
    _distribution(second, "no_entry_points-1.0.dist-info", None)
    (second / "not-metadata.txt").write_text("[invitekit.adapters]\nx = x:X\n")
    found = entry_points("invitekit.adapters")["invitekit.adapters"]
    assert found == _expected("invitekit.adapters")
    assert sorted(found) == [
        ("alpha", "alpha.adapter:Alpha"),
        ("beta", "beta.mod:Cls.inner [extra]"),
        ("gamma", "g:G"),
    ]


def test_an_archive_on_the_path_is_left_to_importlib_metadata(
    isolated_path: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = isolated_path[0] / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("zipped-1.0.dist-info/METADATA", "Name: zipped\nVersion: 1\n")
        zipped.writestr(
            "zipped-1.0.dist-info/entry_points.txt", "[invitekit.adapters]\nzip = z:Z\n"
        )
    monkeypatch.setattr(sys, "path", [str(archive), *sys.path])
    assert _entry_points._read_directories(("invitekit.adapters",)) is None
    assert entry_points("invitekit.adapters") == {"invitekit.adapters": [("zip", "z:Z")]}


def test_a_finder_with_distributions_of_its_own_is_left_to_importlib_metadata(
    isolated_path: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Finder:
        def find_spec(self, *args: Any) -> None:
            return None

        def find_distributions(self, *args: Any) -> list[Any]:
            return []

    _distribution(isolated_path[0], "delta-1.0.dist-info", "[invitekit.adapters]\nd = d:D\n")
    monkeypatch.setattr(sys, "meta_path", [Finder(), *sys.meta_path])
    assert _entry_points._read_directories(("invitekit.adapters",)) is None
    assert entry_points("invitekit.adapters") == {"invitekit.adapters": [("d", "d:D")]}


NAMES = st.text(alphabet="abcxyz_", min_size=1, max_size=6)


@given(
    st.lists(
        st.tuples(st.sampled_from(["grp", "other", " grp "]), NAMES, NAMES),
        max_size=6,
    )
)
def test_any_entry_points_file_reads_the_same(
    tmp_path_factory: pytest.TempPathFactory, entries: list[tuple[str, str, str]]
) -> None:
    root = tmp_path_factory.mktemp("site")
    text = "".join(f"[{section}]\n{name} = {module}:attr\n" for section, name, module in entries)
    _distribution(root, "prop-1.0.dist-info", text)
    saved = sys.path
    sys.path = [str(root)]
    try:
        assert entry_points("grp", "other") == {
            "grp": _expected("grp"),
            "other": _expected("other"),
        }
    finally:
        sys.path = saved


def test_load_imports_what_a_reference_names() -> None:
    assert load("invitekit.errors:InviteError") is __import__("invitekit").errors.InviteError
    assert load("invitekit.models:InviteServer.__name__") == "InviteServer"
    assert load("invitekit.errors") is sys.modules["invitekit.errors"]
    assert load("invitekit.errors:InviteError [extra]").__name__ == "InviteError"
    with pytest.raises(ValueError, match="not an entry point reference"):
        load("not a reference!")
    with pytest.raises(AttributeError):
        load("invitekit.errors:NoSuchName")
    with pytest.raises(ModuleNotFoundError):
        load("invitekit_no_such_module:Thing")


def test_a_path_entry_that_is_not_a_string_is_left_to_importlib_metadata(
    isolated_path: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _distribution(isolated_path[0], "eps-1.0.dist-info", "[invitekit.adapters]\ne = e:E\n")
    monkeypatch.setattr(sys, "path", [isolated_path[0], *sys.path])
    assert _entry_points._read_directories(("invitekit.adapters",)) is None
    assert entry_points("invitekit.adapters") == {
        "invitekit.adapters": _expected("invitekit.adapters")
    }
