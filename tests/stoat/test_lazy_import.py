"""Using the Stoat adapter for links and decoding does not import aiohttp; a request does."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CHECK = "import sys; {code}; assert ('aiohttp' in sys.modules) is {loaded}, sorted(sys.modules)"
PAYLOAD = '{"type":"Group","code":"PvdThs9F","channel_id":"c","channel_name":"n","user_name":"u"}'


def run(code: str, *, loaded: bool) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    return subprocess.run(
        [sys.executable, "-c", CHECK.format(code=code, loaded=loaded)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "code",
    [
        "import invitekit_stoat",
        "import invitekit; invitekit.parse_invite('https://stt.gg/Testers')",
        f"import invitekit; invitekit.decode_public_invite('stoat', {PAYLOAD!r})",
        "import invitekit; invitekit.get_adapter('stoat', token='t', bot=False)",
    ],
)
def test_aiohttp_is_not_imported(code: str) -> None:
    result = run(code, loaded=False)
    assert result.returncode == 0, result.stderr


def test_the_emulator_does_import_it() -> None:
    result = run("import invitekit_stoat.testing", loaded=True)
    assert result.returncode == 0, result.stderr
