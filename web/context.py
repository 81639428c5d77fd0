"""What every request handler gets: the application, the read side's queries, the actor.

The web processes only read the read models; the worker keeps them caught up.  After a command the
page that follows waits (bounded) until the worker has passed the command's events
(``web.freshness``), so people see their own change.
"""

from __future__ import annotations

import threading
import time
from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar.response import Redirect, Template

from domain.actor import Actor, Role
from duban.application import Duban
from projections.bulletin import BulletinQueries
from projections.deadline_changes import DeadlineChangeQueries
from projections.directory import Accounts, Directory
from projections.escalation import EscalationQueries
from projections.inbox import InboxQueries
from projections.inspections import InspectionQueries
from projections.leader_view import LeaderViews
from projections.ledger import LedgerPage, LedgerQueries, LedgerRow
from projections.ranking import RankingQueries
from projections.read_side import ReadSide
from projections.trend import TrendQueries
from projections.warnings import WarningQueries

WAIT_SECONDS = 2.0  # how long a page waits for the worker to pass the user's own change


class Reads:
    """The projections' queries over the read models (a reader: it never catches up)."""

    def __init__(self, app: Duban, read_side: ReadSide | None = None) -> None:
        self.app = app
        self.read_side = read_side or ReadSide(app.store, writer=False)
        self.read_models = self.read_side.read_models
        self._known = 0  # the highest position seen: positions only grow
        self._lock = threading.Lock()

    def position(self) -> int:
        found = self.read_side.position()
        with self._lock:
            self._known = max(self._known, found)
            return self._known

    @property
    def known_position(self) -> int:
        """The newest read-model position this process has seen (no query)."""
        return self._known

    def caught_up_to(self, position: int, timeout: float = WAIT_SECONDS) -> bool:
        """Wait until the read models have passed ``position`` (at most ``timeout`` seconds)."""
        if position <= self._known:
            return True
        deadline, pause = time.monotonic() + timeout, 0.005
        while self.position() < position:
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
        return True

    @property
    def ledger(self) -> LedgerQueries:
        return LedgerQueries(self.read_models)

    @property
    def warnings(self) -> WarningQueries:
        return WarningQueries(self.ledger)

    @property
    def rankings(self) -> RankingQueries:
        return RankingQueries(self.read_models)

    @property
    def bulletins(self) -> BulletinQueries:
        return BulletinQueries(self.read_models, self.ledger, self.rankings)

    @property
    def escalation(self) -> EscalationQueries:
        return EscalationQueries(self.read_models)

    @property
    def inbox(self) -> InboxQueries:
        return InboxQueries(self.ledger, self.read_models)

    @property
    def trend(self) -> TrendQueries:
        return TrendQueries(self.read_models)

    @property
    def leader_views(self) -> LeaderViews:
        return LeaderViews(self.ledger, self.rankings, self.read_models)

    @property
    def directory(self) -> Directory:
        return Directory(self.read_models)

    @property
    def accounts(self) -> Accounts:
        return Accounts(self.read_models)

    @property
    def inspections(self) -> InspectionQueries:
        return InspectionQueries(self.read_models)

    @property
    def deadline_changes(self) -> DeadlineChangeQueries:
        return DeadlineChangeQueries(self.read_models)


def reads_of(request: Any) -> Reads:
    """The app's read side from inside a handler's helper (e.g. a page shown again after a refusal)."""
    return request.app.state.reads


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


__all__ = ["Reads", "Actor", "reads_of", "today", "visible_filters", "visible_rows", "visible_page", "page", "done"]
