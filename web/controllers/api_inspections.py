"""The JSON API for inspections (督查检查): the list, one inspection, its history, and every command
the office's pages give — plan (年度督查计划), a department's proposal and its approval (WR art. 63),
conduct, findings (each enters the ledger as a rectification task), results for the ranking, close.

As for items, a command on an inspection first loads it through ``duban.readable_inspection``, so
an inspection the actor may not read answers as reading it would (404, as for one that does not
exist) before any other check; the application then enforces who may act.
"""

from __future__ import annotations

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
from duban.commands.base import VersionedCommand
from duban.commands.inspections import (CloseInspection, ConductInspection, DecideInspection, PlanInspection,
                                       ProposeInspection, RecordFinding, RecordResults)

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
    def list(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
             open_only: FromQuery[bool] = False,
             unit: FromQuery[UUID | None] = None) -> list[InspectionSummary]:
        """The inspections the actor may read (a unit those that target it or that it organises — an
        unannounced one only once conducted —, a leader those touching their portfolio), oldest first;
        ``unit``: those targeting that unit; ``open_only``: not closed or refused."""
        names = reads.directory.unit_names(actor.district)
        listed = reads.inspections.rows(actor.district)
        return [inspection_summary(i, names) for i in duban.visible_inspections(actor, listed)
                if (not open_only or i.status not in CLOSED) and (unit is None or unit in i.target_units)]

    @get("/{inspection_id:uuid}", sync_to_thread=True, cache=True, responses=ERRORS, summary="督查检查")
    def read(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
             inspection_id: FromPath[UUID]) -> InspectionOut:
        """The inspection, with the findings and results about the units the actor may see."""
        inspection = duban.readable_inspection(inspection_id, actor)
        return inspection_out(inspection, reads.directory.unit_names(actor.district), seen_units(duban, inspection, actor),
                              inspection_actions(inspection, actor))

    @get("/{inspection_id:uuid}/timeline", sync_to_thread=True, cache=True, responses=ERRORS, summary="督查检查过程")
    def history(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban],
                inspection_id: FromPath[UUID]) -> list[TimelineEntryOut]:
        inspection = duban.readable_inspection(inspection_id, actor)
        numbers = {inspection.id: inspection.number_label}
        return timeline_out(duban.history(numbers), numbers)

    # -- commands ------------------------------------------------------------------------------------
    @staticmethod
    def _run(request: Request, duban: Duban, inspection_id: UUID, command: VersionedCommand) -> CommandResult:
        actor = actor_of(request)
        duban.readable_inspection(inspection_id, actor, readonly=True)  # one may act only on what one may read
        return command_result(duban.execute(command, actor, inspection_id))

    @post("/", status_code=201, sync_to_thread=True, responses=ERRORS, summary="列入督查计划")
    def plan(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], data: JSONBody[PlanInspection]) -> CommandResult:
        """The office puts an inspection in the annual plan (年度督查计划)."""
        return command_result(duban.execute(data, actor))

    @post("/proposals", status_code=201, sync_to_thread=True, responses=ERRORS, summary="申请开展实地检查")
    def propose(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban],
                data: JSONBody[ProposeInspection]) -> CommandResult:
        """A department asks in writing to inspect units of the district (WR art. 63); the inspection
        waits for the office's approval (POST …/decision)."""
        return command_result(duban.execute(data, actor))

    @post("/{inspection_id:uuid}/decision", status_code=200, sync_to_thread=True, responses=ERRORS,
          summary="审批检查申请")
    def decision(self, request: Request, duban: NamedDependency[Duban], inspection_id: FromPath[UUID],
                 data: JSONBody[DecideInspection]) -> CommandResult:
        return self._run(request, duban, inspection_id, data)

    @post("/{inspection_id:uuid}/conduct", status_code=200, sync_to_thread=True, responses=ERRORS,
          summary="实施督查")
    def conduct(self, request: Request, duban: NamedDependency[Duban], inspection_id: FromPath[UUID],
                data: JSONBody[ConductInspection | None] = None) -> CommandResult:
        return self._run(request, duban, inspection_id, data or ConductInspection())

    @post("/{inspection_id:uuid}/findings", status_code=200, sync_to_thread=True, responses=ERRORS,
          summary="登记发现的问题")
    def findings(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], inspection_id: FromPath[UUID],
                 data: JSONBody[RecordFinding]) -> FindingResult:
        """The finding enters the ledger as a rectification task of ``unit`` (a target unit), saved
        with the inspection in one transaction; the answer names the task."""
        duban.readable_inspection(inspection_id, actor, readonly=True)
        task = duban.execute(data, actor, inspection_id)
        return finding_result(task, duban.inspection(inspection_id, actor))

    @post("/{inspection_id:uuid}/results", status_code=200, sync_to_thread=True, responses=ERRORS,
          summary="登记督查结果")
    def results(self, request: Request, duban: NamedDependency[Duban], inspection_id: FromPath[UUID],
                data: JSONBody[RecordResults]) -> CommandResult:
        """Per target unit a score (0–100) and/or a problem count, for the composite ranking (综合排名)."""
        return self._run(request, duban, inspection_id, data)

    @post("/{inspection_id:uuid}/close", status_code=200, sync_to_thread=True, responses=ERRORS,
          summary="结束督查")
    def close(self, request: Request, duban: NamedDependency[Duban], inspection_id: FromPath[UUID],
              data: JSONBody[CloseInspection | None] = None) -> CommandResult:
        return self._run(request, duban, inspection_id, data or CloseInspection())
