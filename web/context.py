"""What every request handler gets: the application, the read side (kept caught up), the actor."""

from __future__ import annotations

import threading
from datetime import date

from urllib.parse import urlencode

from litestar.response import Redirect, Template

from domain.actor import Actor, Role
from duban.application import Duban
from projections.bulletin import BulletinQueries
from projections.escalation import EscalationQueries
from projections.inbox import InboxQueries
from projections.leader_view import LeaderViews
from projections.ledger import LedgerQueries, LedgerRow
from projections.ranking import RankingQueries
from projections.read_side import ReadSide
from projections.trend import TrendQueries
from projections.warnings import WarningQueries


class Reads:
    """The projections' queries over one read side, caught up before each read."""

    def __init__(self, app: Duban) -> None:
        self.app = app
        self.read_side = ReadSide(app.store)
        self._lock = threading.Lock()  # one catch-up at a time: one runner per read model

    def fresh(self) -> "Reads":
        with self._lock:
            self.read_side.catch_up()
        return self

    @property
    def ledger(self) -> LedgerQueries:
        return LedgerQueries(self.read_side.read_models, self.app.calendar())

    @property
    def warnings(self) -> WarningQueries:
        return WarningQueries(self.ledger)

    @property
    def rankings(self) -> RankingQueries:
        return RankingQueries(self.read_side.read_models)

    @property
    def bulletins(self) -> BulletinQueries:
        return BulletinQueries(self.read_side.read_models, self.ledger, self.rankings)

    @property
    def escalation(self) -> EscalationQueries:
        return EscalationQueries(self.read_side.read_models, self.app.calendar())

    @property
    def inbox(self) -> InboxQueries:
        return InboxQueries(self.ledger, self.read_side.read_models, self.app.calendar())

    @property
    def trend(self) -> TrendQueries:
        return TrendQueries(self.read_side.read_models)

    @property
    def leader_views(self) -> LeaderViews:
        return LeaderViews(self.ledger, self.rankings, self.read_side.read_models)


def today(app: Duban) -> date:
    return app.clock.today()


def visible_rows(reads: Reads, actor: Actor, day: date, **filters) -> list[LedgerRow]:
    """The ledger rows ``actor`` may see (filters as ``LedgerQueries.rows``): the office all of
    its district, a unit its own entries, a leader the units of their portfolio that day (the
    district head all), the discipline body only the cases referred to it."""
    if actor.role is Role.UNIT:
        filters["unit"] = actor.unit.hex if actor.unit else "0" * 32
        return reads.ledger.rows(actor.district, day, **filters)
    rows = reads.ledger.rows(actor.district, day, **filters)
    if actor.role is Role.DISCIPLINE:
        referred = {i.id.hex for i in reads.app.referred_items(actor)} | {
            t.id.hex for t in reads.app.referred_rectifications(actor)}
        return [r for r in rows if r.entry_id in referred]
    units = reads.app.visible_units(actor, filters.get("as_of") or day)
    if units is None:
        return rows
    keys = {u.hex for u in units}
    return [r for r in rows if r.lead_unit_id in keys or keys.intersection(r.co_unit_ids)]


def page(template: str, actor: Actor, day: date, *, status_code: int = 200, **context) -> Template:
    """A page with what every page shows: the user, today, and a message from the last action."""
    return Template(template, status_code=status_code, context={"actor": actor, "today": day, **context})


def done(location: str, message: str) -> Redirect:
    """After a command succeeds: back to a page, which shows ``message`` (PRG, so a reload does
    not repeat the command)."""
    joiner = "&" if "?" in location else "?"
    return Redirect(f"{location}{joiner}{urlencode({'done': message})}", status_code=303)


__all__ = ["Reads", "Actor", "today", "visible_rows", "page", "done"]
