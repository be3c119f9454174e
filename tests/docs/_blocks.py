"""Find the code blocks of the Markdown documentation, with the markers that steer the tests.

The conventions (also on the docs page "Writing these docs"):

- Every fenced ```` ```python ```` block runs, on its own, in a fresh namespace.
- A block that defines tests (a top-level ``def test_…`` or ``class Test…``) is written
  to a file and run by pytest instead; it must collect at least one test and pass.
- A ```` ```console ```` block holds ``$ invitekit …`` commands, each followed by the
  exact output it prints; the command line runs in-process and its output is compared.
  A line that is just ``...`` stands for any number of lines (output that depends on
  which adapters are installed).
- ``<!-- docs-test: continue -->`` on the line right before a fence runs that block in
  the namespace left by the previous Python block of the same page.
- ``<!-- docs-test: output -->`` before a ```` ```text ```` block right after a Python
  block: the text is exactly what that Python block prints.
- ``<!-- docs-test: skip REASON -->`` on the line right before a fence leaves it out.
  The reason is required; use this for fragments that cannot stand alone.

Other languages (``bash``, ``toml``, ``text``…) are shown, not run.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`\n]*)$")
_MARKER = re.compile(
    r"^\s*<!--\s*docs-test:\s*(?P<action>skip|continue|output)\b(?P<reason>[^>]*)-->\s*$"
)
_TITLE = re.compile(r"""title=["']([^"']+)["']""")
RUN_LANGUAGES = frozenset({"python", "console"})


@dataclass(frozen=True)
class Block:
    """One fenced code block of a Markdown file."""

    path: Path
    line: int
    """The line number of the opening fence (1-based)."""
    language: str
    title: str | None
    source: str
    action: str | None
    """``"skip"``, ``"continue"``, ``"output"`` or ``None``."""
    reason: str

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT).as_posix()}:{self.line}"

    @property
    def defines_tests(self) -> bool:
        """Whether the block is a pytest module (top-level tests) rather than a script."""
        tree = ast.parse(self.source)
        return any(
            (
                isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                and node.name.startswith("test")
            )
            or (isinstance(node, ast.ClassDef) and node.name.startswith("Test"))
            for node in tree.body
        )


def markdown_files() -> list[Path]:
    """The README and every page of the site, in a stable order."""
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


def blocks_of(path: Path) -> list[Block]:
    """Every fenced block of ``path``, with the marker (if any) on the line before it.

    Raises:
        ValueError: A fence is never closed, or a marker is not followed by a fence.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        marker = _MARKER.match(lines[index])
        if marker is not None and (index + 1 >= len(lines) or not _FENCE.match(lines[index + 1])):
            raise ValueError(f"{path}:{index + 1}: a docs-test marker must precede a fence")
        if opening is None:
            index += 1
            continue
        indent, fence, info = opening.group("indent", "fence", "info")
        language = info.split()[0].lower() if info.strip() else ""
        start = index
        body: list[str] = []
        index += 1
        while index < len(lines) and lines[index].strip() != fence:
            line = lines[index]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            index += 1
        if index >= len(lines):
            raise ValueError(f"{path}:{start + 1}: unclosed code fence")
        previous = _MARKER.match(lines[start - 1]) if start > 0 else None
        title = _TITLE.search(info)
        blocks.append(
            Block(
                path=path,
                line=start + 1,
                language=language,
                title=title.group(1) if title else None,
                source="\n".join(body) + "\n",
                action=previous.group("action") if previous else None,
                reason=previous.group("reason").strip() if previous else "",
            )
        )
        index += 1
    return blocks


def all_blocks() -> list[Block]:
    """Every fenced block of the README and the site."""
    return [block for path in markdown_files() for block in blocks_of(path)]
