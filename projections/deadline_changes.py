"""Deadline changes (时限调整记录): what loading a year's holiday schedule did to the deadlines that had
been counted on an estimate.

Each confirmation (the same day, no longer estimated) and correction (another day) recorded on an
item or a notice becomes a row of ``rm_deadline_changes`` — the record, its old and new day, the
day it was recorded and how many misses (逾期) were withdrawn with it — so the office sees which
deadlines moved.  The rows are rare and written as their events come, after the ledger projector
has changed the entry (whose number, title and lead unit they copy).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from domain.deadlines import deadline_basis_label
from projections.batch import Batch
from projections.events import Recorded

SETTLED = {  # event -> the kind of record
    "SupervisedItem.DeadlineConfirmed": "item", "SupervisedItem.DeadlineCorrected": "item",
    "SupervisionNotice.ReplyDeadlineConfirmed": "notice", "SupervisionNotice.ReplyDeadlineCorrected": "notice",
}
WITHDRAWN = frozenset({"SupervisedItem.DeadlineMissWithdrawn", "SupervisionNotice.ReplyOverdueWithdrawn"})
KIND_LABELS = {"item": "督办事项", "notice": "督办通知"}


class DeadlineChangesProjector:
    """Runs after the ledger projector (it copies the entry's number, title and lead unit)."""

    def prefetch(self, batch: Batch, events: Iterable[Recorded]) -> None:
        """The ledger projector has read every entry these events name."""

    def apply(self, batch: Batch, e: Recorded) -> None:
        if e.name in SETTLED:
            row = batch.entry(e.record)
            if row is None:
                return
            d = e.data
            old = d["old_deadline"] or d["deadline"]
            new = d["new_deadline"] or d["deadline"]
            batch.sql.execute(
                "INSERT INTO rm_deadline_changes (notification_id, district, entry_id, kind, number, title, lead_unit,"
                " basis, old_deadline, new_deadline, estimated, changed_on, withdrawn)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (e.notification_id, row["district"], e.record, SETTLED[e.name], row["number"], row["title"],
                 row["lead_unit"], d["basis"] or "", old, new, int(bool(d["estimated"])), d["on"]))
        elif e.name in WITHDRAWN:
            batch.sql.execute(
                "UPDATE rm_deadline_changes SET withdrawn = withdrawn + 1 WHERE notification_id ="
                " (SELECT MAX(notification_id) FROM rm_deadline_changes WHERE entry_id = ?)", (e.record,))


@dataclass(frozen=True)
class DeadlineChangeRow:
    """One deadline counted again: 督〔2027〕3号, 2027-02-10 → 2027-02-16, recorded 2027-02-12."""

    entry_id: str
    kind: str  # item | notice
    number: str
    title: str
    lead_unit: str  # the unit's name
    basis: str
    old_deadline: date
    new_deadline: date
    estimated: bool  # still estimated (another year it counts has no data yet)
    changed_on: date
    withdrawn: int  # misses (逾期) withdrawn with the correction
    notification_id: int

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def basis_label(self) -> str:
        return deadline_basis_label(self.basis)

    @property
    def changed(self) -> bool:
        return self.old_deadline != self.new_deadline


class DeadlineChangeQueries:
    """The district's deadline changes, and what the ledger still counts on an estimate."""

    def __init__(self, read_models) -> None:
        self.read_models = read_models

    def changes(self, district: str, *, limit: int | None = None) -> list[DeadlineChangeRow]:
        """The corrections (deadlines moved to another day), newest first."""
        page = f" LIMIT {int(limit)}" if limit is not None else ""
        with self.read_models.reading() as sql:
            found = sql.execute(
                "SELECT c.*, u.name AS unit_name FROM rm_deadline_changes c LEFT JOIN rm_units u ON u.unit_id = c.lead_unit"
                " WHERE c.district = ? AND c.old_deadline <> c.new_deadline"
                f" ORDER BY c.changed_on DESC, c.notification_id DESC{page}", (district,)).rows()
        return [_row(r) for r in found]

    def confirmed(self, district: str) -> int:
        """How many estimated deadlines were confirmed (the same day once the schedule was known)."""
        with self.read_models.reading() as sql:
            return sql.execute("SELECT COUNT(*) AS n FROM rm_deadline_changes WHERE district = ?"
                               " AND old_deadline = new_deadline", (district,)).row()["n"]

    def estimated(self, district: str) -> dict[str, list[str]]:
        """The ids of the district's items and notices whose deadline is still counted on an estimate
        (the review's candidates): {"item": [...], "notice": [...]}."""
        ids: dict[str, list[str]] = {"item": [], "notice": []}
        with self.read_models.reading() as sql:
            for r in sql.execute("SELECT entry_id, kind FROM rm_ledger WHERE district = ? AND kind IN ('item', 'notice')"
                                 " AND deadline_estimated = 1 ORDER BY entry_id", (district,)).rows():
                ids[r["kind"]].append(r["entry_id"])
        return ids

    def estimated_count(self, district: str) -> int:
        """How many of the district's ledger entries (open or closed) have a deadline counted on an
        estimate: the ledger's footnote asking for the year's schedule shows while there are any."""
        with self.read_models.reading() as sql:
            return sql.execute("SELECT COUNT(*) AS n FROM rm_ledger WHERE district = ? AND deadline_estimated = 1",
                               (district,)).row()["n"]


def _row(r: dict) -> DeadlineChangeRow:
    return DeadlineChangeRow(
        entry_id=r["entry_id"], kind=r["kind"], number=r["number"], title=r["title"], lead_unit=r["unit_name"] or "",
        basis=r["basis"], old_deadline=date.fromisoformat(r["old_deadline"]),
        new_deadline=date.fromisoformat(r["new_deadline"]), estimated=bool(r["estimated"]),
        changed_on=date.fromisoformat(r["changed_on"]), withdrawn=r["withdrawn"],
        notification_id=r["notification_id"])


__all__ = ["DeadlineChangesProjector", "DeadlineChangeQueries", "DeadlineChangeRow"]
