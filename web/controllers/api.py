"""The JSON API (/api): the queries and commands the pages use, with structured errors."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from domain.actor import Role
from web.auth import actor_of
from web.context import Reads, today


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    return value


class ApiController(Controller):
    path = "/api"

    @get("/me", sync_to_thread=False)
    def me(self, request: Request) -> dict:
        actor = actor_of(request)
        return {"user": actor.user, "role": actor.role.value, "district": actor.district,
                "unit": actor.unit.hex if actor.unit else None, "leader": actor.leader.hex if actor.leader else None}

    @get("/ledger", sync_to_thread=True)
    def ledger(self, request: Request, reads: NamedDependency[Reads], open_only: FromQuery[bool] = False,
               overdue_only: FromQuery[bool] = False, as_of: FromQuery[date | None] = None) -> dict:
        """The ledger rows the actor may see: a unit user only its own unit's entries."""
        actor = actor_of(request)
        unit = actor.unit.hex if actor.role is Role.UNIT and actor.unit else None
        rows = reads.ledger.rows(actor.district, today(reads.app), as_of=as_of, open_only=open_only,
                                 overdue_only=overdue_only, unit=unit)
        return {"rows": [{k: _plain(v) for k, v in asdict(r).items()} for r in rows]}
