"""督查室 pages: the dashboard, the ledger, an item's detail."""

from __future__ import annotations

from collections import Counter

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from domain.actor import Role
from web.auth import actor_in
from web.context import Reads, today


def office_actor(request: Request):
    return actor_in(request, Role.OFFICE, Role.ADMIN, doing="查看该页面")


class OfficeController(Controller):
    path = "/office"

    @get("/", sync_to_thread=True)
    def dashboard(self, request: Request, reads: NamedDependency[Reads]) -> Template:
        actor = office_actor(request)
        day = today(reads.app)
        rows = reads.ledger.rows(actor.district, day, open_only=True)
        warned = reads.warnings.rows(actor.district, day)
        colours = Counter(w.warning.colour.value for w in warned)
        queue = reads.escalation.queue(actor.district, day, "2026-v1")
        return Template("office/dashboard.html", context={
            "actor": actor, "today": day, "counts": reads.ledger.counts(actor.district, day),
            "colours": colours, "open": len(rows),
            "overdue": [r for r in rows if r.working_days_overdue][:20],
            "due_soon": [w.row for w in warned if w.warning.colour.value == "blue"][:20],
            "queue": queue[:30],
        })
