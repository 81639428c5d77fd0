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
from domain.errors import DomainError, InvalidInput
from domain.inspection import Inspection, InspectionKind, InspectionStatus
from domain.rectification import Severity
from duban.application import Duban
from web.context import Reads, done, page, reads_of, today
from web.auth import office_actor
from web.controllers.oversight_support import enum_options, page_number, unit_options
from web.paging import Pager
from web.forms import NO_FORM, Form, FormBody, FormState, seen_version
from web.uploads import UPLOAD_ROUTE, uploads

# what the office may do to an inspection in each status
ACTIONS = {
    InspectionStatus.PROPOSED: ("decide",),
    InspectionStatus.PLANNED: ("conduct",),
    InspectionStatus.CONDUCTED: ("finding", "results", "close"),
}
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def inspection_url(inspection_id: UUID) -> str:
    return f"/office/inspections/{inspection_id.hex}"


def planned_month(form: Form) -> str:
    month = form.text("planned_month", "计划月份")
    if not MONTH.fullmatch(month):
        raise InvalidInput("form.bad_month", "计划月份应为年月，格式如 2026-04。", field="planned_month")
    return month


def results_of(form: Form, inspection: Inspection, names: dict[UUID, str]) -> list[dict]:
    """Per target unit: score (0–100, decimals allowed) and problem count; blank rows are skipped."""
    rows = []
    for unit in inspection.target_units:
        score_field, problems_field = f"score_{unit.hex}", f"problems_{unit.hex}"
        raw_score = form.text(score_field, "得分", required=False, max_length=10)
        problems = form.integer(problems_field, f"{names.get(unit, '')}问题数", required=False, low=0)
        if not raw_score and problems is None:
            continue
        score = None
        if raw_score:
            try:
                score = float(raw_score)
            except ValueError:
                raise InvalidInput("form.bad_number", "得分应为数字。", field=score_field) from None
            if not 0 <= score <= 100:
                raise InvalidInput("form.out_of_range", "得分应在0–100之间。", field=score_field)
            score = int(score) if score.is_integer() else score
        rows.append({"unit": unit, "score": score, "problems": problems or 0})
    if not rows:
        raise InvalidInput("form.required", "请至少填写一个单位的得分或问题数。", field="results")
    return rows


class OfficeInspectionController(Controller):
    path = "/office/inspections"

    @get("/", sync_to_thread=True, cache=True)
    def inspections(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template:
        """督查检查, newest first, 50 a page."""
        actor = office_actor(request)
        found = reads.inspections.rows(actor.district, newest_first=True)
        pager = Pager.of(found, page_number(request.query_params.get("page", 1)), {})
        return page("office/inspections.html", actor, today(duban), pager=pager,
                    units=reads.directory.unit_names(actor.district), inspection_url=inspection_url)

    # -- planning ------------------------------------------------------------------------------
    @get("/new", sync_to_thread=True, cache=True)
    def new(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template:
        actor = office_actor(request)
        return self._new_page(duban, reads, actor, NO_FORM)

    @post("/", sync_to_thread=True)
    def plan(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], data: FormBody) -> Template | Redirect:
        """列入年度督查计划."""
        actor = office_actor(request)
        form = Form(data, action="plan")
        try:
            inspection = duban.plan_inspection(
                kind=form.choice("kind", "督查类型", InspectionKind), title=form.text("title", "督查名称", max_length=200),
                target_units=form.uuids("target_units", "被督查单位"), planned_month=planned_month(form), actor=actor)
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
    def detail(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], inspection_id: FromPath[UUID]) -> Template:
        actor = office_actor(request)
        return self._inspection_page(duban, reads, actor, inspection_id, NO_FORM)

    def _act(self, request: Request, duban: Duban, inspection_id: UUID, data: dict, action: str,
             command: Callable[[Form, Actor, Inspection, int | None], str]) -> Template | Redirect:
        """One office action from its form, carrying the version the page showed."""
        actor = office_actor(request)
        inspection = duban.inspection(inspection_id, actor)  # another district's: 404
        form = Form(data, action=action)
        try:
            message = command(form, actor, inspection, seen_version(form, inspection))
        except DomainError as error:
            return self._inspection_page(duban, reads_of(request), actor, inspection_id, form.refused(error),
                                         status_code=Form.status(error))
        return done(inspection_url(inspection_id), message)

    @post("/{inspection_id:uuid}/decide", sync_to_thread=True)
    def decide(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], inspection_id: FromPath[UUID],
               data: FormBody) -> Template | Redirect:
        """审批 a department's written request to inspect."""
        def command(form: Form, actor: Actor, inspection: Inspection, seen: int | None) -> str:
            approve = form.decision("decision", "approve", "refuse", "审批结论")
            duban.decide_inspection(inspection_id, approve, actor, note=form.text("note", "审批意见", required=False),
                                    expected_version=seen)
            return f"已批准{inspection.number_label}。" if approve else f"未批准{inspection.number_label}。"
        return self._act(request, duban, inspection_id, data, "decide", command)

    @post("/{inspection_id:uuid}/conduct", sync_to_thread=True)
    def conduct(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], inspection_id: FromPath[UUID],
                data: FormBody) -> Template | Redirect:
        def command(form: Form, actor: Actor, inspection: Inspection, seen: int | None) -> str:
            duban.conduct_inspection(inspection_id, actor, expected_version=seen)
            return f"{inspection.number_label}已开始实施。"
        return self._act(request, duban, inspection_id, data, "conduct", command)

    @post("/{inspection_id:uuid}/findings", sync_to_thread=True, **UPLOAD_ROUTE)
    def finding(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], inspection_id: FromPath[UUID],
                posted: NamedDependency[dict]) -> Template | Redirect:
        """登记问题: the finding enters the 整改台账 as a rectification task, with its photos (现场照片)."""
        def command(form: Form, actor: Actor, inspection: Inspection, seen: int | None) -> str:
            task = duban.record_inspection_finding(
                inspection_id, unit=form.uuid("unit", "被督查单位"), problem=form.text("problem", "问题描述"),
                severity=form.choice("severity", "严重程度", Severity), deadline=form.day("deadline", "整改时限"),
                actor=actor, expected_version=seen, attachments=uploads(form, "attachments"))
            return f"已登记问题，整改任务{task.number_label}已入账。"
        return self._act(request, duban, inspection_id, posted, "finding", command)

    @post("/{inspection_id:uuid}/results", sync_to_thread=True)
    def results(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], inspection_id: FromPath[UUID],
                data: FormBody) -> Template | Redirect:
        """登记督查结果: per-unit scores and problem counts for the composite ranking."""
        def command(form: Form, actor: Actor, inspection: Inspection, seen: int | None) -> str:
            rows = results_of(form, inspection, reads.directory.unit_names(actor.district))
            duban.record_inspection_results(inspection_id, rows, actor, expected_version=seen)
            return f"已登记{inspection.number_label}的督查结果。"
        return self._act(request, duban, inspection_id, data, "results", command)

    @post("/{inspection_id:uuid}/close", sync_to_thread=True)
    def close(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], inspection_id: FromPath[UUID],
              data: FormBody) -> Template | Redirect:
        def command(form: Form, actor: Actor, inspection: Inspection, seen: int | None) -> str:
            duban.close_inspection(inspection_id, actor, expected_version=seen)
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
                    decisions=[("approve", "批准"), ("refuse", "不批准")],
                    result_fields=["results", *(f"{kind}_{u.hex}" for u in inspection.target_units
                                                for kind in ("score", "problems"))])
