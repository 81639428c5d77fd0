"""The bulletin (通报) on a month or quarter: counts by status, on-time rates, the ranking table, the
units criticised and commended, overdue items by unit — as a Word document laid out like the notice,
reproducible for a past period however much has been recorded since."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from urllib.parse import unquote

import pytest
from docx import Document
from docx.oxml.ns import qn
from web_world import web  # noqa: F401  (the fixture)

from documents.bulletin_docx import bulletin_document
from documents.official import DOCX
from domain.errors import InvalidInput

SCHEME = "2026-v2"


def march_in_the_district(web):  # noqa: F811
    """March 2026 in the small district: A finishes on time and is commended, C misses its deadline
    and is criticised, B's item is still running."""
    world, app, clock = web.world, web.app, web.app.clock
    on_time = web.item("改造月湖片区口袋公园", lead="A", sign=True, deadline=date(2026, 3, 20))
    late = web.item("整治背街小巷环境", lead="C", sign=True, deadline=date(2026, 3, 10))
    running = web.item("推进老旧小区改造", lead="B", co=["A"], sign=True, deadline=date(2026, 4, 30))
    clock.day = date(2026, 3, 16)
    app.report_completion(on_time, "口袋公园已建成开放", world.unit("A"))
    app.sign_off_item(on_time, world.office)
    app.tick()  # C's deadline (3月10日) has passed: recorded as missed
    clock.day = date(2026, 3, 20)
    app.criticise_item(late, "逾期未办结且未说明原因", world.office)
    app.commend_item(on_time, "提前完成、群众满意", world.office)
    return on_time, late, running


def _facts(web, period: str, today: date):  # noqa: F811
    return web.reads().bulletins.bulletin(web.world.district, "汉阳区", period, SCHEME, today)


def _texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def _tables(document) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]


def test_the_month_bulletin_counts_rates_ranks_and_names_units(web):  # noqa: F811
    march_in_the_district(web)
    web.app.clock.day = date(2026, 4, 2)
    facts = _facts(web, "2026-03", date(2026, 4, 2))
    assert facts.as_of == date(2026, 3, 31)  # the month is over: the figures stand at its last day
    assert facts.total_items == 3 and facts.opened == 3 and facts.signed_off == 1
    assert dict(facts.status_counts) == {"办理中": 2, "已办结销号": 1}
    assert facts.counts["completed_on_time"] == 1 and facts.counts["completed_late"] == 0
    assert facts.on_time_rate == 1.0
    assert [(m.unit, m.title) for m in facts.commended] == [("区住建局", "改造月湖片区口袋公园")]
    assert [(m.unit, m.title, m.on) for m in facts.criticised] == [("区城管局", "整治背街小巷环境", date(2026, 3, 20))]
    ((unit, rows),) = facts.overdue_by_unit
    assert unit == "区城管局" and [r.title for r in rows] == ["整治背街小巷环境"]
    assert rows[0].working_days_overdue == 15  # 3月10日 to 3月31日, weekends not counted
    by_unit = {u.name: u for u in facts.units}
    assert (by_unit["区住建局"].assigned, by_unit["区住建局"].on_time, by_unit["区住建局"].on_time_rate) == (1, 1, 1.0)
    assert (by_unit["区城管局"].overdue_open, by_unit["区城管局"].on_time_rate) == (1, None)
    ranking = {s.unit_name: s for s in facts.ranking}
    assert ranking["区住建局"].rank == 1 and ranking["区城管局"].score < ranking["晴川街"].score


def test_the_bulletin_document_shows_the_figures_in_the_official_layout(web):  # noqa: F811
    march_in_the_district(web)
    facts = _facts(web, "2026-03", date(2026, 4, 2))
    document = Document(BytesIO(bulletin_document(facts)))
    texts = _texts(document)
    assert texts[0] == "关于2026年3月督办事项办理情况的通报"
    title_run = document.paragraphs[0].runs[0]
    assert title_run.font.size.pt == 22 and title_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    headings = [t for t in texts if t[:2] in ("一、", "二、", "三、", "四、", "五、", "六、", "七、")]
    assert headings == ["一、总体情况", "二、各单位办理情况", "三、综合排名", "四、通报激励", "五、通报批评",
                        "六、逾期未办结事项", "七、工作要求"]
    body = "\n".join(texts)
    assert "共有督办事项3件，其中办理中2件、已办结销号1件" in body
    assert "按期办结率100.0%" in body and "通报批评1次" in body
    assert "1. 区住建局：督〔2026〕1号“改造月湖片区口袋公园”（2026年3月20日）。" in texts
    assert "1. 区城管局：督〔2026〕2号“整治背街小巷环境”（2026年3月20日）。" in texts
    assert "（一）区城管局（1件）" in texts
    assert texts[-1] == "2026年3月31日" and texts[-2] == "区人民政府督查室"

    status, units, ranking, overdue = _tables(document)
    assert status == [["状态", "件数"], ["办理中", "2"], ["已办结销号", "1"], ["合计", "3"]]
    assert units[0] == ["序号", "单位", "本期交办", "按期办结", "逾期办结", "按期办结率", "逾期未办结"]
    assert ["1", "区住建局", "1", "1", "0", "100.0%", "0"] in units
    assert ["3", "区城管局", "1", "0", "0", "—", "1"] in units
    assert ranking[0] == ["名次", "单位", "得分", "备注"] and ranking[1][:2] == ["1", "区住建局"]
    assert overdue == [["编号", "督办事项", "办理时限", "逾期工作日"],
                       ["督〔2026〕2号", "整治背街小巷环境", "2026年3月10日", "15"]]


def test_a_past_bulletin_comes_out_byte_for_byte_the_same_after_later_events(web):  # noqa: F811
    on_time, late, running = march_in_the_district(web)
    world, app = web.world, web.app
    app.clock.day = date(2026, 4, 2)
    first = bulletin_document(_facts(web, "2026-03", date(2026, 4, 2)))

    app.clock.day = date(2026, 4, 10)  # April: C finishes late, B is criticised, a new item arrives
    app.report_completion(late, "已整治完毕", world.unit("C"))
    app.sign_off_item(late, world.office)
    app.criticise_item(running, "月报未按时报送", world.office)
    web.item("新建社区养老服务站", lead="C", decision_date=date(2026, 4, 10))
    app.clock.day = date(2026, 5, 6)
    again = bulletin_document(_facts(web, "2026-03", date(2026, 5, 6)))
    assert again == first

    april = _facts(web, "2026-04", date(2026, 5, 6))
    assert april.counts["completed_late"] == 1 and april.on_time_rate == 0.0 and april.opened == 1
    assert [m.unit for m in april.criticised] == ["晴川街"] and april.overdue_by_unit == []
    quarter = _facts(web, "2026-Q2", date(2026, 5, 6))
    assert quarter.as_of == date(2026, 5, 6) and quarter.period.words == "2026年第二季度"


def test_a_bulletin_for_a_period_not_yet_begun_is_refused(web):  # noqa: F811
    with pytest.raises(InvalidInput) as refused:
        _facts(web, "2026-06", date(2026, 3, 2))
    assert refused.value.rule == "bulletin.future" and "尚未开始" in refused.value.message
    with pytest.raises(InvalidInput):
        _facts(web, "2026-13", date(2026, 3, 2))


def test_the_office_downloads_a_bulletin_from_its_bulletin_page(web):  # noqa: F811
    march_in_the_district(web)
    web.app.clock.day = date(2026, 4, 2)
    office = web.client("duchashi")
    page = office.get("/office/bulletin", params={"period": "2026-03"})
    assert page.status_code == 200
    assert "关于2026年3月督办事项办理情况的通报" in page.text and "区城管局" in page.text
    assert "/office/bulletin.docx?period=2026-03" in page.text
    answer = office.get("/office/bulletin.docx", params={"period": "2026-03", "scheme": SCHEME})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(DOCX)
    assert "汉阳区2026年3月督办事项办理情况通报.docx" in unquote(answer.headers["content-disposition"])
    assert _texts(Document(BytesIO(answer.content)))[0] == "关于2026年3月督办事项办理情况的通报"

    refused = office.get("/office/bulletin", params={"period": "2026-07"})
    assert refused.status_code == 422 and "尚未开始" in refused.text
    assert office.get("/office/bulletin.docx", params={"period": "三月"}).status_code == 422
    assert web.client("zhujianju").get("/office/bulletin").status_code == 403


@pytest.mark.parametrize("today, period, words", [
    (date(2026, 1, 15), "2025-12", "2025年12月"),  # January: December of the year before
    (date(2026, 1, 1), "2025-12", "2025年12月"),
    (date(2026, 3, 2), "2026-02", "2026年2月"),
    (date(2026, 3, 31), "2026-02", "2026年2月"),  # March is not over until it ends
    (date(2026, 10, 9), "2026-09", "2026年9月"),
])
def test_the_bulletin_page_opens_on_the_last_complete_month(web, today, period, words):  # noqa: F811
    """Given today (fixed); when the office opens the bulletin page or downloads the bulletin
    without choosing a period; then both are about the month before this one, the last complete."""
    web.app.clock.day = today
    office = web.client("duchashi")
    page = office.get("/office/bulletin")
    assert page.status_code == 200, page.text
    assert f"关于{words}督办事项办理情况的通报" in page.text
    assert f"/office/bulletin.docx?period={period}&" in page.text.replace("&amp;", "&")
    answer = office.get("/office/bulletin.docx")
    assert answer.status_code == 200 and f"汉阳区{words}督办事项办理情况通报.docx" in unquote(
        answer.headers["content-disposition"])


def test_the_api_answers_the_bulletin_figures_and_the_trend(web):  # noqa: F811
    march_in_the_district(web)
    web.app.clock.day = date(2026, 4, 2)
    answer = web.client("duchashi").get("/api/bulletin", params={"period": "2026-03", "scheme": SCHEME})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["period_words"], body["as_of"], body["total_items"], body["on_time_rate"]) == (
        "2026年3月", "2026-03-31", 3, 1.0)
    assert [(m["unit"], m["title"]) for m in body["criticised"]] == [("区城管局", "整治背街小巷环境")]
    assert [(g["unit"], [i["title"] for i in g["items"]]) for g in body["overdue_by_unit"]] == [
        ("区城管局", ["整治背街小巷环境"])]
    refused = web.client("duchashi").get("/api/bulletin", params={"period": "2026-09"})
    assert refused.status_code == 422 and refused.json()["error"]["rule"] == "bulletin.future"

    def march(user: str) -> dict:
        months = web.client(user).get("/api/trend", params={"months": 2}).json()
        assert [m["month"] for m in months] == ["2026-03", "2026-04"]
        return months[0]

    assert march("quzhang") == {"month": "2026-03", "as_of": "2026-03-31", "opened": 3, "signed_off": 1, "overdue": 1}
    assert march("fuquzhang")["opened"] == 2 and march("fuquzhang")["overdue"] == 0  # A and B only
    assert march("fuquzhang2")["overdue"] == 1  # C's overdue item
    assert web.client("duchashi").get("/api/trend", params={"months": 0}).status_code == 422
