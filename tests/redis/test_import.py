"""``import invitekit`` never imports redis; ``invitekit.redis`` is the only door to it."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = "import sys; {imports}; assert 'redis' not in sys.modules, sorted(sys.modules)"


@pytest.mark.parametrize(
    "imports",
    [
        "import invitekit",
        "import invitekit.http, invitekit.client",
        "import invitekit; invitekit.InviteClient('fake')",
    ],
)
def test_redis_is_not_imported(imports: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(imports=imports)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_the_check_itself_can_fail() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(imports="import invitekit.redis")],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert result.returncode != 0
