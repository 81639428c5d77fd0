"""The message centre in the pages (issue 14, point 2): the unread count in the header of every
signed-in user who has messages, the list (unread first, people's words), opening a reminder marks
it read and goes to the record, all marked read at once; the JSON API with the rule ids."""

from __future__ import annotations

import re
from datetime import date

from web_world import web  # noqa: F401

from duban.reminding import ReminderJob

TOMORROW = date(2026, 3, 3)


def unread_in_header(html: str) -> str | None:
    """The header's count ('' for the link without a count, None without the link)."""
    header = html.split("</header>", 1)[0]
    if 'href="/messages"' not in header:
        return None
    found = re.search(r'<span class="unread-count">(\d+)</span>', header)
    return found[1] if found else ""


def produce(web) -> None:
    """The worker's reminder job for today, then the pages' read side caught up."""
    ReminderJob(web.app, web.reads().read_models).daily(web.world.district, web.app.clock.today())
    web.reads()


def test_a_unit_user_sees_the_unread_count_opens_the_reminder_and_it_is_read(web):
    item = web.item("整治背街小巷", lead="A", sign=True, deadline=TOMORROW)
    produce(web)
    unit = web.client("zhujianju")
    assert unread_in_header(unit.get("/unit").text) == "2"  # the reminder and the day's digest
    assert unread_in_header(web.client("qingchuan").get("/unit").text) == ""  # another unit: nothing unread
    assert unread_in_header(web.client("jiwei").get("/discipline").text) is None  # no message centre
    listed = unit.get("/messages")
    main = listed.text.split("<main>", 1)[1]
    assert "明日到期" in main and "《整治背街小巷》明天（2026-03-03）到期" in main and "due_tomorrow" not in main
    assert "今日提醒1条：明日到期1项。" in main
    reminder = next(m["id"] for m in unit.get("/api/messages").json()["messages"] if m["rule"] == "due_tomorrow")
    assert f'action="/messages/{reminder}/open"' in main

    # another unit's user: exactly the answer for an unknown id (reminder ids derive from the record)
    refused = web.client("qingchuan").post(f"/messages/{reminder}/open", data=web.form(web.client("qingchuan")),
                                           follow_redirects=False)
    assert refused.status_code == 404 and "没有这条提醒" in refused.text

    other = web.client("qingchuan")
    answer = other.post(f"/api/messages/{reminder}/read", headers=web.csrf_headers(other))
    assert answer.status_code == 404 and answer.json()["error"]["rule"] == "reminder.not_found"
    opened = unit.post(f"/messages/{reminder}/open", data=web.form(unit), follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == f"/unit/items/{item}"
    web.reads()
    assert unread_in_header(unit.get("/unit").text) == "1"
    assert "已读" in unit.get("/messages").text.split("<main>", 1)[1]


def test_the_office_marks_all_read_and_the_api_answers_with_rule_ids(web):
    web.item("路灯维修", lead="A", sign=True, deadline=date(2026, 3, 1))  # overdue: the office is told too
    web.app.clock.set(date(2026, 3, 2))
    produce(web)
    office = web.client("duchashi")
    assert unread_in_header(office.get("/office").text) == "2"  # the overdue item and the day's digest
    answer = office.get("/api/messages").json()
    by_rule = {m["rule"]: m for m in answer["messages"]}
    assert answer["unread"] == 2 and set(by_rule) == {"overdue", "digest"}
    assert by_rule["overdue"]["link"].startswith("/office/items/") and by_rule["digest"]["link"] == "/messages"
    done = office.post("/messages/read-all", data=web.form(office))
    assert done.status_code == 200 and "已将2条消息标为已读" in done.text
    web.reads()
    assert office.get("/api/messages").json()["unread"] == 0


def test_the_office_configures_a_channel_secrets_are_never_shown_and_failures_are_listed(web):
    office = web.client("duchashi")
    unit_a = f"unit:{web.world.unit_ids['A'].hex}"
    refused = office.post("/office/push-channels", data=web.form(office, recipient=unit_a, kind="sms",
                                                                 gateway="ftp://x", phones="abc", token="tok-secret-9"))
    assert refused.status_code == 422
    main = refused.text.split("<main>", 1)[1]
    assert "请填写短信网关地址" in main and "请填写接收短信的手机号码" in main  # every problem at once
    assert "tok-secret-9" not in refused.text

    saved = office.post("/office/push-channels", data=web.form(
        office, recipient=unit_a, kind="dingtalk", webhook="http://127.0.0.1:9/robot/send?access_token=tok-abc-1",
        secret="SEC-never-shown"))
    assert saved.status_code == 200 and "推送渠道已保存" in saved.text
    web.reads()
    listed = office.get("/office/push-channels").text
    main = listed.split("<main>", 1)[1]
    assert "区住建局" in main and "钉钉群机器人" in main and "已加签" in main
    assert "SEC-never-shown" not in listed and "tok-abc-1" not in listed and "dingtalk" not in main.replace(
        'value="dingtalk"', "")
    assert web.client("zhujianju").get("/office/push-channels").status_code == 403

    # a reminder whose delivery fails for good (port 9 refuses) is listed with its reason
    from duban.delivery import DeliveryJob

    web.item("路灯维修", lead="A", sign=True, deadline=date(2026, 3, 31))
    reads = web.reads()
    ReminderJob(web.app, reads.read_models).activity(web.world.district, web.app.clock.today())
    reads = web.reads()
    assert DeliveryJob(web.app, reads.read_models, max_attempts=1).run(web.world.district) == 1
    web.reads()
    failed = office.get("/office/push-channels").text.split('id="failed"', 1)[1]
    assert "共 1 条" in failed and "无法连接" in failed and "《路灯维修》已交办给本单位" in failed
