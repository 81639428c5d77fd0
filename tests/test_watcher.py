"""The deadline watcher (``app.tick()``): facts created by the passing of time are recorded as events,
exactly once each, and stay recorded for the next run and for a fresh application."""
from __future__ import annotations

from datetime import date

import pytest

from domain.actor import Actor, Role
from domain.errors import InvalidInput
from domain.organisation import UnitKind
from domain.rectification import ProblemSource, Severity
from domain.sources import SourceKind
from duban.application import Duban, TickReport
from evidence_samples import PDF, Upload  # real files: a report cites only files it stored

D = "420105"
JAN5 = date(2026, 1, 5)
MAR2 = date(2026, 3, 2)
EVIDENCE = [Upload("佐证.pdf", PDF)]


def clerk(unit) -> Actor:
    return Actor(user=f"clerk-{unit.code}", role=Role.UNIT, district=D, unit=unit.id)


def event_names(app, aggregate_id) -> list[str]:
    return [type(e).__name__ for e in app.store.events.get(aggregate_id)]


def version(app, aggregate_id) -> int:
    return app.store.repository.get(aggregate_id).version


def counts(report: TickReport) -> tuple[int, int, int, int]:
    return (report.deadlines_missed, report.monthly_reports_missed, report.notices_overdue,
            report.rectifications_overdue)


def tick_again_records_nothing(app, store_env, clock, *ids):
    """A second run, and a run by a fresh application on the same store, record nothing new."""
    before = [version(app, i) for i in ids]
    assert app.tick().recorded == 0
    fresh = Duban(env=store_env, clock=clock)
    try:
        report = fresh.tick()
        assert (report.recorded, report.conflicts) == (0, 0)
    finally:
        fresh.close()
    assert [version(app, i) for i in ids] == before


@pytest.fixture
def units(app, admin, office):
    app.open_district(D, "汉阳区", admin, on=JAN5)
    return {code: app.register_unit(code, name, UnitKind.SUBDISTRICT, office, on=JAN5)
            for code, name in [("U01", "晴川街"), ("U02", "建桥街")]}


def started_item(app, office, units, deadline, on=MAR2, co_units=()):
    """An item assigned to U01 (lead) and signed for on ``on``."""
    item = app.register_item(source=SourceKind.LEADER_INSTRUCTION, reference="批示〔2026〕1号", decision_date=on,
                             title="背街小巷整治", deadline=deadline, actor=office, on=on)
    app.assign_item(item.id, units["U01"].id, [units[c].id for c in co_units], office, on=on)
    app.sign_for_item(item.id, clerk(units["U01"]), on=on)
    for c in co_units:
        app.sign_for_item(item.id, clerk(units[c]), on=on)
    return item


def test_a_day_that_has_not_come_is_refused_and_nothing_is_recorded(app, store_env, clock, units, office):
    """Facts recorded on a future day would refuse every later command until that day comes."""
    item = started_item(app, office, units, deadline=date(2026, 3, 20))
    before = version(app, item.id)
    with pytest.raises(InvalidInput) as info:
        app.tick(date(2026, 4, 1))
    assert info.value.rule == "date.in_future"
    assert version(app, item.id) == before
    clock.set(date(2026, 3, 23))
    assert counts(app.tick()) == (1, 0, 0, 0)


# ---- items: deadlines ----------------------------------------------------------------------------------
def test_a_missed_deadline_is_recorded_once_and_again_after_an_extension_is_missed(
        app, store_env, clock, units, office):
    item = started_item(app, office, units, deadline=date(2026, 3, 10))
    clock.set(date(2026, 3, 9))
    app.request_extension(item.id, date(2026, 3, 20), "拆迁协调未完成", clerk(units["U01"]))
    clock.set(date(2026, 3, 10))
    assert app.tick().recorded == 0  # due today, not yet missed

    clock.set(date(2026, 3, 11))
    report = app.tick()
    assert counts(report) == (1, 0, 0, 0) and report.districts == [D]
    assert app.item(item.id, office).missed_deadlines == [date(2026, 3, 10)]
    tick_again_records_nothing(app, store_env, clock, item.id)

    clock.set(date(2026, 3, 12))
    app.decide_extension(item.id, True, "同意延期", office)
    clock.set(date(2026, 3, 20))
    assert app.tick().recorded == 0
    clock.set(date(2026, 3, 21))
    assert counts(app.tick()) == (1, 0, 0, 0)
    assert app.item(item.id, office).missed_deadlines == [date(2026, 3, 10), date(2026, 3, 20)]
    assert event_names(app, item.id).count("DeadlineMissed") == 2
    tick_again_records_nothing(app, store_env, clock, item.id)


def test_completion_reported_before_the_deadline_is_not_missed(app, store_env, clock, units, office):
    done = started_item(app, office, units, deadline=date(2026, 3, 10))
    late = app.register_item(source=SourceKind.LEADER_INSTRUCTION, reference="批示〔2026〕2号", decision_date=MAR2,
                             title="路灯维修", deadline=date(2026, 3, 10), actor=office)
    app.assign_item(late.id, units["U02"].id, [], office)
    clock.set(date(2026, 3, 9))
    app.report_completion(done.id, "已全部整治", clerk(units["U01"]))
    done_version = version(app, done.id)

    clock.set(date(2026, 3, 11))
    assert counts(app.tick()) == (1, 0, 0, 0)  # only the item never reported done
    assert version(app, done.id) == done_version
    assert app.item(done.id, office).missed_deadlines == []
    assert app.item(late.id, office).missed_deadlines == [date(2026, 3, 10)]
    tick_again_records_nothing(app, store_env, clock, done.id, late.id)


# ---- items: monthly reports (按月专报) --------------------------------------------------------------------
def test_each_whole_month_without_a_lead_unit_report_is_missed_once(app, store_env, clock, units, office):
    clock.set(date(2026, 2, 10))
    item = started_item(app, office, units, deadline=date(2026, 12, 31), on=date(2026, 2, 10), co_units=["U02"])
    clock.set(date(2026, 3, 16))
    app.report_item_progress(item.id, 30, "完成摸底", clerk(units["U01"]))  # March reported
    clock.set(date(2026, 4, 15))
    app.report_item_progress(item.id, 10, "配合排查", clerk(units["U02"]))  # a co-unit's report is not the lead's

    clock.set(date(2026, 4, 30))
    assert app.tick().recorded == 0  # April is not over yet
    clock.set(date(2026, 5, 2))
    assert counts(app.tick()) == (0, 1, 0, 0)
    assert app.item(item.id, office).missed_months == ["2026-04"]
    tick_again_records_nothing(app, store_env, clock, item.id)

    clock.set(date(2026, 6, 1))
    assert counts(app.tick()) == (0, 1, 0, 0)
    assert app.item(item.id, office).missed_months == ["2026-04", "2026-05"]
    assert event_names(app, item.id).count("MonthlyReportMissed") == 2
    tick_again_records_nothing(app, store_env, clock, item.id)


# ---- supervision notices ------------------------------------------------------------------------------
@pytest.fixture
def notice(app, units, office):
    item = started_item(app, office, units, deadline=date(2026, 12, 31))
    tasks = [{"task": "清理占道", "responsible": "城管科长", "deadline": date(2026, 3, 6)},
             {"task": "建立长效机制", "responsible": "分管副主任", "deadline": date(2026, 3, 20)}]
    notice = app.issue_notice(unit=units["U01"].id, subject_kind="item", subject_id=item.id, title="督办通知",
                              tasks=tasks, actor=office)
    assert notice.reply_deadline == date(2026, 3, 11)
    return notice


def test_reply_overdue_once_and_each_task_overdue_once(app, store_env, clock, office, notice):
    clock.set(date(2026, 3, 9))
    assert counts(app.tick()) == (0, 0, 1, 0)  # T1 past its deadline
    clock.set(date(2026, 3, 11))
    assert app.tick().recorded == 0  # the reply is due today
    clock.set(date(2026, 3, 12))
    assert counts(app.tick()) == (0, 0, 1, 0)  # reply overdue
    tick_again_records_nothing(app, store_env, clock, notice.id)
    clock.set(date(2026, 3, 21))
    assert counts(app.tick()) == (0, 0, 1, 0)  # T2 past its deadline
    tick_again_records_nothing(app, store_env, clock, notice.id)

    stored = app.notice(notice.id, office)
    assert stored.reply_overdue_recorded and stored.overdue_tasks == ["T1", "T2"]
    assert event_names(app, notice.id) == ["Issued", "TaskOverdue", "ReplyOverdue", "TaskOverdue"]


def test_a_task_answered_before_its_deadline_is_not_overdue(app, store_env, clock, units, office, notice):
    unit = clerk(units["U01"])
    clock.set(date(2026, 3, 5))
    app.acknowledge_notice(notice.id, unit)
    app.reply_notice(notice.id, "T1", "已清理12处", unit)  # before T1's deadline; the office reviews later
    clock.set(date(2026, 3, 9))
    assert app.tick().recorded == 0
    app.review_notice_reply(notice.id, "T1", True, office)
    clock.set(date(2026, 3, 12))
    assert counts(app.tick()) == (0, 0, 1, 0)  # T2 still unanswered: the reply is overdue
    clock.set(date(2026, 3, 23))
    app.reply_notice(notice.id, "T2", "机制已建立", unit)  # after T2's deadline, before the next run
    assert counts(app.tick()) == (0, 0, 1, 0)  # a late reply does not undo the delay
    assert app.notice(notice.id, office).overdue_tasks == ["T2"]
    tick_again_records_nothing(app, store_env, clock, notice.id)


def test_a_closed_notice_is_never_overdue(app, clock, units, office, notice):
    unit = clerk(units["U01"])
    app.acknowledge_notice(notice.id, unit)
    for task in ("T1", "T2"):
        app.reply_notice(notice.id, task, "已完成", unit)
        app.review_notice_reply(notice.id, task, True, office)
    app.close_notice(notice.id, office)
    clock.set(date(2026, 4, 30))
    assert app.tick().notices_overdue == 0
    assert event_names(app, notice.id)[-1] == "Closed"


# ---- rectification tasks ------------------------------------------------------------------------------
def rectification(app, office, unit, deadline=date(2026, 3, 10)):
    return app.record_rectification(unit=unit.id, source=ProblemSource.PUBLIC_REPORT, problem="垃圾清运不及时",
                                    severity=Severity.GENERAL, deadline=deadline, actor=office)


def test_a_rectification_deadline_is_missed_once_and_a_signed_off_task_never(app, store_env, clock, units, office):
    open_task = rectification(app, office, units["U01"])
    done = rectification(app, office, units["U02"])
    unit = clerk(units["U02"])
    app.submit_rectification_plan(done.id, "增加清运频次", unit)
    app.report_rectified(done.id, "已整改", EVIDENCE, unit)
    app.verify_rectification(done.id, True, office)
    app.sign_off_rectification(done.id, office)
    done_version = version(app, done.id)

    clock.set(date(2026, 3, 11))
    assert counts(app.tick()) == (0, 0, 0, 1)
    assert app.rectification(open_task.id, office).missed_deadlines == [date(2026, 3, 10)]
    assert version(app, done.id) == done_version
    tick_again_records_nothing(app, store_env, clock, open_task.id, done.id)

    # a review (回头看) reopens the signed-off task; its new deadline can be missed in turn
    app.reopen_rectification(done.id, "回头看发现反弹", date(2026, 3, 31), office)
    clock.set(date(2026, 4, 1))
    assert counts(app.tick()) == (0, 0, 0, 1)
    assert app.rectification(done.id, office).missed_deadlines == [date(2026, 3, 31)]
    tick_again_records_nothing(app, store_env, clock, open_task.id, done.id)


def test_a_rectification_reported_before_its_deadline_is_not_missed(app, clock, units, office):
    task = rectification(app, office, units["U01"])
    unit = clerk(units["U01"])
    app.submit_rectification_plan(task.id, "方案", unit)
    app.report_rectified(task.id, "已整改", EVIDENCE, unit)
    clock.set(date(2026, 3, 11))
    assert app.tick().rectifications_overdue == 0
    assert "DeadlineMissed" not in event_names(app, task.id)


def test_reply_overdue_depends_on_when_the_unit_replied_not_on_when_the_watcher_ran(app, clock, units, office, notice):
    unit = clerk(units["U01"])
    app.acknowledge_notice(notice.id, unit)
    clock.set(date(2026, 3, 12))  # the reply was due 3-11; the watcher has not run since
    app.reply_notice(notice.id, "T1", "已清理", unit)
    app.reply_notice(notice.id, "T2", "机制已建立", unit)
    report = app.tick()
    assert report.notices_overdue == 2  # the late written reply, and T1 answered after its deadline
    assert event_names(app, notice.id)[-2:] == ["ReplyOverdue", "TaskOverdue"]


def test_a_reply_sent_back_still_leaves_the_written_reply_owing(app, clock, units, office, notice):
    unit = clerk(units["U01"])
    clock.set(date(2026, 3, 5))
    app.acknowledge_notice(notice.id, unit)
    app.reply_notice(notice.id, "T1", "已清理", unit)
    app.reply_notice(notice.id, "T2", "机制已建立", unit)
    app.review_notice_reply(notice.id, "T1", True, office)
    clock.set(date(2026, 3, 11))
    assert app.tick().recorded == 0  # everything answered in time, T1 accepted, T2 awaiting review
    clock.set(date(2026, 3, 12))
    app.review_notice_reply(notice.id, "T2", False, office, note="缺少制度文件")
    assert app.tick().notices_overdue == 1  # the sent-back T2 is owed again, past the reply deadline
    assert event_names(app, notice.id)[-1] == "ReplyOverdue"
    clock.set(date(2026, 3, 13))
    app.reply_notice(notice.id, "T2", "附制度文件", unit)  # answered again before T2's deadline (3-20)
    clock.set(date(2026, 3, 21))
    assert app.tick().recorded == 0
    assert app.notice(notice.id, office).overdue_tasks == []
