"""督查室 page of deadline changes (时限调整记录): the deadlines counted on an estimate (a year whose
holiday schedule was not yet published) that the loaded schedule moved — the record, its old and new
day, when — and how many it confirmed.  Linked from the ledger's footnote while deadlines are still
estimated, and from the ledger while there are changes to see."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.response import Template

from domain.actor import Actor
from duban.application import Duban
from web.auth import OFFICE_AREA
from web.context import Reads, page, today
from web.controllers.office import entry_link


class OfficeDeadlinesController(Controller):
    path = "/office"
    guards = [OFFICE_AREA]

    @get("/deadline-changes", sync_to_thread=True, cache=True)
    def deadline_changes(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban],
                         reads: NamedDependency[Reads]) -> Template:
        queries = reads.deadline_changes
        changes = queries.changes(actor.district)
        return page("office/deadline_changes.html", actor, today(duban),
                    changes=[(c, entry_link(c.kind, c.entry_id)) for c in changes],
                    confirmed=queries.confirmed(actor.district), estimated=queries.estimated_count(actor.district))
