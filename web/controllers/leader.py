"""Pages for the leader role (filled in by its own change)."""

from litestar import Controller


class LeaderController(Controller):
    path = "/leader"
