"""A rectification task's own rules (整改任务), given–when–then on the aggregate (``domain_harness``: no
store, no service): the plan before progress, evidence with the report, verification before sign-off
(销号), a failed verification sends the task back and is counted, a review (回头看) reopens only a
signed-off task with a new deadline, and only the task's unit reports on it.

What the service adds — numbering, districts, the files a report cites stored beside the events, a
fresh service reading it back — stays in tests/test_rectifications.py.
"""

from __future__ import annotations

import uuid
from datetime import date

from domain.actor import Actor, Role
from domain.errors import InvalidInput, NotAllowed, RuleViolation
from domain.evidence import PDF
from domain.rectification import ProblemSource, RectificationStatus, RectificationTask, Severity
from domain_harness import event, given, when

DISTRICT = "420105"
MAR2 = date(2026, 3, 2)
DEADLINE = date(2026, 4, 30)
D01, D02 = (uuid.uuid5(uuid.NAMESPACE_URL, f"duban-test-unit-{code}") for code in ("D01", "D02"))
OFFICE = Actor(user="duchashi", role=Role.OFFICE, district=DISTRICT)
EVIDENCE = [{"name": "整改前后对比照片.pdf", "size": 1024, "content_type": PDF, "sha256": "ab" * 32}]


def clerk(unit: uuid.UUID) -> Actor:
    return Actor(user=f"clerk-{unit.hex[:4]}", role=Role.UNIT, district=DISTRICT, unit=unit)


UNIT, OTHER = clerk(D01), clerk(D02)


def record(actor: Actor = OFFICE, *, deadline: date = DEADLINE, problem: str = "专项资金拨付滞后") -> RectificationTask:
    return RectificationTask.record(year=2026, number=1, unit=D01, source=ProblemSource.AUDIT, source_ref="汉审报〔2026〕3号",
                                    problem=problem, severity=Severity.SERIOUS, deadline=deadline, on=MAR2, actor=actor)


def recorded() -> RectificationTask:
    """整改〔2026〕1号 of unit D01, recorded by the office on 2 March, due 30 April."""
    return given(record())


def plan(actor: Actor = UNIT, text: str = "3月底前完成资金拨付", on: date = MAR2):
    return lambda task: task.submit_plan(text, None, on, actor)


def progress(actor: Actor = UNIT, percent: int = 60):
    return lambda task: task.report_progress(percent, "已拨付60%", MAR2, actor)


def rectified(actor: Actor = UNIT, evidence: list | None = None, summary: str = "已全部拨付"):
    return lambda task: task.report_rectified(summary, EVIDENCE if evidence is None else evidence, MAR2, actor)


def verify(passed: bool, note: str = "", actor: Actor = OFFICE):
    return lambda task: task.verify(passed, note, MAR2, actor)


def sign_off(actor: Actor = OFFICE):
    return lambda task: task.sign_off("", MAR2, actor)


def reopen(new_deadline: date = date(2026, 9, 30), on: date = date(2026, 6, 15), actor: Actor = OFFICE,
           finding: str = "回头看发现反弹"):
    return lambda task: task.reopen(finding, new_deadline, on, actor)


def signed_off() -> RectificationTask:
    return given(recorded(), plan(), rectified(), verify(True), sign_off())


def test_the_office_records_a_problem_with_a_deadline_after_the_day():
    task = record()
    assert [type(e).__name__ for e in task.collect_events()] == ["Recorded"]
    assert (task.number_label, task.status, task.unit, task.deadline) == (
        "整改〔2026〕1号", RectificationStatus.RECORDED, D01, DEADLINE)
    for refusal, rule, error in [(lambda: record(UNIT), "role.not_allowed", NotAllowed),
                                 (lambda: record(deadline=MAR2), "rectification.deadline", InvalidInput),
                                 (lambda: record(problem=" "), "rectification.problem_required", InvalidInput)]:
        try:
            refusal()
        except error as refused:
            assert refused.rule == rule and refused.message
        else:
            raise AssertionError(f"expected a refusal by {rule}")


def test_the_plan_comes_before_progress_and_only_from_the_tasks_unit():
    task = recorded()
    when(task, progress()).refused("rectification.no_plan", RuleViolation)
    when(task, rectified()).refused("rectification.no_plan", RuleViolation)
    when(task, plan(OTHER)).refused("rectification.other_unit", NotAllowed)
    when(task, plan(OFFICE)).refused("role.not_allowed", NotAllowed)
    when(task, plan(text=" ")).refused("rectification.plan_required", InvalidInput, field="plan")
    planned = when(task, plan()).then("PlanSubmitted", plan="3月底前完成资金拨付")
    assert (planned.status, planned.plan["text"]) == (RectificationStatus.RECTIFYING, "3月底前完成资金拨付")

    when(planned, progress(OTHER)).refused("rectification.other_unit", NotAllowed)
    when(planned, progress(percent=101)).refused("progress.bad_percent", InvalidInput, field="percent")
    reported = when(planned, progress()).then("ProgressReported", percent=60, text="已拨付60%")
    assert [r["percent"] for r in reported.reports] == [60]


def test_completion_is_reported_with_evidence_by_the_tasks_unit():
    planned = given(recorded(), plan())
    when(planned, rectified(evidence=[])).refused("rectification.evidence_required", InvalidInput, field="evidence")
    when(planned, rectified(summary=" ")).refused("rectification.summary_required", InvalidInput, field="summary")
    when(planned, rectified(OTHER)).refused("rectification.other_unit", NotAllowed)
    when(planned, rectified(OFFICE)).refused("role.not_allowed", NotAllowed)
    done = when(planned, rectified()).then("RectificationReported", evidence=EVIDENCE)
    assert done.status is RectificationStatus.REPORTED


def test_signing_off_needs_a_passed_verification():
    for unverified in (recorded(), given(recorded(), plan())):  # recorded, and rectifying
        when(unverified, sign_off()).refused("rectification.not_verified", RuleViolation)
        when(unverified, verify(True)).refused("rectification.not_reported", RuleViolation)
    reported = given(recorded(), plan(), rectified())
    when(reported, sign_off()).refused("rectification.not_verified", RuleViolation)
    when(reported, verify(True, actor=OTHER)).refused("role.not_allowed", NotAllowed)
    verified = when(reported, verify(True, "资料齐全")).then("VerificationPassed", note="资料齐全")
    when(verified, sign_off(UNIT)).refused("role.not_allowed", NotAllowed)
    done = when(verified, sign_off()).then("SignedOff", on=MAR2)
    assert (done.status, done.signed_off_on) == (RectificationStatus.SIGNED_OFF, MAR2)
    when(done, progress()).refused("rectification.signed_off", RuleViolation)
    when(done, plan()).refused("rectification.signed_off", RuleViolation)


def test_a_failed_verification_returns_the_task_and_counts():
    task = given(recorded(), plan())
    for attempt in (1, 2):
        task = given(task, rectified())
        when(task, verify(False, " ")).refused("rectification.failure_reason_required", InvalidInput, field="note")
        task = when(task, verify(False, "现场仍有问题")).then("VerificationFailed", note="现场仍有问题")
        assert (task.status, task.verification_failures) == (RectificationStatus.RECTIFYING, attempt)
    when(task, sign_off()).refused("rectification.not_verified", RuleViolation)


def test_a_review_reopens_only_a_signed_off_task_with_a_new_deadline():
    when(recorded(), reopen()).refused("rectification.not_signed_off", RuleViolation)
    done = signed_off()
    when(done, reopen(new_deadline=date(2026, 6, 15))).refused("rectification.deadline", InvalidInput,
                                                               field="new_deadline")
    when(done, reopen(finding=" ")).refused("rectification.finding_required", InvalidInput, field="finding")
    when(done, reopen(actor=UNIT)).refused("role.not_allowed", NotAllowed)
    again = when(done, reopen()).then(event("Reopened", new_deadline=date(2026, 9, 30), finding="回头看发现反弹"))
    assert (again.status, again.deadline, again.reopen_count, again.signed_off_on) == (
        RectificationStatus.RECTIFYING, date(2026, 9, 30), 1, None)
    when(again, reopen(new_deadline=date(2026, 10, 30))).refused("rectification.not_signed_off", RuleViolation)
    when(again, rectified()).then("RectificationReported")  # the unit works on it again
