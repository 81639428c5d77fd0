"""Reminders as records (issue 14, point 1), on both stores: the worker produces each rule's reminder
once for a given day, to the right recipients, from the read side; a restarted worker produces
nothing twice; a recipient marks them read; the message centre's tables rebuild identically."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest
from builders import DistrictBuilder

from domain.reminders import OFFICE
from duban.application import Duban
from duban.application.access import Unreadable
from duban.reminding import ReminderJob
from duban.worker import Worker
from projections.messages import MessageQueries
from projections.read_side import ReadSide

pytestmark = pytest.mark.storage
FEB24, MAR02, MAR03, MAR04, MAR06, MAR31 = (date(2026, 2, 24), date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4),
                                            date(2026, 3, 6), date(2026, 3, 31))


def acting(app: Duban) -> Worker:
    """A worker as it is once it holds the lock (its steps run here, in the test's thread)."""
    worker = Worker(app)
    worker.read_side = ReadSide(app.store)
    worker.reminders = ReminderJob(app, worker.read_side.read_models)
    return worker


def received(worker: Worker, day: date, world) -> set[tuple[str, str, str]]:
    """(rule, recipient, record title) of every reminder produced for ``day``."""
    names = {f"unit:{i.hex}": f"unit {c}" for c, i in world.unit_ids.items()}
    names.update({f"leader:{i.hex}": f"leader {c}" for c, i in world.leader_ids.items()})
    names[OFFICE] = "office"
    found = MessageQueries(worker.read_side.read_models).recipients_on(world.district, day)
    return {(m.rule, names[recipient], m.title) for recipient, rows in found.items() for m in rows}


@pytest.fixture
def world(app, clock):
    clock.set(FEB24)
    return DistrictBuilder(app).units(A="晴川街", B="区住建局").leaders(V1="vice_head").place(A="V1").build()


def test_each_dated_and_activity_rule_reminds_its_recipients_once_on_the_day(app, clock, world, store_env):
    # given items and notices of unit A (under vice head V1) with deadlines around 3 March
    x = world.item(lead="A", sign=True, title="甲 三个工作日后到期", deadline=MAR06)
    y = world.item(lead="A", sign=True, title="乙 明天到期", deadline=MAR04)
    world.item(lead="A", sign=True, title="丙 昨天到期", deadline=MAR02)
    world.item(lead="B", sign=True, title="丁 别的单位，远未到期", deadline=MAR31)
    waiting = world.item(lead="A", sign=True, title="辛 延期待审批", deadline=MAR31)
    app.request_extension(waiting, date(2026, 4, 30), "需协调拆迁", world.unit("A"))
    for subject, title, reply in ((x, "戊 通知明天回复到期", MAR04), (y, "己 通知昨天回复到期", MAR02)):
        app.issue_notice(unit=world.unit_ids["A"], subject_kind="item", subject_id=subject, title=title,
                         tasks=[{"task": "说明进度", "responsible": "局长", "deadline": MAR31}], reply_deadline=reply,
                         actor=world.office)
    worker = acting(app)
    worker.step()  # the watch of 24 February, and its reminders
    # when on 3 March an item is assigned to A and A reports progress on 甲, and the worker runs
    clock.set(MAR03)
    world.item(lead="A", title="庚 今天交办", deadline=MAR31)
    app.report_item_progress(x, 40, "已完成方案", world.unit("A"))
    worker.read_side.catch_up()
    worker.step()
    # then each rule reminded its recipients once
    assert received(worker, MAR03, world) == {
        ("due_soon", "unit A", "甲 三个工作日后到期"), ("due_tomorrow", "unit A", "乙 明天到期"),
        ("overdue", "unit A", "丙 昨天到期"), ("overdue", "leader V1", "丙 昨天到期"), ("overdue", "office", "丙 昨天到期"),
        ("notice_reply_due", "unit A", "戊 通知明天回复到期"), ("notice_reply_overdue", "unit A", "己 通知昨天回复到期"),
        ("notice_reply_overdue", "office", "己 通知昨天回复到期"), ("assigned", "unit A", "庚 今天交办"),
        ("progress", "leader V1", "甲 三个工作日后到期"),
        ("digest", "unit A", "每日提醒汇总"), ("digest", "leader V1", "每日提醒汇总"),  # the day's dated ones summed up
        ("digest", "office", "每日提醒汇总"), ("approvals_waiting", "leader V1", "辛 延期待审批"),
    }
    messages = MessageQueries(worker.read_side.read_models)
    unit_a = f"unit:{world.unit_ids['A'].hex}"
    texts = [m.text for m in messages.messages(world.district, unit_a)]
    assert "督办通知" in " ".join(texts) and any("还有3个工作日到期（2026-03-06）" in t for t in texts)
    assert "今日提醒5条：临近时限1项，明日到期1项，已逾期1项，督办通知回复到期1项，督办通知回复逾期1项。" in texts
    assert messages.unread_count(world.district, unit_a) == messages.count(world.district, unit_a) > 6  # earlier days too
    unit_b = f"unit:{world.unit_ids['B'].hex}"
    of_b = messages.messages(world.district, unit_b)  # 丁 assigned on 24 Feb, its report owed on Saturday 28 Feb
    assert sorted((m.rule, m.produced_on, m.title) for m in of_b) == [  # (February's last working day: 调休)
        ("assigned", FEB24, "丁 别的单位，远未到期"), ("digest", date(2026, 2, 28), "每日提醒汇总"),
        ("report_owed", date(2026, 2, 28), "丁 别的单位，远未到期")]

    # and the worker running again, or restarted on a fresh service half way (before the day was
    # marked watched), records nothing more
    position = app.store.recorder.max_notification_id()
    worker.step()
    fresh = Duban(env=store_env, clock=clock)
    try:
        again = acting(fresh)
        again.reminders.daily(world.district, MAR03)
        again.step()
        again.remind(MAR03)
    finally:
        fresh.close()
    assert app.store.recorder.max_notification_id() == position
    assert len(received(worker, MAR03, world)) == 14


def test_the_steps_of_an_item_remind_the_office_the_unit_and_the_leader_once_a_day(app, clock, world):
    y = world.item(lead="A", sign=True, title="乙 办结流程", deadline=MAR31)
    worker = acting(app)
    worker.step()
    clock.set(MAR04)
    unit = world.unit("A")
    app.request_extension(y, date(2026, 4, 15), "等待审批", unit)
    app.decide_extension(y, False, "不同意延期", world.leader("V1"))
    app.report_completion(y, "已办结", unit)
    app.send_back_item(y, "材料不全", world.office)
    app.report_completion(y, "补齐材料后办结", unit)  # a second report the same day: one reminder
    app.sign_off_item(y, world.office)
    worker.read_side.catch_up()
    worker.step()
    assert received(worker, MAR04, world) == {
        ("extension_decided", "unit A", "乙 办结流程"), ("completion_reported", "office", "乙 办结流程"),
        ("sent_back", "unit A", "乙 办结流程"), ("signed_off", "leader V1", "乙 办结流程"),
    }


def test_on_the_months_last_working_day_the_lead_unit_is_reminded_of_a_report_not_sent(app, clock, world):
    reported = world.item(lead="A", sign=True, title="已报送本月进展", deadline=date(2026, 6, 30))
    world.item(lead="A", sign=True, title="本月未报送进展", deadline=date(2026, 6, 30))
    clock.set(date(2026, 3, 20))
    app.report_item_progress(reported, 30, "三月进展", world.unit("A"))
    worker = acting(app)
    worker.read_side.catch_up()
    assert worker.reminders.daily(world.district, date(2026, 3, 30)) == 0  # not the last working day
    clock.set(MAR31)
    assert worker.reminders.daily(world.district, MAR31) == 2  # and the day's digest
    worker.read_side.catch_up()
    assert received(worker, MAR31, world) == {("report_owed", "unit A", "本月未报送进展"),
                                               ("digest", "unit A", "每日提醒汇总")}


def test_a_recipient_marks_its_reminders_read_and_no_one_else_can(app, clock, world):
    world.item(lead="A", sign=True, title="甲", deadline=MAR06)
    world.item(lead="A", sign=True, title="乙", deadline=MAR04)
    clock.set(MAR03)
    worker = acting(app)
    worker.step()
    messages = MessageQueries(worker.read_side.read_models)
    unit_a = f"unit:{world.unit_ids['A'].hex}"
    ids = messages.unread_ids(world.district, unit_a)
    assert len(ids) == 3  # due soon, due tomorrow, the digest
    with pytest.raises(Unreadable) as refused:  # answered as an unknown id; the reason is logged
        app.mark_reminders_read([UUID(ids[0])], world.unit("B"))
    assert (refused.value.rule, refused.value.answer.rule) == ("reminder.not_yours", "reminder.not_found")
    assert app.mark_reminders_read([UUID(ids[0])], world.unit("A", user="another-clerk")) == 1
    worker.read_side.catch_up()
    assert messages.unread_count(world.district, unit_a) == 2
    first = messages.messages(world.district, unit_a)
    assert [m.unread for m in first] == [True, True, False]  # unread first
    assert app.mark_reminders_read([UUID(i) for i in ids], world.unit("A")) == 2  # the others
    worker.read_side.catch_up()
    assert messages.unread_count(world.district, unit_a) == 0


def test_the_message_centre_rebuilds_identically(app, clock, world):
    x = world.item(lead="A", sign=True, title="甲", deadline=MAR06)
    clock.set(MAR03)
    app.report_item_progress(x, 10, "进展", world.unit("A"))
    worker = acting(app)
    worker.read_side.catch_up()
    worker.step()
    ids = MessageQueries(worker.read_side.read_models).unread_ids(world.district, f"unit:{world.unit_ids['A'].hex}")
    app.mark_reminders_read([UUID(ids[0])], world.unit("A"))
    worker.read_side.catch_up()
    live = worker.read_side.dump()
    assert live["rm_messages"] and live["rm_record_activity"]
    worker.read_side.rebuild(batch_size=3)
    assert worker.read_side.dump() == live
