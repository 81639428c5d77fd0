"""JSON API for the report to the district head (督查工作情况报告) and the office's reports
(督查报告, 督查通报: drafts, edits, issue) — the same reads and commands as the pages."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from msgspec import Struct

from domain.actor import Actor, Role
from domain.report_document import ReportDocument
from duban.application import Duban
from duban.commands.reports import EditReport, IssueReport
from projections.ledger import LedgerRow
from web.auth import REPORT_READERS, actor_in
from web.context import Reads, today
from web.controllers.api import ERRORS
from web.controllers.reports import head_only, last_week


class HeadOverdueOut(Struct):
    unit: str
    items: list[LedgerRow]


class HeadProposedOut(Struct):
    entry_id: str
    number: str
    title: str
    unit: str
    step: str  # urge | notice | criticise | interview | referral
    rule: str


class HeadWaitingOut(Struct):
    what: str
    number: str
    title: str
    unit: str
    since: date | None
    detail: str


class HeadFlagOut(Struct):
    unit: str
    red: int
    overdue: int
    criticised: int


class HeadMonthOut(Struct):
    month: str
    opened: int
    signed_off: int
    overdue: int


class HeadReportOut(Struct):
    """The report to the district head on ``period`` as the record stood at ``as_of``."""

    period: str
    kind: str  # week | half | year
    period_words: str
    first: date
    as_of: date
    opened: int
    signed_off: int
    new_items: list[LedgerRow]
    signed_off_items: list[LedgerRow]
    overdue_total: int
    overdue: list[HeadOverdueOut]
    taken: dict[str, int]
    proposed: list[HeadProposedOut]
    waiting: list[HeadWaitingOut]
    flagged: list[HeadFlagOut]
    trend: list[HeadMonthOut]


class ReportOut(Struct):
    report_id: UUID
    kind: str
    kind_label: str
    period: str
    status: str
    number: str
    drafted_on: date
    issued_on: date | None
    version: int
    foreword: str
    highlights: str
    comments: str


def report_out(r: ReportDocument) -> ReportOut:
    t = r.free_text
    return ReportOut(r.id, r.kind.value, r.kind.label, r.period, r.status.value, r.number_label, r.drafted_on,
                     r.issued_on, r.version, t.foreword, t.highlights, t.comments)


class HeadReportApiController(Controller):
    path = "/api"
    tags = ["reports 报表"]

    @get("/head-report", sync_to_thread=True, cache=True, responses=ERRORS, summary="督查工作情况报告数据",
         guards=[REPORT_READERS])
    def head_report(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
                    period: FromQuery[str | None] = None) -> HeadReportOut:
        """The report on ``period`` (2026-W38, 2026-H1 or 2026; default the last working week over), for
        the district head, the office and the administrator; the Word document is ``/leader/report.docx``."""
        head_only(actor, duban)
        day = today(duban)
        f = reads.head_reports.report(actor.district, duban.district(actor.district).name,
                                      period or last_week(day).label, day)
        return HeadReportOut(
            f.period.label, f.period.kind, f.period.words, f.period.first, f.as_of, f.opened, f.signed_off,
            f.new_items, f.signed_off_items, f.overdue_total, [HeadOverdueOut(u, rows) for u, rows in f.overdue],
            dict(f.taken), [HeadProposedOut(p.entry_id, p.number, p.title, p.unit, p.step.value, p.rule)
                            for p in f.proposed],
            [HeadWaitingOut(w.what, w.number, w.title, w.unit, w.since, w.detail) for w in f.waiting],
            [HeadFlagOut(x.name, x.red, x.overdue, x.criticised) for x in f.flagged],
            [HeadMonthOut(m.key, m.opened, m.signed_off, m.overdue) for m in f.trend])

    @get("/reports", sync_to_thread=True, cache=True, responses=ERRORS, summary="报告与通报列表")
    def reports(self, request: Request, reads: NamedDependency[Reads], limit: FromQuery[int] = 50,
                offset: FromQuery[int] = 0) -> list[dict]:
        """The district's reports and bulletins (drafts and issued), newest period first."""
        actor = actor_in(request, Role.OFFICE, Role.ADMIN, doing="查看报告与通报")
        found = reads.reports.page(actor.district, limit=min(max(limit, 1), 200), offset=max(offset, 0))
        return [{"report_id": r.report_id, "kind": r.kind.value, "period": r.period, "status": r.status.value,
                 "number": r.number_label, "drafted_on": r.drafted_on, "issued_on": r.issued_on,
                 "version": r.version} for r in found.rows]

    @get("/reports/{report_id:uuid}", sync_to_thread=True, responses=ERRORS, summary="报告")
    def report(self, request: Request, duban: NamedDependency[Duban], report_id: FromPath[UUID]) -> ReportOut:
        actor = actor_in(request, Role.OFFICE, Role.ADMIN, doing="查看报告与通报")
        return report_out(duban.report_document(report_id, actor))

    @post("/reports/{report_id:uuid}/edit", status_code=200, sync_to_thread=True, responses=ERRORS,
          summary="修改报告草稿")
    def edit(self, request: Request, duban: NamedDependency[Duban], report_id: FromPath[UUID],
             data: JSONBody[EditReport]) -> ReportOut:
        actor = actor_in(request, Role.OFFICE, doing="修改督查报告")
        return report_out(duban.execute(data, actor, report_id))

    @post("/reports/{report_id:uuid}/issue", status_code=200, sync_to_thread=True, responses=ERRORS,
          summary="印发报告")
    def issue(self, request: Request, duban: NamedDependency[Duban], report_id: FromPath[UUID],
              data: JSONBody[IssueReport | None] = None) -> ReportOut:
        actor = actor_in(request, Role.OFFICE, doing="印发督查报告")
        return report_out(duban.execute(data or IssueReport(), actor, report_id))
