"""Results as tables of medians with ratios to invitekit, and the targets they meet or miss."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from benchmarks._measure import Role

__all__ = ["Row", "Table", "Target", "render_markdown", "render_text"]


@dataclass(frozen=True)
class Row:
    """One contender's median in a scenario, in the table's unit."""

    name: str
    role: Role
    value: float
    note: str = ""


@dataclass(frozen=True)
class Table:
    """One scenario: what was measured, in which unit, and every contender's result."""

    title: str
    unit: str
    lower_is_better: bool
    rows: Sequence[Row]
    notes: Sequence[str] = field(default_factory=tuple)

    @property
    def ours(self) -> Row:
        """invitekit's row (the first with role ``ours``)."""
        return next(row for row in self.rows if row.role == "ours")

    def row(self, name: str) -> Row:
        """The row called ``name``."""
        return next(row for row in self.rows if row.name == name)

    def peers(self) -> list[Row]:
        """Every peer's row."""
        return [row for row in self.rows if row.role == "peer"]

    def advantage(self, row: Row, *, ours: Row | None = None) -> float:
        """How many times better invitekit (or ``ours``) did than ``row``: > 1 is ahead."""
        mine = (ours or self.ours).value
        if self.lower_is_better:
            return row.value / mine if mine else float("inf")
        return mine / row.value if row.value else float("inf")


@dataclass(frozen=True)
class Target:
    """A goal from issue 6 and whether this run met it."""

    scenario: str
    goal: str
    measured: str
    met: bool


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _cells(table: Table) -> list[list[str]]:
    ours = table.ours
    lines = []
    for row in table.rows:
        ratio = "1.00x" if row is ours else f"{table.advantage(row):.2f}x"
        lines.append([row.name, row.role, _number(row.value), ratio, row.note])
    return lines


def _headers(table: Table) -> list[str]:
    direction = "theirs ÷ ours" if table.lower_is_better else "ours ÷ theirs"
    return ["contender", "role", table.unit, f"vs invitekit ({direction})", "note"]


def render_text(tables: Sequence[Table], targets: Sequence[Target]) -> str:
    """Plain-text tables for a terminal."""
    out: list[str] = []
    for table in tables:
        rows = [_headers(table), *_cells(table)]
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        out.append(f"\n== {table.title}")
        for number, cells in enumerate(rows):
            out.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
            if number == 0:
                out.append("  ".join("-" * w for w in widths))
        out.extend(f"   {note}" for note in table.notes)
    if targets:
        out.append("\n== targets")
        for target in targets:
            mark = "met   " if target.met else "MISSED"
            out.append(f"{mark} {target.scenario}: {target.goal} — measured {target.measured}")
    return "\n".join(out) + "\n"


def render_markdown(tables: Sequence[Table], targets: Sequence[Target]) -> str:
    """The same results as Markdown, for ``docs/performance.md``."""
    out: list[str] = []
    for table in tables:
        headers = _headers(table)
        out.append(f"#### {table.title}\n")
        out.append("| " + " | ".join(headers) + " |")
        out.append("|" + "|".join("---" if i < 2 or i == 4 else "---:" for i in range(5)) + "|")
        for cells in _cells(table):
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        out.extend(f"\n{note}" for note in table.notes)
        out.append("")
    if targets:
        out.append("#### Targets\n")
        out.append("| scenario | goal | measured | met |")
        out.append("|---|---|---|---|")
        for t in targets:
            out.append(f"| {t.scenario} | {t.goal} | {t.measured} | {'yes' if t.met else 'no'} |")
        out.append("")
    return "\n".join(out)
