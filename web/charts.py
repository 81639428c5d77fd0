"""Charts drawn on the server as inline SVG (图表): no JavaScript, nothing fetched from outside.

:func:`bar_chart` draws one horizontal bar per value, its length proportional to the value on
one scale for the whole chart.  When some values are negative the zero line moves right, so
negative bars grow leftwards from it and positive ones rightwards; a zero value draws no bar
but keeps its row and label.  Every text (names, values, the title) is escaped.

:func:`trend_chart` draws grouped vertical bars: one group per category (a month), one bar per
series (新交办, 已销号, 逾期 …) in the series' colour, on one integer y-axis starting at zero,
with a legend above and the categories below.  Each bar carries its number as a tooltip
(``<title>``) and, where it fits, as text above it.
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
LEGEND_HEIGHT = 24  # the legend row above a trend chart
LINE_HEIGHT = 15  # one line of category labels under a trend chart


@dataclass(frozen=True)
class Bar:
    """One bar: its name, its value, extra CSS classes (``bottom``, ``mine`` …) and, optionally,
    the text written after it (default: the value)."""

    label: str
    value: float
    css_class: str = ""
    value_label: str | None = None
    fill: str | None = None  # the bar's colour (e.g. from :func:`good_to_bad`); None: the stylesheet's


def good_to_bad(value: float, best: float, worst: float) -> str:
    """A colour saying how good ``value`` is between ``worst`` (red) and ``best`` (green), through
    amber: the best bar green, the worst red (all equal: all green)."""
    share = 1.0 if best == worst else min(max((value - worst) / (best - worst), 0.0), 1.0)
    return f"hsl({round(share * 120)}, 65%, 38%)"


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


def _svg_start(css_class: str, width: int, height: int, title: str, desc: str = "") -> list[str]:
    """The opening ``<svg>`` tag with its accessible name (aria-label, ``<title>``, ``<desc>``)."""
    parts = [f'<svg class="{css_class}" xmlns="http://www.w3.org/2000/svg" role="img" width="{width}"'
             f' height="{height}" viewBox="0 0 {width} {height}" font-size="{FONT_SIZE}"'
             f' aria-label="{escape(title)}">']
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    if desc:
        parts.append(f"<desc>{escape(desc)}</desc>")
    return parts


def _empty(width: int, height: int) -> str:
    return (f'<text x="{_px(width / 2)}" y="{_px(height / 2 + FONT_SIZE / 3)}" text-anchor="middle"'
            f' class="empty">暂无数据</text>')


def bar_chart(bars: list[Bar], *, width: int = 720, bar_height: int = 22, gap: int = 6,
              title: str = "", axis: float | None = None) -> Markup:
    """A horizontal bar chart as an ``<svg class="bars">`` element, safe to put in a page.

    The length of each bar is ``abs(value) * scale`` with one scale for all bars (the largest
    magnitude spans the plot area).  ``width`` is the whole drawing, labels included.  ``axis``:
    a fixed axis from zero to at least that value (a ranking's full marks), drawn with its ticks
    and grid lines below the bars, so a bar's length reads against it."""
    for bar in bars:
        if not math.isfinite(bar.value):
            raise ValueError(f"bar {bar.label!r}: value {bar.value!r} is not a finite number")
    label_width = min(max((text_width(b.label) for b in bars), default=0) + 10, MAX_LABEL_WIDTH)
    plot_left = label_width
    plot_width = max(width - label_width - VALUE_WIDTH, 40)
    low = min([0.0, *(b.value for b in bars)])
    high = max([0.0, *(b.value for b in bars)])
    ticks: list[int] = []
    if axis is not None and bars:
        if not math.isfinite(axis) or axis <= 0:
            raise ValueError(f"axis {axis!r} must be a positive finite number")
        ticks = integer_ticks(max(high, axis), most=7)
        high = float(ticks[-1])
    span = (high - low) or 1.0
    scale = plot_width / span
    zero = plot_left + (-low) * scale
    rows = max(len(bars), 1)
    plot_bottom = rows * (bar_height + gap) + gap
    height = plot_bottom + (LINE_HEIGHT + 4 if ticks else 0)
    parts = _svg_start("bars", width, height, title)
    if not bars:
        parts.append(_empty(width, height))
    for tick in ticks:  # the fixed axis: grid lines and their values
        x = zero + tick * scale
        parts.append(f'<g class="tick"><line x1="{_px(x)}" y1="0" x2="{_px(x)}" y2="{plot_bottom}" stroke="#e3e3e3"/>'
                     f'<text class="axis" x="{_px(x)}" y="{_px(plot_bottom + LINE_HEIGHT)}" text-anchor="middle"'
                     f' fill="#777">{tick}</text></g>')
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
            + (f' fill="{escape(bar.fill)}"' if bar.fill else "") +
            f' data-value="{escape(number(bar.value))}"><title>{escape(bar.label)}：{escape(value_text)}</title></rect>'
            f'<text class="value" x="{_px(value_x)}" y="{_px(middle)}" text-anchor="{anchor}">{escape(value_text)}</text>'
            f'</g>')
    if bars and low < 0:
        parts.append(f'<line class="zero" x1="{_px(zero)}" y1="0" x2="{_px(zero)}" y2="{height}" stroke="#999"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Category:
    """One group of a trend chart: the label under it (3月), an optional second line (2026年)
    and its full name for the tooltips (2026年3月; default: the label)."""

    label: str
    note: str = ""
    name: str = ""


@dataclass(frozen=True)
class Series:
    """One series of a trend chart: its name in the legend, one value per category (counts, not
    negative), a CSS class and its fill colour."""

    label: str
    values: tuple[float, ...]
    css_class: str
    colour: str


def _nice_steps():
    """2, 5, 10, 20, 50, 100 …"""
    power = 1
    while True:
        yield from (2 * power, 5 * power, 10 * power)
        power *= 10


def integer_ticks(high: float, most: int = 5) -> list[int]:
    """Whole-number y-axis ticks from 0 past ``high``: at most ``most`` steps of 1, 2 or 5 × 10ⁿ."""
    step, steps = 1, _nice_steps()
    while math.ceil(high / step) > most:
        step = next(steps)
    top = max(math.ceil(high / step), 1) * step
    return list(range(0, top + 1, step))


def _check_series(categories: list[Category], series: list[Series]) -> None:
    for one in series:
        if len(one.values) != len(categories):
            raise ValueError(f"series {one.label!r}: {len(one.values)} values for {len(categories)} categories")
        for value in one.values:
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"series {one.label!r}: value {value!r} is not a count")


def _legend(series: list[Series], left: float) -> str:
    parts, x = ['<g class="legend">'], left
    for one in series:
        parts.append(f'<rect class="key {escape(one.css_class)}" x="{_px(x)}" y="6" width="10" height="10"'
                     f' fill="{escape(one.colour)}"/>'
                     f'<text x="{_px(x + 16)}" y="15">{escape(one.label)}</text>')
        x += 16 + text_width(one.label) + 18
    parts.append("</g>")
    return "".join(parts)


def _y_axis(ticks: list[int], left: float, right: float, bottom: float, scale: float) -> str:
    parts = ['<g class="axis y">']
    for tick in ticks:
        y = bottom - tick * scale
        parts.append(f'<line class="grid" x1="{_px(left)}" y1="{_px(y)}" x2="{_px(right)}" y2="{_px(y)}"'
                     f' stroke="{"#999" if tick == 0 else "#e3e3e3"}"/>'
                     f'<text x="{_px(left - 6)}" y="{_px(y + FONT_SIZE / 3)}" text-anchor="end">{tick}</text>')
    parts.append("</g>")
    return "".join(parts)


def _group(category: Category, series: list[Series], index: int, left: float, slot: float, bottom: float,
           scale: float) -> str:
    """One category's bars, their numbers and its label under the axis."""
    bar_width = slot * 0.8 / len(series)
    start = left + slot * 0.1
    name = category.name or category.label
    parts = [f'<g class="group" data-category="{escape(name)}">']
    for position, one in enumerate(series):
        value = one.values[index]
        x, height = start + position * bar_width, value * scale
        text = number(value)
        tooltip = f"{name} {one.label}：{text}"
        parts.append(f'<rect class="bar {escape(one.css_class)}" x="{_px(x + 1)}" y="{_px(bottom - height)}"'
                     f' width="{_px(max(bar_width - 2, 1))}" height="{_px(height)}" fill="{escape(one.colour)}"'
                     f' data-value="{escape(text)}"><title>{escape(tooltip)}</title></rect>')
        if value > 0 and text_width(text) <= bar_width + 2:
            parts.append(f'<text class="value" x="{_px(x + bar_width / 2)}" y="{_px(bottom - height - 3)}"'
                         f' text-anchor="middle" fill="#555">{escape(text)}</text>')
    middle = left + slot / 2
    for line, label in enumerate(t for t in (category.label, category.note) if t):
        parts.append(f'<text class="category" x="{_px(middle)}" y="{_px(bottom + (line + 1) * LINE_HEIGHT)}"'
                     f' text-anchor="middle">{escape(_fit(label, int(slot)))}</text>')
    parts.append("</g>")
    return "".join(parts)


def trend_chart(categories: list[Category], series: list[Series], *, width: int = 720, height: int = 280,
                title: str = "", desc: str = "") -> Markup:
    """Grouped vertical bars as an ``<svg class="trend">`` element, safe to put in a page.

    Every bar's height is ``value * scale`` with one scale for the whole chart (the top y-axis
    tick spans the plot area); a zero value draws an empty bar that keeps its place."""
    _check_series(categories, series)
    high = max((v for one in series for v in one.values), default=0)
    ticks = integer_ticks(high)
    plot_left = max(text_width(str(ticks[-1])) + 10, 24)
    plot_right = width - 4
    plot_top, bottom = LEGEND_HEIGHT + 10, height - 2 * LINE_HEIGHT - 6
    scale = (bottom - plot_top) / ticks[-1]
    parts = _svg_start("trend", width, height, title, desc)
    if not categories or not series:
        parts.append(_empty(width, height))
    else:
        parts += [_legend(series, plot_left), _y_axis(ticks, plot_left, plot_right, bottom, scale)]
        slot = (plot_right - plot_left) / len(categories)
        parts += [_group(category, series, index, plot_left + index * slot, slot, bottom, scale)
                  for index, category in enumerate(categories)]
    parts.append("</svg>")
    return Markup("".join(parts))


__all__ = ["Bar", "Category", "Series", "bar_chart", "good_to_bad", "trend_chart", "integer_ticks", "number", "text_width"]
