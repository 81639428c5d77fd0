"""The application (服务层): the only way commands reach the domain and events reach the store.

``Duban`` is a thin façade: the shared core (``ServiceBase``: the store, the clock, one save with its
retries and its log line) and the parts composed over it, one concern each, each a plain class of
one level (``Part``).  ``duban.register_item(…)`` is the items part's method; ``duban.execute(command,
actor, target)`` runs a command class of ``duban.commands`` through the method it names.
"""

from duban.application.access import ReadAccess
from duban.application.base import ServiceBase, compose
from duban.application.chain_service import ChainCommands
from duban.application.evidence import EvidenceCommands
from duban.application.imports import ImportCommands
from duban.application.items import ItemCommands
from duban.application.organisation import OrganisationCommands
from duban.application.oversight import OversightCommands
from duban.application.reminders import ReminderCommands
from duban.application.reports import ReportCommands
from duban.application.roster import RosterCommands
from duban.application.schemes import SchemeCommands
from duban.application.users import UserCommands
from duban.application.watcher import TickReport, WatcherCommands
from projections.queries import ReadQueries


class Duban(ServiceBase):
    """Every command and lookup of duban, over one event store and one injected clock."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._parts = {part: part(self) for part in self.PARTS}

    def read_queries(self) -> ReadQueries:
        """The read side's queries over this application's store, as a reader (it never catches up:
        the worker does); opened once, read-model migrations applied on opening."""
        from projections.read_side import ReadSide

        found = self.__dict__.get("_read_queries")
        if found is None:
            found = self.__dict__.setdefault("_read_queries", ReadQueries(ReadSide(self.store, writer=False).read_models))
        return found

    def caught_up_queries(self) -> ReadQueries:
        """The read side's queries over read models caught up with every event recorded so far: by
        this process when no worker is acting, else by waiting for the acting one.  For what runs
        outside the worker and reads them once (``duban tick`` and the other commands, the demo,
        tests); the read models live beside the SQLite or PostgreSQL store, never in memory."""
        from duban.worker import caught_up_read_side

        module = self.env.get("PERSISTENCE_MODULE") or ""
        if "sqlite" not in module and "postgres" not in module:
            raise RuntimeError("the read side needs the SQLite or PostgreSQL store, not the in-memory one")
        return ReadQueries(caught_up_read_side(self).read_models)


compose(Duban, [
    OrganisationCommands,  # units, leaders, the division of work (领导分工), districts
    EvidenceCommands,  # the files cited by commands (证明材料)
    ItemCommands,  # supervised items (督办事项)
    OversightCommands,  # notices, rectification tasks, inspections
    ReadAccess,  # who may read which record
    WatcherCommands,  # the daily watch, the calendar, deadline reviews
    UserCommands,  # accounts, passwords, sign-in
    RosterCommands,  # the roster import (花名册)
    ImportCommands,  # the item import
    ReminderCommands,  # reminders and push channels
    ChainCommands,  # the record's chain and checkpoints
    ReportCommands,  # reports to the district head, drafts and issue
    SchemeCommands,  # the office's scoring schemes and escalation rule sets
])

__all__ = ["Duban", "TickReport"]
