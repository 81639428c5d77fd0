"""Finding things on the pages (查找): the search box and its results for the office and a leader
(limited to the portfolio), the same search in the API, the warning tiles leading to the ledger
filtered by colour, the ledger sorted by colour and by 销号日期, and leaders named by title."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

from web_world import TODAY, web  # noqa: F401

from domain.leadership import LeaderTitle, post_words

MAR05, MAR10, MAR12, MAR20 = date(2026, 3, 5), date(2026, 3, 10), date(2026, 3, 12), date(2026, 3, 20)


def titles(page: str) -> list[str]:
    """The titles of the result or ledger rows, in order."""
    return [unescape(t) for t in re.findall(r'<td class="head"><a href="[^"]+">([^<]+)</a>', page)]


def test_the_office_finds_by_number_title_unit_and_reference(web):
    web.item("整治背街小巷环境卫生", lead="A", reference="汉政办〔2026〕7号")  # 督〔2026〕1号
    web.item("推进老旧小区改造", lead="B", co=["A"])  # 督〔2026〕2号
    web.item("违法建设专项整治", lead="C")  # 督〔2026〕3号
    office = web.client("duchashi")
    web.reads()
    page = office.get("/office/ledger")
    assert 'action="/office/search"' in page.text and 'name="q"' in page.text  # the box in the header
    assert titles(office.get("/office/search", params={"q": "督〔2026〕2号"}).text) == ["推进老旧小区改造"]
    assert titles(office.get("/office/search", params={"q": "2"}).text)[0] == "推进老旧小区改造"  # just 2: that one first
    assert titles(office.get("/office/search", params={"q": "整治"}).text) == ["违法建设专项整治", "整治背街小巷环境卫生"]
    assert titles(office.get("/office/search", params={"q": "晴川街"}).text) == ["推进老旧小区改造"]
    assert titles(office.get("/office/search", params={"q": "汉政办[2026]7号"}).text) == ["整治背街小巷环境卫生"]
    nothing = office.get("/office/search", params={"q": "没有这样的事项"})
    assert nothing.status_code == 200 and "没有找到符合的记录" in nothing.text
    result = office.get("/office/search", params={"q": "整治"}).text
    assert "共找到 2 条" in result and 'href="/office/items/' in result
    assert 'value="整治"' in result  # the words asked stay in the box


def test_a_leader_finds_only_the_items_of_their_portfolio(web):
    web.item("整治背街小巷环境卫生", lead="A")  # A is in V1's portfolio
    web.item("违法建设专项整治", lead="C")  # C is in V2's
    web.reads()
    vice = web.client("fuquzhang")
    assert 'action="/leader/search"' in vice.get("/leader").text
    page = vice.get("/leader/search", params={"q": "整治"})
    assert page.status_code == 200 and titles(page.text) == ["整治背街小巷环境卫生"]
    assert 'href="/leader/items/' in page.text
    assert titles(vice.get("/leader/search", params={"q": "督〔2026〕2号"}).text) == []
    head = web.client("quzhang")
    assert titles(head.get("/leader/search", params={"q": "整治"}).text) == ["违法建设专项整治", "整治背街小巷环境卫生"]
    unit = web.client("zhujianju")
    assert 'name="q"' not in unit.get("/unit").text  # the box is the office's and the leaders'
    assert unit.get("/office/search", params={"q": "整治"}).status_code == 403


def test_the_api_searches_alike_and_refuses_an_empty_search(web):
    web.item("整治背街小巷环境卫生", lead="A", reference="汉政办〔2026〕7号")
    web.item("违法建设专项整治", lead="C")
    web.reads()
    office, vice = web.client("duchashi"), web.client("fuquzhang")
    answer = office.get("/api/search", params={"q": "汉政办〔2026〕7号"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["total"] == 1 and body["rows"][0]["title"] == "整治背街小巷环境卫生"
    assert [r["title"] for r in vice.get("/api/search", params={"q": "整治"}).json()["rows"]] == ["整治背街小巷环境卫生"]
    empty = office.get("/api/search", params={"q": " "})
    assert empty.status_code == 422 and empty.json()["error"]["field"] == "q"
    assert empty.json()["error"]["rule"] == "search.empty"


def test_the_warning_tiles_open_the_ledger_filtered_by_their_colour(web, clock):
    web.item("已逾期的事项", lead="A", sign=True, deadline=MAR05)
    web.item("快到期的事项", lead="B", sign=True, deadline=MAR12)
    web.item("时间还长的事项", lead="C", sign=True, deadline=date(2026, 6, 30))
    clock.set(MAR10)  # 03-05 passed: red; 03-12 two working days away, 6 of its 8 gone at 0 %: yellow (behind)
    office = web.client("duchashi")
    web.reads()
    dashboard = office.get("/office").text
    for colour in ("red", "yellow", "blue"):
        assert f'<a class="tile {colour}" href="/office/ledger?colour={colour}">' in dashboard
    red = re.search(r'<a class="tile red"[^>]*><b>(\d+)</b>', dashboard)
    assert red and red[1] == "1"
    assert titles(office.get("/office/ledger?colour=red").text) == ["已逾期的事项"]
    assert titles(office.get("/office/ledger?colour=yellow").text) == ["快到期的事项"]
    assert titles(office.get("/office/ledger?colour=blue").text) == []
    assert titles(office.get("/office/ledger?colour=none").text) == ["时间还长的事项"]
    assert titles(office.get("/office/ledger?sort=colour").text) == ["已逾期的事项", "快到期的事项", "时间还长的事项"]
    refused = office.get("/office/ledger?colour=purple")
    assert refused.status_code == 422 and "未知的预警颜色" in refused.text


def test_the_ledger_shows_and_sorts_by_the_sign_off_date(web, clock):
    first = web.item("先销号的事项", lead="A", sign=True)
    second = web.item("后销号的事项", lead="B", sign=True)
    web.item("仍在办理的事项", lead="C", sign=True)
    for item, unit, day in ((second, "B", MAR05), (first, "A", MAR10)):
        clock.set(day)
        web.app.report_completion(item, "已办结", web.world.unit(unit))
        web.app.sign_off_item(item, web.world.office)
    clock.set(MAR20)
    office = web.client("duchashi")
    web.reads()
    closed = office.get("/office/ledger?closed=1&sort=closed").text
    assert titles(closed) == ["后销号的事项", "先销号的事项"]
    assert "<th>销号日期</th>" in closed
    assert re.findall(r'data-label="销号日期">([^<]*)<', closed) == ["2026-03-05", "2026-03-10"]
    assert titles(office.get("/office/ledger?closed=1&sort=closed_desc").text) == ["先销号的事项", "后销号的事项"]
    whole = office.get("/office/ledger?closed=all&sort=closed").text  # open rows last
    assert titles(whole) == ["后销号的事项", "先销号的事项", "仍在办理的事项"]
    assert "<th>销号日期</th>" in office.get("/office/ledger").text  # the open ledger shows the column too


def test_leader_columns_name_the_post_by_title_not_the_whole_portfolio(web):
    portfolio = "副区长（城市建设、交通运输、生态环境、园林绿化）"
    leader = web.app.register_leader("V9", LeaderTitle.VICE_HEAD, portfolio, web.world.office, holder="张三")
    web.app.place_unit(web.world.unit_ids["C"], leader.id, TODAY, web.world.office)
    web.item("违法建设专项整治", lead="C")
    office = web.client("duchashi")
    web.reads()
    ledger = office.get("/office/ledger").text
    assert '<td class="leader" data-label="分管领导">副区长 张三</td>' in ledger and portfolio not in ledger


def test_a_post_is_named_by_title_and_holder_or_its_first_field():
    assert post_words(LeaderTitle.VICE_HEAD, "张三", "副区长（城市建设、交通运输）") == "副区长 张三"
    assert post_words(LeaderTitle.VICE_HEAD, "", "副区长（城市建设、交通运输）") == "副区长（城市建设等）"
    assert post_words(LeaderTitle.VICE_HEAD, "", "副区长（教育）") == "副区长（教育）"
    assert post_words(LeaderTitle.VICE_HEAD, "", "副区长") == "副区长"
    assert post_words(LeaderTitle.DISTRICT_HEAD, "", "区长（全面工作、审计）") == "区长"


def test_the_ranking_chart_is_drawn_against_a_fixed_axis_in_colours_of_good_and_bad(web):
    web.reads()
    page = web.client("quzhang").get("/leader/ranking").text
    chart = page[page.index("<svg"):page.index("</svg>")]
    ticks = re.findall(r'<text class="axis"[^>]*>(\d+)</text>', chart)
    assert ticks[0] == "0" and "100" in ticks  # the scheme's base score on the axis
    fills = re.findall(r'<rect class="bar[^"]*"[^>]* fill="([^"]+)"', chart)
    assert fills and all(f.startswith("hsl(") for f in fills)
    assert "得分最高" in page and "得分最低" in page  # the legend says what the colours mean
