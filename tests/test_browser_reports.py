"""The reports in a real browser (issue 16, points 1 and 2): the district head opens the weekly report
on a phone (390×844, no sideways scroll) and downloads it; the office edits the worker's draft,
issues it after confirming, and downloads the .docx it issued."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from browser import TIMEOUT_MS, live, login, pages, shot, submit, visit  # noqa: F401  (fixtures)
from docx import Document

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


def _caught_up(live) -> None:  # noqa: F811
    from web.context import Reads

    assert Reads(live.duban).caught_up_to(live.duban.saved_position, timeout=10), "the worker did not catch up"


def _a_week(live) -> None:  # noqa: F811
    """Week 10 (3月2日至3月6日): an item of 区住建局 misses its deadline; it is now the Monday after."""
    live.duban.clock.day = date(2026, 3, 2)
    live.item("清理河道沿线垃圾", lead="A", sign=True, deadline=date(2026, 3, 4))
    live.duban.clock.day = date(2026, 3, 9)
    _caught_up(live)


def _docx_text(content: bytes) -> str:
    document = Document(BytesIO(content))
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for row in t.rows for c in row.cells])


def test_the_district_head_opens_the_weekly_report_on_a_phone(live, chromium):  # noqa: F811
    _a_week(live)
    context = chromium.new_context(**PHONE, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        login(page, live, "quzhang")
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("link", name="督查工作情况报告（周报、半年报告、全年总结）").click()
        shot(page, "phone-head-weekly-report")
        text = page.inner_text("main")
        assert "2026年第10周（3月2日至3月6日）" in text and "清理河道沿线垃圾" in text and "区住建局" in text
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"], \
            "the weekly report scrolls sideways on a phone"
        for width in (360,):  # the narrowest phone the project serves
            page.set_viewport_size({"width": width, "height": 800})
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        with page.expect_download() as download:
            page.get_by_role("link", name="下载报告（Word）").click()
        content = open(download.value.path(), "rb").read()
        assert "关于2026年第10周（3月2日至3月6日）督查工作情况的报告" in _docx_text(content)
    finally:
        context.close()


def test_the_office_edits_a_draft_issues_it_and_downloads_the_docx(live, pages):  # noqa: F811
    _a_week(live)
    drafted = live.duban.draft_due_reports(live.world.district, date(2026, 3, 6), date(2026, 3, 7))
    assert [r.period for r in drafted] == ["2026-W10"]
    _caught_up(live)
    office = pages.login("duchashi")
    visit(office, live, "/office/reports", "office-reports")
    with office.expect_navigation(wait_until="load"):
        office.locator(f"tr[data-report='{drafted[0].id.hex}'] a").click()
    submit(office, "保存修改", "office-report-edited", foreword="本周重点督办河道整治。",
           highlights="晴川街提前完成老旧小区改造方案。", comments="建议对区住建局逾期事项予以催办。")
    assert "已保存修改" in office.inner_text("main")
    assert "本周重点督办河道整治。" in office.inner_text("article")  # the preview prints it
    # issuing asks for a confirmation first
    submit(office, "印发", "office-report-unconfirmed", expect_status=422)
    assert "确认印发" in office.locator(".field-error[data-field='confirm']").inner_text()
    office.locator("input[name=confirm]").check()
    submit(office, "印发", "office-report-issued")
    main = office.inner_text("main")
    assert "督报〔2026〕1号" in main and "已印发" in main
    assert office.get_by_role("button", name="保存修改").count() == 0  # an issued report is not edited
    with office.expect_download() as download:
        office.get_by_role("link", name="下载（Word）").click()
    content = open(download.value.path(), "rb").read()
    words = _docx_text(content)
    assert "督报〔2026〕1号" in words and "本周重点督办河道整治。" in words and "建议对区住建局逾期事项予以催办。" in words
    # downloaded again, the issued file is the same, byte for byte
    again = office.request.get(live.url(f"/office/reports/{drafted[0].id.hex}/document.docx"))
    assert again.body() == content
