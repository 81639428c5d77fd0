"""The escalation ladder: the policy by itself, the office's queue and the backtest (both stores)."""

from __future__ import annotations

from datetime import date

import pytest
from builders import DistrictBuilder, events_recorded

from domain.errors import InvalidInput, NotAllowed, RuleViolation
from domain.escalation import CaseFacts, EscalationRules, Step, next_step, rule_words
from domain.rectification import ProblemSource, Severity
from projections.escalation import EscalationQueries
from projections.ledger import LedgerQueries
from projections.ranking import RankingQueries
from projections.read_side import ReadSide

RULES = EscalationRules.load("2026-v1")


@pytest.mark.parametrize("facts, step, rule", [
    (CaseFacts("item", 0), None, None),
    (CaseFacts("item", 1), Step.URGE, "urge.overdue"),
    (CaseFacts("item", 2, urges=1), Step.URGE, "urge.overdue"),
    (CaseFacts("item", 3, urges=2), Step.NOTICE, "notice.urged_or_long_overdue"),
    (CaseFacts("item", 5), Step.NOTICE, "notice.urged_or_long_overdue"),
    (CaseFacts("item", 8, urges=2, notices=1), None, None),  # notice out, reply not yet overdue
    (CaseFacts("item", 9, urges=2, notices=1, notice_reply_overdue=True), Step.CRITICISE, "criticise.notice_reply_overdue"),
    (CaseFacts("item", 12, notices=1, notice_reply_overdue=True, criticisms=1), Step.INTERVIEW,
     "interview.criticised_still_overdue"),
    (CaseFacts("item", 39, notices=1, criticisms=1, interviews=1), None, None),
    (CaseFacts("item", 40, notices=1, criticisms=1, interviews=1), Step.REFERRAL, "referral.interviewed_still_overdue"),
    (CaseFacts("item", 60, notices=1, criticisms=1, interviews=1, referral="proposed"), None, None),
    # rectification tasks climb the same ladder
    (CaseFacts("rectification", 1), Step.URGE, "urge.overdue"),
    (CaseFacts("rectification", 6), Step.NOTICE, "notice.urged_or_long_overdue"),
    (CaseFacts("rectification", 9, notices=1), None, None),
    (CaseFacts("rectification", 9, notices=1, notice_reply_overdue=True), Step.CRITICISE,
     "criticise.notice_reply_overdue"),
    (CaseFacts("rectification", 45, notices=1, criticisms=1, interviews=1), Step.REFERRAL,
     "referral.interviewed_still_overdue"),
])
def test_the_policy_climbs_the_ladder_one_step_at_a_time(facts, step, rule):
    advice = next_step(facts, RULES)
    assert (advice.step, advice.rule) == (step, rule) if step else advice is None


def test_every_rule_the_policy_names_is_told_in_the_offices_words_with_its_thresholds():
    """The queue shows why in words (升级依据), never the rule id (that stays in the API)."""
    assert rule_words("notice.urged_or_long_overdue", RULES) == "催办满2次或逾期满5个工作日，发督办通知"
    assert rule_words("referral.interviewed_still_overdue", RULES) == "约谈后逾期仍满40个工作日，建议移交纪检监察"
    for rule in ("urge.overdue", "criticise.notice_reply_overdue", "interview.criticised_still_overdue"):
        assert rule_words(rule, RULES) != "升级规则" and "." not in rule_words(rule, RULES)


def test_the_evidence_says_why_in_plain_words():
    advice = next_step(CaseFacts("item", 9, urges=2, notices=1, notice_reply_overdue=True), RULES)
    assert advice.evidence == "逾期9个工作日；已催办2次；督办通知逾期未回复"


def test_unknown_rule_versions_are_refused():
    with pytest.raises(InvalidInput):
        EscalationRules.load("2099-v9")


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
    # as things stood on Sunday the 22nd, nothing was a working day late yet
    assert queries.queue(world.district, date(2026, 3, 24), RULES, as_of=date(2026, 3, 22)) == []


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
