"""The office's item page shows one action at a time (issue 14, point 5), in a real browser at a
desk (1280 px) and on a phone (390×844): the actions the rules allow show as a row of buttons and no
form until one is chosen; choosing another closes the first; 办结销号 is not recorded until its
confirmation is ticked — the browser stops the post, and so does the server when the browser does
not (the box's ``required`` removed, as an old browser or a crafted post would)."""

from __future__ import annotations

import pytest

from browser import TIMEOUT_MS, live, login, shot  # noqa: F401  (fixtures)
from domain.item import ItemStatus

SIZES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"},
}


@pytest.mark.parametrize("size", SIZES)
def test_the_item_page_opens_one_action_and_sign_off_asks_for_confirmation(live, chromium, size):
    item = live.item(f"修复人行道破损路面（{size}）", lead="A", sign=True)
    live.duban.report_completion(item, "路面已全部修复", live.world.unit("A"))
    context = chromium.new_context(**SIZES[size])
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        login(page, live, "duchashi")
        page.goto(live.url(f"/office/items/{item.hex}"), wait_until="load")
        actions = page.locator("#actions")
        buttons = actions.locator("details.action-box > summary")
        assert "办结销号" in buttons.all_inner_texts() and "催办" in buttons.all_inner_texts()
        assert actions.locator("form").filter(visible=True).count() == 0, "no form shows before one is chosen"
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["viewport"]["width"]
        shot(page, f"{size}-item-actions")

        buttons.filter(has_text="催办").click()
        assert actions.locator("form[action$='/urge']").is_visible()
        buttons.filter(has_text="办结销号").click()  # another action closes the first
        sign_off = actions.locator("form[action$='/sign-off']")
        assert sign_off.is_visible() and not actions.locator("form[action$='/urge']").is_visible()
        assert actions.locator("details.action-box[open]").count() == 1
        if size == "phone":  # the open form takes the card's whole width
            assert sign_off.bounding_box()["width"] >= actions.locator("div.actions").bounding_box()["width"] - 2
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["viewport"]["width"]
        shot(page, f"{size}-sign-off-open")

        # not ticked: the browser does not send it
        sign_off.locator("textarea[name=note]").fill("经现场核验，已按要求办结")
        sign_off.get_by_role("button", name="办结销号", exact=True).click()
        box = sign_off.locator("input[name=confirmed]")
        assert box.evaluate("element => element.validity.valueMissing")
        assert live.duban.readable_item(item, live.world.office).status is ItemStatus.COMPLETION_REPORTED

        # a browser that does not check: the server refuses it beside the box, the form open, nothing recorded
        box.evaluate("element => element.removeAttribute('required')")
        with page.expect_navigation(wait_until="load") as refused:
            sign_off.get_by_role("button", name="办结销号", exact=True).click()
        assert refused.value.status == 422
        shot(page, f"{size}-sign-off-unconfirmed")
        again = page.locator("#actions form[action$='/sign-off']")
        assert again.is_visible() and page.locator("#actions details.action-box[open]").count() == 1
        assert "请核实后勾选确认" in again.locator(".field-error[data-field='confirmed']").inner_text()
        assert again.locator("textarea[name=note]").input_value() == "经现场核验，已按要求办结"
        assert live.duban.readable_item(item, live.world.office).status is ItemStatus.COMPLETION_REPORTED

        again.locator("input[name=confirmed]").check()
        with page.expect_navigation(wait_until="load") as signed:
            again.get_by_role("button", name="办结销号", exact=True).click()
        assert signed.value.status == 200 and "已办结销号" in page.inner_text("main")
        assert live.duban.readable_item(item, live.world.office).status is ItemStatus.SIGNED_OFF
        shot(page, f"{size}-signed-off")
    finally:
        context.close()
