"""承办单位 pages: the inbox (待办), the unit's items, notices and rectification tasks, and the
forms a unit uses on them (签收, 报送进展, 申请延期, 报告不能办理, 报告办结, 子任务完成, 答复代表委员;
签收通知, 回复; 整改方案, 整改进展, 整改完成).

Every record page loads its record through the application's ``readable_*`` functions, so a
record of another unit answers 404, exactly like one of another district or one that does not
exist.  Which forms a page offers mirrors the domain's rules (lead-unit-only commands are never
offered to a co-unit); the domain still decides, and a refusal re-renders the page with the
message beside the field.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from domain.actor import Actor, Role
from domain.errors import DomainError
from domain.item import ItemStatus, Satisfaction, SupervisedItem
from domain.notice import NoticeStatus, SupervisionNotice, TaskState
from domain.rectification import RectificationStatus, RectificationTask
from duban.commands.items import (CompleteSubtask, FormalReply, ItemCommand, ReportCannotImplement, ReportCompletion,
                                  ReportProgress, RequestExtension, SignForItem)
from duban.commands.base import VersionedCommand
from duban.commands.notices import AcknowledgeNotice, ReplyNotice
from duban.commands.rectifications import Rectified, RectificationPlan, ReportRectificationProgress
from web.commands import form_command, form_files
from duban.application import Duban
from projections.timeline import TimelineEntry
from web.auth import UNIT_AREA, actor_in
from web.context import Reads, done, page, reads_of, today, visible_page, visible_rows
from web.records import case_file, notices_about
from web.forms import NO_FORM, Form, FormBody, FormState
from web.uploads import UPLOAD_ROUTE

PageQuery = Annotated[int, QueryParameter(name="page")]  # ?page=2
HANDLING = (ItemStatus.ASSIGNED, ItemStatus.IN_PROGRESS)


def unit_actor(request: Request) -> Actor:
    return actor_in(request, Role.UNIT, doing="查看承办单位页面")


# -- what a unit may do now (mirrors domain.item / notice / rectification) -------------------------
@dataclass(frozen=True)
class ItemActions:
    """The forms the item page offers this unit today."""

    sign_for: bool = False
    progress: bool = False
    extension: bool = False
    extension_too_late: bool = False  # lead unit, deadline passed: say so instead of the form
    cannot_implement: bool = False
    completion: bool = False
    subtask: bool = False
    formal_reply: bool = False

    def shown(self) -> set[str]:
        names = {"sign_for": "sign-for", "cannot_implement": "cannot-implement", "formal_reply": "formal-reply"}
        return {names.get(k, k) for k, v in vars(self).items() if v is True and k != "extension_too_late"}


def open_subtasks(item: SupervisedItem, unit: UUID) -> list[tuple[str, dict]]:
    return [(k, s) for k, s in item.subtasks.items() if s["unit"] == unit and s["completed_on"] is None]


def item_actions(item: SupervisedItem, unit: UUID, day: date) -> ItemActions:
    """签收 once; progress while handling once signed; extension (lead, on or before the deadline,
    none pending); cannot-implement, completion and the formal reply (lead, signed, 办理中)."""
    if item.status.is_closed or unit not in item.assigned_units:
        return ItemActions()
    lead = unit == item.lead_unit
    signed = unit.hex in item.signed_for
    handling = item.status is ItemStatus.IN_PROGRESS
    may_extend = lead and item.status in HANDLING and item.pending_extension is None
    reply_open = item.formal_reply is None or item.formal_reply["satisfaction"] == Satisfaction.UNSATISFIED.value
    return ItemActions(
        sign_for=not signed,
        progress=signed and item.status in HANDLING,
        extension=may_extend and day <= item.deadline,
        extension_too_late=may_extend and day > item.deadline,
        cannot_implement=lead and signed and handling,
        completion=lead and signed and handling,
        subtask=signed and bool(open_subtasks(item, unit)),
        formal_reply=lead and signed and handling and item.source.needs_formal_reply and reply_open,
    )


def orphan_error(state: FormState, shown: set[str]) -> str:
    """A refusal for a form the page does not show (say, a co-unit posting a lead-only form)."""
    if state.error is not None and state.action not in shown:
        return state.error.message
    return ""


def readable_timeline(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Stored values shown in Chinese (the proposer's rating)."""
    labels = {s.value: s.label for s in Satisfaction}
    return [replace(e, details=tuple((k, labels.get(v, v) if k == "测评" else v) for k, v in e.details))
            for e in entries]


def _list_page(reads: Reads, actor: Actor, kind: str, template: str, closed: str, page_number: int,
               **context) -> Template:
    """One of the unit's lists (items, notices, rectification tasks): open entries by default,
    ``closed=1`` for closed ones, 50 a page."""
    day = today(reads.app)
    show_closed = closed == "1"
    shown = visible_page(reads, actor, day, page_number, kinds=(kind,), open_only=not show_closed,
                         closed_only=show_closed)
    return page(template, actor, day, rows=shown.rows, total=shown.total, closed=show_closed,
                page_number=shown.number, pages=shown.pages, **context)


class UnitController(Controller):
    path = "/unit"
    guards = [UNIT_AREA]

    # ------------------------------------------------------------------ inbox
    @get("/", sync_to_thread=True, cache=True)
    def inbox(self, actor: NamedDependency[Actor], reads: NamedDependency[Reads]) -> Template:
        day = today(reads.app)
        assert actor.unit is not None
        box = reads.inbox.inbox(actor.district, actor.unit.hex, day)
        plans_due = visible_rows(reads, actor, day, kinds=("rectification",), open_only=True, status="recorded")
        return page("unit/inbox.html", actor, day, box=box, plans_due=plans_due)

    # ------------------------------------------------------------------ items
    @get("/items", sync_to_thread=True, cache=True)
    def items(self, actor: NamedDependency[Actor], reads: NamedDependency[Reads], closed: FromQuery[str] = "",
              page_number: PageQuery = 1) -> Template:
        return _list_page(reads, actor, "item", "unit/items.html", closed, page_number,
                          unit_hex=actor.unit.hex if actor.unit else "")

    @get("/items/{item_id:uuid}", sync_to_thread=True, cache=True)
    def item(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads], item_id: FromPath[UUID]) -> Template:
        return self._item_page(duban, reads, actor, item_id, NO_FORM)

    def _item_page(self, duban: Duban, reads: Reads, actor: Actor, item_id: UUID, state: FormState, *,
                   status_code: int = 200) -> Template:
        item, notices = case_file(duban, reads, item_id, actor)
        notices = [n for n in notices if n.unit == actor.unit]  # the unit reads only its own notices
        day = today(duban)
        assert actor.unit is not None
        may = item_actions(item, actor.unit, day)
        return page(
            "unit/item.html", actor, day, status_code=status_code, item=item, notices=notices, may=may,
            state=state, orphan=orphan_error(state, may.shown()), names=reads.directory.unit_names(actor.district),
            is_lead=item.lead_unit == actor.unit, signed_on=item.signed_for.get(actor.unit.hex),
            my_subtasks=[(k, s) for k, s in item.subtasks.items() if s["unit"] == actor.unit],
            open_subtasks=open_subtasks(item, actor.unit),
            subtask_options=[(k, f"{k} {s['title']}") for k, s in open_subtasks(item, actor.unit)],
            satisfaction_labels={s.value: s.label for s in Satisfaction},
            my_reports=[r for r in item.reports if r["unit"] == actor.unit],
            entries=readable_timeline(duban.history([item.id, *(n.id for n in notices)])),
        )

    def _item_command(self, request: Request, duban: Duban, item_id: UUID, data: dict, action: str,
                      cls: type[ItemCommand], message: str) -> Template | Redirect:
        """Record the unit's command ``cls`` from its form (the class the API takes too)."""
        actor = unit_actor(request)
        duban.readable_item(item_id, actor, readonly=True)  # another district's or not this unit's: 404
        form = Form(data, action=action)
        try:
            duban.execute(form_command(cls, data), actor, item_id, files=form_files(data, "attachments"))
        except DomainError as error:
            return self._item_page(duban, reads_of(request), actor, item_id, form.refused(error), status_code=Form.status(error))
        return done(f"/unit/items/{item_id.hex}", message)

    @post("/items/{item_id:uuid}/sign-for", sync_to_thread=True)
    def sign_for(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], item_id: FromPath[UUID],
                 data: FormBody) -> Template | Redirect:
        return self._item_command(request, duban, item_id, data, "sign-for", SignForItem, "已签收该事项。")

    @post("/items/{item_id:uuid}/progress", sync_to_thread=True, **UPLOAD_ROUTE)
    def progress(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], item_id: FromPath[UUID],
                 posted: NamedDependency[dict]) -> Template | Redirect:
        return self._item_command(request, duban, item_id, posted, "progress", ReportProgress, "进展已报送。")

    @post("/items/{item_id:uuid}/extension", sync_to_thread=True)
    def extension(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], item_id: FromPath[UUID],
                  data: FormBody) -> Template | Redirect:
        return self._item_command(request, duban, item_id, data, "extension", RequestExtension,
                                  "延期申请已提交，等待审批。")

    @post("/items/{item_id:uuid}/cannot-implement", sync_to_thread=True)
    def cannot_implement(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], item_id: FromPath[UUID],
                         data: FormBody) -> Template | Redirect:
        return self._item_command(request, duban, item_id, data, "cannot-implement", ReportCannotImplement,
                                  "已报告不能办理，等待督查室审核。")

    @post("/items/{item_id:uuid}/completion", sync_to_thread=True, **UPLOAD_ROUTE)
    def completion(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], item_id: FromPath[UUID],
                   posted: NamedDependency[dict]) -> Template | Redirect:
        """报告办结 with its evidence files (证明材料), which the office sees when it verifies."""
        return self._item_command(request, duban, item_id, posted, "completion", ReportCompletion,
                                  "已报告办结，等待督查室核验。")

    @post("/items/{item_id:uuid}/subtask", sync_to_thread=True)
    def subtask(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], item_id: FromPath[UUID],
                data: FormBody) -> Template | Redirect:
        return self._item_command(request, duban, item_id, data, "subtask", CompleteSubtask, "子任务已报告完成。")

    @post("/items/{item_id:uuid}/formal-reply", sync_to_thread=True)
    def formal_reply(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], item_id: FromPath[UUID],
                     data: FormBody) -> Template | Redirect:
        return self._item_command(request, duban, item_id, data, "formal-reply", FormalReply,
                                  "答复已登记，等待代表委员测评。")

    # ------------------------------------------------------------------ notices
    @get("/notices", sync_to_thread=True, cache=True)
    def notices(self, actor: NamedDependency[Actor], reads: NamedDependency[Reads], closed: FromQuery[str] = "",
                page_number: PageQuery = 1) -> Template:
        return _list_page(reads, actor, "notice", "unit/notices.html", closed, page_number)

    @get("/notices/{notice_id:uuid}", sync_to_thread=True, cache=True)
    def notice(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads], notice_id: FromPath[UUID]) -> Template:
        return self._notice_page(duban, actor, notice_id, NO_FORM)

    def _notice_page(self, duban: Duban, actor: Actor, notice_id: UUID, state: FormState, *,
                     status_code: int = 200) -> Template:
        notice = duban.readable_notice(notice_id, actor)
        day = today(duban)
        open_ = notice.status is not NoticeStatus.CLOSED
        may_acknowledge = open_ and notice.status is NoticeStatus.ISSUED
        replyable = ({k for k, t in notice.tasks.items() if t["state"] in (TaskState.OPEN.value, TaskState.REJECTED.value)}
                     if open_ and notice.status is NoticeStatus.ACKNOWLEDGED else set())
        shown = ({"acknowledge"} if may_acknowledge else set()) | {f"reply:{k}" for k in replyable}
        return page(
            "unit/notice.html", actor, day, status_code=status_code, notice=notice, state=state,
            may_acknowledge=may_acknowledge, replyable=replyable, orphan=orphan_error(state, shown),
            task_states={s.value: s.label for s in TaskState},
            subject_href=(f"/unit/items/{notice.subject_id.hex}" if notice.subject_kind == "item"
                          else f"/unit/rectifications/{notice.subject_id.hex}"),
            subject_label=self._subject_label(duban, actor, notice),
            entries=duban.history([notice.id]),
        )

    @staticmethod
    def _subject_label(duban: Duban, actor: Actor, notice: SupervisionNotice) -> str:
        try:
            if notice.subject_kind == "item":
                subject = duban.readable_item(notice.subject_id, actor)
                return f"{subject.number_label} {subject.title}"
            task = duban.readable_rectification(notice.subject_id, actor)
            return f"{task.number_label} {task.problem}"
        except DomainError:
            return ""

    def _notice_command(self, request: Request, duban: Duban, notice_id: UUID, data: dict, action: str,
                        cls: type[VersionedCommand], message: str) -> Template | Redirect:
        actor = unit_actor(request)
        duban.readable_notice(notice_id, actor, readonly=True)
        form = Form(data, action=action)
        try:
            duban.execute(form_command(cls, data), actor, notice_id, files=form_files(data, "attachments"))
        except DomainError as error:
            return self._notice_page(duban, actor, notice_id, form.refused(error), status_code=Form.status(error))
        return done(f"/unit/notices/{notice_id.hex}", message)

    @post("/notices/{notice_id:uuid}/acknowledge", sync_to_thread=True)
    def acknowledge(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], notice_id: FromPath[UUID],
                    data: FormBody) -> Template | Redirect:
        return self._notice_command(request, duban, notice_id, data, "acknowledge", AcknowledgeNotice,
                                    "已签收督办通知。")

    @post("/notices/{notice_id:uuid}/reply", sync_to_thread=True, **UPLOAD_ROUTE)
    def reply(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], notice_id: FromPath[UUID],
              posted: NamedDependency[dict]) -> Template | Redirect:
        task = str((posted or {}).get("task", "")).strip()
        return self._notice_command(request, duban, notice_id, posted, f"reply:{task}", ReplyNotice,
                                    f"任务{task}已回复，等待督查室审核。")

    # ------------------------------------------------------------------ rectification tasks
    @get("/rectifications", sync_to_thread=True, cache=True)
    def rectifications(self, actor: NamedDependency[Actor], reads: NamedDependency[Reads], closed: FromQuery[str] = "",
                       page_number: PageQuery = 1) -> Template:
        return _list_page(reads, actor, "rectification", "unit/rectifications.html", closed,
                          page_number)

    @get("/rectifications/{task_id:uuid}", sync_to_thread=True, cache=True)
    def rectification(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads], task_id: FromPath[UUID]) -> Template:
        return self._rectification_page(duban, reads, actor, task_id, NO_FORM)

    def _rectification_page(self, duban: Duban, reads: Reads, actor: Actor, task_id: UUID, state: FormState, *,
                            status_code: int = 200) -> Template:
        task: RectificationTask = duban.readable_rectification(task_id, actor)
        notices = [n for n in notices_about(duban, reads, task.id, actor) if n.unit == actor.unit]
        day = today(duban)
        rectifying = task.status is RectificationStatus.RECTIFYING
        shown = set()
        if task.status in (RectificationStatus.RECORDED, RectificationStatus.RECTIFYING):
            shown.add("plan")
        if rectifying:
            shown |= {"progress", "rectified"}
        return page(
            "unit/rectification.html", actor, day, status_code=status_code, task=task, state=state, shown=shown,
            orphan=orphan_error(state, shown), notices=notices,
            entries=duban.history([task.id, *(n.id for n in notices)]),
        )

    def _rectification_command(self, request: Request, duban: Duban, task_id: UUID, data: dict, action: str,
                               cls: type[VersionedCommand], message: str) -> Template | Redirect:
        actor = unit_actor(request)
        duban.readable_rectification(task_id, actor, readonly=True)
        form = Form(data, action=action)
        try:
            duban.execute(form_command(cls, data), actor, task_id, files=form_files(data, "attachments", "evidence"))
        except DomainError as error:
            return self._rectification_page(duban, reads_of(request), actor, task_id, form.refused(error),
                                            status_code=Form.status(error))
        return done(f"/unit/rectifications/{task_id.hex}", message)

    @post("/rectifications/{task_id:uuid}/plan", sync_to_thread=True)
    def plan(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], task_id: FromPath[UUID],
             data: FormBody) -> Template | Redirect:
        return self._rectification_command(request, duban, task_id, data, "plan", RectificationPlan, "整改方案已提交。")

    @post("/rectifications/{task_id:uuid}/progress", sync_to_thread=True, **UPLOAD_ROUTE)
    def rectification_progress(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], task_id: FromPath[UUID],
                               posted: NamedDependency[dict]) -> Template | Redirect:
        return self._rectification_command(request, duban, task_id, posted, "progress", ReportRectificationProgress,
                                           "整改进展已报送。")

    @post("/rectifications/{task_id:uuid}/rectified", sync_to_thread=True, **UPLOAD_ROUTE)
    def rectified(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], task_id: FromPath[UUID],
                  posted: NamedDependency[dict]) -> Template | Redirect:
        """整改完成 with its evidence (佐证材料): the files, at least one."""
        return self._rectification_command(request, duban, task_id, posted, "rectified", Rectified,
                                           "已报告整改完成，等待督查室核验。")
