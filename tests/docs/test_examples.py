"""Every example in the README and on the documentation site runs, so none of them can rot.

See ``tests/docs/_blocks.py`` (and the page "Writing these docs") for the conventions.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import sys
import types
from collections.abc import Iterator

import pytest

from invitekit.testing import isolated_registry
from tests.docs._blocks import DOCS, ROOT, RUN_LANGUAGES, Block, all_blocks, markdown_files

pytest_plugins = ["pytester"]

PYTEST_CONFIG = """\
[tool.pytest.ini_options]
asyncio_default_fixture_loop_scope = "function"
"""

BLOCKS = all_blocks()
RUNNABLE = [block for block in BLOCKS if block.language in RUN_LANGUAGES]
_ELSEWHERE = re.compile(r"\b(tests/[\w/]+\.py)\b")
"""A skip reason naming a test file hands the block to that test (it needs a service)."""
DELEGATED = [b for b in RUNNABLE if b.action == "skip" and _ELSEWHERE.search(b.reason)]
RUN_HERE = [b for b in RUNNABLE if b not in DELEGATED]


def test_the_site_and_readme_have_examples() -> None:
    assert (DOCS / "index.md").exists()
    pages_with_python = {block.path for block in RUNNABLE if block.language == "python"}
    assert ROOT / "README.md" in pages_with_python
    assert len(pages_with_python) >= 8


def test_output_blocks_follow_python_blocks() -> None:
    for index, block in enumerate(BLOCKS):
        if block.action == "output":
            before = BLOCKS[index - 1]
            assert block.language == "text", block.id
            assert before.path == block.path, block.id
            assert before.language == "python", block.id
            assert before.action != "skip", block.id
            assert not before.defines_tests, block.id


def test_markers_are_used_sparingly_and_explained() -> None:
    skipped = [block for block in BLOCKS if block.action == "skip"]
    assert all(block.reason for block in skipped), "every skip marker needs a reason"
    assert all(block.language in RUN_LANGUAGES for block in skipped), "only runnable blocks skip"
    continued = [block for block in BLOCKS if block.action == "continue"]
    assert all(block.language == "python" for block in continued), "only Python continues"
    assert len(skipped) <= len(RUNNABLE) // 10, "prefer runnable examples to skipped ones"


def test_every_python_fence_is_found() -> None:
    for path in markdown_files():
        text = path.read_text(encoding="utf-8")
        fences = len(re.findall(r"^[ \t]*`{3,}python\b", text, re.MULTILINE))
        found = sum(block.language == "python" for block in BLOCKS if block.path == path)
        assert fences == found, path


@pytest.fixture(autouse=True)
def _registry_as_it_was() -> Iterator[None]:
    """Examples may register adapters; none of that outlives the example."""
    with isolated_registry():
        yield


@pytest.mark.parametrize("block", DELEGATED, ids=[block.id for block in DELEGATED])
def test_delegated_example_is_run_by_the_test_it_names(block: Block) -> None:
    match = _ELSEWHERE.search(block.reason)
    assert match is not None
    runner = ROOT / match.group(1)
    assert runner.is_file(), f"{block.id} names {runner}, which does not exist"
    assert block.path.name in runner.read_text(encoding="utf-8"), (
        f"{runner} does not read {block.path.name}"
    )


@pytest.mark.parametrize("block", RUN_HERE, ids=[block.id for block in RUN_HERE])
def test_example(
    block: Block, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    if block.action == "skip":
        pytest.skip(f"marked in the docs: {block.reason}")
    if block.language == "console":
        _run_console(block, capsys)
    elif block.defines_tests:
        # Only here: pytester takes modules imported during the test out of sys.modules
        # afterwards, and a package that keeps a lazily imported class (invitekit's
        # CacheSettings) would then hold another class than the re-imported module.
        _run_as_pytest_module(block, request.getfixturevalue("pytester"))
    else:
        capsys.readouterr()
        _run_script(block)
        expected = _expected_output(block)
        if expected is not None:
            assert capsys.readouterr().out == expected, f"{block.id}: output differs"


def _expected_output(block: Block) -> str | None:
    """The text of an ``output`` block right after ``block`` on its page, if there is one."""
    index = BLOCKS.index(block)
    following = BLOCKS[index + 1] if index + 1 < len(BLOCKS) else None
    if following is None or following.path != block.path or following.action != "output":
        return None
    return following.source


def _chain(block: Block) -> list[Block]:
    """``block`` and the Python blocks of its page it continues, oldest first."""
    page = [b for b in BLOCKS if b.path == block.path and b.language == "python"]
    index = page.index(block)
    start = index
    while page[start].action == "continue":
        if start == 0:
            pytest.fail(f"{block.id} continues, but no Python block comes before it")
        start -= 1
    chain = page[start : index + 1]
    if any(link.action == "skip" or link.defines_tests for link in chain[:-1]):
        pytest.fail(f"{block.id} continues a skipped block or a test module")
    return chain


def _run_script(block: Block) -> None:
    # Each test runs the whole chain, so a continued block passes or fails on its own. The
    # chain runs as `python example.py` would run it: as the module `__main__` (msgspec and
    # dataclasses look annotations up there), and without this file's `__future__` imports.
    module = types.ModuleType("__main__")
    saved = sys.modules["__main__"]
    sys.modules["__main__"] = module
    try:
        for link in _chain(block):
            exec(compile(link.source, link.id, "exec", dont_inherit=True), module.__dict__)
    finally:
        sys.modules["__main__"] = saved


def _run_as_pytest_module(block: Block, pytester: pytest.Pytester) -> None:
    # A test module that continues earlier blocks is those blocks followed by its tests.
    source = "".join(link.source for link in _chain(block))
    name = block.title or "test_docs_example.py"
    assert re.fullmatch(r"test_\w+\.py", name), f"{block.id}: title {name!r}"
    # The configuration the testing guide recommends, and nothing else of this project's.
    pytester.makepyprojecttoml(PYTEST_CONFIG)
    pytester.makepyfile(**{name[:-3]: source})
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-W", "error", "-q")
    outcomes = result.parseoutcomes()
    assert result.ret == 0, "\n".join(result.outlines)
    assert outcomes.get("passed", 0) >= 1, outcomes
    assert not {"failed", "errors", "skipped", "xfailed"} & outcomes.keys(), outcomes


def _run_console(block: Block, capsys: pytest.CaptureFixture[str]) -> None:
    from invitekit.cli import main

    commands = _console_commands(block)
    assert commands, f"{block.id}: a console block needs at least one `$ invitekit` command"
    for command, expected in commands:
        argv = shlex.split(command)
        stdin = None
        if "|" in argv:
            # `echo TEXT | invitekit …`: the echoed text becomes standard input.
            pipe = argv.index("|")
            assert argv[0] == "echo", f"{block.id}: only `echo … |` may feed a command"
            stdin, argv = " ".join(argv[1:pipe]) + "\n", argv[pipe + 1 :]
        assert argv[0] == "invitekit", f"{block.id}: console blocks run invitekit only"
        capsys.readouterr()
        with _stdin(stdin):
            main(argv[1:])
        printed = capsys.readouterr().out.rstrip("\n").splitlines()
        assert _lines_match(expected, printed), f"{block.id}: `{command}` printed:\n" + "\n".join(
            printed
        )


def _lines_match(expected: list[str], printed: list[str]) -> bool:
    """Compare line by line; an expected line that is exactly ``...`` matches any number of
    lines, so output that grows with the installed adapters stays comparable."""
    if not expected:
        return not printed
    head, rest = expected[0], expected[1:]
    if head == "...":
        return any(_lines_match(rest, printed[skip:]) for skip in range(len(printed) + 1))
    return bool(printed) and printed[0].rstrip() == head and _lines_match(rest, printed[1:])


def _console_commands(block: Block) -> list[tuple[str, list[str]]]:
    commands: list[tuple[str, list[str]]] = []
    for line in block.source.rstrip("\n").splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line.rstrip())
        else:
            pytest.fail(f"{block.id}: output before any `$ ` command")
    return commands


@contextlib.contextmanager
def _stdin(text: str | None) -> Iterator[None]:
    if text is None:
        yield
        return
    saved = sys.stdin
    sys.stdin = io.StringIO(text)
    try:
        yield
    finally:
        sys.stdin = saved
