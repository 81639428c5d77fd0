"""The application (服务层): the only way commands reach the domain and events reach the store."""

from duban.application.access import ReadAccess
from duban.application.imports import ImportCommands
from duban.application.roster import RosterCommands
from duban.application.users import UserCommands
from duban.application.watcher import TickReport


class Duban(ImportCommands, UserCommands, RosterCommands):
    """Every command and lookup of duban, over one event store and one injected clock."""


__all__ = ["Duban", "TickReport"]
