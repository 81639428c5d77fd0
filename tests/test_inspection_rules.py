"""An inspection's own rules (督查检查), given–when–then on the aggregate (``domain_harness``: no store,
no service): the office plans, a department proposes in writing and waits for the office's approval
(WR art. 63), only the organiser conducts it and records findings and results, never outside the
approved scope, and findings and results only while it is conducted.

What the service adds — numbering per year, a finding saved together with its rectification task,
two writers racing, the read models — stays in tests/test_inspections.py.
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from domain.actor import Actor, Role
from domain.errors import InvalidInput, NotAllowed, RuleViolation
from domain.inspection import Inspection, InspectionKind, InspectionStatus, parse_inspection_kind
from domain.rectification import ProblemSource
from domain_harness import creating, event, given, history, when

DISTRICT = "420105"
MAR2, MAR9 = date(2026, 3, 2), date(2026, 3, 9)
S01, S02, S03, D01, D02 = (uuid.uuid5(uuid.NAMESPACE_URL, f"duban-test-unit-{code}")
                           for code in ("S01", "S02", "S03", "D01", "D02"))
TASK = uuid.uuid5(uuid.NAMESPACE_URL, "duban-test-rectification-1")
OFFICE = Actor(user="duchashi", role=Role.OFFICE, district=DISTRICT)


def clerk(unit: uuid.UUID) -> Actor:
    return Actor(user=f"clerk-{unit.hex[:4]}", role=Role.UNIT, district=DISTRICT, unit=unit)


ORGANISER, OTHER_DEPARTMENT, TARGET = clerk(D01), clerk(D02), clerk(S01)


def plan(actor: Actor = OFFICE, *, kind: InspectionKind = InspectionKind.SPECIAL, title: str = "安全生产专项督查",
         targets: list | None = None, month: str = "2026-03"):
    return lambda: Inspection.plan(year=2026, number=1, kind=kind, title=title,
                                   target_units=[S01, S02] if targets is None else targets, planned_month=month,
                                   on=MAR2, actor=actor)


def propose(actor: Actor = ORGANISER, reasons: str = "燃气安全隐患排查"):
    return lambda: Inspection.propose(year=2026, number=2, kind=InspectionKind.SPECIAL, title="燃气安全检查",
                                      target_units=[S01, S02], planned_month="2026-04", reasons=reasons, on=MAR2,
                                      actor=actor)


def decide(approve: bool, note: str = "", actor: Actor = OFFICE):
    return lambda inspection: inspection.decide_proposal(approve, note, MAR2, actor)


def conduct(actor: Actor = OFFICE):
    return lambda inspection: inspection.conduct(MAR9, actor)


def finding(unit: uuid.UUID = S01, actor: Actor = OFFICE):
    return lambda inspection: inspection.record_finding(unit, TASK, "消防通道堵塞", MAR9, actor)


def results(rows: list, actor: Actor = OFFICE):
    return lambda inspection: inspection.record_results(rows, MAR9, actor)


def close(actor: Actor = OFFICE):
    return lambda inspection: inspection.close(MAR9, actor)


def planned() -> Inspection:
    """督查〔2026〕1号, planned by the office for March, targets S01 and S02."""
    return given(plan()())


def proposed() -> Inspection:
    """督查〔2026〕2号, proposed by department D01 for April, targets S01 and S02, not yet decided."""
    return given(propose()())


# ---- planning and proposing ------------------------------------------------------------------------------
def test_the_office_plans_an_inspection_in_the_annual_plan():
    inspection = creating(plan()).then(event("Created", title="安全生产专项督查", status="planned", organiser=None,
                                             target_units=[S01, S02], planned_month="2026-03", reasons=""))
    assert (inspection.number_label, inspection.kind, inspection.status) == (
        "督查〔2026〕1号", InspectionKind.SPECIAL, InspectionStatus.PLANNED)
    assert inspection.id == Inspection.id_for(DISTRICT, 2026, 1)
    creating(plan(ORGANISER)).refused("role.not_allowed", NotAllowed)


def test_an_inspection_needs_a_title_distinct_targets_and_a_month():
    creating(plan(title=" ")).refused("inspection.title_required", InvalidInput, field="title")
    creating(plan(targets=[])).refused("inspection.targets_required", InvalidInput, field="target_units")
    creating(plan(targets=[S01, S01])).refused("inspection.duplicate_target", InvalidInput, field="target_units")
    for month in ("2026-3", "2026/03", ""):
        creating(plan(month=month)).refused("inspection.bad_month", InvalidInput, field="planned_month")


def test_a_department_proposes_in_writing_and_waits_for_approval():
    inspection = creating(propose(reasons=" 燃气安全隐患排查 ")).then(
        event("Created", status="proposed", organiser=D01, reasons="燃气安全隐患排查"))
    assert inspection.status is InspectionStatus.PROPOSED
    creating(propose(reasons=" ")).refused("inspection.reasons_required", InvalidInput, field="reasons")
    creating(propose(OFFICE)).refused("role.not_allowed", NotAllowed)


@pytest.mark.parametrize("kind, source", [
    (InspectionKind.SPECIAL, ProblemSource.SPECIAL_INSPECTION),
    (InspectionKind.UNANNOUNCED, ProblemSource.UNANNOUNCED_INSPECTION),
])
def test_the_kind_names_the_source_of_its_findings(kind, source):
    assert kind.problem_source is source
    assert parse_inspection_kind(kind.label) is kind and parse_inspection_kind(kind.value) is kind


def test_an_unknown_kind_is_refused():
    creating(lambda: parse_inspection_kind("巡视")).refused("inspection.unknown_kind", InvalidInput, field="kind")


# ---- the office's decision on a proposal ----------------------------------------------------------------
def test_the_office_approves_a_proposal_which_may_then_be_conducted():
    proposal = proposed()
    when(proposal, conduct(ORGANISER)).refused("inspection.not_approved", RuleViolation)
    when(proposal, decide(True, actor=ORGANISER)).refused("role.not_allowed", NotAllowed)
    approved = when(proposal, decide(True, "同意")).then("Approved", note="同意")
    assert approved.status is InspectionStatus.PLANNED
    when(approved, decide(True)).refused("inspection.not_proposed", RuleViolation)
    conducted = when(approved, conduct(ORGANISER)).then("Conducted", on=MAR9)
    assert (conducted.status, conducted.conducted_on) == (InspectionStatus.CONDUCTED, MAR9)


def test_a_refusal_needs_reasons_and_a_refused_proposal_is_never_conducted():
    proposal = proposed()
    when(proposal, decide(False, " ")).refused("inspection.refusal_reason_required", InvalidInput, field="note")
    refused = when(proposal, decide(False, "与年度计划重复")).then("Refused", note="与年度计划重复")
    assert refused.status is InspectionStatus.REFUSED
    for actor in (ORGANISER, OFFICE):
        when(refused, conduct(actor)).refused("inspection.refused", RuleViolation)
    when(refused, decide(True)).refused("inspection.not_proposed", RuleViolation)


def test_a_planned_inspection_has_no_proposal_to_decide():
    when(planned(), decide(True)).refused("inspection.not_proposed", RuleViolation)


# ---- who conducts, and findings in scope ----------------------------------------------------------------
def test_only_the_office_conducts_its_own_inspection_once():
    inspection = planned()
    when(inspection, conduct(TARGET)).refused("role.not_allowed", NotAllowed)
    conducted = when(inspection, conduct()).then("Conducted")
    when(conducted, conduct()).refused("inspection.already_conducted", RuleViolation)


def test_a_departments_inspection_is_conducted_by_it_or_the_office_not_by_another_unit():
    approved = given(proposed(), decide(True))
    when(approved, conduct(OTHER_DEPARTMENT)).refused("inspection.not_organiser", NotAllowed)
    when(approved, conduct(OFFICE)).then("Conducted")
    when(approved, conduct(ORGANISER)).then("Conducted")


def test_findings_only_while_conducted_and_only_in_the_approved_scope():
    inspection = given(proposed(), decide(True))
    when(inspection, finding(actor=ORGANISER)).refused("inspection.not_conducted", RuleViolation)
    conducted = given(inspection, conduct(ORGANISER))
    when(conducted, finding(S03, ORGANISER)).refused("inspection.out_of_scope", RuleViolation)
    when(conducted, finding(S02, OTHER_DEPARTMENT)).refused("inspection.not_organiser", NotAllowed)
    found = when(conducted, finding(S02, ORGANISER)).then(
        event("FindingRecorded", unit=S02, rectification=TASK, problem="消防通道堵塞"))
    assert found.findings == [{"unit": S02, "rectification": TASK}]
    closed = given(found, close(ORGANISER))
    when(closed, finding(S01, ORGANISER)).refused("inspection.not_conducted", RuleViolation)


def test_a_unit_records_no_finding_of_an_office_inspection():
    conducted = given(planned(), conduct())
    when(conducted, finding(actor=TARGET)).refused("role.not_allowed", NotAllowed)
    when(conducted, finding()).then("FindingRecorded")


# ---- results for the ranking ----------------------------------------------------------------------------
def test_the_organiser_records_per_unit_results():
    conducted = given(proposed(), decide(True), conduct(ORGANISER))
    rows = [{"unit": S01, "score": 92.5, "problems": 1}, {"unit": S02, "score": None}]
    recorded = when(conducted, results(rows, ORGANISER)).then(event("ResultsRecorded", results=[
        {"unit": S01, "score": 92.5, "problems": 1}, {"unit": S02, "score": None, "problems": 0}]))
    assert recorded.results == {S01.hex: {"score": 92.5, "problems": 1}, S02.hex: {"score": None, "problems": 0}}


@pytest.mark.parametrize("row, actor, error, rule", [
    ({"score": 101, "problems": 0}, ORGANISER, InvalidInput, "inspection.bad_score"),
    ({"score": -1, "problems": 0}, ORGANISER, InvalidInput, "inspection.bad_score"),
    ({"score": True, "problems": 0}, ORGANISER, InvalidInput, "inspection.bad_score"),
    ({"score": "90", "problems": 0}, ORGANISER, InvalidInput, "inspection.bad_score"),
    ({"score": 80, "problems": True}, ORGANISER, InvalidInput, "inspection.bad_problem_count"),
    ({"score": 80, "problems": -2}, ORGANISER, InvalidInput, "inspection.bad_problem_count"),
    ({"score": 80, "problems": 1.5}, ORGANISER, InvalidInput, "inspection.bad_problem_count"),
    ({"score": 80, "problems": 0, "unit": S03}, ORGANISER, RuleViolation, "inspection.out_of_scope"),
    ({"score": 80, "problems": 0}, OTHER_DEPARTMENT, NotAllowed, "inspection.not_organiser"),
])
def test_bad_results_and_non_organisers_are_refused(row, actor, error, rule):
    conducted = given(proposed(), decide(True), conduct(ORGANISER))
    rows = [{"unit": S01, "score": 90, "problems": 0}, {"unit": S02, **row}]
    when(conducted, results(rows, actor)).refused(rule, error)


def test_results_need_rows_and_a_conducted_inspection():
    office_inspection = planned()
    rows = [{"unit": S01, "score": 90, "problems": 0}]
    when(office_inspection, results(rows)).refused("inspection.not_conducted", RuleViolation)
    conducted = given(office_inspection, conduct())
    when(conducted, results([])).refused("inspection.results_required", InvalidInput, field="results")
    when(conducted, results(rows, TARGET)).refused("role.not_allowed", NotAllowed)
    when(conducted, results(rows)).then("ResultsRecorded")


# ---- closing ---------------------------------------------------------------------------------------------
def test_only_a_conducted_inspection_is_closed_by_its_organiser():
    approved = given(proposed(), decide(True))
    when(approved, close(ORGANISER)).refused("inspection.not_conducted", RuleViolation)
    conducted = given(approved, conduct(ORGANISER))
    when(conducted, close(OTHER_DEPARTMENT)).refused("inspection.not_organiser", NotAllowed)
    closed = when(conducted, close(ORGANISER)).then("Closed", on=MAR9)
    assert closed.status is InspectionStatus.CLOSED
    when(closed, close(ORGANISER)).refused("inspection.not_conducted", RuleViolation)
    when(closed, results([{"unit": S01, "score": 90}], ORGANISER)).refused("inspection.not_conducted", RuleViolation)


def test_an_inspection_replayed_from_its_events_keeps_its_scope_and_organiser():
    built = propose()()
    built.decide_proposal(True, "", MAR2, OFFICE)
    built.conduct(MAR9, ORGANISER)
    replayed = given(events=history(built))
    assert (replayed.status, replayed.organiser, replayed.target_units) == (InspectionStatus.CONDUCTED, D01, [S01, S02])
    when(replayed, finding(S03, ORGANISER)).refused("inspection.out_of_scope", RuleViolation)
    when(replayed, finding(S01, OTHER_DEPARTMENT)).refused("inspection.not_organiser", NotAllowed)
