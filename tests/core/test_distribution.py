"""What the installed distribution carries besides code: its license and its type marker."""

from __future__ import annotations

from importlib.metadata import distribution
from pathlib import Path

import invitekit


def test_the_license_text_ships_with_the_distribution() -> None:
    dist = distribution("invitekit")
    files = [file for file in dist.files or [] if file.name == "LICENSE"]
    assert files, "no LICENSE file in the installed distribution"
    text = files[0].read_text()
    assert text.startswith("MIT License")
    assert "WITHOUT WARRANTY OF ANY KIND" in text
    assert dist.metadata["License-Expression"] == "MIT"


def test_the_package_is_marked_typed() -> None:
    assert (Path(invitekit.__file__).parent / "py.typed").is_file()
