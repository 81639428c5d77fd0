"""Reports the office owes (督查报告, 督查通报): drafted on schedule, edited, issued and frozen.

``draft_due_reports`` is the worker's: at each period's end it drafts the weekly report, the
monthly and quarterly bulletins, the half-year report and the year-end summary, once each (the
document's id derives from its district, kind and period, so drafting again finds it).  The office
edits the free-text parts of a draft and issues it: issuing numbers it in its register and records,
in the same transaction, what it prints (``documents.blocks``) as the record stood at the period's
end.  An issued document's Word file is built from that event alone.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from documents.blocks import Blocks, render
from documents.bulletin_docx import bulletin_blocks
from documents.head_report_docx import head_report_blocks
from domain.actor import Actor, Role, system_actor
from domain.errors import ConcurrentChange
from domain.leadership import LeaderTitle
from domain.reminders import DEFAULT_RULES
from domain.report_document import FreeText, ReportDocument, ReportKind, report_number_label
from duban.application.base import Part
from projections.head_report import ReportPeriod
from projections.ranking import Period
from projections.reminder_candidates import Candidate

REPORT_KINDS = {ReportKind.WEEKLY, ReportKind.HALF_YEAR, ReportKind.YEAR_END}
ISSUED_RULE = "document_issued"
"""The reminder of an issued report or bulletin (印发) to the district head."""


def period_of(kind: ReportKind, label: str) -> ReportPeriod | Period:
    """The period a report of ``kind`` covers (its parsing refuses a bad label)."""
    return ReportPeriod.parse(label) if kind in REPORT_KINDS else Period.parse(label)


def periods_ending(day: date) -> list[tuple[ReportKind, str, date]]:
    """The reports whose period ended on ``day``: (kind, period label, its last day)."""
    due: list[tuple[ReportKind, str, date]] = []
    if day.weekday() == 4:  # a Friday ends a working week
        due.append((ReportKind.WEEKLY, ReportPeriod.week_of(day).label, day))
    if (day + timedelta(days=1)).day == 1:  # a month's last day
        due.append((ReportKind.MONTHLY, f"{day.year}-{day.month:02d}", day))
        if day.month % 3 == 0:
            due.append((ReportKind.QUARTERLY, f"{day.year}-Q{day.month // 3}", day))
        if day.month == 6:
            due.append((ReportKind.HALF_YEAR, f"{day.year}-H1", day))
        if day.month == 12:
            due.append((ReportKind.YEAR_END, str(day.year), day))
    return due


class ReportCommands(Part):
    """Drafting, editing and issuing the office's reports."""

    # -- the worker's schedule -------------------------------------------------------------------------
    def draft_due_reports(self, district: str, ended_on: date, on: date | None = None) -> list[ReportDocument]:
        """Draft every report whose period ended on ``ended_on`` and is not drafted already (the
        worker's daily job, for the day before the day it watches); the drafts made."""
        made = []
        for kind, label, _ in periods_ending(ended_on):
            if self._find(ReportDocument, ReportDocument.id_for(district, kind.value, label)) is None:
                made.append(self.draft_report(kind, label, system_actor(district), on=on or ended_on))
        return made

    def draft_report(self, kind: ReportKind | str, period: str, actor: Actor, *, on: date | None = None) -> ReportDocument:
        """A draft of ``kind`` on ``period``; one already there is answered as it is."""
        kind = ReportKind.parse(kind, rule="report.kind_unknown", what="报告类别", field="kind") \
            if not isinstance(kind, ReportKind) else kind
        parsed = period_of(kind, period)
        day = self._on(on)

        def work() -> list:
            if self._find(ReportDocument, ReportDocument.id_for(actor.district, kind.value, parsed.label)):
                return []
            return [ReportDocument.draft(district=actor.district, kind=kind, period=parsed.label,
                                         period_last=parsed.last, on=day, actor=actor)]

        saved = self._run("draft_report", actor, ReportDocument.id_for(actor.district, kind.value, parsed.label), work)
        return saved[0] if saved else self._get(ReportDocument, ReportDocument.id_for(actor.district, kind.value,
                                                                                          parsed.label), actor)

    # -- the office ------------------------------------------------------------------------------------
    def report_document(self, report_id: UUID, actor: Actor) -> ReportDocument:
        actor.must_be(Role.OFFICE, Role.ADMIN, Role.LEADER, doing="查看督查报告")
        return self._get(ReportDocument, report_id, actor)

    def edit_report(self, report_id: UUID, actor: Actor, *, foreword: str = "", highlights: str = "",
                    comments: str = "", expected_version: int | None = None, on: date | None = None) -> ReportDocument:
        """The draft's own words (前言, 工作亮点, 督查室意见), each replaced by the text given."""
        texts = FreeText(foreword=foreword, highlights=highlights, comments=comments)
        return self._change("edit_report", ReportDocument, report_id, actor, on,
                            lambda report, day: report.edit(texts, day, actor), expected_version)

    def issue_report(self, report_id: UUID, actor: Actor, *, expected_version: int | None = None,
                     on: date | None = None) -> ReportDocument:
        """Number the report in its register and freeze what it prints, as of its period's end."""
        day = self._on(on)

        def work() -> list:
            report = self._get(ReportDocument, report_id, actor)
            if expected_version is not None and report.version != expected_version:
                raise ConcurrentChange(report.label)
            report.check_business_date(day, self._today())
            actor.must_be(Role.OFFICE, doing="印发督查报告")
            register = self._register(actor.district, report.register, day.year, day)
            number = register.next_number()
            self._claim_number(register, ReportDocument, number, report.id, day, "报告编号")
            printed = self.report_blocks(report, report.free_text)
            printed.number_line(report_number_label(report.register, day.year, number))
            report.issue(year=day.year, number=number, document=printed.as_record(), on=day, actor=actor)
            return [report, register]

        issued = self._run("issue_report", actor, report_id, work, retry=expected_version is None)[0]
        self._announce_issued(issued, day)
        return issued

    def _announce_issued(self, report: ReportDocument, day: date) -> int:
        """An issued document reaches the district head (区长) as a reminder in the message centre,
        sent on the push channels configured for the head's post (企业微信, 钉钉, SMS, e-mail) —
        nothing where none is configured.  Once per document: the reminder's id derives from it."""
        heads = [leader for leader in self.leaders(report.district)
                 if leader.active and leader.title is LeaderTitle.DISTRICT_HEAD]
        words = period_of(report.kind, report.period).words
        text = f"{words}{report.kind.label}已印发（{report.number_label}），请审阅。"
        candidates = [Candidate(rule=ISSUED_RULE, record=report.id.hex, record_kind="report",
                                number=report.number_label, title=f"{words}{report.kind.label}",
                                recipient=f"leader:{head.id.hex}", text=text, link="/leader/reports", day=day)
                      for head in heads]
        return self.produce_reminders(report.district, candidates, DEFAULT_RULES).produced if candidates else 0

    # -- what a report prints --------------------------------------------------------------------------
    def report_blocks(self, report: ReportDocument, texts: FreeText | None = None) -> Blocks:
        """What ``report`` prints: frozen when issued, else from the read side as of its period's end."""
        if report.document is not None:
            return Blocks.from_record(report.document)
        texts = texts if texts is not None else report.free_text
        reads, name = self.read_queries(), self.district(report.district).name
        if report.kind in REPORT_KINDS:
            facts = reads.head_reports.report(report.district, name, report.period, self._today())
            return head_report_blocks(facts, texts)
        facts = reads.bulletins.bulletin(report.district, name, report.period,
                                         reads.scheme_versions.scheme_for(report.district, report.period), self._today())
        return bulletin_blocks(facts, texts=texts)

    def report_docx(self, report: ReportDocument) -> bytes:
        return render(self.report_blocks(report))


__all__ = ["ReportCommands", "period_of", "periods_ending"]
