"""Rectification tasks (整改任务): entered in the ledger, planned, reported with evidence, verified,
signed off (销号), and reopened by a review (回头看)."""
from __future__ import annotations

from datetime import date

import pytest

from domain.actor import Actor, Role
from domain.errors import InvalidInput, NotAllowed, NotFound, RuleViolation
from domain.organisation import NumberRegister, UnitKind
from domain.rectification import ProblemSource, RectificationStatus, RectificationTask, Severity
from duban.application import Duban
from checks import never_recorded, refused
from evidence_samples import PDF, Upload  # real files: a report cites only files it stored

pytestmark = pytest.mark.stores("memory")  # rules through the service: the in-memory store (tests/conftest.py)

D = "420105"
JAN5 = date(2026, 1, 5)
MAR2 = date(2026, 3, 2)
EVIDENCE = [Upload("整改前后对比照片.pdf", PDF)]
REGISTER = NumberRegister.id_for(D, "rectification", 2026)


@pytest.fixture
def units(app, admin, office):
    app.open_district(D, "汉阳区", admin, on=JAN5)
    return {code: app.register_unit(code, name, UnitKind.DEPARTMENT, office, on=JAN5)
            for code, name in [("D01", "区城管执法局"), ("D02", "区住建局")]}


def clerk(unit) -> Actor:
    return Actor(user=f"clerk-{unit.code}", role=Role.UNIT, district=D, unit=unit.id)


def record(app, office, unit, source=ProblemSource.AUDIT, deadline=date(2026, 4, 30), **kw):
    return app.record_rectification(unit=unit.id, source=source, problem="专项资金拨付滞后", severity=Severity.SERIOUS,
                                    deadline=deadline, actor=office, source_ref="汉审报〔2026〕3号", **kw)


@pytest.mark.parametrize("source", [ProblemSource.AUDIT, ProblemSource.MEDIA, ProblemSource.PUBLIC_REPORT])
def test_office_records_problems_from_audit_media_and_public(app, units, office, source):
    task = record(app, office, units["D01"], source=source)
    stored = app.rectification(task.id, office)
    assert (stored.number_label, stored.source, stored.status, stored.unit, stored.inspection) == (
        "整改〔2026〕1号", source, RectificationStatus.RECORDED, units["D01"].id, None)
    assert never_recorded(app.rectification, RectificationTask.id_for(D, 2026, 2), office)  # that one task alone


@pytest.mark.parametrize("source", [ProblemSource.SPECIAL_INSPECTION, ProblemSource.UNANNOUNCED_INSPECTION])
def test_inspection_findings_must_go_through_the_inspection(app, units, office, source):
    refused(app, RuleViolation, "rectification.use_inspection", lambda: record(app, office, units["D01"], source=source),
            REGISTER, RectificationTask.id_for(D, 2026, 1))
    assert never_recorded(app.rectification, RectificationTask.id_for(D, 2026, 1), office)


@pytest.mark.parametrize("who, kwargs, error, rule", [
    ("unit", {}, NotAllowed, "role.not_allowed"),
    ("office", {"deadline": MAR2}, InvalidInput, "rectification.deadline"),
])
def test_recording_is_refused_for_units_and_past_deadlines(app, units, office, who, kwargs, error, rule):
    actor = clerk(units["D01"]) if who == "unit" else office
    refused(app, error, rule, lambda: record(app, actor, units["D01"], **kwargs), REGISTER)
    assert never_recorded(app.rectification, RectificationTask.id_for(D, 2026, 1), office)


@pytest.mark.stores("sqlite", "postgres")  # needs a real store: cited files are stored beside the events
def test_full_ledger_lifecycle_to_sign_off(app, store_env, clock, units, office):
    task = record(app, office, units["D01"])
    unit = clerk(units["D01"])
    refused(app, RuleViolation, "rectification.no_plan",
            lambda: app.report_rectification_progress(task.id, 10, "已启动", unit), task.id)
    clock.set(date(2026, 3, 5))
    app.submit_rectification_plan(task.id, "3月底前完成资金拨付", unit)
    clock.set(date(2026, 3, 16))
    app.report_rectification_progress(task.id, 60, "已拨付60%", unit)
    refused(app, InvalidInput, "rectification.evidence_required",
            lambda: app.report_rectified(task.id, "已全部拨付", [], unit), task.id)
    clock.set(date(2026, 3, 25))
    app.report_rectified(task.id, "已全部拨付", EVIDENCE, unit)
    assert app.rectification(task.id, office).status is RectificationStatus.REPORTED
    refused(app, RuleViolation, "rectification.not_verified", lambda: app.sign_off_rectification(task.id, office), task.id)
    app.verify_rectification(task.id, True, office, note="资料齐全")
    app.sign_off_rectification(task.id, office)

    fresh = Duban(env=store_env, clock=clock)
    try:
        done = fresh.rectification(task.id, office)
        assert (done.status, done.signed_off_on, done.plan["text"]) == (
            RectificationStatus.SIGNED_OFF, date(2026, 3, 25), "3月底前完成资金拨付")
        assert [r["percent"] for r in done.reports] == [60]
    finally:
        fresh.close()
    refused(app, RuleViolation, "rectification.signed_off",
            lambda: app.report_rectification_progress(task.id, 100, "补报", unit), task.id)


@pytest.mark.parametrize("stage", ["recorded", "rectifying"])
def test_signing_off_an_unverified_task_is_refused(app, units, office, stage):
    task = record(app, office, units["D01"])
    if stage == "rectifying":
        app.submit_rectification_plan(task.id, "整改方案", clerk(units["D01"]))
    refused(app, RuleViolation, "rectification.not_verified", lambda: app.sign_off_rectification(task.id, office), task.id)
    refused(app, RuleViolation, "rectification.not_reported",
            lambda: app.verify_rectification(task.id, True, office), task.id)
    assert app.rectification(task.id, office).signed_off_on is None


# Who may act on a task, a failed verification, the review (回头看): the task's own rules, given–when–then
# in tests/test_rectification_rules.py.  What the service adds: a unit of another district finds no task.
def test_another_districts_unit_finds_no_task(app, units, office):
    task = record(app, office, units["D01"])
    app.submit_rectification_plan(task.id, "方案", clerk(units["D01"]))
    stranger = Actor(user="x", role=Role.UNIT, district="420106", unit=units["D01"].id)
    refused(app, NotFound, "rectificationtask.not_found",
            lambda: app.report_rectification_progress(task.id, 50, "进展", stranger), task.id)
    refused(app, NotFound, "rectificationtask.not_found",
            lambda: app.submit_rectification_plan(task.id, "方案", stranger), task.id)
