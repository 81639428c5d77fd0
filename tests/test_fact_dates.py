"""Facts dated when they happened (issue 13, point 3): a deadline missed, a monthly report missed, a
reply overdue carry the day they happened (``happened_on``), whichever day's watch records them, and
the read models count them by that day — so a watch that runs late (the worker was down, days were
caught up) puts them in the month and quarter they belong to, exactly as a watch on time does.

The rules are checked on the aggregates alone (no store); what the rankings and bulletins make of it
on both stores, with a watch on time beside a watch that first runs weeks later."""

from __future__ import annotations

import json
from datetime import date, timedelta
from uuid import uuid4

import pytest
from builders import DistrictBuilder

from domain.actor import Actor, Role, system_actor
from domain.item import SupervisedItem
from domain.notice import SupervisionNotice
from domain.rectification import ProblemSource, RectificationTask, Severity
from domain.sources import SourceKind
from duban.application import Duban
from duban.worker import Worker
from projections.bulletin import BulletinQueries
from projections.ledger import LedgerQueries
from projections.ranking import RankingQueries
from projections.read_side import ReadSide

D = "420105"
OFFICE = Actor(user="office", role=Role.OFFICE, district=D)
SYSTEM = system_actor(D)
LEAD = uuid4()
CLERK = Actor(user="clerk", role=Role.UNIT, district=D, unit=LEAD)
JAN5, FEB1, APR1 = date(2026, 1, 5), date(2026, 2, 1), date(2026, 4, 1)
PDF = {"name": "整改照片.pdf", "size": 100, "content_type": "application/pdf", "sha256": "a" * 64}


def started_item(deadline: date, on: date = JAN5) -> SupervisedItem:
    """An item assigned to LEAD and signed for on ``on`` — built on the aggregate alone."""
    item = SupervisedItem.register(
        year=2026, number=1, source=SourceKind.LEADER_INSTRUCTION, reference="批示〔2026〕1号", decision_date=on,
        title="背街小巷整治", description="", deadline=deadline, deadline_basis="explicit", deadline_estimated=False,
        on=on, actor=OFFICE)
    item.assign(LEAD, [], on, OFFICE)
    item.sign_for(on, CLERK)
    return item


def recorded(aggregate, name: str) -> list:
    return [e for e in aggregate.pending_events if type(e).__name__ == name]


# ---- the day each fact happened (no store) ----------------------------------------------------------
@pytest.mark.parametrize("watched_on", [FEB1, date(2026, 2, 20), APR1])
def test_a_deadline_missed_happened_the_day_after_the_deadline_whichever_watch_records_it(watched_on):
    # given an item due on 31 January, still in progress
    item = started_item(deadline=date(2026, 1, 31))
    # when the watch first looks at it on ``watched_on`` (on time, or weeks late)
    assert item.record_deadline_missed(watched_on, SYSTEM)
    # then the miss happened on 1 February, and the record keeps the watch's own business date
    (missed,) = recorded(item, "DeadlineMissed")
    assert (missed.happened_on, missed.on) == (FEB1, watched_on)
    assert item.missed_day(date(2026, 1, 31)) == FEB1
    assert not item.record_deadline_missed(watched_on + timedelta(days=1), SYSTEM)  # once per deadline


def test_a_deadline_missed_while_the_office_was_checking_the_work_happened_when_it_was_sent_back():
    # given completion reported before the deadline, and sent back after it
    item = started_item(deadline=date(2026, 2, 27))
    item.report_completion("已整治完毕", None, date(2026, 2, 20), CLERK)
    item.send_back("仍有三处未整治", date(2026, 3, 10), OFFICE)
    # when a late watch records the miss
    item.record_deadline_missed(APR1, SYSTEM)
    # then it happened when the work came back to the unit, not the day after the deadline
    (missed,) = recorded(item, "DeadlineMissed")
    assert missed.happened_on == date(2026, 3, 10)


def test_monthly_reports_missed_happened_the_day_after_each_month():
    # given an item assigned on 5 January whose lead unit never reports
    item = started_item(deadline=date(2026, 12, 31))
    # when the watch first runs on 1 April
    assert item.record_monthly_reports_missed(APR1, SYSTEM) == 2
    # then February's report was missed on 1 March and March's on 1 April
    assert [(e.month, e.happened_on, e.on) for e in recorded(item, "MonthlyReportMissed")] == [
        ("2026-02", date(2026, 3, 1), APR1), ("2026-03", APR1, APR1)]


def test_a_reply_and_a_task_overdue_happened_the_day_after_their_deadlines():
    # given a notice issued on 2 February, its reply due on 11 February, its task due on 20 February
    notice = SupervisionNotice.issue(
        year=2026, number=1, unit=LEAD, subject_kind="item", subject_id=uuid4(), title="督办通知",
        tasks=[{"task": "拆除违建", "responsible": "主任", "deadline": date(2026, 2, 20)}],
        reply_deadline=date(2026, 2, 11), reply_deadline_estimated=False, on=date(2026, 2, 2), actor=OFFICE)
    # when the watch first looks on 1 April
    assert notice.record_overdue(APR1, SYSTEM) == 2
    # then each happened the day after its deadline
    (reply,) = recorded(notice, "ReplyOverdue")
    (task,) = recorded(notice, "TaskOverdue")
    assert (reply.happened_on, task.happened_on, reply.on) == (date(2026, 2, 12), date(2026, 2, 21), APR1)


def test_a_rectification_deadline_missed_happened_when_it_was_past_due_and_with_the_unit():
    def task(deadline: date) -> RectificationTask:
        return RectificationTask.record(year=2026, number=1, unit=LEAD, source=ProblemSource.AUDIT, source_ref="",
                                        problem="台账缺失", severity=Severity.GENERAL, deadline=deadline, on=JAN5,
                                        actor=OFFICE)
    # given one task left open past its deadline, and one reported in time whose check failed after it
    open_task, failed = task(date(2026, 1, 31)), task(date(2026, 1, 31))
    failed.submit_plan("补建台账", None, JAN5, CLERK)
    failed.report_rectified("已补建", [PDF], date(2026, 1, 30), CLERK)
    failed.verify(False, "台账不完整", date(2026, 2, 10), OFFICE)
    # when the watch first runs on 1 April
    assert open_task.record_deadline_missed(APR1, SYSTEM) and failed.record_deadline_missed(APR1, SYSTEM)
    # then the first missed on 1 February, the second when it came back to the unit
    assert recorded(open_task, "DeadlineMissed")[0].happened_on == FEB1
    assert recorded(failed, "DeadlineMissed")[0].happened_on == date(2026, 2, 10)


# ---- what the read models make of it (both stores) ---------------------------------------------------------
LATE = "420106"  # a district whose first watch is on 1 April


def _district(app: Duban, code: str):
    return DistrictBuilder(app, district=code, name=f"区{code}").units(A="区住建局", B="区城管局").build()


def _day_by_day(app: Duban, clock, worlds, last: date, on_time: str) -> dict[str, dict[str, object]]:
    """The same work in each district, day by day up to ``last``; the district ``on_time`` is watched
    every day (as the worker does after midnight), the others not at all."""
    items: dict[str, dict[str, object]] = {w.district: {} for w in worlds}
    day = JAN5
    while day <= last:
        clock.set(day)
        for w in worlds:
            ids = items[w.district]
            if day == JAN5:
                ids["x"] = w.item(lead="A", sign=True, source=SourceKind.LEADER_INSTRUCTION, reference="批示1",
                                  title="甲：背街小巷整治", deadline=date(2026, 2, 10))
                ids["y"] = w.item(lead="B", sign=True, source=SourceKind.LEADER_INSTRUCTION, reference="批示2",
                                  title="乙：河道清淤", deadline=date(2026, 6, 30))
                ids["z"] = w.item(lead="A", sign=True, source=SourceKind.LEADER_INSTRUCTION, reference="批示3",
                                  title="丙：路灯维修", deadline=date(2026, 2, 27))
                ids["w"] = w.item(lead="B", sign=True, source=SourceKind.LEADER_INSTRUCTION, reference="批示4",
                                  title="丁：绿化补植", deadline=date(2026, 1, 30))
            elif day == date(2026, 1, 28):
                app.report_completion(ids["w"], "已补植", w.unit("B"))
            elif day == date(2026, 1, 29):
                app.sign_off_item(ids["w"], w.office)
            elif day == date(2026, 2, 20):
                app.report_completion(ids["z"], "已维修", w.unit("A"))
            elif day == date(2026, 3, 10):
                app.send_back_item(ids["z"], "仍有三处不亮", w.office)
            elif day in (date(2026, 1, 20), date(2026, 3, 16)):  # 乙's February report is never sent
                app.report_item_progress(ids["y"], 30, "清淤进行中", w.unit("B"))
                app.report_item_progress(ids["x"], 50, "整治过半", w.unit("A"))
        if day > JAN5:
            app.tick(day, districts=[on_time])
        day += timedelta(days=1)
    return items


def _scores(queries: RankingQueries, district: str, period: str) -> list[tuple]:
    return [(s.unit_name, s.score, s.rank, tuple(sorted((line.fact, line.count) for line in s.lines)))
            for s in queries.ranking(district, period, "2026-v1")]


def test_a_late_watch_counts_the_facts_in_the_period_they_happened_as_a_watch_on_time_does(app, clock):
    # given two districts doing the same work from January to April; the first watched every day,
    # the second never until its worker first runs on 1 April
    worlds = [_district(app, D), _district(app, LATE)]
    items = _day_by_day(app, clock, worlds, APR1, on_time=D)
    worker = Worker(app)
    worker.read_side = ReadSide(app.store)
    worker.read_side.catch_up()
    assert app.days_to_watch(LATE, APR1) == [APR1]
    # when the late district's watch runs
    assert worker.watch(APR1) == 2  # 1 April in each district (the first was watched by hand until then)
    worker.read_side.catch_up()

    # then the facts it recorded on 1 April carry the days they happened
    x = app.item(items[LATE]["x"], worlds[1].office)
    assert x.missed_day(date(2026, 2, 10)) == date(2026, 2, 11)
    missed = [e for e in app.store.events.get(items[LATE]["x"]) if type(e).__name__ == "DeadlineMissed"]
    assert [(e.on, e.happened_on) for e in missed] == [(APR1, date(2026, 2, 11))]

    # and the rankings count them in February, March and the first quarter, not in April or the second
    queries = RankingQueries(worker.read_side.read_models)

    def facts(period: str, unit: str) -> dict[str, float]:
        score = next(s for s in queries.ranking(LATE, period, "2026-v1") if s.unit_name == unit)
        return {line.fact: line.count for line in score.lines}

    assert facts("2026-02", "区住建局").get("deadline_missed") == 1  # 甲, missed on 11 February
    assert facts("2026-03", "区住建局").get("deadline_missed") == 1  # 丙, back with the unit on 10 March
    assert facts("2026-Q1", "区住建局")["deadline_missed"] == 2 and facts("2026-Q1", "区住建局")["open_overdue"] == 2
    assert facts("2026-03", "区城管局").get("report_missed") == 1  # 乙's February report: missed on 1 March
    assert facts("2026-04", "区住建局").get("report_missed") == 1  # 丙's March report: missed on 1 April
    assert "deadline_missed" not in facts("2026-04", "区住建局") and "deadline_missed" not in facts("2026-Q2", "区住建局")
    explained = queries.explanation(LATE, worlds[1].unit_ids["A"].hex, "2026-04", "2026-v1")
    assert "deadline_missed" not in {line.fact for line in explained.lines}

    # and every period reads exactly as in the district watched on time
    for period in ("2026-01", "2026-02", "2026-03", "2026-Q1", "2026-04", "2026-Q2", "2026"):
        assert _scores(queries, LATE, period) == _scores(queries, D, period), period
    ledger = LedgerQueries(worker.read_side.read_models)
    bulletins = BulletinQueries(worker.read_side.read_models, ledger, queries)
    for period in ("2026-02", "2026-Q1"):
        late, on_time = (bulletins.bulletin(code, "区", period, "2026-v1", APR1) for code in (LATE, D))
        assert [(u.name, u.assigned, u.on_time, u.late, u.overdue_open) for u in late.units] == \
               [(u.name, u.assigned, u.on_time, u.late, u.overdue_open) for u in on_time.units]
        assert [(s.unit_name, s.score) for s in late.ranking] == [(s.unit_name, s.score) for s in on_time.ranking]

    # and watching again records nothing twice: the worker, a repeated tick, another application
    assert worker.watch(APR1) == 0
    assert app.tick(APR1).recorded == 0
    assert sum(type(e).__name__ == "DeadlineMissed" for e in app.store.events.get(items[LATE]["x"])) == 1


def test_a_fact_recorded_before_it_carried_its_day_still_loads_and_counts_on_its_business_date(app, clock, store_env):
    # given a miss the watch recorded on 1 April, then stored as an event of before point 3 would be:
    # without the day it happened
    world = _district(app, D)
    clock.set(JAN5)
    item_id = world.item(lead="A", sign=True, source=SourceKind.LEADER_INSTRUCTION, reference="批示1",
                         deadline=date(2026, 1, 30))
    clock.set(APR1)
    app.tick()
    _forget_happened_on(app, store_env)

    # when a fresh application and a fresh read side read it
    fresh = Duban(env=store_env, clock=clock)
    try:
        item = fresh.item(item_id, world.office)
        # then the record loads, and the miss is taken as having happened on its business date
        assert item.missed_deadlines == [date(2026, 1, 30)] and item.missed_day(date(2026, 1, 30)) == APR1
        read_side = ReadSide(fresh.store)
        read_side.catch_up()
        scores = {s.unit_name: {line.fact: line.count for line in s.lines}
                  for s in RankingQueries(read_side.read_models).ranking(D, "2026-04", "2026-v1")}
        assert scores["区住建局"]["deadline_missed"] == 1
        assert not fresh.item(item_id, world.office).record_deadline_missed(APR1, system_actor(D))
    finally:
        fresh.close()


def _forget_happened_on(app: Duban, store_env) -> None:
    """Rewrite the stored DeadlineMissed events without ``happened_on``, as events recorded before it existed."""
    postgres = "postgres" in store_env["PERSISTENCE_MODULE"]
    table = "duban_events" if postgres else "stored_events"
    if postgres:
        import psycopg

        from duban.worker import connect

        with connect(store_env) as connection:
            rows = connection.execute(f"SELECT originator_id, originator_version, state FROM {table}"
                                      " WHERE topic LIKE %s", ("%DeadlineMissed",)).fetchall()
            for originator, version, state in rows:
                data = json.loads(bytes(state))
                data.pop("happened_on")
                connection.execute(f"UPDATE {table} SET state = %s WHERE originator_id = %s AND originator_version = %s",
                                   (psycopg.Binary(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()), originator, version))
    else:
        import sqlite3

        with sqlite3.connect(store_env["SQLITE_DBNAME"]) as connection:
            rows = connection.execute(f"SELECT originator_id, originator_version, state FROM {table}"
                                      " WHERE topic LIKE ?", ("%DeadlineMissed",)).fetchall()
            for originator, version, state in rows:
                data = json.loads(bytes(state))
                data.pop("happened_on")
                connection.execute(f"UPDATE {table} SET state = ? WHERE originator_id = ? AND originator_version = ?",
                                   (json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode(), originator, version))
    assert rows, "the watch recorded the miss"
