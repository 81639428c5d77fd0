"""The day's work of each user group, in a real browser (Debian's Chromium, headless, driven by
Playwright) against the app served by uvicorn.  With DUBAN_SCREENSHOTS=all every page visited is
screenshotted into ``test-output/screenshots/`` for review (a failed test's open pages always are)."""

from __future__ import annotations

import re

from browser import TODAY, live, pages, shot, submit, visit  # noqa: F401  (fixtures)

TITLE = "改造月湖片区口袋公园"


def _hex_from(url: str, prefix: str) -> str:
    found = re.search(prefix + r"([0-9a-f]{32})", url)
    assert found, f"expected a {prefix}<id> page, got {url}"
    return found[1]


def _field_error(page, name: str) -> str:
    return page.locator(f".field-error[data-field='{name}']").inner_text()


def test_an_item_from_registration_to_sign_off(live, pages):
    # -- the office registers and assigns the item -------------------------------------------------
    office = pages.login("duchashi")
    visit(office, live, "/office", "office-dashboard")
    visit(office, live, "/office/items/new", "office-register-form")
    # a missing title is refused beside the field and what was typed stays
    submit(office, "登记", "office-register-refused", expect_status=422, source="区政府常务会议",
           reference="区政府第3次常务会议", decision_date="2026-02-27", title="")
    assert "请填写" in _field_error(office, "title")
    assert office.locator("input[name=reference]").input_value() == "区政府第3次常务会议"
    # the default deadline is shown before registering: a month after the meeting (EM art. 15)
    submit(office, "计算默认时限", "office-register-preview", source="区政府常务会议",
           reference="区政府第3次常务会议", decision_date="2026-02-27", title=TITLE)
    assert "2026-03-27" in office.locator(".deadline-preview").inner_text()
    assert office.locator("input[name=title]").input_value() == TITLE
    submit(office, "登记", "office-registered")
    item = _hex_from(office.url, "/office/items/")
    assert TITLE in office.inner_text("main")
    assert "2026-03-27" in office.inner_text("main"), "a month after the meeting is the default deadline (EM 15)"
    submit(office, "交办", "office-assigned", lead_unit="区住建局")
    assert "待签收" in office.inner_text("main")

    # -- the unit signs for it, reports progress and completion ---------------------------------------
    unit = pages.login("zhujianju")
    visit(unit, live, "/unit", "unit-inbox")
    assert "区住建局（承办单位）" in unit.inner_text("header"), "the header names who is logged in"
    with unit.expect_navigation(wait_until="load"):
        unit.get_by_role("link", name=TITLE).first.click()
    shot(unit, "unit-item")
    assert _hex_from(unit.url, "/unit/items/") == item
    submit(unit, "签收", "unit-signed-for")
    # an empty report is refused beside the field (the browser itself stops percentages over 100)
    submit(unit, "报送进展", "unit-progress-refused", expect_status=422, percent="60", text="")
    assert "请填写" in _field_error(unit, "text")
    assert unit.locator("input[name=percent]").first.input_value() == "60"
    submit(unit, "报送进展", "unit-progress", percent="60", text="已完成方案设计，正在施工")
    submit(unit, "报告办结", "unit-completion", summary="口袋公园已建成开放，附验收照片")
    assert "待核验" in unit.inner_text("main")

    # -- the office checks it and signs it off; the closed ledger shows it ----------------------------
    visit(office, live, f"/office/items/{item}", "office-item-to-verify")
    submit(office, "办结销号", "office-signed-off", note="经核验，已按要求办结", confirmed="on")
    assert "已办结销号" in office.inner_text("main")
    visit(office, live, "/office/ledger?closed=1", "office-closed-ledger")
    closed = office.inner_text("main")
    assert TITLE in closed and "已办结销号" in closed
    visit(office, live, "/office/ledger", "office-open-ledger")
    assert TITLE not in office.inner_text("main")

    # nothing the pages loaded came from anywhere but the app itself (intranet)
    foreign = [url for url in pages.requests if not url.startswith(live.base_url)]
    assert not foreign, f"pages loaded outside resources: {foreign[:5]}"


def test_a_leader_reads_the_ranking_and_a_units_explanation(live, pages):
    leader = pages.login("quzhang")
    visit(leader, live, "/leader", "leader-portfolio")
    visit(leader, live, f"/leader/ranking?period={TODAY.year}", "leader-ranking")
    chart = leader.locator("svg")
    assert chart.count() >= 1, "the ranking has a bar chart"
    assert leader.locator("svg rect").count() >= 3, "one bar per unit"
    for name in ("区住建局", "晴川街", "区城管局"):
        assert name in leader.inner_text("main")
    link = leader.locator("a[href*='/leader/ranking/']").first
    with leader.expect_navigation(wait_until="load"):
        link.click()
    shot(leader, "leader-ranking-explained")
    explained = leader.inner_text("main")
    assert "得分" in explained or "分" in explained
    assert leader.locator("table tr").count() >= 2, "the score is explained line by line"


def test_a_leader_sees_the_monthly_trend_and_the_office_downloads_a_bulletin(live, pages):
    live.item("整治背街小巷环境", lead="C", sign=True)
    leader = pages.login("quzhang")
    visit(leader, live, "/leader", "leader-portfolio-trend")
    trend = leader.locator("svg[aria-label*='趋势']")
    assert trend.count() == 1, "the portfolio shows the twelve-month trend"
    assert "新交办" in trend.inner_html() and "已销号" in trend.inner_html() and "逾期" in trend.inner_html()

    office = pages.login("duchashi")
    visit(office, live, f"/office/bulletin?period={TODAY.year}-{TODAY.month:02d}", "office-bulletin")
    assert "督办事项办理情况的通报" in office.inner_text("main")
    with office.expect_download() as download:
        office.get_by_text("下载通报（Word）").click()
    assert download.value.suggested_filename.endswith("督办事项办理情况通报.docx")
    assert download.value.failure() is None


def test_a_unit_user_cannot_open_another_units_item(live, pages):
    other_units_item = live.item("整治晴川街背街小巷", lead="B")
    intruder = pages.login("zhujianju")
    visit(intruder, live, f"/unit/items/{other_units_item.hex}", "unit-foreign-item-404", status=404)
    assert "没有这条督办事项" in intruder.inner_text("main")  # as if there were none
    assert "整治晴川街背街小巷" not in intruder.inner_text("main")
    visit(intruder, live, "/office", "unit-on-office-page-403", status=403)


def test_the_discipline_body_reads_a_referred_case(live, pages):
    world, app = live.world, live.duban
    item = live.item("拖延拆除违章建筑", lead="C", sign=True)
    app.propose_referral(item, "多次催办、通报后仍长期不反馈", world.office)
    app.decide_referral(item, True, "同意移交", world.leader("HEAD"))
    discipline = pages.login("jiwei")
    visit(discipline, live, "/discipline", "discipline-cases")
    assert "拖延拆除违章建筑" in discipline.inner_text("main")
    visit(discipline, live, f"/discipline/items/{item.hex}", "discipline-dossier")
    dossier = discipline.inner_text("main")
    assert "提出移交" in dossier or "移交" in dossier
    assert discipline.locator("main form").count() == 0, "the dossier is read-only"
    with discipline.expect_download() as download:
        discipline.get_by_text("下载移交材料（Word，含校验码）").click()
    assert download.value.suggested_filename.endswith("移交材料.docx") and download.value.failure() is None
