"""Pages for the unit role (filled in by its own change)."""

from litestar import Controller


class UnitController(Controller):
    path = "/unit"
