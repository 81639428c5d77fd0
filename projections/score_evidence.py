"""The events behind a unit's score (记分依据): for the notification ids a score line names, what
happened, on which day, and to which record (item, notice, rectification task or inspection).

Read from the unit facts and the ledger read models, so a leader can follow each line of a
ranking to the records that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from projections.timeline import EVENT_LABELS

CHUNK = 500  # ids per query (keeps the IN list short on both stores)


@dataclass(frozen=True)
class Evidence:
    """One fact of one event: e.g. an urge of item 督〔2026〕3号 on 2026-03-02."""

    notification_id: int
    fact: str
    on: date
    event: str  # e.g. "SupervisedItem.Urged"
    what: str  # the event in Chinese, e.g. 催办
    entry_id: str
    entry_kind: str  # item | rectification | notice | inspection | "" (record not in the ledger)
    number: str
    title: str
    amount: float


class ScoreEvidence:
    def __init__(self, read_models) -> None:
        self.read_models = read_models

    def events(self, district: str, unit_id: str, notification_ids: Iterable[int]) -> list[Evidence]:
        """Every fact recorded for ``unit_id`` by the given events, in event order."""
        ids = sorted(set(int(n) for n in notification_ids))
        found: list[Evidence] = []
        with self.read_models.reading() as sql:
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start:start + CHUNK]
                marks = ", ".join("?" for _ in chunk)
                rows = sql.execute(
                    "SELECT f.notification_id, f.fact, f.on_date, f.event, f.entry_id, f.amount,"
                    " l.kind AS entry_kind, l.number AS entry_number, l.title AS entry_title,"
                    " i.number AS inspection_number"
                    " FROM rm_unit_facts f"
                    " LEFT JOIN rm_ledger l ON l.entry_id = f.entry_id"
                    " LEFT JOIN rm_inspections i ON i.inspection_id = f.entry_id"
                    f" WHERE f.district = ? AND f.unit_id = ? AND f.notification_id IN ({marks})",
                    (district, unit_id, *chunk)).rows()
                found.extend(self._evidence(r) for r in rows)
        found.sort(key=lambda e: (e.notification_id, e.fact))
        return found

    @staticmethod
    def _evidence(r: dict) -> Evidence:
        if r["inspection_number"]:
            kind, number, title = "inspection", r["inspection_number"], ""
        else:
            kind, number, title = r["entry_kind"] or "", r["entry_number"] or "", r["entry_title"] or ""
        return Evidence(
            notification_id=int(r["notification_id"]), fact=r["fact"], on=date.fromisoformat(r["on_date"]),
            event=r["event"], what=EVENT_LABELS.get(r["event"], r["event"]),
            entry_id=r["entry_id"], entry_kind=kind, number=number, title=title, amount=float(r["amount"]),
        )


__all__ = ["Evidence", "ScoreEvidence"]
