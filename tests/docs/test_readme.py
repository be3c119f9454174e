"""The README opens with the two set-up commands, and CI runs the second one verbatim.

Its Python examples run with every other example of the docs (``test_examples.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_opens_with_the_two_setup_commands() -> None:
    commands = re.findall(r"```bash\n(.*?)\n```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert commands[:2] == [
        "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/invitekit demo",
        "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' && .venv/bin/python -m pytest",
    ]
    assert commands[1] in (README.parent / ".ci" / "run").read_text(encoding="utf-8")
