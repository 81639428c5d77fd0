"""What every request handler gets: the application, the read side (kept caught up), the actor."""

from __future__ import annotations

import threading
from datetime import date

from domain.actor import Actor
from duban.application import Duban
from projections.escalation import EscalationQueries
from projections.inbox import InboxQueries
from projections.leader_view import LeaderViews
from projections.ledger import LedgerQueries
from projections.ranking import RankingQueries
from projections.read_side import ReadSide
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
    def escalation(self) -> EscalationQueries:
        return EscalationQueries(self.read_side.read_models, self.app.calendar())

    @property
    def inbox(self) -> InboxQueries:
        return InboxQueries(self.ledger, self.read_side.read_models, self.app.calendar())

    @property
    def leader_views(self) -> LeaderViews:
        return LeaderViews(self.ledger, self.rankings, self.read_side.read_models)


def today(app: Duban) -> date:
    return app.clock.today()


__all__ = ["Reads", "Actor", "today"]
