"""The fleet guide's example runs against a real Redis and prints what the guide says.

The docs suite skips it (it has no Redis); this test runs it with ``REDIS_URL`` set.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.docs._blocks import DOCS, blocks_of
from tests.redis._server import RedisServer

GUIDE = DOCS / "guides" / "fleets.md"


def test_the_fleet_guide_example_runs_and_prints_its_output(redis_server: RedisServer) -> None:
    blocks = blocks_of(GUIDE)
    [example] = [block for block in blocks if block.language == "python"]
    assert example.action == "skip"
    assert "test_guide.py" in example.reason
    printed = next(b for b in blocks if b.language == "text" and b.line > example.line)
    result = subprocess.run(
        [sys.executable, "-c", example.source],
        env=dict(os.environ, REDIS_URL=redis_server.url),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == printed.source
