"""The JSON API for supervision notices (督办通知) and rectification tasks (整改任务): lists, single
records, histories and every command.

As for items, a command first loads its record through ``duban.readable_*``, so a record the
actor may not read answers as reading it would (404, as for one that does not exist) before any
other check.
"""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from domain.actor import Role
from domain.actor import Actor
from duban.application import Duban
from web.auth import actor_of
from web.context import Reads, today, visible_filters, visible_rows
from web.controllers.api import ERRORS
from web.controllers.api_answers import (CommandResult, NoticeOut, NoticeSummary, RectificationOut,
                                         RectificationSummary, TimelineEntryOut, command_result, notice_out,
                                         notice_row_summary, rectification_out, rectification_row_summary, timeline_out)
from duban.commands.base import VersionedCommand
from duban.commands.notices import AcknowledgeNotice, CloseNotice, IssueNotice, ReplyNotice, ReviewReply
from duban.commands.rectifications import (CriticiseRectification, DecideRectificationReferral,
                                          ProposeRectificationReferral, RecordRectification, RectificationInterview,
                                          RectificationPlan, Rectified, Reopen, ReportRectificationProgress,
                                          SignOffRectification, UrgeRectification, VerifyRectification)


class NoticesApiController(Controller):
    path = "/api/notices"
    tags = ["notices 督办通知"]

    @get("/", sync_to_thread=True, cache=True, responses=ERRORS, summary="督办通知列表")
    def list(self, actor: NamedDependency[Actor], reads: NamedDependency[Reads], open_only: FromQuery[bool] = False,
             unit: FromQuery[UUID | None] = None, subject_id: FromQuery[UUID | None] = None) -> list[NoticeSummary]:
        """The notices the actor may read (a unit those sent to it, a leader those to their
        portfolio, the discipline body those about referred cases), oldest first."""
        day = today(reads.app)
        filters = ({"subject_referred": True} if actor.role is Role.DISCIPLINE
                   else visible_filters(reads, actor, day, {}))
        return [notice_row_summary(r) for r in reads.ledger.rows(
            actor.district, day, kinds=("notice",), open_only=open_only, lead_unit=unit, parent=subject_id,
            **filters)]

    @get("/{notice_id:uuid}", sync_to_thread=True, cache=True, responses=ERRORS, summary="督办通知")
    def read(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
             notice_id: FromPath[UUID]) -> NoticeOut:
        return notice_out(duban.readable_notice(notice_id, actor), reads.directory.unit_names(actor.district))

    @get("/{notice_id:uuid}/timeline", sync_to_thread=True, cache=True, responses=ERRORS, summary="督办通知办理过程")
    def history(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban],
                notice_id: FromPath[UUID]) -> list[TimelineEntryOut]:
        notice = duban.readable_notice(notice_id, actor)
        numbers = {notice.id: notice.number_label}
        return timeline_out(duban.history(numbers), numbers)

    # -- commands ------------------------------------------------------------------------------------
    @staticmethod
    def _run(request: Request, duban: Duban, notice_id: UUID, command: VersionedCommand) -> CommandResult:
        actor = actor_of(request)
        duban.readable_notice(notice_id, actor)  # one may act only on what one may read
        return command_result(duban.execute(command, actor, notice_id))

    @post("/", status_code=201, sync_to_thread=True, responses=ERRORS, summary="下发督办通知")
    def issue(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], data: JSONBody[IssueNotice]) -> CommandResult:
        return command_result(duban.execute(data, actor))

    @post("/{notice_id:uuid}/acknowledge", status_code=200, sync_to_thread=True, responses=ERRORS,
          summary="签收督办通知")
    def acknowledge(self, request: Request, duban: NamedDependency[Duban], notice_id: FromPath[UUID],
                    data: JSONBody[AcknowledgeNotice | None] = None) -> CommandResult:
        return self._run(request, duban, notice_id, data or AcknowledgeNotice())

    @post("/{notice_id:uuid}/reply", status_code=200, sync_to_thread=True, responses=ERRORS, summary="书面回复")
    def reply(self, request: Request, duban: NamedDependency[Duban], notice_id: FromPath[UUID],
              data: JSONBody[ReplyNotice]) -> CommandResult:
        return self._run(request, duban, notice_id, data)

    @post("/{notice_id:uuid}/review", status_code=200, sync_to_thread=True, responses=ERRORS, summary="审核回复")
    def review(self, request: Request, duban: NamedDependency[Duban], notice_id: FromPath[UUID],
               data: JSONBody[ReviewReply]) -> CommandResult:
        return self._run(request, duban, notice_id, data)

    @post("/{notice_id:uuid}/close", status_code=200, sync_to_thread=True, responses=ERRORS, summary="督办通知办结")
    def close(self, request: Request, duban: NamedDependency[Duban], notice_id: FromPath[UUID],
              data: JSONBody[CloseNotice | None] = None) -> CommandResult:
        return self._run(request, duban, notice_id, data or CloseNotice())


class RectificationsApiController(Controller):
    path = "/api/rectifications"
    tags = ["rectifications 整改任务"]

    @get("/", sync_to_thread=True, cache=True, responses=ERRORS, summary="整改任务列表")
    def list(self, actor: NamedDependency[Actor], reads: NamedDependency[Reads], open_only: FromQuery[bool] = False,
             unit: FromQuery[UUID | None] = None) -> list[RectificationSummary]:
        """The rectification tasks the actor may read, oldest first."""
        day = today(reads.app)
        return [rectification_row_summary(r) for r in visible_rows(
            reads, actor, day, kinds=("rectification",), open_only=open_only, lead_unit=unit)]

    @get("/{task_id:uuid}", sync_to_thread=True, cache=True, responses=ERRORS, summary="整改任务")
    def read(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
             task_id: FromPath[UUID]) -> RectificationOut:
        return rectification_out(duban.readable_rectification(task_id, actor),
                                 reads.directory.unit_names(actor.district))

    @get("/{task_id:uuid}/timeline", sync_to_thread=True, cache=True, responses=ERRORS, summary="整改过程")
    def history(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban],
                task_id: FromPath[UUID]) -> list[TimelineEntryOut]:
        task = duban.readable_rectification(task_id, actor)
        numbers = {task.id: task.number_label}
        return timeline_out(duban.history(numbers), numbers)

    # -- commands ------------------------------------------------------------------------------------
    @staticmethod
    def _run(request: Request, duban: Duban, task_id: UUID, command: VersionedCommand) -> CommandResult:
        actor = actor_of(request)
        duban.readable_rectification(task_id, actor)  # one may act only on what one may read
        return command_result(duban.execute(command, actor, task_id))

    @post("/", status_code=201, sync_to_thread=True, responses=ERRORS, summary="问题入账")
    def record(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban],
               data: JSONBody[RecordRectification]) -> CommandResult:
        return command_result(duban.execute(data, actor))

    @post("/{task_id:uuid}/plan", status_code=200, sync_to_thread=True, responses=ERRORS, summary="报送整改方案")
    def plan(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
             data: JSONBody[RectificationPlan]) -> CommandResult:
        return self._run(request, duban, task_id, data)

    @post("/{task_id:uuid}/progress", status_code=200, sync_to_thread=True, responses=ERRORS, summary="报送整改进展")
    def progress(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
                 data: JSONBody[ReportRectificationProgress]) -> CommandResult:
        return self._run(request, duban, task_id, data)

    @post("/{task_id:uuid}/rectified", status_code=200, sync_to_thread=True, responses=ERRORS, summary="报告整改完成")
    def rectified(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
                  data: JSONBody[Rectified]) -> CommandResult:
        return self._run(request, duban, task_id, data)

    @post("/{task_id:uuid}/verify", status_code=200, sync_to_thread=True, responses=ERRORS, summary="核验整改")
    def verify(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
               data: JSONBody[VerifyRectification]) -> CommandResult:
        return self._run(request, duban, task_id, data)

    @post("/{task_id:uuid}/sign-off", status_code=200, sync_to_thread=True, responses=ERRORS, summary="销号")
    def sign_off(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
                 data: JSONBody[SignOffRectification | None] = None) -> CommandResult:
        return self._run(request, duban, task_id, data or SignOffRectification())

    @post("/{task_id:uuid}/reopen", status_code=200, sync_to_thread=True, responses=ERRORS, summary="回头看重新打开")
    def reopen(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
               data: JSONBody[Reopen]) -> CommandResult:
        return self._run(request, duban, task_id, data)

    @post("/{task_id:uuid}/urge", status_code=200, sync_to_thread=True, responses=ERRORS, summary="催办")
    def urge(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
             data: JSONBody[UrgeRectification | None] = None) -> CommandResult:
        return self._run(request, duban, task_id, data or UrgeRectification())

    @post("/{task_id:uuid}/criticise", status_code=200, sync_to_thread=True, responses=ERRORS, summary="通报批评")
    def criticise(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
                  data: JSONBody[CriticiseRectification]) -> CommandResult:
        return self._run(request, duban, task_id, data)

    @post("/{task_id:uuid}/interview", status_code=200, sync_to_thread=True, responses=ERRORS, summary="约谈")
    def interview(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
                  data: JSONBody[RectificationInterview]) -> CommandResult:
        return self._run(request, duban, task_id, data)

    @post("/{task_id:uuid}/referral", status_code=200, sync_to_thread=True, responses=ERRORS,
          summary="提出移交纪检监察")
    def referral(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
                 data: JSONBody[ProposeRectificationReferral]) -> CommandResult:
        return self._run(request, duban, task_id, data)

    @post("/{task_id:uuid}/referral-decision", status_code=200, sync_to_thread=True, responses=ERRORS,
          summary="审批移交纪检监察")
    def referral_decision(self, request: Request, duban: NamedDependency[Duban], task_id: FromPath[UUID],
                          data: JSONBody[DecideRectificationReferral]) -> CommandResult:
        return self._run(request, duban, task_id, data)
