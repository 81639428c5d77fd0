"""The JSON API for supervision notices (督办通知) and rectification tasks (整改任务): lists, single
records, histories and every command.

As for items, a command first loads its record through ``duban.readable_*``, so a record the
actor may not read answers as reading it would (404, as for one that does not exist) before any
other check.
"""

from __future__ import annotations

from typing import Callable
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from domain.actor import Actor, Role
from domain.notice import SupervisionNotice
from domain.rectification import RectificationTask
from duban.application import Duban
from web.auth import actor_of
from web.context import Reads, today, visible_filters, visible_rows
from web.controllers.api import ERRORS
from web.controllers.api_answers import (CommandResult, NoticeOut, NoticeSummary, RectificationOut,
                                         RectificationSummary, TimelineEntryOut, command_result, notice_out,
                                         notice_row_summary, rectification_out, rectification_row_summary, timeline_out)
from web.controllers.api_bodies import (IssueNotice, Note, NoticeReply, Reasons, RecordRectification, Reopen,
                                        Rectified, RectificationCriticise, RectificationInterview, RectificationPlan,
                                        ReportRectificationProgress, RectificationReferralDecision, ReviewReply, Verify,
                                        VersionedCommand, attachments)


class NoticesApiController(Controller):
    path = "/api/notices"
    tags = ["notices 督办通知"]

    @get("/", sync_to_thread=True, cache=True, responses=ERRORS, summary="督办通知列表")
    def list(self, request: Request, reads: NamedDependency[Reads], open_only: FromQuery[bool] = False,
             unit: FromQuery[UUID | None] = None, subject_id: FromQuery[UUID | None] = None) -> list[NoticeSummary]:
        """The notices the actor may read (a unit those sent to it, a leader those to their
        portfolio, the discipline body those about referred cases), oldest first."""
        actor = actor_of(request)
        day = today(reads.app)
        filters = ({"subject_referred": True} if actor.role is Role.DISCIPLINE
                   else visible_filters(reads, actor, day, {}))
        return [notice_row_summary(r) for r in reads.ledger.rows(
            actor.district, day, kinds=("notice",), open_only=open_only, lead_unit=unit, parent=subject_id,
            **filters)]

    @get("/{notice_id:uuid}", sync_to_thread=True, cache=True, responses=ERRORS, summary="督办通知")
    def read(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads],
             notice_id: FromPath[UUID]) -> NoticeOut:
        actor = actor_of(request)
        return notice_out(duban.readable_notice(notice_id, actor), reads.directory.unit_names(actor.district))

    @get("/{notice_id:uuid}/timeline", sync_to_thread=True, cache=True, responses=ERRORS, summary="督办通知办理过程")
    def history(self, request: Request, duban: NamedDependency[Duban],
                notice_id: FromPath[UUID]) -> list[TimelineEntryOut]:
        notice = duban.readable_notice(notice_id, actor_of(request))
        numbers = {notice.id: notice.number_label}
        return timeline_out(duban.history(numbers), numbers)

    # -- commands ------------------------------------------------------------------------------------
    @staticmethod
    def _run(request: Request, duban: Duban, notice_id: UUID,
             command: Callable[[Actor], SupervisionNotice]) -> CommandResult:
        actor = actor_of(request)
        duban.readable_notice(notice_id, actor)  # one may act only on what one may read
        return command_result(command(actor))

    @post("/", status_code=201, sync_to_thread=True, responses=ERRORS, summary="下发督办通知")
    def issue(self, request: Request, duban: NamedDependency[Duban], data: JSONBody[IssueNotice]) -> CommandResult:
        tasks = [{"task": t.task, "responsible": t.responsible, "deadline": t.deadline} for t in data.tasks]
        return command_result(duban.issue_notice(
            unit=data.unit, subject_kind=data.subject_kind, subject_id=data.subject_id, title=data.title, tasks=tasks,
            reply_deadline=data.reply_deadline, actor=actor_of(request), on=data.on))

    @post("/{notice_id:uuid}/acknowledge", status_code=200, sync_to_thread=True, responses=ERRORS,
          summary="签收督办通知")
    def acknowledge(self, request: Request, duban: NamedDependency[Duban], notice_id: FromPath[UUID],
                    data: JSONBody[VersionedCommand | None] = None) -> CommandResult:
        d = data or VersionedCommand()
        return self._run(request, duban, notice_id, lambda a: duban.acknowledge_notice(
            notice_id, a, on=d.on, expected_version=d.expected_version))

    @post("/{notice_id:uuid}/reply", status_code=200, sync_to_thread=True, responses=ERRORS, summary="书面回复")
    def reply(self, request: Request, duban: NamedDependency[Duban], notice_id: FromPath[UUID],
              data: JSONBody[NoticeReply]) -> CommandResult:
        return self._run(request, duban, notice_id, lambda a: duban.reply_notice(
            notice_id, data.task, data.text, a, attachments=attachments(data.attachments), on=data.on,
            expected_version=data.expected_version))

    @post("/{notice_id:uuid}/review", status_code=200, sync_to_thread=True, responses=ERRORS, summary="审核回复")
    def review(self, request: Request, duban: NamedDependency[Duban], notice_id: FromPath[UUID],
               data: JSONBody[ReviewReply]) -> CommandResult:
        return self._run(request, duban, notice_id, lambda a: duban.review_notice_reply(
            notice_id, data.task, data.accept, a, note=data.note, on=data.on, expected_version=data.expected_version))

    @post("/{notice_id:uuid}/close", status_code=200, sync_to_thread=True, responses=ERRORS, summary="督办通知办结")
    def close(self, request: Request, duban: NamedDependency[Duban], notice_id: FromPath[UUID],
              data: JSONBody[Note | None] = None) -> CommandResult:
        d = data or Note()
        return self._run(request, duban, notice_id, lambda a: duban.close_notice(
            notice_id, a, note=d.note, on=d.on, expected_version=d.expected_version))


class RectificationsApiController(Controller):
    path = "/api/rectifications"
    tags = ["rectifications 整改任务"]

    @get("/", sync_to_thread=True, cache=True, responses=ERRORS, summary="整改任务列表")
    def list(self, request: Request, reads: NamedDependency[Reads], open_only: FromQuery[bool] = False,
             unit: FromQuery[UUID | None] = None) -> list[RectificationSummary]:
        """The rectification tasks the actor may read, oldest first."""
        actor = actor_of(request)
        day = today(reads.app)
        return [rectification_row_summary(r) for r in visible_rows(
            reads, actor, day, kinds=("rectification",), open_only=open_only, lead_unit=unit)]

    @get("/{task_id:uuid}", sync_to_thread=True, cache=True, responses=ERRORS, summary="整改任务")
    def read(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads],
             task_id: FromPath[UUID]) -> RectificationOut:
        actor = actor_of(request)
        return rectification_out(duban.readable_rectification(task_id, actor),
                                 reads.directory.unit_names(actor.district))

    @get("/{task_id:uuid}/timeline", sync_to_thread=True, cache=True, responses=ERRORS, summary="整改过程")
    def history(self, request: Request, duban: NamedDependency[Duban],
                task_id: FromPath[UUID]) -> list[TimelineEntryOut]:
        task = duban.readable_rectification(task_id, actor_of(request))
        numbers = {task.id: task.number_label}
        return timeline_out(duban.history(numbers), numbers)

    # -- commands ------------------------------------------------------------------------------------
    @staticmethod
    def _run(request: Request, duban: Duban, task_id: UUID,
             command: Callable[[Actor], RectificationTask]) -> CommandResult:
        actor = actor_of(request)
        duban.readable_rectification(task_id, actor)  # one may act only on what one may read
        return command_result(command(actor))

    @post("/", status_code=201, sync_to_thread=True, responses=ERRORS, summary="问题入账")
    def record(self, request: Request, duban: NamedDependency[Duban],
               data: JSONBody[RecordRectification]) -> CommandResult:
        return command_result(duban.record_rectification(
            unit=data.unit, source=data.source, problem=data.problem, severity=data.severity, deadline=data.deadline,
            source_ref=data.source_ref, actor=actor_of(request), on=data.on, attachments=attachments(data.attachments)))

    @post("/{task_id:uuid}/plan", status_code=200, sync_to_thread=True, responses=ERRORS, summary="报送整改方案")
    def plan(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
             data: JSONBody[RectificationPlan]) -> CommandResult:
        return self._run(request, duban, task_id, lambda a: duban.submit_rectification_plan(
            task_id, data.plan, a, on=data.on, expected_version=data.expected_version))

    @post("/{task_id:uuid}/progress", status_code=200, sync_to_thread=True, responses=ERRORS, summary="报送整改进展")
    def progress(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
                 data: JSONBody[ReportRectificationProgress]) -> CommandResult:
        return self._run(request, duban, task_id, lambda a: duban.report_rectification_progress(
            task_id, data.percent, data.text, a, on=data.on, expected_version=data.expected_version,
            attachments=attachments(data.attachments)))

    @post("/{task_id:uuid}/rectified", status_code=200, sync_to_thread=True, responses=ERRORS, summary="报告整改完成")
    def rectified(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
                  data: JSONBody[Rectified]) -> CommandResult:
        return self._run(request, duban, task_id, lambda a: duban.report_rectified(
            task_id, data.summary, attachments(data.evidence), a, on=data.on,
            expected_version=data.expected_version))

    @post("/{task_id:uuid}/verify", status_code=200, sync_to_thread=True, responses=ERRORS, summary="核验整改")
    def verify(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
               data: JSONBody[Verify]) -> CommandResult:
        return self._run(request, duban, task_id, lambda a: duban.verify_rectification(
            task_id, data.passed, a, note=data.note, on=data.on, expected_version=data.expected_version,
            attachments=attachments(data.attachments)))

    @post("/{task_id:uuid}/sign-off", status_code=200, sync_to_thread=True, responses=ERRORS, summary="销号")
    def sign_off(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
                 data: JSONBody[Note | None] = None) -> CommandResult:
        d = data or Note()
        return self._run(request, duban, task_id, lambda a: duban.sign_off_rectification(
            task_id, a, note=d.note, on=d.on, expected_version=d.expected_version))

    @post("/{task_id:uuid}/reopen", status_code=200, sync_to_thread=True, responses=ERRORS, summary="回头看重新打开")
    def reopen(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
               data: JSONBody[Reopen]) -> CommandResult:
        return self._run(request, duban, task_id, lambda a: duban.reopen_rectification(
            task_id, data.finding, data.new_deadline, a, on=data.on, expected_version=data.expected_version))

    @post("/{task_id:uuid}/urge", status_code=200, sync_to_thread=True, responses=ERRORS, summary="催办")
    def urge(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
             data: JSONBody[Note | None] = None) -> CommandResult:
        d = data or Note()
        return self._run(request, duban, task_id, lambda a: duban.urge_rectification(
            task_id, d.note, a, on=d.on, expected_version=d.expected_version))

    @post("/{task_id:uuid}/criticise", status_code=200, sync_to_thread=True, responses=ERRORS, summary="通报批评")
    def criticise(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
                  data: JSONBody[RectificationCriticise]) -> CommandResult:
        return self._run(request, duban, task_id, lambda a: duban.criticise_rectification(
            task_id, data.note, a, document=data.document, on=data.on, expected_version=data.expected_version))

    @post("/{task_id:uuid}/interview", status_code=200, sync_to_thread=True, responses=ERRORS, summary="约谈")
    def interview(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
                  data: JSONBody[RectificationInterview]) -> CommandResult:
        return self._run(request, duban, task_id, lambda a: duban.record_rectification_interview(
            task_id, data.held_by, data.interviewee, a, note=data.note, leader=data.leader, on=data.on,
            expected_version=data.expected_version))

    @post("/{task_id:uuid}/referral", status_code=200, sync_to_thread=True, responses=ERRORS,
          summary="提出移交纪检监察")
    def referral(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
                 data: JSONBody[Reasons]) -> CommandResult:
        return self._run(request, duban, task_id, lambda a: duban.propose_rectification_referral(
            task_id, data.reasons, a, on=data.on, expected_version=data.expected_version))

    @post("/{task_id:uuid}/referral-decision", status_code=200, sync_to_thread=True, responses=ERRORS,
          summary="审批移交纪检监察")
    def referral_decision(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
                          data: JSONBody[RectificationReferralDecision]) -> CommandResult:
        return self._run(request, duban, task_id, lambda a: duban.decide_rectification_referral(
            task_id, data.approve, data.note, a, on=data.on, expected_version=data.expected_version))
