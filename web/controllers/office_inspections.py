"""督查室 pages for inspections (督查检查): the list, planning one (年度督查计划), approving a
department's proposal (WR art. 63), and an inspection's detail with what its status allows:
开始督查, 登记问题 (a finding becomes a rectification task), 登记结果 (scores for the ranking),
结束督查."""

from __future__ import annotations

import re
from typing import Callable
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain.actor import Actor, Role
from domain.errors import DomainError, InputProblems
from domain.inspection import Inspection, InspectionKind, InspectionStatus
from domain.rectification import Severity
from duban.commands.base import decode
from duban.commands.inspections import (CloseInspection, ConductInspection, DecideInspection, PlanInspection,
                                       RecordFinding, RecordResults)
from web.commands import form_command, form_files
from duban.application import Duban
from web.context import Reads, done, page, reads_of, today
from web.auth import OFFICE_AREA, office_actor, office_acts
from web.controllers.oversight_support import enum_options, page_number, unit_options
from web.paging import Pager
from web.forms import NO_FORM, Form, FormBody, FormState, seen_version
from web.uploads import UPLOAD_ROUTE

# what the office may do to an inspection in each status
ACTIONS = {
    InspectionStatus.PROPOSED: ("decide",),
    InspectionStatus.PLANNED: ("conduct",),
    InspectionStatus.CONDUCTED: ("finding", "results", "close"),
}


def inspection_url(inspection_id: UUID) -> str:
    return f"/office/inspections/{inspection_id.hex}"


def results_command(data: dict, inspection: Inspection) -> RecordResults:
    """The results form read as the command the API takes: per target unit a score (0–100, decimals
    allowed) and a problem count, from its ``score_<unit>`` and ``problems_<unit>`` fields; a unit left
    blank is left out.  A refusal names the field of the unit it concerns."""
    rows, units = [], []
    for unit in inspection.target_units:
        score = str(data.get(f"score_{unit.hex}", "")).strip()
        problems = str(data.get(f"problems_{unit.hex}", "")).strip()
        if score or problems:
            rows.append({"unit": unit.hex, "score": score or None, "problems": problems or None})
            units.append(unit.hex)
    try:
        return decode(RecordResults, {"results": rows, "expected_version": data.get("version")}, form=True)
    except InputProblems as error:
        def placed(problem: DomainError) -> DomainError:
            found = re.fullmatch(r"results\[(\d+)\]\.(score|problems)", problem.field or "")
            field = f"{found[2]}_{units[int(found[1])]}" if found else problem.field
            return type(problem)(problem.rule, problem.message, field=field)
        raise InputProblems([placed(p) for p in error.problems]) from None


class OfficeInspectionController(Controller):
    path = "/office/inspections"
    guards = [OFFICE_AREA]

    @get("/", sync_to_thread=True, cache=True)
    def inspections(self, actor: NamedDependency[Actor], request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template:
        """督查检查, newest first, 50 a page."""
        found = reads.inspections.rows(actor.district, newest_first=True)
        pager = Pager.of(found, page_number(request.query_params.get("page", 1)), {})
        return page("office/inspections.html", actor, today(duban), pager=pager,
                    units=reads.directory.unit_names(actor.district), inspection_url=inspection_url)

    # -- planning ------------------------------------------------------------------------------
    @get("/new", sync_to_thread=True, cache=True)
    def new(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template:
        return self._new_page(duban, reads, actor, NO_FORM)

    @post("/", sync_to_thread=True)
    def plan(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads], data: FormBody) -> Template | Redirect:
        """列入年度督查计划."""
        actor = office_acts(actor)
        form = Form(data, action="plan")
        try:
            inspection = duban.execute(form_command(PlanInspection, data), actor)
        except DomainError as error:
            return self._new_page(duban, reads, actor, form.refused(error), status_code=Form.status(error))
        return done(inspection_url(inspection.id), f"已将{inspection.number_label}列入督查计划。")

    @staticmethod
    def _new_page(duban: Duban, reads: Reads, actor: Actor, state: FormState, *, status_code: int = 200) -> Template:
        day = today(duban)
        return page("office/inspection_new.html", actor, day, status_code=status_code, form=state,
                    kinds=enum_options(InspectionKind), units=unit_options(reads, actor.district),
                    month=f"{day.year:04d}-{day.month:02d}")

    # -- one inspection --------------------------------------------------------------------------
    @get("/{inspection_id:uuid}", sync_to_thread=True, cache=True)
    def detail(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads], inspection_id: FromPath[UUID]) -> Template:
        return self._inspection_page(duban, reads, actor, inspection_id, NO_FORM)

    def _act(self, request: Request, duban: Duban, inspection_id: UUID, data: dict, action: str,
             command: Callable[[Actor, Inspection], str]) -> Template | Redirect:
        """One office action from its form (the command the API takes too), carrying the version the
        page showed; ``command`` records it and answers what the office is told."""
        actor = office_actor(request)
        inspection = duban.inspection(inspection_id, actor)  # another district's: 404
        office_acts(actor)
        form = Form(data, action=action)
        try:
            seen_version(form, inspection)
            message = command(actor, inspection)
        except DomainError as error:
            return self._inspection_page(duban, reads_of(request), actor, inspection_id, form.refused(error),
                                         status_code=Form.status(error))
        return done(inspection_url(inspection_id), message)

    @post("/{inspection_id:uuid}/decide", sync_to_thread=True)
    def decide(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], inspection_id: FromPath[UUID],
               data: FormBody) -> Template | Redirect:
        """审批 a department's written request to inspect."""
        def command(actor: Actor, inspection: Inspection) -> str:
            decided = form_command(DecideInspection, data)
            duban.execute(decided, actor, inspection_id)
            return f"已批准{inspection.number_label}。" if decided.approve else f"未批准{inspection.number_label}。"
        return self._act(request, duban, inspection_id, data, "decide", command)

    @post("/{inspection_id:uuid}/conduct", sync_to_thread=True)
    def conduct(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], inspection_id: FromPath[UUID],
                data: FormBody) -> Template | Redirect:
        def command(actor: Actor, inspection: Inspection) -> str:
            duban.execute(form_command(ConductInspection, data), actor, inspection_id)
            return f"{inspection.number_label}已开始实施。"
        return self._act(request, duban, inspection_id, data, "conduct", command)

    @post("/{inspection_id:uuid}/findings", sync_to_thread=True, **UPLOAD_ROUTE)
    def finding(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], inspection_id: FromPath[UUID],
                posted: NamedDependency[dict]) -> Template | Redirect:
        """登记问题: the finding enters the 整改台账 as a rectification task, with its photos (现场照片)."""
        def command(actor: Actor, inspection: Inspection) -> str:
            task = duban.execute(form_command(RecordFinding, posted), actor, inspection_id,
                                 files=form_files(posted, "attachments"))
            return f"已登记问题，整改任务{task.number_label}已入账。"
        return self._act(request, duban, inspection_id, posted, "finding", command)

    @post("/{inspection_id:uuid}/results", sync_to_thread=True)
    def results(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], inspection_id: FromPath[UUID],
                data: FormBody) -> Template | Redirect:
        """登记督查结果: per-unit scores and problem counts for the composite ranking."""
        def command(actor: Actor, inspection: Inspection) -> str:
            duban.execute(results_command(data, inspection), actor, inspection_id)
            return f"已登记{inspection.number_label}的督查结果。"
        return self._act(request, duban, inspection_id, data, "results", command)

    @post("/{inspection_id:uuid}/close", sync_to_thread=True)
    def close(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], inspection_id: FromPath[UUID],
              data: FormBody) -> Template | Redirect:
        def command(actor: Actor, inspection: Inspection) -> str:
            duban.execute(form_command(CloseInspection, data), actor, inspection_id)
            return f"{inspection.number_label}已结束。"
        return self._act(request, duban, inspection_id, data, "close", command)

    @staticmethod
    def _inspection_page(duban: Duban, reads: Reads, actor: Actor, inspection_id: UUID, state: FormState, *,
                         status_code: int = 200) -> Template:
        inspection = duban.inspection(inspection_id, actor)
        names = reads.directory.unit_names(actor.district)
        findings = [(f["unit"], duban.readable_rectification(f["rectification"], actor)) for f in inspection.findings]
        offered = ACTIONS.get(inspection.status, ()) if actor.role is Role.OFFICE else ()
        return page("office/inspection.html", actor, today(duban), status_code=status_code, inspection=inspection,
                    units=names, findings=findings, form=state, offered=list(offered),
                    targets=unit_options(reads, actor.district, only=inspection.target_units),
                    severities=enum_options(Severity), url=inspection_url(inspection.id),
                    history=duban.history([inspection.id]),
                    decisions=[("true", "批准"), ("false", "不批准")],
                    result_fields=["results", *(f"{kind}_{u.hex}" for u in inspection.target_units
                                                for kind in ("score", "problems"))])
