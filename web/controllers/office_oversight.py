"""督查室 pages for supervision notices (督办通知): the list, a notice's detail with its task,
responsibility and deadline lists, reviewing each task's written reply, closing the notice.

Rectification tasks and inspections have their own controllers (office_rectifications,
office_inspections)."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from documents.notice_docx import DOCX, notice_document, notice_filename
from domain.actor import Actor, Role
from domain.errors import DomainError
from domain.notice import NoticeStatus, SupervisionNotice, TaskState
from duban.commands.notices import CloseNotice, ReviewReply
from web.commands import form_command
from duban.application import Duban
from web.context import Reads, done, page, today, visible_page
from web.auth import OFFICE_AREA, office_acts
from web.controllers.oversight_support import notice_state, page_number, row_notice_state
from web.downloads import download
from web.paging import Pager
from web.forms import NO_FORM, Form, FormBody, FormState, seen_version

STATES = {"": "全部", "open": "在办", "closed": "已办结"}


def notice_url(notice_id: UUID) -> str:
    return f"/office/notices/{notice_id.hex}"


def subject_url(kind: str, subject_id: UUID | str) -> str:
    key = subject_id.hex if isinstance(subject_id, UUID) else subject_id
    if kind == "item":
        return f"/office/items/{key}"
    return f"/office/rectifications/{key}"


class OfficeOversightController(Controller):
    path = "/office"
    guards = [OFFICE_AREA]

    @get("/notices", sync_to_thread=True, cache=True)
    def notices(self, actor: NamedDependency[Actor], request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template:
        """督办通知 of the district, newest first, 50 a page; ``state`` open / closed."""
        day = today(duban)
        state = request.query_params.get("state", "")
        state = state if state in STATES else ""
        found = visible_page(reads, actor, day, page_number(request.query_params.get("page", 1)), kinds=("notice",),
                             sort="newest", open_only=state == "open", closed_only=state == "closed")
        pager = Pager.of_page(found, {"state": state})
        subjects = {r.entry_id: r for r in reads.ledger.rows(
            actor.district, day, kinds=("item", "rectification"), entry_ids=[n.parent_id for n in pager.rows])}
        return page("office/notices.html", actor, day, pager=pager, state=state, states=STATES, subjects=subjects,
                    summaries={n.entry_id: row_notice_state(n, day) for n in pager.rows}, subject_url=subject_url,
                    notice_url=notice_url)

    @get("/notices/{notice_id:uuid}", sync_to_thread=True, cache=True)
    def notice(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads], notice_id: FromPath[UUID]) -> Template:
        return self._notice_page(duban, reads, actor, notice_id, NO_FORM)

    @get("/notices/{notice_id:uuid}/document.docx", sync_to_thread=True)
    def notice_docx(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads], notice_id: FromPath[UUID]) -> Response:
        """The notice as a Word document in the official-document layout (督办通知 .docx)."""
        notice: SupervisionNotice = duban.readable_notice(notice_id, actor)
        if notice.subject_kind == "item":
            item = duban.readable_item(notice.subject_id, actor)
            subject = f"督办事项{item.number_label}“{item.title}”"
        else:
            task = duban.readable_rectification(notice.subject_id, actor)
            subject = f"整改任务{task.number_label}“{task.problem}”"
        district = duban.district(actor.district).name
        content = notice_document(notice, district_name=district, subject_label=subject,
                                  unit_name=reads.directory.unit_names(actor.district).get(notice.unit, ""),
                                  issued_by=f"{district}人民政府督查室")
        return download(content, notice_filename(notice), DOCX)

    @post("/notices/{notice_id:uuid}/review", sync_to_thread=True)
    def review(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads], notice_id: FromPath[UUID],
               data: FormBody) -> Template | Redirect:
        """审核 one task's reply: accept, or send back with a reason."""
        notice = duban.readable_notice(notice_id, actor, readonly=True)  # 404 / 403 before anything else
        office_acts(actor)
        task = str(data.get("task", "")).strip()
        form = Form(data, action=f"review-{task}")
        try:
            seen_version(form, notice)
            review = form_command(ReviewReply, data)
            duban.execute(review, actor, notice_id)
        except DomainError as error:
            return self._notice_page(duban, reads, actor, notice_id, form.refused(error), status_code=Form.status(error))
        return done(notice_url(notice_id), f"任务{task}的回复已{'审核通过' if review.accept else '退回'}。")

    @post("/notices/{notice_id:uuid}/close", sync_to_thread=True)
    def close(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads], notice_id: FromPath[UUID],
              data: FormBody) -> Template | Redirect:
        """办结通知 once every task's reply is accepted."""
        notice = duban.readable_notice(notice_id, actor)
        office_acts(actor)
        form = Form(data, action="close")
        try:
            seen_version(form, notice)
            duban.execute(form_command(CloseNotice, data), actor, notice_id)
        except DomainError as error:
            return self._notice_page(duban, reads, actor, notice_id, form.refused(error), status_code=Form.status(error))
        return done(notice_url(notice_id), f"督办通知{notice.number_label}已办结。")

    # -- the page ---------------------------------------------------------------------------------
    @staticmethod
    def _notice_page(duban: Duban, reads: Reads, actor: Actor, notice_id: UUID, state: FormState, *,
                     status_code: int = 200) -> Template:
        notice: SupervisionNotice = duban.readable_notice(notice_id, actor)
        day = today(duban)
        if notice.subject_kind == "item":
            subject = duban.readable_item(notice.subject_id, actor)
        else:
            subject = duban.readable_rectification(notice.subject_id, actor)
        tasks = sorted(notice.tasks.values(), key=lambda t: int(t["key"][1:]))
        return page("office/notice.html", actor, day, status_code=status_code, notice=notice, tasks=tasks,
                    subject=subject, subject_link=subject_url(notice.subject_kind, notice.subject_id),
                    unit=reads.directory.unit_names(actor.district).get(notice.unit, ""),
                    summary=notice_state(notice, day), history=duban.history([notice.id]), form=state, TaskState=TaskState,
                    can_act=actor.role is Role.OFFICE and notice.status is not NoticeStatus.CLOSED,
                    decisions=[("true", "通过"), ("false", "退回")], notice_url=notice_url(notice.id))
