"""The figures ``docs/reliability.md`` quotes for link scanning: steps and seconds by size.

Run ``python -m tests.reliability.figures`` from the checkout. Steps are the Python-level
events ``sys.settrace`` sees (what the test suite asserts on); seconds are the best of
three runs on this machine, reported and never asserted.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.reliability.test_fuzz_links import HOSTILE, steps

STEP_SIZES = (2_000, 8_000, 32_000)
TIME_SIZES = (10_000, 100_000, 1_000_000)


def best_of_three(work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    print("| input | steps at n = 2k / 8k / 32k | growth per 4x | ms at n = 10k / 100k / 1M |")
    print("|---|---|---|---|")
    for name, build in HOSTILE.items():
        counted = [steps(build(n)) for n in STEP_SIZES]
        growth = max(counted[1] / counted[0], counted[2] / counted[1])
        seconds = [best_of_three(build(n)) * 1000 for n in TIME_SIZES]
        print(
            f"| {name} | {' / '.join(f'{c:,}' for c in counted)} | {growth:.2f}x "
            f"| {' / '.join(f'{s:.2f}' for s in seconds)} |"
        )


if __name__ == "__main__":
    main()
