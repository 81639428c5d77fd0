"""Pages for the office's reports (督查报告, 督查通报) and the report to the district head.

The district head (区长: the leader who sees every unit) reads the report on any week, half year or
year (``/leader/report``), downloads it as a Word document, and lists the reports the office has
issued to them (``/leader/reports``).  The office lists the drafts the worker made and the
documents issued (``/office/reports``), reviews a draft as it will print, writes its own words
(前言, 工作亮点, 督查室意见), issues it after confirming, and downloads the .docx — an issued one
exactly as it was issued.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from documents.blocks import Blocks, render
from documents.head_report_docx import head_report_blocks, head_report_filename
from documents.official import DOCX
from domain.actor import Actor, Role
from domain.errors import DomainError, InvalidInput, NotAllowed, NotFound
from domain.report_document import FreeText, ReportDocument, ReportKind
from duban.application import Duban
from duban.application.reports import period_of
from duban.commands.base import Command
from duban.commands.reports import EditReport, IssueReport
from projections.head_report import HeadReportFacts, ReportPeriod
from projections.reports import HEAD_KINDS
from web.auth import OFFICE_AREA, REPORT_READERS, office_actor
from web.commands import form_command
from web.context import Reads, done, page, today
from web.downloads import download
from web.forms import NO_FORM, Form, FormBody, FormState

PER_PAGE = 30
WEEKS_OFFERED = 12


def last_week(day: date) -> ReportPeriod:
    """The latest working week whose Friday is over (before ``day``)."""
    back = (day.weekday() - 4) % 7 or 7
    return ReportPeriod.week_of(day - timedelta(days=back))


def period_choices(day: date, chosen: str) -> list[tuple[str, str]]:
    """The recent weeks (newest first), this year's halves that have begun, and the year."""
    friday = last_week(day).last
    codes = [ReportPeriod.week_of(friday - timedelta(days=7 * n)).label for n in range(WEEKS_OFFERED)]
    codes += [f"{day.year}-H1"] + ([f"{day.year}-H2"] if day.month > 6 else []) + [str(day.year)]
    if chosen and chosen not in codes:
        codes.insert(0, chosen)
    options = []
    for code in codes:
        try:
            parsed = ReportPeriod.parse(code)
        except InvalidInput:
            continue
        options.append((parsed.label, f"{parsed.words}{'（全年总结）' if parsed.kind == 'year' else ''}"))
    return options


def head_only(actor: Actor, duban: Duban) -> Actor:
    """The report is the district head's (the leader who sees every unit), the office's and the
    administrator's (``REPORT_READERS``): a vice head is refused."""
    if actor.role is Role.LEADER and duban.visible_units(actor) is not None:
        raise NotAllowed("report.head_only", "督查工作情况报告报区长阅示，分管领导请查看分管单位页面。")
    return actor


def _facts(duban: Duban, reads: Reads, actor: Actor, period: str | None) -> HeadReportFacts:
    day = today(duban)
    return reads.head_reports.report(actor.district, duban.district(actor.district).name,
                                     (period or last_week(day).label), day)


def _report(duban: Duban, actor: Actor, report_id: UUID) -> ReportDocument:
    return duban.report_document(report_id, actor)


class HeadReportController(Controller):
    """The district head's report (区长: 督查工作情况报告)."""

    path = "/leader"
    guards = [REPORT_READERS]

    @get("/report", sync_to_thread=True, cache=True)
    def report(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
               period: FromQuery[str | None] = None) -> Template:
        head_only(actor, duban)
        day = today(duban)
        chosen = (period or last_week(day).label).strip()
        try:
            facts = _facts(duban, reads, actor, chosen)
        except DomainError as error:
            return page("reports/head_report.html", actor, day, status_code=Form.status(error),
                        form=Form({"period": chosen}, action="period").refused(error), facts=None, blocks=None,
                        periods=period_choices(day, ""), chosen=chosen)
        return page("reports/head_report.html", actor, day, form=NO_FORM, facts=facts,
                    blocks=head_report_blocks(facts), periods=period_choices(day, facts.period.label),
                    chosen=facts.period.label)

    @get("/report.docx", sync_to_thread=True)
    def report_docx(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
                    period: FromQuery[str | None] = None) -> Response:
        """The report as a .docx; a bad period answers 422 with the reason."""
        facts = _facts(duban, reads, head_only(actor, duban), period)
        return download(render(head_report_blocks(facts)), head_report_filename(facts), DOCX)

    @get("/reports", sync_to_thread=True, cache=True)
    def issued(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
               page_number: FromQuery[int] = 1) -> Template:
        """The reports the office has issued to the head (周报, 半年报告, 全年总结), newest first."""
        head_only(actor, duban)
        number = max(page_number, 1)
        found = reads.reports.page(actor.district, kinds=HEAD_KINDS, issued_only=True, limit=PER_PAGE,
                                   offset=(number - 1) * PER_PAGE)
        return page("reports/head_list.html", actor, today(duban), rows=found.rows, total=found.total, number=number,
                    pages=max((found.total + PER_PAGE - 1) // PER_PAGE, 1), words=_period_words)

    @get("/reports/{report_id:uuid}/document.docx", sync_to_thread=True)
    def issued_docx(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], report_id: FromPath[UUID]) -> Response:
        head_only(actor, duban)
        report = _report(duban, actor, report_id)
        if report.document is None or report.kind.value not in HEAD_KINDS:
            raise NotFound("report.not_found", "没有这份已印发的报告。")
        return _docx(duban, report)


class OfficeReportsController(Controller):
    """The office's drafts and issued documents (督查室: 报告与通报)."""

    path = "/office/reports"
    guards = [OFFICE_AREA]

    @get("/", sync_to_thread=True, cache=True)
    def reports(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
                page_number: FromQuery[int] = 1) -> Template:
        number = max(page_number, 1)
        found = reads.reports.page(actor.district, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
        return page("reports/office_list.html", actor, today(duban), rows=found.rows, total=found.total,
                    number=number, pages=max((found.total + PER_PAGE - 1) // PER_PAGE, 1), words=_period_words)

    @get("/{report_id:uuid}", sync_to_thread=True, cache=True)
    def report(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], report_id: FromPath[UUID]) -> Template:
        return self._page(duban, actor, report_id, NO_FORM)

    @post("/{report_id:uuid}/edit", sync_to_thread=True)
    def edit(self, request: Request, duban: NamedDependency[Duban], report_id: FromPath[UUID],
             data: FormBody) -> Template | Redirect:
        return self._command(request, duban, report_id, data, "edit", lambda: form_command(EditReport, data),
                             lambda report: "已保存修改。")

    @post("/{report_id:uuid}/issue", sync_to_thread=True)
    def issue(self, request: Request, duban: NamedDependency[Duban], report_id: FromPath[UUID],
              data: FormBody) -> Template | Redirect:
        def command() -> IssueReport:
            if not Form(data).flag("confirm"):
                raise InvalidInput("report.confirm_required", "请勾选“确认印发”：印发后编号、内容即固定，不能再修改。",
                                   field="confirm")
            return form_command(IssueReport, data)
        return self._command(request, duban, report_id, data, "issue", command,
                             lambda report: f"已印发，编号{report.number_label}。")

    def _command(self, request: Request, duban: Duban, report_id: UUID, data: dict, action: str,
                 command: Callable[[], Command], told: Callable[[ReportDocument], str]) -> Template | Redirect:
        """A form on a report (another district's: 404 first): the command carries the version the page
        showed; a refusal shows the page again with the reason beside the form, and nothing is recorded."""
        actor = office_actor(request)
        _report(duban, actor, report_id)
        try:
            report = duban.execute(command(), actor, report_id)
        except DomainError as error:
            return self._page(duban, actor, report_id, Form(data, action=action).refused(error),
                              status_code=Form.status(error))
        return done(f"/office/reports/{report_id.hex}", told(report))

    @get("/{report_id:uuid}/document.docx", sync_to_thread=True)
    def docx(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], report_id: FromPath[UUID]) -> Response:
        """The .docx: an issued document as it was issued; a draft as it would print now."""
        return _docx(duban, _report(duban, actor, report_id))

    def _page(self, duban: Duban, actor: Actor, report_id: UUID, form: FormState, *, status_code: int = 200) -> Template:
        report = _report(duban, actor, report_id)
        blocks = duban.report_blocks(report)
        texts = report.free_text
        if form is not NO_FORM and form.action == "edit":
            texts = FreeText(foreword=form.value("foreword"), highlights=form.value("highlights"),
                             comments=form.value("comments"))
        return page("reports/office_report.html", actor, today(duban), status_code=status_code, report=report,
                    blocks=blocks, texts=texts, form=form, words=_period_words(report.kind.value, report.period))


def _docx(duban: Duban, report: ReportDocument) -> Response:
    blocks: Blocks = duban.report_blocks(report)
    name = report.number_label or "草稿"
    return download(render(blocks), f"{blocks.meta['title_text']}（{name}）.docx", DOCX)


def _period_words(kind: str, period: str) -> str:
    """The period as people say it: 2026年第38周（9月14日至9月18日）, 2026年10月, 2026年第三季度 …"""
    return period_of(ReportKind(kind), period).words


__all__ = ["HeadReportController", "OfficeReportsController"]
