"""What every request handler gets: the application, the read side's queries, the actor.

The web processes only read the read models; the worker keeps them caught up.  After a command the
page that follows waits (bounded) until the worker has passed the command's events
(``web.freshness``), so people see their own change.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar.response import Redirect, Template

from domain.actor import Actor, Role
from duban.application import Duban
from projections.ledger import LedgerPage, LedgerRow
from projections.queries import WAIT_SECONDS, ReadQueries


class Reads(ReadQueries):
    """The read side's queries (``Duban.read_queries``: a reader, it never catches up) with the
    application they belong to."""

    def __init__(self, app: Duban) -> None:
        super().__init__(app.read_queries().read_models)
        self.app = app


def reads_of(request: Any) -> Reads:
    """The app's read side from inside a handler's helper (e.g. a page shown again after a refusal)."""
    return request.app.state.served.reads


def today(app: Duban) -> date:
    return app.clock.today()


SEEN = object()  # visible_filters: the units are to be asked of the application


def visible_filters(reads: Reads, actor: Actor, day: date, filters: dict[str, Any], units: Any = SEEN) -> dict[str, Any]:
    """``filters`` plus what ``actor`` may see: the office all of its district, a unit its own
    entries, a leader the units of their portfolio that day (the district head all), the
    discipline body only the cases referred to it.  ``units``: ``Duban.visible_units`` when the
    caller has it already."""
    if actor.role is Role.UNIT:
        return {**filters, "unit": actor.unit.hex if actor.unit else "0" * 32}
    if actor.role is Role.DISCIPLINE:
        return {**filters, "referred_only": True}
    if units is SEEN:
        units = reads.app.visible_units(actor, filters.get("as_of") or day)
    return filters if units is None else {**filters, "units": units}


def visible_rows(reads: Reads, actor: Actor, day: date, **filters) -> list[LedgerRow]:
    """The ledger rows ``actor`` may see (filters as ``LedgerQueries.rows``)."""
    return reads.ledger.rows(actor.district, day, **visible_filters(reads, actor, day, filters))


def visible_page(reads: Reads, actor: Actor, day: date, number: int, *, per_page: int = 50, units: Any = SEEN,
                 **filters) -> LedgerPage:
    """One page of the rows ``actor`` may see, paged in the database."""
    return reads.ledger.page(actor.district, day, number=number, per_page=per_page,
                             **visible_filters(reads, actor, day, filters, units))


def page(template: str, actor: Actor, day: date, *, status_code: int = 200, **context) -> Template:
    """A page with what every page shows: the user, today, and a message from the last action."""
    return Template(template, status_code=status_code, context={"actor": actor, "today": day, **context})


def done(location: str, message: str) -> Redirect:
    """After a command succeeds: back to a page, which shows ``message`` (PRG, so a reload does
    not repeat the command)."""
    joiner = "&" if "?" in location else "?"
    return Redirect(f"{location}{joiner}{urlencode({'done': message})}", status_code=303)


__all__ = ["Reads", "WAIT_SECONDS", "Actor", "reads_of", "today", "visible_filters", "visible_rows", "visible_page", "page", "done"]
