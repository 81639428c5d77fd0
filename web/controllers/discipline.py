"""Pages for the discipline body (纪检监察机关): the cases referred to it and each case's referral
dossier (移交材料) — every fact, every actor, every date, read-only (no form on these pages but
the verification page's, a GET form that checks a dossier's verification code 校验码).

A case is readable only once a leader approved its referral: ``Duban.case_file`` and
``readable_rectification`` answer a case not (yet) referred exactly like another district's or a
missing one (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Response, Template

from documents.dossier_docx import dossier_document, dossier_filename
from documents.official import DOCX
from domain.actor import Actor
from duban.application import Duban
from projections.timeline import TimelineEntry
from web.auth import DISCIPLINE_AREA
from web.context import Reads, page, today
from web.records import case_file
from web.downloads import download

APPROVED = "批准移交纪检监察"


@dataclass(frozen=True)
class ReferredCase:
    """One line of the case list: what, whose, when referred and who approved it."""

    kind: str  # 督办事项 | 整改任务
    number: str
    title: str
    unit: str
    referred_on: date | None
    approved_by: str
    href: str


def _approval(entries: list[TimelineEntry]) -> TimelineEntry | None:
    found = [e for e in entries if e.what == APPROVED]
    return found[-1] if found else None


def referred_cases(duban: Duban, reads: Reads, actor: Actor) -> list[ReferredCase]:
    """The cases referred to the discipline body, listed from the ledger, each with its approval
    read from its own history; newest referral first."""
    day = today(duban)
    cases = []
    rows = [row for kind in ("item", "rectification")
            for row in reads.ledger.rows(actor.district, day, kinds=(kind,), referred_only=True, sort="newest")]
    for row in rows:
        approval = _approval(duban.history([UUID(row.entry_id)]))
        item = row.kind == "item"
        cases.append(ReferredCase("督办事项" if item else "整改任务", row.number, row.title, row.lead_unit,
                                  approval.on if approval else None, approval.who if approval else "",
                                  f"/discipline/{'items' if item else 'rectifications'}/{row.entry_id}"))
    cases.sort(key=lambda c: c.referred_on or date.min, reverse=True)
    return cases


class DisciplineController(Controller):
    path = "/discipline"
    guards = [DISCIPLINE_AREA]

    @get("/", sync_to_thread=True, cache=True)
    def cases(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template:
        return page("discipline/cases.html", actor, today(duban), cases=referred_cases(duban, reads, actor))

    @get("/items/{item_id:uuid}", sync_to_thread=True, cache=True)
    def item(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads], item_id: FromPath[UUID]) -> Template:
        item, notices = case_file(duban, reads, item_id, actor)
        names = reads.directory.unit_names(actor.district)
        records = {item.id: item.number_label, **{n.id: n.number_label for n in notices}}
        return page("discipline/item.html", actor, today(duban), item=item, notices=notices, names=names,
                    records=records, dossier=duban.referral_dossier(item, notices))

    @get("/items/{item_id:uuid}/dossier.docx", sync_to_thread=True)
    def dossier_docx(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads], item_id: FromPath[UUID]) -> Response:
        """The referral dossier as a Word document, with its verification code printed."""
        item, notices = case_file(duban, reads, item_id, actor)
        dossier = duban.referral_dossier(item, notices)
        content = dossier_document(dossier, lead_unit=reads.directory.unit_names(actor.district).get(item.lead_unit, ""),
                                   produced_on=today(duban), records={n.id: n.number_label for n in notices})
        return download(content, dossier_filename(dossier), DOCX)

    @get("/rectifications/{task_id:uuid}", sync_to_thread=True, cache=True)
    def rectification(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads], task_id: FromPath[UUID]) -> Template:
        task = duban.readable_rectification(task_id, actor)
        names = reads.directory.unit_names(actor.district)
        dossier = duban.rectification_dossier(task)
        return page("discipline/rectification.html", actor, today(duban), task=task, unit=names.get(task.unit, ""),
                    records={task.id: task.number_label}, entries=dossier.entries, dossier=dossier)

    @get("/rectifications/{task_id:uuid}/dossier.docx", sync_to_thread=True)
    def rectification_docx(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
                           task_id: FromPath[UUID]) -> Response:
        """A referred rectification task's dossier as a Word document, with its verification code."""
        task = duban.readable_rectification(task_id, actor)
        dossier = duban.rectification_dossier(task)
        content = dossier_document(dossier, lead_unit=reads.directory.unit_names(actor.district).get(task.unit, ""),
                                   produced_on=today(duban), records={})
        return download(content, dossier_filename(dossier), DOCX)

    @get("/rectifications/{task_id:uuid}/verify", sync_to_thread=True, cache=True)
    def verify_rectification(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], task_id: FromPath[UUID],
                             code: FromQuery[str | None] = None) -> Template:
        """Check a rectification dossier's verification code (校验码) against the record as it stands now."""
        task = duban.readable_rectification(task_id, actor)
        checked = duban.verify_rectification_dossier(task_id, code, actor) if code else None
        return page("discipline/verify.html", actor, today(duban), item=task, case_title=task.problem,
                    case_href=f"/discipline/rectifications/{task.id.hex}", code=code or "", checked=checked)

    @get("/items/{item_id:uuid}/verify", sync_to_thread=True, cache=True)
    def verify(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads], item_id: FromPath[UUID],
               code: FromQuery[str | None] = None) -> Template:
        """Check a dossier's verification code (校验码) against the record as it stands now."""
        item, notices = case_file(duban, reads, item_id, actor)
        checked = duban.verify_dossier(item_id, code, actor, notice_ids=[n.id for n in notices]) if code else None
        return page("discipline/verify.html", actor, today(duban), item=item, code=code or "", checked=checked)
