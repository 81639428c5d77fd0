"""The JSON API for inspections (督查检查): the list, one inspection, its history, and every command
the office's pages give — plan (年度督查计划), a department's proposal and its approval (WR art. 63),
conduct, findings (each enters the ledger as a rectification task), results for the ranking, close.

As for items, a command on an inspection first loads it through ``duban.readable_inspection``, so
an inspection the actor may not read answers as reading it would (404, as for one that does not
exist) before any other check; the application then enforces who may act.
"""

from __future__ import annotations

from typing import Callable
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from domain.actor import Actor, Role
from domain.inspection import Inspection, InspectionStatus
from duban.application import Duban
from web.auth import actor_of
from web.context import Reads
from web.controllers.api import ERRORS
from web.controllers.api_answers import (CommandResult, FindingResult, InspectionOut, InspectionSummary,
                                         TimelineEntryOut, command_result, finding_result, inspection_out,
                                         inspection_summary, timeline_out)
from web.controllers.api_bodies import (DecideInspection, InspectionFinding, InspectionResults, PlanInspection,
                                        ProposeInspection, VersionedCommand, attachments, result_rows)

# the command routes the organiser (the office, or the proposing department) may use in each status
ORGANISER_ROUTES = {
    InspectionStatus.PLANNED: ["conduct"],
    InspectionStatus.CONDUCTED: ["findings", "results", "close"],
}
CLOSED = (InspectionStatus.CLOSED, InspectionStatus.REFUSED)


def inspection_actions(inspection: Inspection, actor: Actor) -> list[str]:
    """The command routes worth offering ``actor`` on ``inspection`` now (a hint: each is still checked)."""
    if actor.role is Role.OFFICE:
        return ["decision"] if inspection.status is InspectionStatus.PROPOSED else \
            list(ORGANISER_ROUTES.get(inspection.status, []))
    if actor.role is Role.UNIT and inspection.organiser is not None and actor.unit == inspection.organiser:
        return list(ORGANISER_ROUTES.get(inspection.status, []))
    return []


def seen_units(duban: Duban, inspection: Inspection, actor: Actor) -> frozenset[UUID] | None:
    """Whose findings and results ``actor`` reads: the organiser all, others the units they may see."""
    if actor.role is Role.UNIT and inspection.organiser is not None and actor.unit == inspection.organiser:
        return None
    return duban.visible_units(actor)


class InspectionsApiController(Controller):
    path = "/api/inspections"
    tags = ["inspections 督查检查"]

    # -- reading -------------------------------------------------------------------------------------
    @get("/", sync_to_thread=True, cache=True, responses=ERRORS, summary="督查检查列表")
    def list(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads],
             open_only: FromQuery[bool] = False,
             unit: FromQuery[UUID | None] = None) -> list[InspectionSummary]:
        """The inspections the actor may read (a unit those that target it or that it organises — an
        unannounced one only once conducted —, a leader those touching their portfolio), oldest first;
        ``unit``: those targeting that unit; ``open_only``: not closed or refused."""
        actor = actor_of(request)
        names = reads.directory.unit_names(actor.district)
        listed = reads.inspections.rows(actor.district)
        return [inspection_summary(i, names) for i in duban.visible_inspections(actor, listed)
                if (not open_only or i.status not in CLOSED) and (unit is None or unit in i.target_units)]

    @get("/{inspection_id:uuid}", sync_to_thread=True, cache=True, responses=ERRORS, summary="督查检查")
    def read(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads],
             inspection_id: FromPath[UUID]) -> InspectionOut:
        """The inspection, with the findings and results about the units the actor may see."""
        actor = actor_of(request)
        inspection = duban.readable_inspection(inspection_id, actor)
        return inspection_out(inspection, reads.directory.unit_names(actor.district), seen_units(duban, inspection, actor),
                              inspection_actions(inspection, actor))

    @get("/{inspection_id:uuid}/timeline", sync_to_thread=True, cache=True, responses=ERRORS, summary="督查检查过程")
    def history(self, request: Request, duban: NamedDependency[Duban],
                inspection_id: FromPath[UUID]) -> list[TimelineEntryOut]:
        inspection = duban.readable_inspection(inspection_id, actor_of(request))
        numbers = {inspection.id: inspection.number_label}
        return timeline_out(duban.history(numbers), numbers)

    # -- commands ------------------------------------------------------------------------------------
    @staticmethod
    def _run(request: Request, duban: Duban, inspection_id: UUID,
             command: Callable[[Actor], Inspection]) -> CommandResult:
        actor = actor_of(request)
        duban.readable_inspection(inspection_id, actor, readonly=True)  # one may act only on what one may read
        return command_result(command(actor))

    @post("/", status_code=201, sync_to_thread=True, responses=ERRORS, summary="列入督查计划")
    def plan(self, request: Request, duban: NamedDependency[Duban], data: JSONBody[PlanInspection]) -> CommandResult:
        """The office puts an inspection in the annual plan (年度督查计划)."""
        return command_result(duban.plan_inspection(
            kind=data.kind, title=data.title, target_units=list(data.target_units), planned_month=data.planned_month,
            actor=actor_of(request), on=data.on))

    @post("/proposals", status_code=201, sync_to_thread=True, responses=ERRORS, summary="申请开展实地检查")
    def propose(self, request: Request, duban: NamedDependency[Duban],
                data: JSONBody[ProposeInspection]) -> CommandResult:
        """A department asks in writing to inspect units of the district (WR art. 63); the inspection
        waits for the office's approval (POST …/decision)."""
        return command_result(duban.propose_inspection(
            kind=data.kind, title=data.title, target_units=list(data.target_units), planned_month=data.planned_month,
            reasons=data.reasons, actor=actor_of(request), on=data.on))

    @post("/{inspection_id:uuid}/decision", status_code=200, sync_to_thread=True, responses=ERRORS,
          summary="审批检查申请")
    def decision(self, request: Request, duban: NamedDependency[Duban], inspection_id: FromPath[UUID],
                 data: JSONBody[DecideInspection]) -> CommandResult:
        return self._run(request, duban, inspection_id, lambda a: duban.decide_inspection(
            inspection_id, data.approve, a, note=data.note, on=data.on, expected_version=data.expected_version))

    @post("/{inspection_id:uuid}/conduct", status_code=200, sync_to_thread=True, responses=ERRORS,
          summary="实施督查")
    def conduct(self, request: Request, duban: NamedDependency[Duban], inspection_id: FromPath[UUID],
                data: JSONBody[VersionedCommand | None] = None) -> CommandResult:
        d = data or VersionedCommand()
        return self._run(request, duban, inspection_id, lambda a: duban.conduct_inspection(
            inspection_id, a, on=d.on, expected_version=d.expected_version))

    @post("/{inspection_id:uuid}/findings", status_code=200, sync_to_thread=True, responses=ERRORS,
          summary="登记发现的问题")
    def findings(self, request: Request, duban: NamedDependency[Duban], inspection_id: FromPath[UUID],
                 data: JSONBody[InspectionFinding]) -> FindingResult:
        """The finding enters the ledger as a rectification task of ``unit`` (a target unit), saved
        with the inspection in one transaction; the answer names the task."""
        actor = actor_of(request)
        duban.readable_inspection(inspection_id, actor, readonly=True)
        task = duban.record_inspection_finding(
            inspection_id, unit=data.unit, problem=data.problem, severity=data.severity, deadline=data.deadline,
            actor=actor, on=data.on, expected_version=data.expected_version, attachments=attachments(data.attachments))
        return finding_result(task, duban.inspection(inspection_id, actor))

    @post("/{inspection_id:uuid}/results", status_code=200, sync_to_thread=True, responses=ERRORS,
          summary="登记督查结果")
    def results(self, request: Request, duban: NamedDependency[Duban], inspection_id: FromPath[UUID],
                data: JSONBody[InspectionResults]) -> CommandResult:
        """Per target unit a score (0–100) and/or a problem count, for the composite ranking (综合排名)."""
        return self._run(request, duban, inspection_id, lambda a: duban.record_inspection_results(
            inspection_id, result_rows(data.results), a, on=data.on, expected_version=data.expected_version))

    @post("/{inspection_id:uuid}/close", status_code=200, sync_to_thread=True, responses=ERRORS,
          summary="结束督查")
    def close(self, request: Request, duban: NamedDependency[Duban], inspection_id: FromPath[UUID],
              data: JSONBody[VersionedCommand | None] = None) -> CommandResult:
        d = data or VersionedCommand()
        return self._run(request, duban, inspection_id, lambda a: duban.close_inspection(
            inspection_id, a, on=d.on, expected_version=d.expected_version))
