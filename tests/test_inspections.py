"""Inspections (督查检查): planned by the office or proposed by a department and approved in writing
(WR art. 63); findings become rectification tasks in the same save; per-unit results for the ranking."""
from __future__ import annotations

from datetime import date

import pytest

from domain.actor import Actor, Role
from domain.errors import ConcurrentChange, InvalidInput, NotAllowed, RuleViolation
from domain.inspection import Inspection, InspectionKind, InspectionStatus
from domain.organisation import NumberRegister, UnitKind
from domain.rectification import ProblemSource, RectificationStatus, RectificationTask, Severity
from duban.application import Duban
from checks import listed, never_recorded, refused

pytestmark = pytest.mark.stores("memory")  # rules through the service: the in-memory store (tests/conftest.py)

D = "420105"
JAN5 = date(2026, 1, 5)
RECT_REGISTER = NumberRegister.id_for(D, "rectification", 2026)
INSP_REGISTER = NumberRegister.id_for(D, "inspection", 2026)


def clerk(unit) -> Actor:
    return Actor(user=f"clerk-{unit.code}", role=Role.UNIT, district=D, unit=unit.id)


@pytest.fixture
def units(app, admin, office):
    app.open_district(D, "汉阳区", admin, on=JAN5)
    return {code: app.register_unit(code, name, kind, office, on=JAN5) for code, name, kind in [
        ("S01", "晴川街", UnitKind.SUBDISTRICT), ("S02", "建桥街", UnitKind.SUBDISTRICT),
        ("S03", "鹦鹉街", UnitKind.SUBDISTRICT), ("D01", "区应急管理局", UnitKind.DEPARTMENT),
        ("D02", "区市场监管局", UnitKind.DEPARTMENT)]}


def plan(app, office, units, kind=InspectionKind.SPECIAL):
    return app.plan_inspection(kind=kind, title="安全生产专项督查", target_units=[units["S01"].id, units["S02"].id],
                               planned_month="2026-03", actor=office)


def propose(app, units):
    return app.propose_inspection(kind=InspectionKind.SPECIAL, title="燃气安全检查",
                                  target_units=[units["S01"].id, units["S02"].id], planned_month="2026-04",
                                  reasons="燃气安全隐患排查", actor=clerk(units["D01"]))


def find(app, inspection, unit, actor, problem="消防通道堵塞", **more):
    return app.record_inspection_finding(inspection.id, unit=unit.id, problem=problem, severity=Severity.SERIOUS,
                                         deadline=date(2026, 4, 30), actor=actor, **more)


# ---- planning and approval ------------------------------------------------------------------------
# The approval, the refusal, who conducts, findings in scope and the results' checks: the inspection's
# own rules, given–when–then in tests/test_inspection_rules.py.  What the service adds: numbering per year.
def test_office_plans_inspections_numbered_per_year(app, units, office):
    first, second = plan(app, office, units), plan(app, office, units, InspectionKind.UNANNOUNCED)
    assert [(i.number_label, i.kind, i.status, i.organiser) for i in (app.inspection(first.id, office),
                                                                      app.inspection(second.id, office))] == [
        ("督查〔2026〕1号", InspectionKind.SPECIAL, InspectionStatus.PLANNED, None),
        ("督查〔2026〕2号", InspectionKind.UNANNOUNCED, InspectionStatus.PLANNED, None)]
    assert first.id != second.id
    refused(app, NotAllowed, "role.not_allowed", lambda: plan(app, clerk(units["D01"]), units), INSP_REGISTER)
    assert never_recorded(app.inspection, Inspection.id_for(D, 2026, 3), office)


# ---- findings become rectification tasks ---------------------------------------------------------------
@pytest.mark.parametrize("kind, source", [
    (InspectionKind.SPECIAL, ProblemSource.SPECIAL_INSPECTION),
    (InspectionKind.UNANNOUNCED, ProblemSource.UNANNOUNCED_INSPECTION),
])
@pytest.mark.stores("sqlite", "postgres")  # needs a real store: the read models are SQL
def test_a_finding_creates_a_rectification_task_that_references_the_inspection(
        app, store_env, clock, units, office, kind, source):
    inspection = plan(app, office, units, kind)
    app.conduct_inspection(inspection.id, office)
    task = find(app, inspection, units["S02"], office)

    fresh = Duban(env=store_env, clock=clock)
    try:
        stored = fresh.rectification(task.id, office)
        assert (stored.source, stored.inspection, stored.source_ref, stored.unit, stored.status) == (
            source, inspection.id, "督查〔2026〕1号", units["S02"].id, RectificationStatus.RECORDED)
        assert fresh.inspection(inspection.id, office).findings == [{"unit": units["S02"].id, "rectification": task.id}]
        assert listed(fresh, D, "rectification") == [task.id]  # in the ledger
    finally:
        fresh.close()


def test_a_finding_outside_the_approved_scope_is_refused_and_creates_no_task(app, units, office):
    proposal = propose(app, units)
    organiser = clerk(units["D01"])
    app.decide_inspection(proposal.id, True, office)
    app.conduct_inspection(proposal.id, organiser)
    task = find(app, proposal, units["S01"], organiser)  # the organising department records in scope
    assert app.rectification(task.id, office).number_label == "整改〔2026〕1号"

    next_task = RectificationTask.id_for(D, 2026, 2)
    refused(app, RuleViolation, "inspection.out_of_scope", lambda: find(app, proposal, units["S03"], organiser),
            proposal.id, RECT_REGISTER, next_task)
    refused(app, NotAllowed, "inspection.not_organiser", lambda: find(app, proposal, units["S02"], clerk(units["D02"])),
            proposal.id, RECT_REGISTER, next_task)
    refused(app, InvalidInput, "rectification.problem_required", lambda: find(app, proposal, units["S02"], organiser, " "),
            proposal.id, RECT_REGISTER, next_task)
    assert never_recorded(app.rectification, next_task, office)
    assert len(app.inspection(proposal.id, office).findings) == 1


@pytest.mark.stores("sqlite", "postgres")  # needs a real store: two writers race: the store decides
def test_a_finding_and_its_task_are_saved_together_or_not_at_all(app, store_env, clock, units, office, monkeypatch):
    inspection = plan(app, office, units)
    seen = app.conduct_inspection(inspection.id, office).version  # the version the user acts on
    other = Duban(env=store_env, clock=clock)  # a colleague changes the inspection meanwhile
    load = app._get

    def load_then_race(cls, aggregate_id, actor=None):
        found = load(cls, aggregate_id, actor)
        if cls is Inspection:
            other.record_inspection_results(inspection.id, [{"unit": units["S01"].id, "score": 88}], office)
        return found

    monkeypatch.setattr(app, "_get", load_then_race)
    try:
        refused(app, ConcurrentChange, "concurrency.conflict",
                lambda: find(app, inspection, units["S01"], office, expected_version=seen),
                RECT_REGISTER, RectificationTask.id_for(D, 2026, 1))
    finally:
        other.close()
    monkeypatch.undo()
    assert listed(app, D, "rectification") == []
    stored = app.inspection(inspection.id, office)
    assert stored.findings == [] and list(stored.results) == [units["S01"].id.hex]
    task = find(app, inspection, units["S01"], office)  # tried again, it is saved with the inspection
    assert app.inspection(inspection.id, office).findings == [{"unit": units["S01"].id, "rectification": task.id}]


def test_findings_only_while_the_inspection_is_conducted(app, units, office):
    inspection = plan(app, office, units)
    refused(app, RuleViolation, "inspection.not_conducted", lambda: find(app, inspection, units["S01"], office),
            inspection.id, RECT_REGISTER)
    assert never_recorded(app.rectification, RectificationTask.id_for(D, 2026, 1), office)


# ---- results for the ranking -------------------------------------------------------------------------
@pytest.mark.stores("sqlite", "postgres")  # needs a real store: two writers race: the store decides
def test_results_per_unit_are_recorded_by_the_organiser(app, store_env, clock, units, office):
    proposal = propose(app, units)
    organiser = clerk(units["D01"])
    app.decide_inspection(proposal.id, True, office)
    app.conduct_inspection(proposal.id, organiser)
    s01, s02 = units["S01"].id, units["S02"].id
    app.record_inspection_results(proposal.id, [{"unit": s01, "score": 92.5, "problems": 1},
                                                {"unit": s02, "score": 78, "problems": 4}], organiser)
    fresh = Duban(env=store_env, clock=clock)
    try:
        assert fresh.inspection(proposal.id, office).results == {
            s01.hex: {"score": 92.5, "problems": 1}, s02.hex: {"score": 78, "problems": 4}}
    finally:
        fresh.close()
