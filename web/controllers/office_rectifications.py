"""督查室 pages for rectification tasks (整改任务): the ledger (整改台账), recording a task, and a
task's detail with the office actions its status allows (核验、销号、回头看重新打开、催办、通报批评、
约谈、提出移交纪检监察)."""

from __future__ import annotations

from typing import Any, Callable
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from documents.ledger_xlsx import LedgerSheet, ledger_workbook
from domain.actor import Actor, Role
from domain.errors import DomainError, InvalidInput
from domain.rectification import ProblemSource, RectificationStatus, RectificationTask, Severity
from domain.rectification_actions import RectificationAction, office_actions
from duban.commands.base import VersionedCommand
from duban.commands.rectifications import (CriticiseRectification, ProposeRectificationReferral, RecordRectification,
                                          RectificationInterview, Reopen, SignOffRectification, UrgeRectification,
                                          VerifyRectification)
from web.commands import form_command, form_files
from duban.application import Duban
from web.context import Reads, done, page, today, visible_page, visible_rows
from web.auth import OFFICE_AREA, office_actor, office_acts
from web.controllers.oversight_support import (
    enum_options, leader_options, optional_choice, page_number,
    unit_options,
)
from web.downloads import xlsx_download
from web.paging import Pager
from web.records import notices_about
from web.forms import NO_FORM, Form, FormBody, FormState, asked_day, seen_version
from web.uploads import UPLOAD_ROUTE
from projections.timeline import latest_files

LEDGERS = {"": "全部", "open": "在账（未销号）", "closed": "已销号"}
# the sources the office enters directly; inspection findings are recorded on the inspection
DIRECT_SOURCES = (ProblemSource.AUDIT, ProblemSource.MEDIA, ProblemSource.PUBLIC_REPORT)
FILTER_FIELDS = ("unit", "status", "source", "overdue", "ledger", "as_of")


def rectification_url(task_id: UUID) -> str:
    return f"/office/rectifications/{task_id.hex}"


class OfficeRectificationController(Controller):
    path = "/office/rectifications"
    guards = [OFFICE_AREA]

    # -- the ledger ----------------------------------------------------------------------------
    @get("/", sync_to_thread=True, cache=True)
    def ledger(self, actor: NamedDependency[Actor], request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template:
        """整改台账 with filters (unit, status, source, overdue, open/closed ledger, as of a date)."""
        day = today(duban)
        query = {k: request.query_params.get(k, "") for k in (*FILTER_FIELDS, "page")}
        form = Form({k: v for k, v in query.items() if k in FILTER_FIELDS}, action="filter")
        kept = {k: v for k, v in query.items() if k in FILTER_FIELDS}
        pager, state, status_code = Pager.of([], 1, kept), NO_FORM, 200
        try:
            filters, _ = self._filters(actor, day, form, query["ledger"])
            pager = Pager.of_page(visible_page(reads, actor, day, page_number(query["page"]), **filters), kept)
            state = FormState(action="filter", values=form.data)
        except DomainError as error:
            state, status_code = form.refused(error), Form.status(error)
        return page("office/rectifications.html", actor, day, status_code=status_code, pager=pager, form=state,
                    units=unit_options(reads, actor.district, retired_too=True),
                    statuses=enum_options(RectificationStatus), sources=enum_options(ProblemSource),
                    ledgers=LEDGERS, rectification_url=rectification_url,
                    xlsx_url="/office/rectifications/ledger.xlsx?" + urlencode({k: v for k, v in kept.items() if v}))

    @get("/ledger.xlsx", sync_to_thread=True)
    def ledger_xlsx(self, actor: NamedDependency[Actor], request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Response:
        """The rectification ledger with the page's filters as an .xlsx download (整改台账导出)."""
        day = today(duban)
        query = {k: request.query_params.get(k, "") for k in FILTER_FIELDS}
        filters, as_of = self._filters(actor, day, Form(query, action="filter"), query["ledger"])
        rows = visible_rows(reads, actor, day, **filters)
        sheet = LedgerSheet(district=duban.district(actor.district).name,
                            ledger="整改已销号台账" if query["ledger"] == "closed" else "整改台账", as_of=as_of or day)
        return xlsx_download(ledger_workbook(rows, sheet), f"{sheet.ledger}-{sheet.as_of.isoformat()}.xlsx")

    @staticmethod
    def _filters(actor: Actor, day, form: Form, ledger: str) -> tuple[dict, object]:
        """The ledger filters the form selects, and the as-of date (refusals raise with the field)."""
        if ledger not in LEDGERS:
            raise InvalidInput("form.bad_choice", "请选择台账范围。", field="ledger")
        unit = form.uuid("unit", "单位", required=False)
        status = optional_choice(form, "status", "状态", RectificationStatus)
        source = optional_choice(form, "source", "问题来源", ProblemSource)
        as_of = asked_day(form.day("as_of", "查询日期", required=False), day, "as_of")
        return dict(kinds=("rectification",), unit=unit, status=status.value if status else None,
                    source=source.value if source else None, overdue_only=form.flag("overdue"),
                    open_only=ledger == "open", closed_only=ledger == "closed", as_of=as_of), as_of

    # -- recording a task ------------------------------------------------------------------------
    @get("/new", sync_to_thread=True, cache=True)
    def new(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template:
        return self._new_page(duban, reads, actor, NO_FORM)

    @post("/", sync_to_thread=True, **UPLOAD_ROUTE)
    def record(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
               posted: NamedDependency[dict]) -> Template | Redirect:
        """登记整改任务 (入账) from an audit, the media or the public, with its evidence files."""
        actor = office_acts(actor)
        form = Form(posted, action="record")
        try:
            task = duban.execute(form_command(RecordRectification, posted), actor,
                                 files=form_files(posted, "attachments"))
        except DomainError as error:
            return self._new_page(duban, reads, actor, form.refused(error), status_code=Form.status(error))
        return done(rectification_url(task.id), f"已登记整改任务{task.number_label}。")

    @staticmethod
    def _new_page(duban: Duban, reads: Reads, actor: Actor, state: FormState, *, status_code: int = 200) -> Template:
        return page("office/rectification_new.html", actor, today(duban), status_code=status_code, form=state,
                    units=unit_options(reads, actor.district), sources=enum_options(ProblemSource, DIRECT_SOURCES),
                    severities=enum_options(Severity))

    # -- one task --------------------------------------------------------------------------------
    @get("/{task_id:uuid}", sync_to_thread=True, cache=True)
    def detail(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads], task_id: FromPath[UUID]) -> Template:
        return self._task_page(duban, reads, actor, task_id, NO_FORM)

    def _act(self, request: Request, duban: Duban, reads: Reads, task_id: UUID, data: dict, action: RectificationAction,
             cls: type[VersionedCommand], message: str | Callable[[Any], str]) -> Template | Redirect:
        """Record one office action from its form: the command ``cls`` (the class the API takes too),
        carrying the version the page showed (the form's hidden ``version``) as its expected version,
        so a change saved by someone else since is refused (409), never overwritten.  ``message`` is
        what the office is told (``{number}``: the task's number), or makes it from the command."""
        actor = office_actor(request)
        task = duban.readable_rectification(task_id, actor)  # 404 / 403 first
        office_acts(actor)
        form = Form(data, action=action.value)
        try:
            seen_version(form, task)
            command = form_command(cls, data)
            duban.execute(command, actor, task_id, files=form_files(data, "attachments"))
        except DomainError as error:
            return self._task_page(duban, reads, actor, task_id, form.refused(error), status_code=Form.status(error))
        told = message(command) if callable(message) else message
        return done(rectification_url(task_id), told.format(number=task.number_label))

    @post("/{task_id:uuid}/verify", sync_to_thread=True, **UPLOAD_ROUTE)
    def verify(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], task_id: FromPath[UUID],
               posted: NamedDependency[dict]) -> Template | Redirect:
        """核验 (核查/验收), seeing the unit's evidence, with the office's own files of the check."""
        return self._act(request, duban, reads, task_id, posted, RectificationAction.VERIFY, VerifyRectification,
                         lambda c: "整改任务{number}核验通过，可以销号。" if c.passed
                         else "整改任务{number}核验未通过，已退回单位继续整改。")

    @post("/{task_id:uuid}/sign-off", sync_to_thread=True)
    def sign_off(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], task_id: FromPath[UUID],
                 data: FormBody) -> Template | Redirect:
        return self._act(request, duban, reads, task_id, data, RectificationAction.SIGN_OFF, SignOffRectification,
                         "整改任务{number}已销号。")

    @post("/{task_id:uuid}/reopen", sync_to_thread=True)
    def reopen(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], task_id: FromPath[UUID],
               data: FormBody) -> Template | Redirect:
        return self._act(request, duban, reads, task_id, data, RectificationAction.REOPEN, Reopen,
                         "整改任务{number}已经回头看重新打开。")

    @post("/{task_id:uuid}/urge", sync_to_thread=True)
    def urge(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], task_id: FromPath[UUID],
             data: FormBody) -> Template | Redirect:
        return self._act(request, duban, reads, task_id, data, RectificationAction.URGE, UrgeRectification,
                         "已催办整改任务{number}。")

    @post("/{task_id:uuid}/criticise", sync_to_thread=True)
    def criticise(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], task_id: FromPath[UUID],
                  data: FormBody) -> Template | Redirect:
        return self._act(request, duban, reads, task_id, data, RectificationAction.CRITICISE, CriticiseRectification,
                         "已就整改任务{number}通报批评。")

    @post("/{task_id:uuid}/interview", sync_to_thread=True)
    def interview(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], task_id: FromPath[UUID],
                  data: FormBody) -> Template | Redirect:
        return self._act(request, duban, reads, task_id, data, RectificationAction.INTERVIEW, RectificationInterview,
                         "已登记整改任务{number}的约谈。")

    @post("/{task_id:uuid}/refer", sync_to_thread=True)
    def refer(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], task_id: FromPath[UUID],
              data: FormBody) -> Template | Redirect:
        return self._act(request, duban, reads, task_id, data, RectificationAction.PROPOSE_REFERRAL,
                         ProposeRectificationReferral, "已就整改任务{number}提出移交纪检监察，待分管领导审批。")

    @staticmethod
    def _task_page(duban: Duban, reads: Reads, actor: Actor, task_id: UUID, state: FormState, *,
                   status_code: int = 200) -> Template:
        task: RectificationTask = duban.readable_rectification(task_id, actor)
        inspection = duban.inspection(task.inspection, actor) if task.inspection else None
        notices = notices_about(duban, reads, task.id, actor)
        offered = office_actions(task.status, task.referral) if actor.role is Role.OFFICE else ()
        history = duban.history([task.id])
        return page("office/rectification.html", actor, today(duban), status_code=status_code, task=task,
                    report_files=latest_files(history, "RectificationTask.RectificationReported"),
                    unit=reads.directory.unit_names(actor.district).get(task.unit, ""), inspection=inspection,
                    notices=notices, history=history, form=state, offered=[a.value for a in offered],
                    leaders=leader_options(reads, actor.district), url=rectification_url(task.id),
                    verdicts=[("true", "通过"), ("false", "不通过")])
