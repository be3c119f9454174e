"""Using the Matrix adapter for links and decoding does not import aiohttp, and finding
Matrix links imports no more than its link rules."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CHECK = "import sys; {code}; {check}"
SUMMARY = '{"room_id": "!r:example.org", "num_joined_members": 3, "name": "Lounge"}'


def run(code: str, check: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    return subprocess.run(
        [sys.executable, "-c", CHECK.format(code=code, check=check)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "code",
    [
        "import invitekit_matrix",
        "import invitekit; invitekit.parse_invite('https://matrix.to/#/%23a:example.org')",
        f"import invitekit; invitekit.decode_public_invite('matrix', {SUMMARY!r})",
        "import invitekit; invitekit.get_adapter('matrix', token='t')",
        "import invitekit; invitekit.InviteRef('matrix', '#a:example.org')",
    ],
)
def test_aiohttp_is_not_imported(code: str) -> None:
    result = run(code, "assert 'aiohttp' not in sys.modules, sorted(sys.modules)")
    assert result.returncode == 0, result.stderr


def test_finding_links_imports_the_rules_alone() -> None:
    result = run(
        "import invitekit; assert invitekit.find_invites('#a:example.org')",
        "assert 'invitekit_matrix._adapter' not in sys.modules, sorted(sys.modules)",
    )
    assert result.returncode == 0, result.stderr
