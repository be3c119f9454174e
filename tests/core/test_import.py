"""``import invitekit`` stays light."""

from __future__ import annotations

import subprocess
import sys


def test_import_does_not_load_aiohttp_or_adapters() -> None:
    code = (
        "import sys, invitekit\n"
        "heavy = [m for m in ('aiohttp', 'invitekit_fake', 'invitekit.testing', 'pytest')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""


def test_every_name_in_all_is_importable() -> None:
    import invitekit

    for name in invitekit.__all__:
        assert hasattr(invitekit, name), name
    assert len(set(invitekit.__all__)) == len(invitekit.__all__)
