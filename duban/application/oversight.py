"""Commands on supervision notices, rectification tasks and inspections."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.actor import Actor, Role
from domain.deadlines import notice_reply_deadline
from domain.errors import ConcurrentChange, InvalidInput, require
from domain.inspection import Inspection, InspectionKind
from domain.item import SupervisedItem
from domain.notice import SupervisionNotice
from domain.rectification import ProblemSource, RectificationStatus, RectificationTask, Severity
from duban.application.base import Part
from duban.application.evidence import Attachment


class OversightCommands(Part):
    # -- supervision notices --------------------------------------------------------------------
    def issue_notice(self, *, unit: UUID, subject_kind: str, subject_id: UUID, title: str, tasks: list[dict],
                     actor: Actor, reply_deadline: date | None = None, on: date | None = None) -> SupervisionNotice:
        """督办通知 to one unit about an open item or rectification task it is responsible for."""
        actor.must_be(Role.OFFICE, doing="下发督办通知")
        day = self._on(on)
        self._active_unit(unit, actor)
        if subject_kind == "item":
            item = self._get(SupervisedItem, subject_id, actor)
            require(not item.status.is_closed, "item.closed", f"督办事项{item.number_label}已{item.status.label}。")
            require(unit in item.assigned_units, "notice.unit_not_assigned", "该单位不是这项督办事项的承办单位。")
        elif subject_kind == "rectification":
            task = self._get(RectificationTask, subject_id, actor)
            require(task.status is not RectificationStatus.SIGNED_OFF, "rectification.signed_off", "该整改任务已销号。")
            require(unit == task.unit, "notice.unit_not_assigned", "该单位不是这项整改任务的责任单位。")
        else:
            raise InvalidInput("notice.bad_subject", "督办通知须针对督办事项或整改任务。", field="subject_kind")
        if reply_deadline is None:
            due = notice_reply_deadline(self.calendar(), day)
            reply_deadline, estimated = due.day, due.estimated
        else:
            estimated = False

        def work():
            register = self._register(actor.district, "notice", day.year, day)
            number = register.next_number()
            notice = SupervisionNotice.issue(
                year=day.year, number=number, unit=unit, subject_kind=subject_kind, subject_id=subject_id,
                title=title, tasks=tasks, reply_deadline=reply_deadline, reply_deadline_estimated=estimated,
                on=day, actor=actor,
            )
            self._claim_number(register, SupervisionNotice, number, notice.id, day, "督办通知编号")
            return [register, notice]

        return self._run("issue_notice", actor, None, work)[1]

    def notice(self, notice_id: UUID, actor: Actor) -> SupervisionNotice:
        return self._get(SupervisionNotice, notice_id, actor)

    # ``expected_version`` (every command on an existing notice, task or inspection): the version
    # the caller last read; if the record changed since, ConcurrentChange (409) and nothing is saved
    def acknowledge_notice(self, notice: UUID, actor: Actor, on: date | None = None,
                           expected_version: int | None = None):
        return self._change("acknowledge_notice", SupervisionNotice, notice, actor, on,
                            lambda n, d: n.acknowledge(d, actor), expected_version)

    def reply_notice(self, notice: UUID, task: str, text: str, actor: Actor,
                     attachments: list[Attachment] | None = None, on: date | None = None,
                     expected_version: int | None = None):
        files = self._attachments(attachments, actor)
        return self._change("reply_notice", SupervisionNotice, notice, actor, on,
                            lambda n, d: n.reply(task, text, files, d, actor), expected_version)

    def review_notice_reply(self, notice: UUID, task: str, accept: bool, actor: Actor, note: str = "",
                            on: date | None = None, expected_version: int | None = None):
        return self._change("review_notice_reply", SupervisionNotice, notice, actor, on,
                            lambda n, d: n.review_reply(task, accept, note, d, actor), expected_version)

    def close_notice(self, notice: UUID, actor: Actor, note: str = "", on: date | None = None,
                     expected_version: int | None = None):
        return self._change("close_notice", SupervisionNotice, notice, actor, on, lambda n, d: n.close(note, d, actor),
                            expected_version)

    # -- rectification tasks ----------------------------------------------------------------------
    def _new_rectification(self, *, unit, source, source_ref, problem, severity, deadline, day, actor,
                           files=None) -> tuple:
        register = self._register(actor.district, "rectification", day.year, day)
        number = register.next_number()
        task = RectificationTask.record(
            year=day.year, number=number, unit=unit, source=source, source_ref=source_ref, problem=problem,
            severity=severity, deadline=deadline, on=day, actor=actor, attachments=files,
        )
        self._claim_number(register, RectificationTask, number, task.id, day, "整改任务编号")
        return register, task

    def record_rectification(self, *, unit: UUID, source: ProblemSource, problem: str, severity: Severity,
                             deadline: date, actor: Actor, source_ref: str = "", on: date | None = None,
                             attachments: list[Attachment] | None = None):
        """入账: a problem from audit, media or the public enters the ledger, with its evidence files."""
        actor.must_be(Role.OFFICE, doing="登记整改问题")
        day = self._on(on)
        require(source not in (ProblemSource.SPECIAL_INSPECTION, ProblemSource.UNANNOUNCED_INSPECTION),
                "rectification.use_inspection", "督查发现的问题请在督查检查中登记，以便关联督查结果。")
        self._active_unit(unit, actor)
        files = self._attachments(attachments, actor)

        def work():
            return list(self._new_rectification(unit=unit, source=source, source_ref=source_ref, problem=problem,
                                                severity=severity, deadline=deadline, day=day, actor=actor,
                                                files=files))

        return self._run("record_rectification", actor, None, work)[1]

    def rectification(self, task_id: UUID, actor: Actor) -> RectificationTask:
        return self._get(RectificationTask, task_id, actor)

    def _rect_change(self, command, task, actor, on, change, expected_version=None):
        return self._change(command, RectificationTask, task, actor, on, change, expected_version)

    def submit_rectification_plan(self, task: UUID, plan: str, actor: Actor, on: date | None = None,
                                  expected_version: int | None = None):
        return self._rect_change("submit_rectification_plan", task, actor, on,
                                 lambda t, d: t.submit_plan(plan, None, d, actor), expected_version)

    def report_rectification_progress(self, task: UUID, percent: int, text: str, actor: Actor, on: date | None = None,
                                      expected_version: int | None = None,
                                      attachments: list[Attachment] | None = None):
        files = self._attachments(attachments, actor)
        return self._rect_change("report_rectification_progress", task, actor, on,
                                 lambda t, d: t.report_progress(percent, text, d, actor, attachments=files),
                                 expected_version)

    def report_rectified(self, task: UUID, summary: str, evidence: list[Attachment], actor: Actor,
                         on: date | None = None, expected_version: int | None = None):
        """整改完成 with its evidence (佐证材料: files, see ``duban.application.evidence``)."""
        files = self._attachments(evidence, actor, "evidence")
        return self._rect_change("report_rectified", task, actor, on,
                                 lambda t, d: t.report_rectified(summary, files, d, actor), expected_version)

    def verify_rectification(self, task: UUID, passed: bool, actor: Actor, note: str = "", on: date | None = None,
                             expected_version: int | None = None, attachments: list[Attachment] | None = None):
        """核验 (核查/验收), with the office's files of the check, if any."""
        files = self._attachments(attachments, actor)
        return self._rect_change("verify_rectification", task, actor, on,
                                 lambda t, d: t.verify(passed, note, d, actor, attachments=files), expected_version)

    def sign_off_rectification(self, task: UUID, actor: Actor, note: str = "", on: date | None = None,
                               expected_version: int | None = None):
        return self._rect_change("sign_off_rectification", task, actor, on, lambda t, d: t.sign_off(note, d, actor),
                                 expected_version)

    def reopen_rectification(self, task: UUID, finding: str, new_deadline: date, actor: Actor, on: date | None = None,
                             expected_version: int | None = None):
        return self._rect_change("reopen_rectification", task, actor, on,
                                 lambda t, d: t.reopen(finding, new_deadline, d, actor), expected_version)

    # the escalation ladder on a rectification task (same rules as on items)
    def urge_rectification(self, task: UUID, note: str, actor: Actor, on: date | None = None,
                           expected_version: int | None = None):
        return self._rect_change("urge_rectification", task, actor, on, lambda t, d: t.urge(note, d, actor),
                                 expected_version)

    def criticise_rectification(self, task: UUID, note: str, actor: Actor, document: str = "", on: date | None = None,
                                expected_version: int | None = None):
        return self._rect_change("criticise_rectification", task, actor, on,
                                 lambda t, d: t.criticise(note, document, d, actor), expected_version)

    def record_rectification_interview(self, task: UUID, held_by: str, interviewee: str, actor: Actor,
                                       note: str = "", leader: UUID | None = None, on: date | None = None,
                                       expected_version: int | None = None):
        def change(t: RectificationTask, d: date) -> None:
            if leader is not None:
                self._leader(leader, actor)
            self._require_leader_of_unit(t.unit, actor, d, "登记约谈")  # a leader only in their portfolio
            t.record_interview(held_by, interviewee, note, d, actor, leader=leader)
        return self._rect_change("record_rectification_interview", task, actor, on, change, expected_version)

    def propose_rectification_referral(self, task: UUID, reasons: str, actor: Actor, on: date | None = None,
                                       expected_version: int | None = None):
        return self._rect_change("propose_rectification_referral", task, actor, on,
                                 lambda t, d: t.propose_referral(reasons, d, actor), expected_version)

    def decide_rectification_referral(self, task: UUID, approve: bool, note: str, actor: Actor,
                                      on: date | None = None, expected_version: int | None = None):
        def change(t: RectificationTask, d: date) -> None:
            self._require_leader_of_unit(t.unit, actor, d, "审批移交纪检监察")
            t.decide_referral(approve, note, d, actor)
        return self._rect_change("decide_rectification_referral", task, actor, on, change, expected_version)

    # -- inspections -----------------------------------------------------------------------------
    def _new_inspection(self, command: str, make, actor: Actor, target_units: list[UUID], on: date | None):
        day = self._on(on)
        for unit in target_units:
            self._active_unit(unit, actor, "target_units")

        def work():
            register = self._register(actor.district, "inspection", day.year, day)
            number = register.next_number()
            inspection = make(day.year, number, day)
            self._claim_number(register, Inspection, number, inspection.id, day, "督查编号")
            return [register, inspection]

        return self._run(command, actor, None, work)[1]

    def plan_inspection(self, *, kind: InspectionKind, title: str, target_units: list[UUID], planned_month: str,
                        actor: Actor, on: date | None = None) -> Inspection:
        """年度督查计划 (office).  The role first, so no one else learns which units exist."""
        actor.must_be(Role.OFFICE, doing="制订督查计划")
        return self._new_inspection("plan_inspection", lambda y, n, d: Inspection.plan(
            year=y, number=n, kind=kind, title=title, target_units=target_units, planned_month=planned_month,
            on=d, actor=actor), actor, target_units, on)

    def propose_inspection(self, *, kind: InspectionKind, title: str, target_units: list[UUID], planned_month: str,
                           reasons: str, actor: Actor, on: date | None = None) -> Inspection:
        """A department's written request to inspect (WR art. 63); it may name any unit of its district."""
        actor.must_be(Role.UNIT, doing="申请开展实地检查")
        return self._new_inspection("propose_inspection", lambda y, n, d: Inspection.propose(
            year=y, number=n, kind=kind, title=title, target_units=target_units, planned_month=planned_month,
            reasons=reasons, on=d, actor=actor), actor, target_units, on)

    def inspection(self, inspection_id: UUID, actor: Actor) -> Inspection:
        return self._get(Inspection, inspection_id, actor)

    def decide_inspection(self, inspection: UUID, approve: bool, actor: Actor, note: str = "", on: date | None = None,
                          expected_version: int | None = None):
        return self._change("decide_inspection", Inspection, inspection, actor, on,
                            lambda i, d: i.decide_proposal(approve, note, d, actor), expected_version)

    def conduct_inspection(self, inspection: UUID, actor: Actor, on: date | None = None,
                           expected_version: int | None = None):
        return self._change("conduct_inspection", Inspection, inspection, actor, on, lambda i, d: i.conduct(d, actor),
                            expected_version)

    def record_inspection_finding(self, inspection: UUID, *, unit: UUID, problem: str, severity: Severity,
                                  deadline: date, actor: Actor, on: date | None = None,
                                  expected_version: int | None = None,
                                  attachments: list[Attachment] | None = None) -> RectificationTask:
        """A finding enters the ledger as a rectification task, saved with the inspection atomically
        (``expected_version``: the inspection's); its files (photos of what was found) go with the task."""
        day = self._on(on)
        files = self._attachments(attachments, actor)

        def work():
            found = self._get(Inspection, inspection, actor)
            if expected_version is not None and found.version != expected_version:
                raise ConcurrentChange(found.label)
            found.check_business_date(day, self._today())
            self._active_unit(unit, actor)
            register = self._register(actor.district, "rectification", day.year, day)
            number = register.next_number()
            task_id = RectificationTask.id_for(actor.district, day.year, number)
            found.record_finding(unit, task_id, problem, day, actor)  # organiser and scope checks first
            task = RectificationTask.record(
                year=day.year, number=number, unit=unit, source=found.kind.problem_source,
                source_ref=found.number_label, problem=problem, severity=severity, deadline=deadline,
                on=day, actor=actor, inspection=found.id, attachments=files)
            self._claim_number(register, RectificationTask, number, task.id, day, "整改任务编号")
            return [found, register, task]

        return self._run("record_inspection_finding", actor, inspection, work, retry=expected_version is None)[2]

    def record_inspection_results(self, inspection: UUID, results: list[dict], actor: Actor, on: date | None = None,
                                  expected_version: int | None = None):
        return self._change("record_inspection_results", Inspection, inspection, actor, on,
                            lambda i, d: i.record_results(results, d, actor), expected_version)

    def close_inspection(self, inspection: UUID, actor: Actor, on: date | None = None,
                         expected_version: int | None = None):
        return self._change("close_inspection", Inspection, inspection, actor, on, lambda i, d: i.close(d, actor),
                            expected_version)
