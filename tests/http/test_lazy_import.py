"""``import invitekit`` (and the transport package) must not import aiohttp."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CHECK = "import sys; {imports}; assert 'aiohttp' not in sys.modules, sorted(sys.modules)"


@pytest.mark.parametrize(
    "imports",
    [
        "import invitekit",
        "import invitekit.http",
        "import invitekit, invitekit.http; invitekit.http.HTTPTransport('https://example.com')",
    ],
)
def test_aiohttp_is_not_imported(imports: str) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(imports=imports)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_check_itself_can_fail() -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(imports="import aiohttp")],
        env=env,
        capture_output=True,
        check=False,
    )
    assert result.returncode != 0
