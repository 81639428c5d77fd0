"""The inspections list (督查检查列表) from the read model: what the list pages and the read rule
need of each inspection, without loading the inspections one by one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.inspection import InspectionKind, InspectionStatus


@dataclass(frozen=True)
class InspectionRow:
    """One inspection as lists show it; attributes named as on ``domain.inspection.Inspection`` so the
    read rule (``duban.application.access``) applies to either."""

    id: UUID
    number_label: str
    kind: InspectionKind
    title: str
    status: InspectionStatus
    planned_month: str
    organiser: UUID | None
    target_units: list[UUID]
    findings: int
    conducted_on: date | None


class InspectionQueries:
    def __init__(self, read_models) -> None:
        self.read_models = read_models

    def rows(self, district: str, *, newest_first: bool = False) -> list[InspectionRow]:
        """The district's inspections (a district plans tens a year), by number."""
        with self.read_models.reading() as sql:
            found = sql.execute("SELECT * FROM rm_inspections WHERE district = ? ORDER BY sort_key"
                                + (" DESC" if newest_first else ""), (district,)).rows()
        return [InspectionRow(
            UUID(r["inspection_id"]), r["number"], InspectionKind(r["kind"]), r["title"], InspectionStatus(r["status"]),
            r["planned_month"], UUID(r["organiser"]) if r["organiser"] else None,
            [UUID(u) for u in json.loads(r["targets"])], r["findings"],
            date.fromisoformat(r["conducted_on"]) if r["conducted_on"] else None) for r in found]


__all__ = ["InspectionRow", "InspectionQueries"]
