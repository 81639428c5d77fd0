"""The monthly trend (近12个月趋势) on the leader's portfolio page: a chart drawn by the app and
the same numbers in a table, for the units the leader sees (the district head: all).

Items (today 2026-03-02; A and B are V1's units, C is V2's):

| lead | opened | deadline | what happens | overdue at the end of |
| B | 01-12 | 01-30 | signed off 02-10 | January |
| A | 02-03 | 02-20 | nothing | February, March |
| C | 02-03 | 02-20 | nothing | February, March |
| A | 03-02 | 03-31 | nothing | — |
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from web_world import web  # noqa: F401

SVG = "{http://www.w3.org/2000/svg}"
EMPTY_MONTHS = [(0, 0, 0)] * 9  # 2025-04 … 2025-12


@pytest.fixture
def items(web):
    app, world = web.app, web.world
    signed = web.item("雨污分流改造", lead="B", sign=True, decision_date=date(2026, 1, 9), deadline=date(2026, 1, 30),
                      on=date(2026, 1, 12))
    app.report_completion(signed, "已完成", world.unit("B"), on=date(2026, 2, 10))
    app.sign_off_item(signed, world.office, on=date(2026, 2, 10))
    for title, lead in (("背街小巷整治", "A"), ("占道经营整治", "C")):
        web.item(title, lead=lead, sign=True, decision_date=date(2026, 2, 2), deadline=date(2026, 2, 20),
                 on=date(2026, 2, 3))
    web.item("老旧小区改造", lead="A", sign=True, deadline=date(2026, 3, 31))


def trend_section(html: str) -> str:
    return html.split('<section class="card" id="trend">', 1)[1].split("</section>", 1)[0]


def table(section: str) -> tuple[list[str], list[tuple[int, int, int]]]:
    """The table's months and (新交办, 已销号, 逾期) per month."""
    months = re.findall(r'<th scope="col" data-month="([\d-]+)">', section)
    rows = {}
    for series in ("opened", "signed-off", "overdue"):
        row = re.search(rf'<tr data-series="{series}">(.*?)</tr>', section, re.S)[1]
        rows[series] = [int(n) for n in re.findall(r"<td>(\d+)</td>", row)]
    return months, list(zip(rows["opened"], rows["signed-off"], rows["overdue"]))


def chart(section: str) -> list[tuple[int, int, int]]:
    """(新交办, 已销号, 逾期) per month as the SVG's bars carry them."""
    root = ET.fromstring(re.search(r"<svg.*?</svg>", section, re.S)[0])  # well-formed XML
    values = {}
    for series in ("opened", "signed-off", "overdue"):
        values[series] = [int(r.get("data-value")) for r in root.iter(f"{SVG}rect")
                          if r.get("class", "").split() == ["bar", series]]
    return list(zip(values["opened"], values["signed-off"], values["overdue"]))


def test_the_district_head_sees_the_whole_districts_trend(web, items):
    page = web.client("quzhang").get("/leader")
    assert page.status_code == 200
    section = trend_section(page.text)
    assert "近12个月趋势" in section and 'role="img"' in section and "<title>近12个月督办事项趋势</title>" in section
    months, counts = table(section)
    assert months == [f"2025-{m:02d}" for m in range(4, 13)] + ["2026-01", "2026-02", "2026-03"]
    assert counts == EMPTY_MONTHS + [(1, 0, 1), (2, 1, 2), (1, 0, 2)]
    assert chart(section) == counts  # the chart draws the numbers of the table
    assert "http" not in section.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in page.text


def test_a_vice_heads_trend_counts_only_their_units(web, items):
    v1 = trend_section(web.client("fuquzhang").get("/leader").text)  # A and B
    assert table(v1)[1] == EMPTY_MONTHS + [(1, 0, 1), (1, 1, 1), (1, 0, 1)]
    assert chart(v1) == table(v1)[1]
    v2 = trend_section(web.client("fuquzhang2").get("/leader").text)  # C
    assert table(v2)[1] == EMPTY_MONTHS + [(0, 0, 0), (1, 0, 1), (0, 0, 1)]
    assert chart(v2) == table(v2)[1]


def test_this_months_overdue_agrees_with_the_portfolio_tiles(web, items):
    page = web.client("quzhang").get("/leader").text
    tile = re.search(r'<div class="tile red"><b>(\d+)</b><span>已逾期</span>', page)
    assert tile and int(tile[1]) == table(trend_section(page))[1][-1][2] == 2
