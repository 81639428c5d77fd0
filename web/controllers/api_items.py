"""The JSON API for supervised items (督办事项): one item, its history, and every command on it.

A command first loads the item through ``duban.readable_item``: an item the actor may not read
answers exactly as reading it would (404, as for an item that does not exist), before any other
check.  Then the application runs the command, which enforces roles, units and portfolios.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from domain.actor import Actor, Role
from domain.errors import NotFound
from domain.item import ItemStatus, SupervisedItem
from domain.item_actions import office_actions
from duban.application import Duban
from web.auth import actor_of
from web.context import Reads
from web.records import case_file
from web.forms import asked_day
from web.controllers.api import ERRORS
from web.controllers.api_answers import CommandResult, ItemOut, TimelineEntryOut, command_result, item_out, timeline_out
from duban.commands.items import (AssignItem, Commend, CompleteSubtask, Criticise, DecideCannotImplement, DecideExtension,
                                  DecideReferral, FormalReply, Interview, ItemCommand, ProposeReferral,
                                  RecordSatisfaction, RegisterItem, ReportCannotImplement, ReportCompletion,
                                  ReportProgress, RequestExtension, SendBack, SignForItem, SignOffItem, SplitItem,
                                  Urge)

# the office's actions (domain.item_actions) by the name of their API route
OFFICE_ROUTES = {"extension": "extension-decision", "cannot-implement": "cannot-implement-decision"}


def item_actions(item: SupervisedItem, actor: Actor, day: date) -> list[str]:
    """The command routes worth offering ``actor`` on ``item`` now (a hint: each is still checked)."""
    status, is_open = item.status, not item.status.is_closed
    if actor.role is Role.OFFICE:
        return [OFFICE_ROUTES.get(a.value, a.value) for a in office_actions(item)]
    if actor.role is Role.LEADER:
        found = []
        if is_open and item.pending_extension is not None:
            found.append("extension-decision")
        if item.referral == "proposed":
            found.append("referral-decision")
        if is_open and item.lead_unit is not None:
            found.append("interview")
        return found
    if actor.role is not Role.UNIT or actor.unit not in item.assigned_units or not is_open:
        return []
    signed, lead = actor.unit.hex in item.signed_for, actor.unit == item.lead_unit
    found = [] if signed else ["sign-for"]
    if signed and status in (ItemStatus.ASSIGNED, ItemStatus.IN_PROGRESS):
        found.append("progress")
    if signed and any(s["unit"] == actor.unit and s["completed_on"] is None for s in item.subtasks.values()):
        found.append("subtask-completion")
    if lead and day <= item.deadline and item.pending_extension is None:
        found.append("extension")
    if lead and signed and status is ItemStatus.IN_PROGRESS:
        found += ["cannot-implement", "completion"]
        if item.source.needs_formal_reply:
            found.append("formal-reply")
    return found


class ItemsApiController(Controller):
    path = "/api/items"
    tags = ["items 督办事项"]

    # -- reading -------------------------------------------------------------------------------------
    @get("/{item_id:uuid}", sync_to_thread=True, cache=True, responses=ERRORS, summary="督办事项")
    def read(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
             item_id: FromPath[UUID], as_of: FromQuery[date | None] = None) -> ItemOut:
        """The item as the actor may read it (as it stood at the end of ``as_of``, if given), with
        the command routes worth offering them."""
        item = duban.readable_item(item_id, actor)
        if asked_day(as_of, duban.clock.today(), "as_of") is not None:
            item = duban.item_as_of(item_id, as_of, actor)
            if item is None:
                raise NotFound("item.not_yet_registered", f"该督办事项在{as_of.isoformat()}尚未登记。", field="as_of")
        actions = item_actions(item, actor, duban.clock.today()) if as_of is None else []
        return item_out(item, reads.directory.unit_names(actor.district), actions)

    @get("/{item_id:uuid}/timeline", sync_to_thread=True, cache=True, responses=ERRORS, summary="办理过程")
    def history(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
                item_id: FromPath[UUID]) -> list[TimelineEntryOut]:
        """Every fact of the item and of the notices issued about it, in business-date order."""
        item, notices = case_file(duban, reads, item_id, actor)
        numbers = {item.id: item.number_label, **{n.id: n.number_label for n in notices}}
        return timeline_out(duban.history(numbers), numbers)

    # -- commands ------------------------------------------------------------------------------------
    # Each route decodes its command class (duban.commands.items) and hands it to the application.
    @staticmethod
    def _run(request: Request, duban: Duban, item_id: UUID, command: ItemCommand) -> CommandResult:
        actor = actor_of(request)
        duban.readable_item(item_id, actor, readonly=True)  # one may act only on what one may read
        return command_result(duban.execute(command, actor, item_id))

    @post("/", status_code=201, sync_to_thread=True, responses=ERRORS, summary="登记督办事项")
    def register(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], data: JSONBody[RegisterItem]) -> CommandResult:
        return command_result(duban.execute(data, actor))

    @post("/{item_id:uuid}/assign", status_code=200, sync_to_thread=True, responses=ERRORS, summary="分解交办")
    def assign(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[AssignItem]) -> CommandResult:
        return self._run(request, duban, item_id, data)

    @post("/{item_id:uuid}/split", status_code=200, sync_to_thread=True, responses=ERRORS, summary="分解子任务")
    def split(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[SplitItem]) -> CommandResult:
        return self._run(request, duban, item_id, data)

    @post("/{item_id:uuid}/sign-for", status_code=200, sync_to_thread=True, responses=ERRORS, summary="签收")
    def sign_for(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[SignForItem | None] = None) -> CommandResult:
        return self._run(request, duban, item_id, data or SignForItem())

    @post("/{item_id:uuid}/progress", status_code=200, sync_to_thread=True, responses=ERRORS, summary="报送进展")
    def progress(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[ReportProgress]) -> CommandResult:
        return self._run(request, duban, item_id, data)

    @post("/{item_id:uuid}/subtask-completion", status_code=200, sync_to_thread=True, responses=ERRORS, summary="子任务完成")
    def subtask_completion(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[CompleteSubtask]) -> CommandResult:
        return self._run(request, duban, item_id, data)

    @post("/{item_id:uuid}/extension", status_code=200, sync_to_thread=True, responses=ERRORS, summary="申请延期")
    def extension(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[RequestExtension]) -> CommandResult:
        return self._run(request, duban, item_id, data)

    @post("/{item_id:uuid}/extension-decision", status_code=200, sync_to_thread=True, responses=ERRORS, summary="审批延期")
    def extension_decision(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[DecideExtension]) -> CommandResult:
        return self._run(request, duban, item_id, data)

    @post("/{item_id:uuid}/cannot-implement", status_code=200, sync_to_thread=True, responses=ERRORS, summary="报告不能办理")
    def cannot_implement(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[ReportCannotImplement]) -> CommandResult:
        return self._run(request, duban, item_id, data)

    @post("/{item_id:uuid}/cannot-implement-decision", status_code=200, sync_to_thread=True, responses=ERRORS, summary="审核不能办理的报告")
    def cannot_implement_decision(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[DecideCannotImplement]) -> CommandResult:
        return self._run(request, duban, item_id, data)

    @post("/{item_id:uuid}/formal-reply", status_code=200, sync_to_thread=True, responses=ERRORS, summary="答复代表委员")
    def formal_reply(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[FormalReply]) -> CommandResult:
        return self._run(request, duban, item_id, data)

    @post("/{item_id:uuid}/satisfaction", status_code=200, sync_to_thread=True, responses=ERRORS, summary="满意度测评")
    def satisfaction(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[RecordSatisfaction]) -> CommandResult:
        return self._run(request, duban, item_id, data)

    @post("/{item_id:uuid}/completion", status_code=200, sync_to_thread=True, responses=ERRORS, summary="报告办结")
    def completion(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[ReportCompletion]) -> CommandResult:
        return self._run(request, duban, item_id, data)

    @post("/{item_id:uuid}/sign-off", status_code=200, sync_to_thread=True, responses=ERRORS, summary="办结销号")
    def sign_off(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[SignOffItem | None] = None) -> CommandResult:
        return self._run(request, duban, item_id, data or SignOffItem())

    @post("/{item_id:uuid}/send-back", status_code=200, sync_to_thread=True, responses=ERRORS, summary="退回重办")
    def send_back(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[SendBack]) -> CommandResult:
        return self._run(request, duban, item_id, data)

    @post("/{item_id:uuid}/urge", status_code=200, sync_to_thread=True, responses=ERRORS, summary="催办")
    def urge(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[Urge | None] = None) -> CommandResult:
        return self._run(request, duban, item_id, data or Urge())

    @post("/{item_id:uuid}/criticise", status_code=200, sync_to_thread=True, responses=ERRORS, summary="通报批评")
    def criticise(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[Criticise]) -> CommandResult:
        return self._run(request, duban, item_id, data)

    @post("/{item_id:uuid}/interview", status_code=200, sync_to_thread=True, responses=ERRORS, summary="约谈")
    def interview(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[Interview]) -> CommandResult:
        return self._run(request, duban, item_id, data)

    @post("/{item_id:uuid}/referral", status_code=200, sync_to_thread=True, responses=ERRORS, summary="提出移交纪检监察")
    def referral(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[ProposeReferral]) -> CommandResult:
        return self._run(request, duban, item_id, data)

    @post("/{item_id:uuid}/referral-decision", status_code=200, sync_to_thread=True, responses=ERRORS, summary="审批移交纪检监察")
    def referral_decision(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[DecideReferral]) -> CommandResult:
        return self._run(request, duban, item_id, data)

    @post("/{item_id:uuid}/commend", status_code=200, sync_to_thread=True, responses=ERRORS, summary="通报激励")
    def commend(self, request: Request, duban: NamedDependency[Duban], item_id: FromPath[UUID],
             data: JSONBody[Commend]) -> CommandResult:
        return self._run(request, duban, item_id, data)
