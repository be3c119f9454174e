"""``python -m benchmarks``: run the scenarios of issue 6 and print medians and ratios.

::

    pip install -e '.[bench]'
    python -m benchmarks                    # everything, full sizes (a few minutes)
    python -m benchmarks decode scan        # some scenarios
    python -m benchmarks --smoke            # tiny sizes: checks that everything runs
    python -m benchmarks --markdown out.md  # also write the tables as Markdown

Exits 0 whether or not the targets were met (it measures, it does not judge); 2 on a
usage error, 1 if a contender gave a wrong answer.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks import _machine, bounds, decode, imports, matrix, memory, resolve, scan
from benchmarks._peers import missing_peers
from benchmarks._report import Table, Target, render_markdown, render_text
from benchmarks._settings import FULL, SMOKE, Settings

Scenario = Callable[[Settings], tuple[list[Table], list[Target]]]

SCENARIOS: dict[str, Scenario] = {
    "decode": decode.run,
    "bounds": bounds.run,
    "scan": scan.run,
    "resolve": resolve.run,
    "memory": memory.run,
    "import": imports.run,
    "matrix": matrix.run,
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="invitekit side by side with its peers."
    )
    parser.add_argument(
        "scenarios", nargs="*", choices=[*SCENARIOS, []], help="scenarios to run (default: all)"
    )
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one repeat (for CI)")
    parser.add_argument("--repeats", type=int, help="timed batches per contender")
    parser.add_argument("--markdown", type=Path, help="also write the results as Markdown here")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen scenarios and print their tables; return the exit status."""
    args = _parser().parse_args(argv)
    settings = SMOKE if args.smoke else FULL
    if args.repeats is not None:
        if args.repeats < 1:
            _parser().error("--repeats must be at least 1")
        settings = Settings(**{**settings.__dict__, "repeats": args.repeats})
    chosen = args.scenarios or list(SCENARIOS)
    print(_machine.describe())
    missing = missing_peers()
    if missing:
        print(f"not installed, left out: {', '.join(missing)} (pip install -e '.[bench]')")
    tables: list[Table] = []
    targets: list[Target] = []
    started = time.perf_counter()
    for name in chosen:
        scenario_tables, scenario_targets = SCENARIOS[name](settings)
        print(render_text(scenario_tables, []), end="", flush=True)
        tables += scenario_tables
        targets += scenario_targets
    print(render_text([], targets))
    print(f"({time.perf_counter() - started:.1f} s{', smoke sizes' if args.smoke else ''})")
    if args.markdown is not None:
        args.markdown.write_text(
            _machine.describe_markdown() + "\n" + render_markdown(tables, targets)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
