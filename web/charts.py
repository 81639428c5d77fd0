"""Charts drawn on the server as inline SVG (图表): no JavaScript, nothing fetched from outside.

:func:`bar_chart` draws one horizontal bar per value, its length proportional to the value on
one scale for the whole chart.  When some values are negative the zero line moves right, so
negative bars grow leftwards from it and positive ones rightwards; a zero value draws no bar
but keeps its row and label.  Every text (names, values, the title) is escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

FONT_SIZE = 12
WIDE_CHAR = 13  # px per CJK character at FONT_SIZE (roughly)
NARROW_CHAR = 7  # px per Latin letter or digit
MAX_LABEL_WIDTH = 220
VALUE_WIDTH = 64  # room for the value written after the longest bar


@dataclass(frozen=True)
class Bar:
    """One bar: its name, its value, extra CSS classes (``bottom``, ``mine`` …) and, optionally,
    the text written after it (default: the value)."""

    label: str
    value: float
    css_class: str = ""
    value_label: str | None = None


def number(value: float) -> str:
    """A value as people write it: 98.5, 100, -2.25 (two decimals at most)."""
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def text_width(text: str) -> int:
    """The drawn width of ``text`` in px (estimate: CJK characters are wide)."""
    return sum(WIDE_CHAR if ord(c) > 0x2E7F else NARROW_CHAR for c in text)


def _fit(text: str, width: int) -> str:
    """``text`` cut (with …) to fit ``width`` px."""
    if text_width(text) <= width:
        return text
    while text and text_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _px(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(bars: list[Bar], *, width: int = 720, bar_height: int = 22, gap: int = 6,
              title: str = "") -> Markup:
    """A horizontal bar chart as an ``<svg class="bars">`` element, safe to put in a page.

    The length of each bar is ``abs(value) * scale`` with one scale for all bars (the largest
    magnitude spans the plot area).  ``width`` is the whole drawing, labels included."""
    for bar in bars:
        if not math.isfinite(bar.value):
            raise ValueError(f"bar {bar.label!r}: value {bar.value!r} is not a finite number")
    label_width = min(max((text_width(b.label) for b in bars), default=0) + 10, MAX_LABEL_WIDTH)
    plot_left = label_width
    plot_width = max(width - label_width - VALUE_WIDTH, 40)
    low = min([0.0, *(b.value for b in bars)])
    high = max([0.0, *(b.value for b in bars)])
    span = (high - low) or 1.0
    scale = plot_width / span
    zero = plot_left + (-low) * scale
    rows = max(len(bars), 1)
    height = rows * (bar_height + gap) + gap
    parts = [f'<svg class="bars" xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}"'
             f' viewBox="0 0 {width} {height}" aria-label="{escape(title)}">']
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    if not bars:
        parts.append(f'<text x="{_px(width / 2)}" y="{_px(height / 2 + FONT_SIZE / 3)}" text-anchor="middle"'
                     f' class="empty">暂无数据</text>')
    for index, bar in enumerate(bars):
        top = gap + index * (bar_height + gap)
        middle = top + bar_height / 2 + FONT_SIZE / 3  # text baseline, centred on the bar
        length = abs(bar.value) * scale
        left = zero - length if bar.value < 0 else zero
        classes = " ".join(["bar", *bar.css_class.split()])
        value_text = bar.value_label if bar.value_label is not None else number(bar.value)
        value_x = left + length + 4 if bar.value >= 0 else left - 4
        anchor = "start" if bar.value >= 0 else "end"
        if bar.value < 0 and value_x - text_width(value_text) < plot_left:  # no room left of it: write it right
            value_x, anchor = zero + 4, "start"
        parts.append(
            f'<g class="row">'
            f'<text class="name" x="{_px(label_width - 6)}" y="{_px(middle)}" text-anchor="end">'
            f'{escape(_fit(bar.label, label_width - 8))}</text>'
            f'<rect class="{escape(classes)}" x="{_px(left)}" y="{top}" width="{_px(length)}" height="{bar_height}"'
            f' data-value="{escape(number(bar.value))}"><title>{escape(bar.label)}：{escape(value_text)}</title></rect>'
            f'<text class="value" x="{_px(value_x)}" y="{_px(middle)}" text-anchor="{anchor}">{escape(value_text)}</text>'
            f'</g>')
    if bars and low < 0:
        parts.append(f'<line class="zero" x1="{_px(zero)}" y1="0" x2="{_px(zero)}" y2="{height}" stroke="#999"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


__all__ = ["Bar", "bar_chart", "number", "text_width"]
