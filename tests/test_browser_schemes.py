"""The office's scoring scheme in a real browser on a phone (issue 16, point 3): made from the one in
force, previewed on a past month beside it (no sideways scroll at 360 px), refused with every
problem at once, adopted from a date after confirming; the list then shows both versions."""

from __future__ import annotations

from browser import TIMEOUT_MS, live, login, shot, submit, visit  # noqa: F401  (fixtures)

PHONE = {"viewport": {"width": 360, "height": 800}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"], \
        f"{page.url} scrolls sideways at 360 px"


def test_the_office_previews_and_adopts_a_scheme_on_a_phone(live, chromium):  # noqa: F811
    context = chromium.new_context(**PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        login(page, live, "duchashi")
        visit(page, live, "/office/schemes", "phone-office-schemes")
        _fits(page)
        assert "现行：2026-v2（随系统提供）" in page.inner_text("main")
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("link", name="在现行版本基础上制定新的评分方案").click()
        assert page.locator("input[name='points.urged']").input_value() == "-0.5"
        _fits(page)
        submit(page, "预览对比", "phone-scheme-preview", version="2026-督查室-1", base="90", period="2026-02")
        preview = page.inner_text("#preview")
        assert "2026年2月：现行与拟议对比" in preview and "晴川街" in preview and "变" in preview
        _fits(page)
        submit(page, "采用", "phone-scheme-refused", expect_status=422, base="")
        shown = {page.locator(f".field-error[data-field='{name}']").count() for name in
                 ("base", "effective_from", "reason", "confirmed")}
        assert shown == {1}, "every problem of the form is shown beside its field at once"
        _fits(page)
        submit(page, "采用", "phone-scheme-adopted", base="90", effective_from="2026-04-01", reason="基础分调整为90分",
               confirmed="on")
        main = page.inner_text("main")
        assert "已采用评分方案“2026-督查室-1”，自2026-04-01起施行。" in main
        assert "2026-v2" in main and "督查室于2026-03-02采用" in main and "基础分调整为90分" in main
        _fits(page)
        shot(page, "phone-schemes-after")
    finally:
        context.close()
