"""The benchmark's answer: one row per goal — name, value, reference, ratio, goal, ``ok``/``short``.

``ratio`` is always value ÷ reference.  For a fixed goal (≥ 20,000 events/s, p95 ≤ 20 ms) the
reference is the goal's own figure; for a relative goal (≥ 0.25 × the raw INSERT rate) it is the
figure measured beside it in the same run, and the goal is stated on the ratio.  A part that
failed gives rows whose value is the reason and whose verdict is ``short``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

Fmt = Callable[[float], str]


@dataclass
class Row:
    name: str
    value: str
    reference: str
    ratio: str
    goal: str
    ok: bool

    @property
    def verdict(self) -> str:
        return "ok" if self.ok else "short"


def _ratio(value: float, reference: float) -> str:
    return f"{value / reference:.2f}" if reference else "—"


def at_least(name: str, value: float, target: float, fmt: Fmt, goal: str) -> Row:
    return Row(name, fmt(value), f"ref {fmt(target)}", _ratio(value, target), goal, value >= target)


def at_most(name: str, value: float, target: float, fmt: Fmt, goal: str) -> Row:
    return Row(name, fmt(value), f"ref {fmt(target)}", _ratio(value, target), goal, value <= target)


def ratio_at_least(name: str, value: float, reference: float, fmt: Fmt, least: float, goal: str) -> Row:
    ok = bool(reference) and value / reference >= least
    return Row(name, fmt(value), f"ref {fmt(reference)}", _ratio(value, reference), goal, ok)


def ratio_at_most(name: str, value: float, reference: float, fmt: Fmt, most: float, goal: str) -> Row:
    ok = bool(reference) and value / reference <= most
    return Row(name, fmt(value), f"ref {fmt(reference)}", _ratio(value, reference), goal, ok)


def failed(name: str, goal: str, reason: str) -> Row:
    reason = " ".join(reason.split())
    return Row(name, f"error: {reason[:60]}", "—", "—", goal, False)


def table(rows: list[Row]) -> str:
    columns = [[r.name, r.value, r.reference, r.ratio, r.goal, r.verdict] for r in rows]
    header = ["goal", "value", "reference", "ratio", "target", ""]
    widths = [max(_width(c[i]) for c in [header, *columns]) for i in range(6)]
    lines = []
    for n, cells in enumerate([header, *columns]):
        padded = [_pad(cell, widths[i], right=i in (1, 2, 3)) for i, cell in enumerate(cells)]
        lines.append("  ".join(padded).rstrip())
        if n == 0:
            lines.append("-" * len(lines[0]))
    return "\n".join(lines)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def fmt_int(unit: str) -> Fmt:
    return lambda v: f"{v:,.0f} {unit}".strip()


def fmt_float(unit: str, digits: int = 1) -> Fmt:
    return lambda v: f"{v:,.{digits}f} {unit}".strip()
