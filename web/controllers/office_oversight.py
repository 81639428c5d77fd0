"""督查室 pages for supervision notices, inspections and rectification tasks."""

from litestar import Controller


class OfficeOversightController(Controller):
    path = "/office"
