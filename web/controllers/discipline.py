"""Pages for the discipline role (filled in by its own change)."""

from litestar import Controller


class DisciplineController(Controller):
    path = "/discipline"
