"""The office's page of deadline changes in a real browser, on a 360 px wide screen: the ledger's
footnote says a deadline is estimated and links to the page; once the deployment administrator has
loaded the year's holiday schedule (in another process, the server still running) the footnote is
gone, and the page lists the deadline the schedule moved — nothing scrolls sideways."""

from __future__ import annotations

import time
from datetime import date

from browser import TIMEOUT_MS, live, login, shot  # noqa: F401  (fixtures)

from domain.actor import deployment_actor
from domain.calendar import parse_schedule
from domain.sources import SourceKind

NARROW = {"viewport": {"width": 360, "height": 780}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
SCHEDULE_2027 = "2027-02-06..2027-02-13 休 春节\n2027-02-14 班 春节调休\n2027-02-20 班 春节调休\n"


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= NARROW["viewport"]["width"]


def test_the_ledger_footnote_leads_to_the_deadlines_the_loaded_schedule_moved(live, chromium):
    app = live.duban
    app.clock.set(date(2027, 2, 1))
    item = live.world.item(lead="A", sign=True, title="春节期间保障市场供应", source=SourceKind.LEADER_INSTRUCTION,
                           reference="批示〔2027〕1号", decision_date=date(2027, 2, 1), working_days=5)
    number = app.item(item, live.world.office).number_label
    context = chromium.new_context(**NARROW)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        login(page, live, "duchashi")
        page.goto(live.url("/office/ledger"), wait_until="load")
        footnote = page.locator("#estimated-footnote")
        assert footnote.is_visible() and "国家节假日安排尚未载入" in footnote.inner_text()
        assert _fits(page), "the ledger scrolls sideways at 360 px"
        shot(page, "ledger-estimated-footnote")

        app.clock.set(date(2027, 2, 2))
        app.load_calendar(parse_schedule(SCHEDULE_2027), "国办发明电〔2026〕7号", deployment_actor("ops"))
        deadline = time.monotonic() + 10
        while True:  # the server's worker catches up; no restart
            page.goto(live.url("/office/ledger"), wait_until="load")
            if not page.locator("#estimated-footnote").count() or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert not page.locator("#estimated-footnote").count(), "the footnote stays once nothing is estimated"
        with page.expect_navigation(wait_until="load"):
            page.locator("a", has_text="时限调整记录").first.click()
        text = page.inner_text("main")
        assert number in text and "2027-02-08" in text and "2027-02-14" in text
        assert "决策后5个工作日" in text and "working_days" not in text
        labels = page.evaluate("[...document.querySelectorAll('table.deadline-changes tbody tr:first-child td')]"
                               ".map(td => getComputedStyle(td, '::before').content)")
        assert any("原时限" in label for label in labels) and any("新时限" in label for label in labels), labels
        assert _fits(page), "the deadline changes page scrolls sideways at 360 px"
        shot(page, "deadline-changes-narrow")
    finally:
        context.close()
