"""A reminder reaches a unit on a phone (issue 14, "how it is judged"): at 390×844 the unit's user sees
the unread count in the header, opens the message centre and the reminder, lands on the item,
reports progress with a photo, and the office's page of the item shows the photo."""

from __future__ import annotations

import time
from datetime import date

from browser import TIMEOUT_MS, TODAY, live, login, shot, submit  # noqa: F401  (fixtures)
from evidence_samples import PNG

from duban.reminding import ReminderJob
from projections.read_side import ReadSide

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
TITLE = "更换破损路灯"


def _caught_up(duban) -> ReadSide:
    """The read models (as the pages read them) once the app's worker has passed every event."""
    reader = ReadSide(duban.store, writer=False)
    deadline = time.monotonic() + 10
    while reader.position() < (duban.store.recorder.max_notification_id() or 0):
        assert time.monotonic() < deadline, "the worker did not catch up"
        time.sleep(0.05)
    return reader


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]


def test_a_unit_on_a_phone_opens_its_reminder_and_reports_progress_with_a_photo(live, chromium):
    item = live.item(TITLE, lead="A", sign=True, deadline=date(2026, 3, 3))  # due tomorrow
    ReminderJob(live.duban, _caught_up(live.duban).read_models).daily(live.world.district, TODAY)  # the worker's job
    _caught_up(live.duban)
    unit_context, office_context = chromium.new_context(**PHONE), chromium.new_context(**PHONE)
    unit_context.set_default_timeout(TIMEOUT_MS)
    office_context.set_default_timeout(TIMEOUT_MS)
    try:
        unit = unit_context.new_page()
        login(unit, live, "zhujianju")
        unit.goto(live.url("/unit"), wait_until="load")
        assert unit.locator("header .unread-count").inner_text() == "2"  # the reminder and the day's digest
        assert _fits(unit)
        shot(unit, "phone-unit-unread")
        with unit.expect_navigation(wait_until="load"):
            unit.locator("header a.messages-link").click()
        row = unit.locator("table.message-list tr", has_text=TITLE)
        assert "明天（2026-03-03）到期" in row.inner_text() and "未读" in row.inner_text()
        assert _fits(unit), "the message centre scrolls sideways on a phone"
        shot(unit, "phone-unit-messages")
        with unit.expect_navigation(wait_until="load"):
            row.get_by_role("button", name="查看").click()
        assert unit.url == live.url(f"/unit/items/{item}") and TITLE in unit.inner_text("main")
        assert unit.locator("header .unread-count").inner_text() == "1"  # the reminder is read; the digest is not

        submit(unit, "报送进展", "phone-unit-progress-photo", percent="30", text="已更换12盏，其余本周完成",
               files={"路灯更换现场.png": PNG})
        assert "路灯更换现场.png" in unit.inner_text("main")
        assert _fits(unit)

        office = office_context.new_page()
        login(office, live, "duchashi")
        office.goto(live.url(f"/office/items/{item.hex}"), wait_until="load")
        photo = office.get_by_role("link", name="路灯更换现场.png").first
        answer = office.request.get(live.url(photo.get_attribute("href")))
        assert answer.status == 200 and answer.body() == PNG
        assert _fits(office)
        shot(office, "phone-office-sees-progress-photo")
    finally:
        unit_context.close()
        office_context.close()
