"""Server-side SVG charts (web.charts): bars proportional to values, negatives and zeros drawn
sensibly, every text escaped, and the result valid XML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from web.charts import Bar, bar_chart, number

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    root = ET.fromstring(str(markup))  # raises if the SVG is not well-formed XML
    assert root.tag == f"{SVG}svg"
    return root


def bars_of(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if "bar" in r.get("class", "").split()]


def test_one_bar_per_value_with_lengths_proportional_to_the_values():
    root = parse(bar_chart([Bar("甲", 100), Bar("乙", 50), Bar("丙", 25)], width=600))
    rects = bars_of(root)
    assert len(rects) == 3
    widths = [float(r.get("width")) for r in rects]
    assert widths[0] > 0
    assert widths[1] == pytest.approx(widths[0] / 2, abs=0.1)
    assert widths[2] == pytest.approx(widths[0] / 4, abs=0.1)
    assert len({r.get("x") for r in rects}) == 1  # all start at the zero line
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "甲" in texts and "乙" in texts and "100" in texts and "50" in texts and "25" in texts


def test_the_longest_bar_stays_inside_the_drawing():
    root = parse(bar_chart([Bar("区住建局", 98.5), Bar("晴川街", 100)], width=500))
    for rect in bars_of(root):
        assert float(rect.get("x")) >= 0 and float(rect.get("x")) + float(rect.get("width")) <= 500


def test_negative_values_grow_left_of_the_zero_line_on_the_same_scale():
    root = parse(bar_chart([Bar("甲", 10), Bar("乙", -5), Bar("丙", -10)], width=600))
    plus, minus_half, minus = bars_of(root)
    zero = float(plus.get("x"))
    assert float(minus.get("x")) + float(minus.get("width")) == pytest.approx(zero, abs=0.1)
    assert float(minus.get("x")) < float(minus_half.get("x")) < zero
    assert float(minus.get("width")) == pytest.approx(float(plus.get("width")), abs=0.1)
    assert float(minus_half.get("width")) == pytest.approx(float(plus.get("width")) / 2, abs=0.1)
    assert root.find(f"{SVG}line") is not None  # the zero line is drawn


def test_zero_values_and_all_zero_charts_draw_empty_bars_but_keep_their_rows():
    root = parse(bar_chart([Bar("甲", 0), Bar("乙", 0)]))
    rects = bars_of(root)
    assert len(rects) == 2 and all(float(r.get("width")) == 0 for r in rects)
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "name"] == ["甲", "乙"]


def test_no_bars_says_so():
    root = parse(bar_chart([]))
    assert bars_of(root) == [] and "暂无数据" in [t.text for t in root.iter(f"{SVG}text")]


def test_names_titles_and_classes_are_escaped():
    markup = str(bar_chart([Bar('<script>alert("x")</script>&', 3, css_class='bottom" onload="x')],
                           title="A & <B>"))
    assert "<script>" not in markup and 'onload="x"' not in markup
    root = parse(markup)
    assert root.get("aria-label") == "A & <B>"
    names = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "name"]
    assert names and names[0].startswith('<script>')  # shown as text, not run


def test_css_classes_mark_bottom_bars():
    root = parse(bar_chart([Bar("甲", 100), Bar("乙", 90, css_class="bottom mine")]))
    assert [r.get("class") for r in bars_of(root)] == ["bar", "bar bottom mine"]


def test_long_names_are_cut_to_fit_but_kept_whole_in_the_tooltip():
    name = "区城市管理执法局某某某某某某某某某某某某某某某某分局"
    root = parse(bar_chart([Bar(name, 1)]))
    shown = next(t.text for t in root.iter(f"{SVG}text") if t.get("class") == "name")
    assert shown.endswith("…") and len(shown) < len(name)
    assert name in "".join(t.text or "" for t in root.iter(f"{SVG}title"))


def test_non_finite_values_are_refused():
    with pytest.raises(ValueError):
        bar_chart([Bar("甲", float("nan"))])


def test_numbers_are_written_as_people_write_them():
    assert [number(v) for v in (100.0, 98.5, -2.25, 0.0, -0.0, 1 / 3)] == ["100", "98.5", "-2.25", "0", "0", "0.33"]
    assert re.search(r'data-value="-2.5"', str(bar_chart([Bar("甲", -2.5)])))
