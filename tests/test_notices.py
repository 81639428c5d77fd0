"""Supervision notices (督办通知): issue, reply deadline in working days, numbering, acknowledgement,
replies task by task, review and closing."""
from __future__ import annotations

from datetime import date

import pytest

from domain.actor import Actor, Role
from domain.errors import InvalidInput, NotAllowed, NotFound, RuleViolation
from domain.notice import NoticeStatus, SupervisionNotice, TaskState
from domain.organisation import NumberRegister, UnitKind
from domain.rectification import ProblemSource, Severity
from domain.sources import SourceKind
from duban.application import Duban
from checks import listed, never_recorded, refused
from evidence_samples import PDF, PNG, Upload  # real files: a report cites only files it stored

pytestmark = pytest.mark.stores("memory")  # rules through the service: the in-memory store (tests/conftest.py)

D = "420105"
JAN5 = date(2026, 1, 5)
MAR2 = date(2026, 3, 2)


def unit_actor(unit) -> Actor:
    return Actor(user=f"clerk-{unit.code}", role=Role.UNIT, district=D, unit=unit.id)


@pytest.fixture
def world(app, admin, office):
    """Three units; an item led by U01 with co-unit U02, registered and assigned on ``MAR2``."""
    app.open_district(D, "汉阳区", admin, on=JAN5)
    units = {code: app.register_unit(code, name, UnitKind.SUBDISTRICT, office, on=JAN5)
             for code, name in [("U01", "晴川街"), ("U02", "建桥街"), ("U03", "鹦鹉街")]}
    return units


def new_item(app, office, units, day=MAR2):
    item = app.register_item(source=SourceKind.LEADER_INSTRUCTION, reference="批示〔2026〕1号",
                             decision_date=day, title="背街小巷整治", deadline=date(2026, 12, 31), actor=office, on=day)
    app.assign_item(item.id, units["U01"].id, [units["U02"].id], office, on=day)
    return item


def tasks(*deadlines):
    return [{"task": f"任务{i}", "responsible": f"责任人{i}", "deadline": d} for i, d in enumerate(deadlines, 1)]


NOTICE_REGISTER = NumberRegister.id_for(D, "notice", 2026)
FIRST_NOTICE = SupervisionNotice.id_for(D, 2026, 1)


def issue(app, office, unit, item, *deadlines, on=None):
    return app.issue_notice(unit=unit.id, subject_kind="item", subject_id=item.id, title="关于加快背街小巷整治的督办通知",
                            tasks=tasks(*(deadlines or (date(2026, 3, 20),))), actor=office, on=on)


# ---- issuing ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("issued, due", [
    (date(2026, 3, 2), date(2026, 3, 11)),  # Mon + 7 working days, one weekend
    (date(2026, 9, 30), date(2026, 10, 15)),  # skips 国庆 Oct 1-7; Sat Oct 10 is a 调休 working day
    (date(2026, 10, 9), date(2026, 10, 19)),  # Oct 10 (Sat, 调休) counts as day 1
])
def test_default_reply_deadline_is_seven_chinese_working_days(app, clock, office, world, issued, due):
    clock.set(issued)
    item = new_item(app, office, world, day=issued)
    notice = issue(app, office, world["U01"], item, date(2026, 11, 30))
    assert (notice.reply_deadline, notice.reply_deadline_estimated) == (due, False)
    assert app.notice(notice.id, office).reply_deadline == due


def test_notices_are_numbered_per_year_and_list_their_tasks(app, office, world):
    item = new_item(app, office, world)
    first = issue(app, office, world["U01"], item, date(2026, 3, 20), date(2026, 4, 30))
    second = issue(app, office, world["U02"], item)  # a co-unit may be sent a notice too
    assert [app.notice(n.id, office).number_label for n in (first, second)] == ["督通〔2026〕1号", "督通〔2026〕2号"]
    assert first.status is NoticeStatus.ISSUED and second.unit == world["U02"].id
    assert [(k, t["responsible"], t["deadline"], t["state"]) for k, t in first.tasks.items()] == [
        ("T1", "责任人1", date(2026, 3, 20), "open"), ("T2", "责任人2", date(2026, 4, 30), "open")]


def test_only_the_office_issues_notices(app, office, world):
    item = new_item(app, office, world)
    refused(app, NotAllowed, "role.not_allowed", lambda: issue(app, unit_actor(world["U01"]), world["U01"], item),
            NOTICE_REGISTER)
    assert never_recorded(app.notice, FIRST_NOTICE, office)


def test_notice_only_to_a_unit_assigned_the_item(app, office, world):
    item = new_item(app, office, world)
    refused(app, RuleViolation, "notice.unit_not_assigned", lambda: issue(app, office, world["U03"], item),
            NOTICE_REGISTER, item.id)
    assert never_recorded(app.notice, FIRST_NOTICE, office)


def test_notice_about_a_rectification_task_goes_to_its_unit(app, office, world):
    task = app.record_rectification(unit=world["U03"].id, source=ProblemSource.MEDIA, problem="占道经营",
                                    severity=Severity.GENERAL, deadline=date(2026, 4, 30), actor=office)
    notice = app.issue_notice(unit=world["U03"].id, subject_kind="rectification", subject_id=task.id,
                              title="整改督办", tasks=tasks(date(2026, 4, 15)), actor=office)
    assert (notice.subject_kind, notice.subject_id) == ("rectification", task.id)
    refused(app, RuleViolation, "notice.unit_not_assigned", lambda: app.issue_notice(
        unit=world["U01"].id, subject_kind="rectification", subject_id=task.id, title="整改督办",
        tasks=tasks(date(2026, 4, 15)), actor=office), NOTICE_REGISTER)
    assert never_recorded(app.notice, SupervisionNotice.id_for(D, 2026, 2), office)  # the refused one


@pytest.mark.stores("sqlite", "postgres")  # needs a real store: cited files are stored beside the events
def test_no_notice_about_a_signed_off_rectification_task(app, office, world):
    task = app.record_rectification(unit=world["U03"].id, source=ProblemSource.AUDIT, problem="资金拨付滞后",
                                    severity=Severity.GENERAL, deadline=date(2026, 4, 30), actor=office)
    clerk = unit_actor(world["U03"])
    app.submit_rectification_plan(task.id, "方案", clerk)
    app.report_rectified(task.id, "已拨付", [Upload("凭证.pdf", PDF)], clerk)
    app.verify_rectification(task.id, True, office)
    app.sign_off_rectification(task.id, office)
    refused(app, RuleViolation, "rectification.signed_off", lambda: app.issue_notice(
        unit=world["U03"].id, subject_kind="rectification", subject_id=task.id, title="整改督办",
        tasks=tasks(date(2026, 4, 15)), actor=office), NOTICE_REGISTER, task.id)
    assert listed(app, D, "notice") == []


@pytest.mark.parametrize("bad_tasks, rule", [
    ([], "notice.tasks_required"),
    ([{"task": " ", "responsible": "张科长", "deadline": date(2026, 3, 20)}], "notice.task_required"),
    ([{"task": "清理占道", "responsible": "", "deadline": date(2026, 3, 20)}], "notice.responsible_required"),
    ([{"task": "清理占道", "responsible": "张科长"}], "notice.task_deadline"),
    ([{"task": "清理占道", "responsible": "张科长", "deadline": MAR2}], "notice.task_deadline"),
    (tasks(date(2026, 3, 20)) + [{"task": "建立长效机制", "responsible": "李主任"}], "notice.task_deadline"),
])
def test_task_list_needs_task_responsible_person_and_deadline(app, office, world, bad_tasks, rule):
    item = new_item(app, office, world)
    refused(app, InvalidInput, rule, lambda: app.issue_notice(
        unit=world["U01"].id, subject_kind="item", subject_id=item.id, title="督办", tasks=bad_tasks, actor=office),
        NOTICE_REGISTER, FIRST_NOTICE)
    assert never_recorded(app.notice, FIRST_NOTICE, office)


def test_another_districts_office_cannot_see_or_notice_our_item(app, office, world):
    item = new_item(app, office, world)
    notice = issue(app, office, world["U01"], item)
    stranger = Actor(user="duchashi-2", role=Role.OFFICE, district="420106")
    with pytest.raises(NotFound):
        app.notice(notice.id, stranger)
    with pytest.raises(NotFound):
        issue(app, stranger, world["U01"], item)


# ---- acknowledging, replying, reviewing, closing ---------------------------------------------------
@pytest.fixture
def notice(app, office, world):
    item = new_item(app, office, world)
    return issue(app, office, world["U01"], item, date(2026, 3, 20), date(2026, 4, 30))


def test_only_the_recipient_acknowledges(app, office, world, notice):
    refused(app, NotAllowed, "notice.other_unit",
            lambda: app.acknowledge_notice(notice.id, unit_actor(world["U02"])), notice.id)
    refused(app, NotAllowed, "role.not_allowed", lambda: app.acknowledge_notice(notice.id, office), notice.id)
    app.acknowledge_notice(notice.id, unit_actor(world["U01"]))
    acknowledged = app.notice(notice.id, office)
    assert (acknowledged.status, acknowledged.acknowledged_on) == (NoticeStatus.ACKNOWLEDGED, MAR2)
    refused(app, RuleViolation, "notice.already_acknowledged",
            lambda: app.acknowledge_notice(notice.id, unit_actor(world["U01"])), notice.id)


def test_reply_requires_acknowledgement(app, world, notice):
    clerk = unit_actor(world["U01"])
    refused(app, RuleViolation, "notice.not_acknowledged",
            lambda: app.reply_notice(notice.id, "T1", "已清理", clerk), notice.id)
    app.acknowledge_notice(notice.id, clerk)
    refused(app, NotAllowed, "notice.other_unit",
            lambda: app.reply_notice(notice.id, "T1", "已清理", unit_actor(world["U02"])), notice.id)
    refused(app, InvalidInput, "notice.reply_required", lambda: app.reply_notice(notice.id, "T1", " ", clerk), notice.id)
    refused(app, InvalidInput, "notice.unknown_task", lambda: app.reply_notice(notice.id, "T9", "已清理", clerk), notice.id)


@pytest.mark.stores("sqlite", "postgres")  # needs a real store: cited files are stored beside the events
def test_replies_task_by_task_reviewed_and_closed_when_all_accepted(app, store_env, clock, office, world, notice):
    clerk = unit_actor(world["U01"])
    app.acknowledge_notice(notice.id, clerk)
    clock.set(date(2026, 3, 5))
    app.reply_notice(notice.id, "T1", "已清理占道12处", clerk, attachments=[Upload("照片.png", PNG)])
    tasks_now = app.notice(notice.id, office).tasks
    assert (tasks_now["T1"]["state"], tasks_now["T2"]["state"]) == ("replied", "open")
    assert tasks_now["T1"]["reply"] == {"text": "已清理占道12处", "on": date(2026, 3, 5)}

    # the review's and closing's refusals: the notice's own rules, tests/test_notice_rules.py
    app.reply_notice(notice.id, "T2", "机制已建立", clerk)
    app.review_notice_reply(notice.id, "T1", True, office)
    app.review_notice_reply(notice.id, "T2", False, office, note="缺少制度文件")
    assert {k: t["state"] for k, t in app.notice(notice.id, office).tasks.items()} == {"T1": "accepted", "T2": "rejected"}
    refused(app, RuleViolation, "notice.tasks_pending", lambda: app.close_notice(notice.id, office), notice.id)

    app.reply_notice(notice.id, "T2", "附制度文件", clerk)  # a rejected task is answered again
    app.review_notice_reply(notice.id, "T2", True, office)
    app.close_notice(notice.id, office, note="办结")

    fresh = Duban(env=store_env, clock=clock)
    try:
        closed = fresh.notice(notice.id, office)
        assert (closed.status, closed.closed_on) == (NoticeStatus.CLOSED, date(2026, 3, 5))
        assert all(t["state"] == TaskState.ACCEPTED.value for t in closed.tasks.values())
    finally:
        fresh.close()
    refused(app, RuleViolation, "notice.closed", lambda: app.close_notice(notice.id, office), notice.id)


def test_reply_cannot_be_back_dated_before_acknowledgement(app, clock, world, notice):
    clerk = unit_actor(world["U01"])
    clock.set(date(2026, 3, 4))
    app.acknowledge_notice(notice.id, clerk)
    refused(app, RuleViolation, "date.before_last_fact",
            lambda: app.reply_notice(notice.id, "T1", "已清理", clerk, on=date(2026, 3, 3)), notice.id)
    refused(app, RuleViolation, "date.in_future",
            lambda: app.reply_notice(notice.id, "T1", "已清理", clerk, on=date(2026, 3, 5)), notice.id)
