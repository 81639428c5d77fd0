"""Evidence files in a real browser on a phone (390×844): a unit attaches a photo and a PDF to its
completion report with the form's file picker, sees them listed, and the office opens them."""

from __future__ import annotations

from browser import TIMEOUT_MS, live, login, open_action, shot, submit  # noqa: F401  (fixtures)
from evidence_samples import PDF, PNG

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


def _phone(chromium):
    context = chromium.new_context(**PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def _fits(page) -> bool:
    """Nothing wider than the phone (a mobile browser would widen its layout to fit, so the phone's
    own width is the measure, not the window's)."""
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]


def test_a_unit_attaches_files_to_its_completion_report_on_a_phone(live, chromium):
    item = live.item("更换破损窨井盖", lead="A", sign=True)
    unit_context, office_context = _phone(chromium), _phone(chromium)
    try:
        unit = unit_context.new_page()
        login(unit, live, "zhujianju")
        unit.goto(live.url(f"/unit/items/{item.hex}"), wait_until="load")
        open_action(unit, "报告办结")  # the actions show as buttons; the chosen one opens its form
        picker = unit.locator("form[action$='/completion'] input[type=file][name=attachments]")
        assert picker.is_visible() and picker.get_attribute("multiple") is not None
        assert picker.get_attribute("accept") == "image/*,.pdf,.doc,.docx,.xls,.xlsx,.wps,.et,.dps"
        assert _fits(unit), "the item page scrolls sideways on a phone"
        shot(unit, "phone-unit-item")

        submit(unit, "报告办结", "phone-unit-completed", summary="窨井盖已全部更换，附现场照片和验收单",
               files={"更换后现场照片.png": PNG, "验收单.pdf": PDF})
        assert "已报告办结" in unit.inner_text("main")
        listed = unit.locator("ol.timeline ul.files a")
        assert sorted(listed.all_inner_texts()) == ["更换后现场照片.png", "验收单.pdf"]
        assert _fits(unit), "the page with its files scrolls sideways on a phone"
        pdf = unit.request.get(live.url(unit.locator("ol.timeline ul.files a", has_text="验收单.pdf").get_attribute("href")))
        assert pdf.status == 200 and pdf.body() == PDF

        office = office_context.new_page()
        login(office, live, "duchashi")
        office.goto(live.url(f"/office/items/{item.hex}"), wait_until="load")
        report = office.locator("section.card", has_text="办结报告")
        assert sorted(report.locator("ul.files a").all_inner_texts()) == ["更换后现场照片.png", "验收单.pdf"]
        assert _fits(office), "the office's item page scrolls sideways on a phone"
        shot(office, "phone-office-sees-files")
        with office.expect_navigation(wait_until="load"):
            report.locator("ul.files a", has_text="更换后现场照片.png").click()  # a photo opens in place
        assert office.evaluate("document.images.length === 1 && document.images[0].naturalWidth === 2")
    finally:
        unit_context.close()
        office_context.close()
