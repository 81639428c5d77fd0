"""The report to the district head and the office's reports on the web (issue 16, points 1 and 2):
the head's page, its Word file and its API for a week; the office's list, edit form, issue with
confirmation and download; who may see what."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from docx import Document
from web_world import web  # noqa: F401  (the fixture)

from domain.report_document import ReportDocument

MONDAY, FRIDAY = date(2026, 3, 2), date(2026, 3, 6)


def a_week(web):  # noqa: F811
    """Week 10 of 2026: two items assigned; A's misses its deadline (3月4日), B's is signed off."""
    app, world, clock = web.app, web.world, web.app.clock
    late = web.item("整治背街小巷环境", lead="A", sign=True, deadline=date(2026, 3, 4))
    done = web.item("改造月湖片区口袋公园", lead="B", sign=True, deadline=date(2026, 3, 31))
    clock.day = FRIDAY
    app.report_completion(done, "口袋公园已建成开放", world.unit("B"))
    app.sign_off_item(done, world.office)
    app.tick()
    clock.day = date(2026, 3, 9)
    return late, done


def _docx_text(content: bytes) -> str:
    document = Document(BytesIO(content))
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for row in t.rows for c in row.cells])


def test_the_district_head_reads_the_week_on_a_page_in_word_and_in_the_api(web):  # noqa: F811
    a_week(web)
    web.reads()
    head = web.client("quzhang")
    html = head.get("/leader/report").text  # by default the last working week over: 3月2日至3月6日
    assert "2026年第10周（3月2日至3月6日）" in html
    assert "整治背街小巷环境" in html and "改造月湖片区口袋公园" in html and "区住建局" in html
    assert "本期新交办督办事项2件，办结销号1件；逾期未办结1件，涉及1个单位" in html
    answer = head.get("/leader/report.docx?period=2026-W10")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    words = _docx_text(answer.content)
    assert "关于2026年第10周（3月2日至3月6日）督查工作情况的报告" in words and "区长：" in words
    figures = head.get("/api/head-report?period=2026-W10").json()
    assert (figures["opened"], figures["signed_off"], figures["overdue_total"]) == (2, 1, 1)
    assert figures["as_of"] == FRIDAY.isoformat() and figures["overdue"][0]["unit"] == "区住建局"
    assert head.get("/api/head-report?period=2026-W99").json()["error"]["field"] == "period"
    # a vice head and a unit are refused; the office reads it too
    assert web.client("fuquzhang").get("/leader/report").status_code == 403
    assert web.client("zhujianju").get("/leader/report").status_code == 403
    assert web.client("duchashi").get("/leader/report?period=2026-W10").status_code == 200


def test_the_office_edits_a_draft_issues_it_after_confirming_and_downloads_it(web):  # noqa: F811
    a_week(web)
    app, world = web.app, web.world
    drafted = app.draft_due_reports(world.district, FRIDAY, date(2026, 3, 7))
    assert [(r.kind.value, r.period) for r in drafted] == [("weekly", "2026-W10")]
    report = drafted[0].id
    web.reads()
    office = web.client("duchashi")
    listed = office.get("/office/reports").text
    assert f'href="/office/reports/{report.hex}"' in listed and "督查工作周报" in listed and "草稿" in listed
    page = f"/office/reports/{report.hex}"
    saved = office.post(f"{page}/edit", data=web.form(office, version="1", foreword="本周集中整治背街小巷。",
                                                      comments="建议约谈区住建局。"), follow_redirects=False)
    assert saved.status_code in (302, 303)
    assert "本周集中整治背街小巷。" in office.get(page).text
    unconfirmed = office.post(f"{page}/issue", data=web.form(office, version="2"), follow_redirects=False)
    assert unconfirmed.status_code == 422 and "确认印发" in unconfirmed.text
    issued = office.post(f"{page}/issue", data=web.form(office, version="2", confirm="1"), follow_redirects=False)
    assert issued.status_code in (302, 303)
    assert "督报〔2026〕1号" in office.get(page).text
    first = office.get(f"{page}/document.docx").content
    assert "督报〔2026〕1号" in _docx_text(first) and "建议约谈区住建局。" in _docx_text(first)
    # issued: no more edits (the API answers the rule), and the district head reads the same file
    refused = office.post(f"/api/reports/{report.hex}/edit", json={"foreword": "再改"},
                          headers=web.csrf_headers(office))
    assert refused.status_code == 422 and refused.json()["error"]["rule"] == "report.issued"
    web.reads()
    head = web.client("quzhang")
    assert "督报〔2026〕1号" in head.get("/leader/reports").text
    assert head.get(f"/leader/reports/{report.hex}/document.docx").content == first
    # another district's office does not find it
    assert web.client("other-office").get(page).status_code == 404
    assert isinstance(app.report_document(report, world.office), ReportDocument)
