"""Server-side SVG charts (web.charts): bars proportional to values, negatives and zeros drawn
sensibly, every text escaped, and the result valid XML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from web.charts import Bar, Category, Series, bar_chart, good_to_bad, integer_ticks, number, trend_chart

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


# -- the monthly trend (grouped bars) -------------------------------------------------------------------
MONTHS = [Category("1月", "2026年", "2026年1月"), Category("2月", "", "2026年2月"), Category("3月", "", "2026年3月")]
SERIES = [Series("新交办", (4, 2, 0), "opened", "#1565c0"), Series("已销号", (0, 3, 1), "signed-off", "#2e7d32"),
          Series("逾期", (1, 1, 8), "overdue", "#c62828")]


def trend_bars(root: ET.Element, css_class: str) -> list[ET.Element]:
    return [r for r in bars_of(root) if css_class in r.get("class", "").split()]


def test_the_trend_draws_one_bar_per_series_and_month_with_its_number():
    root = parse(trend_chart(MONTHS, SERIES, title="近3个月趋势", desc="每月新交办、已销号和逾期的督办事项数"))
    for series in SERIES:
        bars = trend_bars(root, series.css_class)
        assert [b.get("data-value") for b in bars] == [str(v) for v in series.values], series.label
        tips = [b.find(f"{SVG}title").text for b in bars]
        assert tips[0] == f"2026年1月 {series.label}：{series.values[0]}"  # the number as a tooltip
    legend = [t.text for t in root.find(f"{SVG}g[@class='legend']").iter(f"{SVG}text")]
    assert legend == ["新交办", "已销号", "逾期"]
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "category"]
    assert labels == ["1月", "2026年", "2月", "3月"]
    values = sorted(t.text for t in root.iter(f"{SVG}text") if t.get("class") == "value")
    assert values == sorted(["4", "2", "3", "1", "1", "1", "8"])  # every non-zero number written on its bar


def test_trend_bars_share_one_scale_from_a_common_baseline():
    root = parse(trend_chart(MONTHS, SERIES))
    heights = {b.get("data-value"): float(b.get("height")) for b in bars_of(root)}
    assert heights["0"] == 0 and heights["1"] > 0
    for value in ("2", "3", "4", "8"):
        assert heights[value] == pytest.approx(int(value) * heights["1"], abs=0.5), value  # px rounded to 0.1
    bottoms = {round(float(b.get("y")) + float(b.get("height")), 1) for b in bars_of(root)}
    assert len(bottoms) == 1  # all stand on the zero line
    top = min(float(b.get("y")) for b in bars_of(root))
    assert top > 0 and max(float(b.get("x")) + float(b.get("width")) for b in bars_of(root)) <= 720
    # within a month the series stand side by side, in order, and the months follow each other
    xs = [float(b.get("x")) for b in bars_of(root)]
    assert xs == sorted(xs)


def test_the_trend_y_axis_has_whole_number_ticks_above_the_largest_value():
    root = parse(trend_chart(MONTHS, SERIES))
    ticks = [t.text for t in root.find(f"{SVG}g[@class='axis y']").iter(f"{SVG}text")]
    assert ticks == ["0", "2", "4", "6", "8"]
    assert integer_ticks(0) == [0, 1] and integer_ticks(3) == [0, 1, 2, 3] and integer_ticks(11) == [0, 5, 10, 15]
    assert integer_ticks(240) == [0, 50, 100, 150, 200, 250]


def test_the_trend_is_accessible_and_self_contained():
    markup = str(trend_chart(MONTHS, SERIES, title="近3个月趋势", desc="说明"))
    root = parse(markup)
    assert root.get("role") == "img" and root.get("aria-label") == "近3个月趋势"
    assert root.find(f"{SVG}title").text == "近3个月趋势" and root.find(f"{SVG}desc").text == "说明"
    for external in ("http:", "https:", "<script", "url(", "href", "@import", "font-face"):
        assert external not in markup.replace('xmlns="http://www.w3.org/2000/svg"', ""), external


def test_trend_texts_are_escaped_and_bad_values_refused():
    markup = str(trend_chart([Category("<b>1月</b>", name="A & B")],
                             [Series("<script>x</script>", (1,), 'x" onload="y', "#000")], title="<T>"))
    assert "<script>" not in markup and 'onload="y"' not in markup and "<b>" not in markup
    parse(markup)
    with pytest.raises(ValueError):
        trend_chart(MONTHS, [Series("新交办", (1, 2), "opened", "#000")])  # one value missing
    with pytest.raises(ValueError):
        trend_chart(MONTHS, [Series("新交办", (1, -2, 0), "opened", "#000")])  # not a count
    empty = parse(trend_chart([], []))
    assert bars_of(empty) == [] and "暂无数据" in [t.text for t in empty.iter(f"{SVG}text")]


# -- the ranking chart: to scale against a fixed axis, coloured good to bad ----------------------------
def test_bars_on_a_fixed_axis_are_proportional_to_their_scores_not_stretched_to_one_length():
    root = parse(bar_chart([Bar("甲", 100), Bar("乙", 95), Bar("丙", 50)], width=600, axis=100))
    widths = [float(r.get("width")) for r in bars_of(root)]
    assert widths[1] == pytest.approx(widths[0] * 0.95, abs=0.1)
    assert widths[2] == pytest.approx(widths[0] * 0.5, abs=0.1)
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "axis"]
    assert ticks[0] == "0" and ticks[-1] == "100"  # the axis drawn, from zero to full marks
    # the same scores drawn again beside a unit scoring 80 keep their lengths: the axis is fixed
    again = parse(bar_chart([Bar("甲", 100), Bar("丁", 80)], width=600, axis=100))
    assert float(bars_of(again)[0].get("width")) == pytest.approx(widths[0], abs=0.1)


def test_an_axis_grows_to_hold_a_score_above_full_marks():
    root = parse(bar_chart([Bar("甲", 104), Bar("乙", 90)], width=600, axis=100))
    ticks = [int(t.text) for t in root.iter(f"{SVG}text") if t.get("class") == "axis"]
    assert ticks[-1] >= 104
    assert all(float(r.get("x")) + float(r.get("width")) <= 600 for r in bars_of(root))


def test_colours_say_good_and_bad_the_best_green_the_worst_red():
    assert good_to_bad(100, best=100, worst=80) == "hsl(120, 65%, 38%)"  # green
    assert good_to_bad(80, best=100, worst=80) == "hsl(0, 65%, 38%)"  # red
    assert good_to_bad(90, best=100, worst=80) == "hsl(60, 65%, 38%)"  # between: amber
    assert good_to_bad(95, best=95, worst=95) == "hsl(120, 65%, 38%)"  # all equal: none is bad
    root = parse(bar_chart([Bar("甲", 100, fill=good_to_bad(100, 100, 80)), Bar("乙", 80, fill=good_to_bad(80, 100, 80))]))
    assert [r.get("fill") for r in bars_of(root)] == ["hsl(120, 65%, 38%)", "hsl(0, 65%, 38%)"]
