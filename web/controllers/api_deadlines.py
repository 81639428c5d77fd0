"""JSON API for the deadline changes (时限调整记录): the same read as the office's page."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from msgspec import Struct

from domain.actor import Role
from web.auth import actor_in
from web.context import Reads
from web.controllers.api import ERRORS


class DeadlineChangeOut(Struct):
    """A deadline counted on an estimate that the loaded holiday schedule moved."""

    entry_id: str
    kind: str  # item | notice
    number: str
    title: str
    lead_unit: str
    basis: str  # the rule it is counted by: working_days:N, meeting_one_month, proposal_three_months
    basis_label: str
    old_deadline: date
    new_deadline: date
    estimated: bool  # still estimated (another year it counts has no official data yet)
    changed_on: date  # the business day the correction was recorded
    misses_withdrawn: int  # misses (逾期) the new day disproved, withdrawn with it


class DeadlineChangesOut(Struct):
    changes: list[DeadlineChangeOut]  # newest first
    confirmed: int  # estimated deadlines the schedule confirmed (the same day)
    still_estimated: int  # the district's deadlines still counted on an estimate


class DeadlinesApiController(Controller):
    path = "/api"
    tags = ["deadlines 办理时限"]

    @get("/deadline-changes", sync_to_thread=True, cache=True, responses=ERRORS, summary="时限调整记录")
    def deadline_changes(self, request: Request, reads: NamedDependency[Reads]) -> DeadlineChangesOut:
        """The district's deadlines that loading a year's holiday schedule moved (record, old and new day,
        when), newest first; how many it confirmed; how many are still estimated."""
        actor = actor_in(request, Role.OFFICE, Role.ADMIN, doing="查看时限调整记录")
        queries = reads.deadline_changes
        return DeadlineChangesOut(
            [DeadlineChangeOut(c.entry_id, c.kind, c.number, c.title, c.lead_unit, c.basis, c.basis_label,
                               c.old_deadline, c.new_deadline, c.estimated, c.changed_on, c.withdrawn)
             for c in queries.changes(actor.district)],
            queries.confirmed(actor.district), queries.estimated_count(actor.district))
