"""The read rules (查看权限) in the application (``duban/application/access.py``), role by role.

* the office and the administrator read everything of their district;
* a unit reads the items assigned to it (lead or co-unit), the notices sent to it, its own tasks;
* a leader reads the units of their portfolio *that day* — as leader in charge, or as AB-role
  cover while the leader in charge is away; the district head reads all;
* the discipline body reads a case only once a leader has approved its referral;
* another district's record answers exactly like a record that does not exist (NotFound).
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from builders import DistrictBuilder

from domain.actor import Actor, Role
from domain.errors import DomainError, NotAllowed, NotFound
from domain.rectification import ProblemSource, Severity

MOVE = date(2026, 4, 1)  # unit A moves from V1's portfolio to V2's


@pytest.fixture
def district(app, clock):
    """A (V1, moving to V2 on 04-01), B (V1), C (V2); HEAD the district head.  An item led by A with
    co-unit B and a notice to each; an item and a task of C; another district with unit X."""
    clock.set(date(2026, 3, 2))
    world = (DistrictBuilder(app).units(A="区住建局", B="晴川街", C="区城管局")
             .leaders(HEAD="district_head", V1="vice_head", V2="vice_head", V3="vice_head")
             .place(A="V1", B="V1", C="V2").build())
    world.place("A", "V2", effective=MOVE)
    item_a = world.item(lead="A", co=["B"], sign=True, deadline=date(2026, 6, 30))
    item_c = world.item(lead="C", sign=True, deadline=date(2026, 6, 30))
    tasks = [{"task": "说明进度", "responsible": "局长", "deadline": date(2026, 3, 20)}]
    to_a = app.issue_notice(unit=world.unit_ids["A"], subject_kind="item", subject_id=item_a, title="致A",
                            tasks=tasks, actor=world.office).id
    to_b = app.issue_notice(unit=world.unit_ids["B"], subject_kind="item", subject_id=item_a, title="致B",
                            tasks=tasks, actor=world.office).id
    task_c = app.record_rectification(unit=world.unit_ids["C"], source=ProblemSource.AUDIT, problem="审计问题",
                                      severity=Severity.GENERAL, deadline=date(2026, 6, 30), actor=world.office).id
    other = DistrictBuilder(app, district="420199", name="外区").units(X="外区住建局").build()
    item_x = other.item(lead="X", sign=True, deadline=date(2026, 6, 30))
    return world, other, dict(item_a=item_a, item_c=item_c, to_a=to_a, to_b=to_b, task_c=task_c, item_x=item_x)


def _rule(call) -> str | None:
    """The rule that refused ``call``, or None if it was allowed."""
    try:
        call()
    except DomainError as error:
        return error.rule
    return None


def discipline(district: str) -> Actor:
    return Actor("jiwei", Role.DISCIPLINE, district)


def test_the_office_and_the_administrator_read_their_whole_district(app, district):
    world, _, r = district
    for actor in (world.office, world.admin):
        assert app.readable_item(r["item_c"], actor).id == r["item_c"]
        assert app.readable_notice(r["to_b"], actor).id == r["to_b"]
        assert app.readable_rectification(r["task_c"], actor).id == r["task_c"]
        assert app.visible_units(actor) is None
        item, notices = app.case_file(r["item_a"], actor)
        assert {n.id for n in notices} == {r["to_a"], r["to_b"]}


def test_a_unit_reads_what_is_assigned_or_sent_to_it(app, district):
    world, _, r = district
    a, b, c = world.unit("A"), world.unit("B"), world.unit("C")
    assert app.readable_item(r["item_a"], a) and app.readable_item(r["item_a"], b)  # lead and co-unit
    assert _rule(lambda: app.readable_item(r["item_a"], c)) == "item.unit_not_assigned"
    assert _rule(lambda: app.readable_item(r["item_c"], a)) == "item.unit_not_assigned"
    assert app.readable_notice(r["to_b"], b) and _rule(lambda: app.readable_notice(r["to_a"], b)) == "notice.not_yours"
    assert app.readable_rectification(r["task_c"], c)
    assert _rule(lambda: app.readable_rectification(r["task_c"], a)) == "rectification.not_yours"
    # the co-unit's case file holds the item and the notice sent to it, not the one sent to the lead
    item, notices = app.case_file(r["item_a"], b)
    assert item.id == r["item_a"] and [n.id for n in notices] == [r["to_b"]]
    assert [n.id for n in app.case_file(r["item_a"], a)[1]] == [r["to_a"]]
    with pytest.raises(NotAllowed):
        app.referred_items(a)


def test_a_leader_reads_the_portfolio_of_the_day(app, clock, district):
    world, _, r = district
    v1, v2, v3, head = world.leader("V1"), world.leader("V2"), world.leader("V3"), world.leader("HEAD")
    ids = world.unit_ids
    assert app.visible_units(v1) == {ids["A"], ids["B"]} and app.visible_units(v2) == {ids["C"]}
    assert app.visible_units(v1, MOVE) == {ids["B"]} and app.visible_units(v2, MOVE) == {ids["A"], ids["C"]}
    assert app.visible_units(v3) == frozenset() and app.visible_units(head) is None
    assert app.readable_item(r["item_a"], v1) and app.readable_notice(r["to_a"], v1)
    assert _rule(lambda: app.readable_item(r["item_a"], v2)) == "item.not_in_portfolio"
    assert _rule(lambda: app.readable_item(r["item_c"], v1)) == "item.not_in_portfolio"
    assert _rule(lambda: app.readable_rectification(r["task_c"], v1)) == "rectification.not_yours"
    assert app.readable_item(r["item_c"], head) and app.readable_rectification(r["task_c"], head)
    # from 04-01 unit A is V2's: the item of A (co-unit B stays with V1) follows
    clock.set(date(2026, 4, 2))
    assert app.readable_item(r["item_a"], v2) and app.readable_notice(r["to_a"], v2)
    assert _rule(lambda: app.readable_notice(r["to_b"], v2)) == "notice.not_yours"
    assert app.readable_item(r["item_a"], v1)  # still through co-unit B
    assert _rule(lambda: app.readable_notice(r["to_a"], v1)) == "notice.not_yours"
    # V1's case file of the item: only the notice to the unit still in V1's portfolio
    assert [n.id for n in app.case_file(r["item_a"], v1)[1]] == [r["to_b"]]
    # a leader user without a leader post sees nothing
    assert _rule(lambda: app.readable_item(r["item_a"], Actor("nobody", Role.LEADER, world.district))) \
        == "item.not_in_portfolio"


def test_the_ab_role_cover_reads_while_the_leader_in_charge_is_away(app, clock, district):
    world, _, r = district
    v1, v3 = world.leader("V1"), world.leader("V3")
    app.set_cover(world.leader_ids["V1"], world.leader_ids["V3"], date(2026, 3, 2), world.office)
    app.record_absence(world.leader_ids["V1"], date(2026, 3, 10), date(2026, 3, 12), world.office)
    assert _rule(lambda: app.readable_item(r["item_a"], v3)) == "item.not_in_portfolio"  # V1 is here
    assert app.visible_units(v3, date(2026, 3, 11)) == {world.unit_ids["A"], world.unit_ids["B"]}
    clock.set(date(2026, 3, 11))
    assert app.readable_item(r["item_a"], v3).id == r["item_a"]
    assert app.readable_notice(r["to_b"], v3)
    assert app.readable_item(r["item_a"], v1)  # away, still in charge
    assert _rule(lambda: app.readable_item(r["item_c"], v3)) == "item.not_in_portfolio"
    clock.set(date(2026, 3, 13))
    assert _rule(lambda: app.readable_item(r["item_a"], v3)) == "item.not_in_portfolio"


def test_the_discipline_body_reads_a_case_only_once_its_referral_is_approved(app, district):
    world, _, r = district
    jiwei = discipline(world.district)
    item, task = r["item_c"], r["task_c"]
    notice_c = app.issue_notice(unit=world.unit_ids["C"], subject_kind="rectification", subject_id=task,
                                title="整改督办", tasks=[{"task": "整改", "responsible": "局长",
                                                       "deadline": date(2026, 3, 20)}], actor=world.office).id
    assert _rule(lambda: app.readable_item(item, jiwei)) == "referral.not_referred"
    app.propose_referral(item, "长期不反馈", world.office)
    assert _rule(lambda: app.readable_item(item, jiwei)) == "referral.not_referred"  # proposed only
    app.decide_referral(item, False, "先约谈", world.leader("V2"))
    assert _rule(lambda: app.readable_item(item, jiwei)) == "referral.not_referred"  # declined
    app.propose_referral(item, "约谈后仍不整改", world.office)
    app.decide_referral(item, True, "同意移交", world.leader("V2"))
    assert app.readable_item(item, jiwei).id == item
    assert [i.id for i in app.referred_items(jiwei)] == [item]
    assert _rule(lambda: app.readable_item(r["item_a"], jiwei)) == "referral.not_referred"
    assert _rule(lambda: app.readable_notice(r["to_a"], jiwei)) == "referral.not_referred"
    # a rectification task: the same, and the notices about it follow the task
    assert _rule(lambda: app.readable_rectification(task, jiwei)) == "referral.not_referred"
    assert _rule(lambda: app.readable_notice(notice_c, jiwei)) == "referral.not_referred"
    app.propose_rectification_referral(task, "屡改屡犯", world.office)
    app.decide_rectification_referral(task, True, "同意", world.leader("HEAD"))
    assert app.readable_rectification(task, jiwei).id == task
    assert app.readable_notice(notice_c, jiwei).id == notice_c
    assert [t.id for t in app.referred_rectifications(jiwei)] == [task]
    assert app.visible_units(jiwei) == frozenset()


def test_another_districts_records_answer_like_missing_ones(app, district):
    world, other, r = district
    readers = [world.office, world.admin, world.unit("A"), world.leader("V1"), world.leader("HEAD"),
               discipline(world.district)]
    x = r["item_x"]
    for actor in readers:
        for read, record in [(app.readable_item, x), (app.case_file, x)]:
            with pytest.raises(NotFound) as found:
                read(record, actor)
            with pytest.raises(NotFound) as missing:
                read(uuid.uuid4(), actor)
            assert (found.value.rule, found.value.message) == (missing.value.rule, missing.value.message)
    # and the other way round: the other district's office cannot read ours
    with pytest.raises(NotFound):
        app.readable_notice(r["to_a"], other.office)
    with pytest.raises(NotFound):
        app.readable_rectification(r["task_c"], other.office)
    with pytest.raises(NotFound):
        app.readable_item(r["item_a"], discipline(other.district))
