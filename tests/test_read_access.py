"""The read rules (查看权限) in the application (``duban/application/access.py``), role by role.

* the office and the administrator read everything of their district;
* a unit reads the items assigned to it (lead or co-unit), the notices sent to it, its own tasks;
* a leader reads the units of their portfolio *that day* — as leader in charge, or as AB-role
  cover while the leader in charge is away; the district head reads all;
* the discipline body reads a case only once a leader has approved its referral;
* an inspection is read by the units it targets (an unannounced one only once conducted), the
  department that organises it, the leaders of those units; never by the discipline body;
* another district's record answers exactly like a record that does not exist (NotFound).
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from builders import DistrictBuilder

from domain.actor import Actor, Role
from domain.errors import DomainError, NotFound
from domain.rectification import ProblemSource, Severity

pytestmark = pytest.mark.stores("memory")  # rules through the service: the in-memory store (tests/conftest.py)

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


def notices_about_a(r) -> list:
    """The notices the ledger lists about item A (to A and to B): what its case file keeps or drops."""
    return [r["to_a"], r["to_b"]]


def discipline(district: str) -> Actor:
    return Actor("jiwei", Role.DISCIPLINE, district)


def test_the_office_and_the_administrator_read_their_whole_district(app, district):
    world, _, r = district
    for actor in (world.office, world.admin):
        assert app.readable_item(r["item_c"], actor).id == r["item_c"]
        assert app.readable_notice(r["to_b"], actor).id == r["to_b"]
        assert app.readable_rectification(r["task_c"], actor).id == r["task_c"]
        assert app.visible_units(actor) is None
        item, notices = app.case_file(r["item_a"], actor, notices_about_a(r))
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
    item, notices = app.case_file(r["item_a"], b, notices_about_a(r))
    assert item.id == r["item_a"] and [n.id for n in notices] == [r["to_b"]]
    assert [n.id for n in app.case_file(r["item_a"], a, notices_about_a(r))[1]] == [r["to_a"]]


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
    assert [n.id for n in app.case_file(r["item_a"], v1, notices_about_a(r))[1]] == [r["to_b"]]
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
    assert _rule(lambda: app.readable_item(r["item_a"], jiwei)) == "referral.not_referred"
    assert _rule(lambda: app.readable_notice(r["to_a"], jiwei)) == "referral.not_referred"
    # a rectification task: the same, and the notices about it follow the task
    assert _rule(lambda: app.readable_rectification(task, jiwei)) == "referral.not_referred"
    assert _rule(lambda: app.readable_notice(notice_c, jiwei)) == "referral.not_referred"
    app.propose_rectification_referral(task, "屡改屡犯", world.office)
    app.decide_rectification_referral(task, True, "同意", world.leader("HEAD"))
    assert app.readable_rectification(task, jiwei).id == task
    assert app.readable_notice(notice_c, jiwei).id == notice_c
    assert app.visible_units(jiwei) == frozenset()


def test_another_districts_records_answer_like_missing_ones(app, district):
    world, other, r = district
    readers = [world.office, world.admin, world.unit("A"), world.leader("V1"), world.leader("HEAD"),
               discipline(world.district)]
    x = r["item_x"]
    case_file = lambda record, actor: app.case_file(record, actor, [])  # noqa: E731  (our ledger lists none)
    for actor in readers:
        for read, record in [(app.readable_item, x), (case_file, x)]:
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


# -- inspections (督查检查) ----------------------------------------------------------------------------
# The list tests run on both stores: a list comes from the inspections read model, as the pages read it.
LISTED = pytest.mark.stores("sqlite", "postgres")


def visible(app, actor) -> list:
    """The ids of the inspections ``actor``'s list shows: the read model's rows of its district
    (caught up), kept by the read rule."""
    return [i.id for i in app.visible_inspections(actor, app.caught_up_queries().inspections.rows(actor.district))]


@pytest.fixture
def inspections(app, district):
    """A special inspection of A and B planned by the office; C's proposal to inspect B; an unannounced
    inspection of A (暗访督查, planned); and an inspection of X in the other district."""
    from domain.inspection import InspectionKind

    world, other, _ = district
    ids = world.unit_ids

    def plan(units, kind=InspectionKind.SPECIAL, title="安全生产专项督查", on_world=world):
        return app.plan_inspection(kind=kind, title=title, target_units=units, planned_month="2026-03",
                                   actor=on_world.office).id

    proposal = app.propose_inspection(kind=InspectionKind.SPECIAL, title="市容秩序检查", target_units=[ids["B"]],
                                      planned_month="2026-03", reasons="群众反映集中", actor=world.unit("C")).id
    return dict(ab=plan([ids["A"], ids["B"]]), proposal=proposal,
                secret=plan([ids["A"]], kind=InspectionKind.UNANNOUNCED, title="市容暗访"),
                x=plan([other.unit_ids["X"]], on_world=other))


@LISTED
def test_the_office_and_the_administrator_read_every_inspection(app, district, inspections):
    world, _, _ = district
    ours = [inspections[k] for k in ("proposal", "ab", "secret")]
    for actor in (world.office, world.admin):
        assert all(app.readable_inspection(i, actor).id == i for i in ours)
        assert visible(app, actor) == ours


@LISTED
def test_a_unit_reads_the_inspections_that_target_it_or_that_it_organises(app, district, inspections):
    world, _, _ = district
    a, b, c = world.unit("A"), world.unit("B"), world.unit("C")
    ab, proposal, secret = inspections["ab"], inspections["proposal"], inspections["secret"]
    assert app.readable_inspection(ab, a) and app.readable_inspection(ab, b)  # targets
    assert app.readable_inspection(proposal, c)  # the department that asked to inspect B
    assert app.readable_inspection(proposal, b)
    assert _rule(lambda: app.readable_inspection(ab, c)) == "inspection.not_yours"
    assert _rule(lambda: app.readable_inspection(proposal, a)) == "inspection.not_yours"
    # an unannounced inspection (暗访督查) is not shown to the unit it targets before it is conducted
    assert _rule(lambda: app.readable_inspection(secret, a)) == "inspection.unannounced"
    assert visible(app, a) == [ab]
    assert visible(app, c) == [proposal]
    app.conduct_inspection(secret, world.office)
    assert app.readable_inspection(secret, a).id == secret
    assert visible(app, a) == [ab, secret]
    assert _rule(lambda: app.readable_inspection(secret, b)) == "inspection.not_yours"


@LISTED
def test_a_leader_reads_the_inspections_touching_the_portfolio_of_the_day(app, clock, district, inspections):
    world, _, _ = district
    v1, v2, v3, head = world.leader("V1"), world.leader("V2"), world.leader("V3"), world.leader("HEAD")
    ab, proposal, secret = inspections["ab"], inspections["proposal"], inspections["secret"]
    assert visible(app, v1) == [proposal, ab, secret]  # B; A and B; A (announced or not)
    assert visible(app, v2) == [proposal]  # organised by C
    assert _rule(lambda: app.readable_inspection(ab, v2)) == "inspection.not_in_portfolio"
    assert _rule(lambda: app.readable_inspection(secret, v2)) == "inspection.not_in_portfolio"
    assert _rule(lambda: app.readable_inspection(ab, v3)) == "inspection.not_in_portfolio"
    assert visible(app, v3) == []
    assert len(visible(app, head)) == 3 and app.readable_inspection(secret, head)
    clock.set(date(2026, 4, 2))  # unit A is V2's from 04-01
    assert app.readable_inspection(secret, v2).id == secret and app.readable_inspection(ab, v2)
    assert _rule(lambda: app.readable_inspection(secret, v1)) == "inspection.not_in_portfolio"
    assert app.readable_inspection(ab, v1)  # still through B


@LISTED
def test_the_discipline_body_reads_no_inspection(app, district, inspections):
    world, _, _ = district
    jiwei = discipline(world.district)
    for key in ("ab", "proposal", "secret"):
        assert _rule(lambda: app.readable_inspection(inspections[key], jiwei)) == "inspection.not_referred"
    assert visible(app, jiwei) == []


@LISTED
def test_another_districts_inspection_answers_like_a_missing_one(app, district, inspections):
    world, other, _ = district
    for actor in (world.office, world.admin, world.unit("A"), world.leader("V1"), world.leader("HEAD"),
                  discipline(world.district)):
        with pytest.raises(NotFound) as found:
            app.readable_inspection(inspections["x"], actor)
        with pytest.raises(NotFound) as missing:
            app.readable_inspection(uuid.uuid4(), actor)
        assert (found.value.rule, found.value.message) == (missing.value.rule, missing.value.message)
        assert inspections["x"] not in visible(app, actor)
    with pytest.raises(NotFound):
        app.readable_inspection(inspections["ab"], other.office)
    assert visible(app, other.office) == [inspections["x"]]


def test_a_leader_whose_post_has_ended_no_longer_sees_the_old_portfolio(app, district):
    world, _, ids = district
    v2 = world.leader("V2")
    assert app.readable_item(ids["item_c"], v2).id == ids["item_c"]
    app.end_leader_post(world.leader_ids["V2"], world.office)
    assert app.visible_units(v2) == frozenset()
    assert _rule(lambda: app.readable_item(ids["item_c"], v2)) == "item.not_in_portfolio"


@pytest.mark.stores("sqlite", "postgres")  # a list: from the ledger read model, as the discipline pages read it
def test_the_discipline_body_lists_exactly_the_approved_referrals_of_its_district(app, clock, district):
    from projections.queries import ReadQueries
    from projections.read_side import ReadSide

    world, other, r = district
    item, task = r["item_c"], r["task_c"]
    app.propose_referral(r["item_a"], "长期不反馈", world.office)  # proposed, not approved: not listed
    app.propose_referral(item, "约谈后仍不整改", world.office)
    app.decide_referral(item, True, "同意移交", world.leader("V2"))
    app.propose_rectification_referral(task, "屡改屡犯", world.office)
    app.decide_rectification_referral(task, True, "同意", world.leader("HEAD"))
    other_item = r["item_x"]
    app.propose_referral(other_item, "外区案件", other.office)
    read_side = ReadSide(app.store)
    read_side.catch_up()
    ledger, day = ReadQueries(read_side.read_models).ledger, clock.today()

    def listed(district: str, kind: str) -> list[uuid.UUID]:
        return [uuid.UUID(row.entry_id) for row in ledger.rows(district, day, kinds=(kind,), referred_only=True,
                                                               sort="newest")]

    assert listed(world.district, "item") == [item] and listed(world.district, "rectification") == [task]
    assert listed(other.district, "item") == []
