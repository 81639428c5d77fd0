"""The read side's queries, composed once (查询服务): what the web pages, the JSON API and the
command line all read through.

A :class:`ReadQueries` wraps one handle on the read models (a reader for the web processes, which
never catch up; a caught-up one for a command-line run) and hands out each query class built over
it.  The application opens the web's reader (``Duban.read_queries``); nothing outside the read side
composes the query classes itself.
"""

from __future__ import annotations

import threading
import time

from projections.behaviour import BehaviourQueries
from projections.bulletin import BulletinQueries
from projections.deadline_changes import DeadlineChangeQueries
from projections.directory import Accounts, Directory
from projections.escalation import EscalationQueries
from projections.head_report import HeadReportQueries
from projections.inbox import InboxQueries
from projections.inspections import InspectionQueries
from projections.leader_portfolio import LeaderPortfolios
from projections.leader_view import LeaderViews
from projections.ledger import LedgerQueries
from projections.messages import MessageQueries
from projections.ranking import RankingQueries
from projections.reports import ReportQueries
from projections.scheme_versions import SchemeVersionQueries
from projections.score_evidence import ScoreEvidence
from projections.trend import TrendQueries
from projections.warnings import WarningQueries

WAIT_SECONDS = 2.0  # how long a page waits for the worker to pass the user's own change


class ReadQueries:
    """Every query over one handle on the read models, and how far those models have got."""

    def __init__(self, read_models) -> None:
        self.read_models = read_models
        self._known = 0  # the highest position seen: positions only grow
        self._lock = threading.Lock()

    # -- how far the read models have got ---------------------------------------------------------
    def position(self) -> int:
        found = self.read_models.position()
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

    # -- the queries ----------------------------------------------------------------------------------
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
    def score_evidence(self) -> ScoreEvidence:
        return ScoreEvidence(self.read_models)

    @property
    def bulletins(self) -> BulletinQueries:
        return BulletinQueries(self.read_models, self.ledger, self.rankings)

    @property
    def escalation(self) -> EscalationQueries:
        return EscalationQueries(self.read_models)

    @property
    def reports(self) -> ReportQueries:
        return ReportQueries(self.read_models)

    @property
    def scheme_versions(self) -> SchemeVersionQueries:
        return SchemeVersionQueries(self.read_models)

    @property
    def head_reports(self) -> HeadReportQueries:
        return HeadReportQueries(self.read_models, self.ledger, self.escalation, self.trend)

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
    def leader_portfolios(self) -> LeaderPortfolios:
        return LeaderPortfolios(self.ledger, self.warnings, self.directory, self.trend, self.score_evidence)

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

    @property
    def behaviour(self) -> BehaviourQueries:
        """How units work (办理行为): signing for, states, last-day reports, extensions, jumps."""
        return BehaviourQueries(self.read_models)

    @property
    def messages(self) -> MessageQueries:
        """The message centre (消息中心): reminders, their deliveries, the push channels."""
        return MessageQueries(self.read_models)


__all__ = ["ReadQueries", "WAIT_SECONDS"]
