"""Rectification task (整改任务): a problem entered in the ledger (台账) and managed until it is
verified and signed off (销号, WR art. 61; Huarong rules art. 64).  A later review (回头看) can
reopen a signed-off task."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from eventsourcing.domain import event

from domain.labels import Labelled
from domain.actor import Actor, Role
from domain.base import DistrictAggregate, stable_id
from domain.due import overdue_on, still_due
from domain.ladder import EscalationLadder
from domain.errors import NotAllowed, require, require_input
from domain.attachments import clean_attachments


class ProblemSource(Labelled):
    SPECIAL_INSPECTION = "special_inspection", "专项督查"
    UNANNOUNCED_INSPECTION = "unannounced_inspection", "暗访督查"
    AUDIT = "audit", "审计"
    MEDIA = "media", "媒体曝光"
    PUBLIC_REPORT = "public_report", "群众反映"


class Severity(Labelled):
    GENERAL = "general", "一般"
    SERIOUS = "serious", "较重"
    SEVERE = "severe", "严重"


def parse_severity(value: str) -> Severity:
    return Severity.parse(value, rule="rectification.bad_severity", what="问题严重程度", field="severity")  # type: ignore[return-value]


class RectificationStatus(Labelled):
    RECORDED = "recorded", "已入账"
    RECTIFYING = "rectifying", "整改中"
    REPORTED = "reported", "待核验"  # 已报整改待核验
    VERIFIED = "verified", "核验通过"  # 核验通过待销号
    SIGNED_OFF = "signed_off", "已销号"


def rectification_number_label(year: int, number: int) -> str:
    return f"整改〔{year}〕{number}号"


class RectificationTask(EscalationLadder, DistrictAggregate):
    """整改任务."""

    label = "整改任务"

    @staticmethod
    def id_for(district: str, year: int, number: int) -> UUID:
        return stable_id(district, "rectification", year, number)

    @classmethod
    def record(
        cls, *, year: int, number: int, unit: UUID, source: ProblemSource, source_ref: str, problem: str,
        severity: Severity, deadline: date, on: date, actor: Actor, inspection: UUID | None = None,
        attachments: list[dict] | None = None,
    ) -> "RectificationTask":
        """入账 (the office, or an inspection's organiser for a finding), with the evidence of the
        problem (问题材料: photos of the site, the audit's pages …), if any."""
        if inspection is None:
            actor.must_be(Role.OFFICE, doing="登记整改问题")
        else:  # the inspection has already checked that the actor organises it
            actor.must_be(Role.OFFICE, Role.UNIT, doing="登记督查发现的问题")
        require_input(problem and problem.strip(), "rectification.problem_required", "请填写问题描述。", field="problem")
        require_input(deadline > on, "rectification.deadline", "整改时限须晚于登记日期。", field="deadline")
        return cls(
            id=cls.id_for(actor.district, year, number), district=actor.district, year=year, number=number,
            unit=unit, source=source.value, source_ref=source_ref or "", problem=problem.strip(),
            severity=severity.value, deadline=deadline, inspection=inspection, on=on, actor=actor.as_record(),
            attachments=clean_attachments(attachments),
        )

    @event("Recorded")
    def __init__(self, id: UUID, district: str, year: int, number: int, unit: UUID, source: str, source_ref: str,
                 problem: str, severity: str, deadline: date, inspection: UUID | None, on: date, actor: dict,
                 attachments: list[dict] | None = None) -> None:
        self.district = district
        self.year = year
        self.number = number
        self.unit = unit
        self.source = ProblemSource(source)
        self.source_ref = source_ref
        self.problem = problem
        self.severity = Severity(severity)
        self.deadline = deadline
        self.inspection = inspection
        self.recorded_on = on
        self.status = RectificationStatus.RECORDED
        self.status_history: list[list] = [[on, self.status.value]]  # [day, status] as the status changed
        self.plan: dict | None = None
        self.reports: list[dict] = []
        self.verification_failures = 0
        self.reopen_count = 0
        self.signed_off_on: date | None = None
        self.missed_deadlines: list[date] = []
        self.urges = 0
        self.last_urged_on: date | None = None
        self.criticisms = 0
        self.interviews = 0
        self.referral: str | None = None

    @property
    def number_label(self) -> str:
        return rectification_number_label(self.year, self.number)

    def _set_status(self, status: RectificationStatus, on: date) -> None:
        self.status = status
        history = getattr(self, "status_history", None)  # a snapshot taken before it was kept has none
        if history is not None:
            history.append([on, status.value])

    def _require_unit(self, actor: Actor, doing: str) -> None:
        actor.must_be(Role.UNIT, doing=doing)
        if actor.unit != self.unit:
            raise NotAllowed("rectification.other_unit", f"整改任务{self.number_label}不是贵单位的，不能{doing}。")

    def _require_not_signed_off(self) -> None:
        require(self.status is not RectificationStatus.SIGNED_OFF, "rectification.signed_off",
                f"整改任务{self.number_label}已销号；如需重新整改，请先经回头看重新打开。")

    # -- the escalation ladder (shared with supervised items) ---------------------------------
    def _require_open(self) -> None:
        self._require_not_signed_off()

    def _escalation_target(self, unit: UUID | None) -> UUID:
        require_input(unit in (None, self.unit), "rectification.other_unit", "该单位不是这项整改任务的责任单位。",
                      field="unit")
        return self.unit

    class Urged(EscalationLadder.Urged):
        pass

    class Criticised(EscalationLadder.Criticised):
        pass

    class Interviewed(EscalationLadder.Interviewed):
        pass

    class ReferralProposed(EscalationLadder.ReferralProposed):
        pass

    class ReferralApproved(EscalationLadder.ReferralApproved):
        pass

    class ReferralDeclined(EscalationLadder.ReferralDeclined):
        pass

    def submit_plan(self, plan: str, deadline_commitment: date | None, on: date, actor: Actor) -> None:
        """整改方案."""
        self._require_unit(actor, "报送整改方案")
        self._require_not_signed_off()
        require(self.status in (RectificationStatus.RECORDED, RectificationStatus.RECTIFYING), "rectification.awaiting_office",
                f"整改任务当前为“{self.status.label}”，不能报送方案。")
        require_input(plan and plan.strip(), "rectification.plan_required", "请填写整改方案。", field="plan")
        self._plan_submitted(plan=plan.strip(), on=on, actor=actor.as_record())

    @event("PlanSubmitted")
    def _plan_submitted(self, plan: str, on: date, actor: dict) -> None:
        self.plan = {"text": plan, "on": on}
        self._set_status(RectificationStatus.RECTIFYING, on)

    def report_progress(self, percent: int, text: str, on: date, actor: Actor,
                        attachments: list[dict] | None = None) -> None:
        """整改进展, with its files (附件), if any."""
        self._require_unit(actor, "报送整改进展")
        self._require_not_signed_off()
        require(self.status is RectificationStatus.RECTIFYING, "rectification.no_plan",
                "请先报送整改方案，再报送进展。" if self.status is RectificationStatus.RECORDED
                else f"整改任务当前为“{self.status.label}”，不能报送进展。")
        require_input(isinstance(percent, int) and 0 <= percent <= 100, "progress.bad_percent",
                      "完成进度应为0到100之间的整数。", field="percent")
        require_input(text and text.strip(), "progress.text_required", "请填写进展情况。", field="text")
        self._progress_reported(percent=percent, text=text.strip(), on=on, actor=actor.as_record(),
                                attachments=clean_attachments(attachments))

    @event("ProgressReported")
    def _progress_reported(self, percent: int, text: str, on: date, actor: dict,
                           attachments: list[dict] | None = None) -> None:
        self.reports.append({"percent": percent, "text": text, "on": on})

    def report_rectified(self, summary: str, evidence: list[dict], on: date, actor: Actor) -> None:
        """整改完成, with evidence (佐证材料)."""
        self._require_unit(actor, "报告整改完成")
        self._require_not_signed_off()
        require(self.status is RectificationStatus.RECTIFYING, "rectification.no_plan",
                "请先报送整改方案。" if self.status is RectificationStatus.RECORDED
                else f"整改任务当前为“{self.status.label}”，不能报告整改完成。")
        require_input(summary and summary.strip(), "rectification.summary_required", "请填写整改情况。", field="summary")
        require_input(evidence, "rectification.evidence_required", "报告整改完成须附佐证材料。", field="evidence")
        self._rectification_reported(summary=summary.strip(), evidence=clean_attachments(evidence, field="evidence"), on=on,
                                     actor=actor.as_record())

    @event("RectificationReported")
    def _rectification_reported(self, summary: str, evidence: list[dict], on: date, actor: dict) -> None:
        self._set_status(RectificationStatus.REPORTED, on)

    def verify(self, passed: bool, note: str, on: date, actor: Actor, attachments: list[dict] | None = None) -> None:
        """核验: passes (then 销号 may follow) or fails and returns the task to the unit; the office's
        evidence of the check (核验材料: photos on site …) goes with it, if any."""
        actor.must_be(Role.OFFICE, doing="核验整改")
        require(self.status is RectificationStatus.REPORTED, "rectification.not_reported",
                "单位尚未报告整改完成，不能核验。")
        files = clean_attachments(attachments)
        if passed:
            self._verification_passed(note=note or "", on=on, actor=actor.as_record(), attachments=files)
        else:
            require_input(note and note.strip(), "rectification.failure_reason_required", "核验不通过时请说明原因。", field="note")
            self._verification_failed(note=note.strip(), on=on, actor=actor.as_record(), attachments=files)

    @event("VerificationPassed")
    def _verification_passed(self, note: str, on: date, actor: dict, attachments: list[dict] | None = None) -> None:
        self._set_status(RectificationStatus.VERIFIED, on)

    @event("VerificationFailed")
    def _verification_failed(self, note: str, on: date, actor: dict, attachments: list[dict] | None = None) -> None:
        self._set_status(RectificationStatus.RECTIFYING, on)
        self.verification_failures += 1

    def sign_off(self, note: str, on: date, actor: Actor) -> None:
        """销号: only after verification has passed."""
        actor.must_be(Role.OFFICE, doing="销号")
        require(self.status is RectificationStatus.VERIFIED, "rectification.not_verified",
                "整改尚未核验通过，不能销号。")
        self._signed_off(note=note or "", on=on, actor=actor.as_record())

    @event("SignedOff")
    def _signed_off(self, note: str, on: date, actor: dict) -> None:
        self._set_status(RectificationStatus.SIGNED_OFF, on)
        self.signed_off_on = on

    def reopen(self, finding: str, new_deadline: date, on: date, actor: Actor) -> None:
        """回头看 found the problem back: the task returns to the ledger with a new deadline."""
        actor.must_be(Role.OFFICE, doing="回头看重新打开整改任务")
        require(self.status is RectificationStatus.SIGNED_OFF, "rectification.not_signed_off",
                "只有已销号的整改任务才能经回头看重新打开。")
        require_input(finding and finding.strip(), "rectification.finding_required", "请填写回头看发现的问题。", field="finding")
        require_input(new_deadline > on, "rectification.deadline", "新的整改时限须晚于重新打开的日期。", field="new_deadline")
        self._reopened(finding=finding.strip(), new_deadline=new_deadline, on=on, actor=actor.as_record())

    @event("Reopened")
    def _reopened(self, finding: str, new_deadline: date, on: date, actor: dict) -> None:
        self._set_status(RectificationStatus.RECTIFYING, on)
        self.deadline = new_deadline
        self.signed_off_on = None
        self.reopen_count += 1

    def first_overdue_day(self, until: date) -> date:
        """The day the deadline was missed (逾期发生日): the first day after it at whose end the task was
        still being rectified (not waiting on the office), at the latest ``until``.  Without a status
        history (a snapshot taken before one was kept) the day after the deadline."""
        first = self.deadline + timedelta(days=1)
        history = getattr(self, "status_history", None)
        if first >= until or history is None:
            return min(first, until)

        def status_on(day: date) -> str | None:
            found = None
            for on, status in history:
                if on <= day:
                    found = status
            return found

        if still_due("rectification", status_on(first)):
            return first
        for on, _ in history:
            if first < on < until and still_due("rectification", status_on(on)):
                return on
        return until

    def record_deadline_missed(self, today: date, actor: Actor) -> bool:
        """Record once per deadline that it was missed, dated by the day it happened (``happened_on``,
        see SupervisedItem); ``on`` is the business date of the watch that recorded it."""
        if not overdue_on("rectification", self.status, self.deadline, today) or self.deadline in self.missed_deadlines:
            return False
        on = max(today, self.last_on)
        self._deadline_missed(deadline=self.deadline, on=on, actor=actor.as_record(),
                              happened_on=self.first_overdue_day(on))
        return True

    @event("DeadlineMissed")
    def _deadline_missed(self, deadline: date, on: date, actor: dict, happened_on: date | None = None) -> None:
        self.missed_deadlines.append(deadline)
