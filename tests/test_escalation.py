"""The escalation ladder through the service: the office's queue and the backtest on the read models, and a
rectification task climbing the whole ladder (both stores)."""

from __future__ import annotations

from datetime import date

import pytest
from builders import DistrictBuilder, events_recorded

from domain.errors import NotAllowed, RuleViolation
from domain.escalation import EscalationRules, Step
from domain.rectification import ProblemSource, Severity
from projections.escalation import EscalationQueries
from projections.ledger import LedgerQueries
from projections.ranking import RankingQueries
from projections.read_side import ReadSide

RULES = EscalationRules.load("2026-v1")


# The policy by itself (next_step, its thresholds, evidence and words): tests/test_escalation_rules.py.


@pytest.fixture
def office_day(app, clock):
    """Item X due Fri 2026-03-20 and never finished; item Y finished on time; a rectification
    task of unit B due 2026-03-20 left untouched."""
    clock.set(date(2026, 3, 2))
    world = DistrictBuilder(app).units(A="区住建局", B="区城管局").leaders(HEAD="district_head").build()
    x = world.item(lead="A", sign=True, deadline=date(2026, 3, 20), title="X")
    y = world.item(lead="A", sign=True, deadline=date(2026, 3, 20), title="Y")
    task = app.record_rectification(unit=world.unit_ids["B"], source=ProblemSource.AUDIT, problem="资金未拨付",
                                    severity=Severity.SERIOUS, deadline=date(2026, 3, 20), actor=world.office)
    clock.set(date(2026, 3, 18))
    app.report_completion(y, "完成", world.unit("A"))
    read_side = ReadSide(app.store)
    return world, x, task, read_side, EscalationQueries(read_side.read_models, app.calendar())


def test_the_queue_names_the_step_the_rule_and_the_evidence(app, clock, office_day):
    world, x, task, read_side, queries = office_day
    read_side.catch_up()
    assert queries.queue(world.district, date(2026, 3, 20), RULES) == []  # due today, not yet late
    queue = queries.queue(world.district, date(2026, 3, 23), RULES)  # Monday: one working day late
    assert [(r.title, r.step, r.rule, r.evidence) for r in queue] == [
        ("X", Step.URGE, "urge.overdue", "逾期1个工作日"),
        ("资金未拨付", Step.URGE, "urge.overdue", "逾期1个工作日")]
    clock.set(date(2026, 3, 23))
    app.urge_item(x, "请抓紧", world.office)
    app.urge_item(x, "再次催办", world.office)
    read_side.catch_up()
    top = queries.queue(world.district, date(2026, 3, 24), RULES)[0]
    assert (top.title, top.step, top.evidence) == ("X", Step.NOTICE, "逾期2个工作日；已催办2次")
    # as things stood on Sunday the 22nd both were late, one working day as the ledger counts (the
    # deadline's Friday was the last day to act), and wanted their first urge
    sunday = queries.queue(world.district, date(2026, 3, 24), RULES, as_of=date(2026, 3, 22))
    assert [(r.title, r.step, r.evidence, r.day) for r in sunday] == [
        ("X", Step.URGE, "逾期1个工作日", date(2026, 3, 22)), ("资金未拨付", Step.URGE, "逾期1个工作日", date(2026, 3, 22))]
    ledger = queries.ledger.rows(world.district, date(2026, 3, 22), kinds=("item", "rectification"), overdue_only=True)
    assert {(r.title, r.working_days_overdue) for r in ledger} == {("X", 1), ("资金未拨付", 1)}


def test_a_backtest_records_nothing_and_finds_the_first_day_of_each_step(app, clock, office_day):
    world, x, task, read_side, queries = office_day
    clock.set(date(2026, 4, 3))
    read_side.catch_up()
    before = events_recorded(app)
    produced = queries.backtest(world.district, date(2026, 3, 1), date(2026, 4, 3), RULES)
    assert events_recorded(app) == before
    assert [(r.title, r.step, r.day) for r in produced] == [
        ("X", Step.URGE, date(2026, 3, 23)),
        ("资金未拨付", Step.URGE, date(2026, 3, 23)),
        ("X", Step.NOTICE, date(2026, 3, 27)),  # five working days late: 23, 24, 25, 26, 27
        ("资金未拨付", Step.NOTICE, date(2026, 3, 27)),
    ]


def test_a_rectification_task_climbs_the_whole_ladder(app, clock, office_day):
    world, x, task, read_side, queries = office_day
    office = world.office
    clock.set(date(2026, 3, 23))
    app.urge_rectification(task.id, "请抓紧整改", office)
    clock.set(date(2026, 3, 24))
    app.urge_rectification(task.id, "再次催办", office)
    notice = app.issue_notice(unit=world.unit_ids["B"], subject_kind="rectification", subject_id=task.id,
                              title="整改督办通知", tasks=[{"task": "说明整改进度", "responsible": "局长",
                                                        "deadline": date(2026, 3, 27)}], actor=office)
    clock.set(date(2026, 4, 8))
    app.tick()  # the reply is overdue
    read_side.catch_up()
    advice = [r for r in queries.queue(world.district, date(2026, 4, 8), RULES) if r.title == "资金未拨付"][0]
    assert (advice.step, advice.rule) == (Step.CRITICISE, "criticise.notice_reply_overdue")
    app.criticise_rectification(task.id, "督办通知逾期未回复", office)
    app.record_rectification_interview(task.id, "督查室主任", "局长", office)
    app.propose_rectification_referral(task.id, "长期不整改", office)
    with pytest.raises(NotAllowed):
        app.decide_rectification_referral(task.id, True, "同意", world.unit("B"))
    app.decide_rectification_referral(task.id, True, "同意移交", world.leader("HEAD"))
    stored = app.rectification(task.id, office)
    assert (stored.urges, stored.criticisms, stored.interviews, stored.referral) == (2, 1, 1, "approved")
    read_side.catch_up()
    row = next(r for r in LedgerQueries(read_side.read_models, app.calendar()).rows(world.district, date(2026, 4, 8))
               if r.title == "资金未拨付")
    assert (row.urges, row.notices, row.criticisms) == (2, 1, 1)
    b = {s.unit_name: s for s in RankingQueries(read_side.read_models).ranking(world.district, "2026-04", "2026-v1")}
    assert (b["区城管局"].count("criticised"), b["区城管局"].count("interviewed")) == (1, 1)  # they count in its score
    assert notice.subject_id == task.id
    with pytest.raises(RuleViolation):
        app.urge_rectification(task.id, "x", world.office, on=date(2026, 4, 7))  # before its last fact
