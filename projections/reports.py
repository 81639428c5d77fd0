"""The office's reports (督查报告, 督查通报) as a list: ``rm_reports``, one row per document — its kind,
period, status (草稿, 已修改, 已印发), number once issued — kept from the ``ReportDocument`` events,
and the queries the office's and the district head's pages read (filtered by district, paged in
SQL, newest period first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from domain.report_document import ReportKind, ReportStatus
from projections.batch import Batch
from projections.events import Recorded

HEAD_KINDS = ("weekly", "half_year", "year_end")  # what is addressed to the district head


class ReportsProjector:
    def prefetch(self, batch: Batch, events: Iterable[Recorded]) -> None:
        """Nothing to read ahead: each event writes its own row."""

    def apply(self, batch: Batch, e: Recorded) -> None:
        if not e.name.startswith("ReportDocument."):
            return
        d = e.data
        if e.name == "ReportDocument.Drafted":
            batch.sql.execute(
                "INSERT INTO rm_reports (report_id, district, kind, period, period_last, status, drafted_on, edited_on,"
                " edits, number_label, issued_on, version) VALUES (?, ?, ?, ?, ?, 'draft', ?, NULL, 0, '', NULL, ?)",
                (e.record, d["district"], d["kind"], d["period"], d["period_last"], d["on"], e.version))
        elif e.name == "ReportDocument.Edited":
            batch.sql.execute("UPDATE rm_reports SET status = 'edited', edited_on = ?, edits = edits + 1, version = ?"
                              " WHERE report_id = ?", (d["on"], e.version, e.record))
        elif e.name == "ReportDocument.Issued":
            batch.sql.execute("UPDATE rm_reports SET status = 'issued', number_label = ?, issued_on = ?, version = ?"
                              " WHERE report_id = ?", (d["label"], d["on"], e.version, e.record))


@dataclass(frozen=True)
class ReportRow:
    report_id: str
    kind: ReportKind
    period: str
    period_last: date
    status: ReportStatus
    drafted_on: date
    edited_on: date | None
    number_label: str
    issued_on: date | None
    version: int

    @property
    def issued(self) -> bool:
        return self.status is ReportStatus.ISSUED


@dataclass(frozen=True)
class ReportPage:
    rows: list[ReportRow]
    total: int


class ReportQueries:
    def __init__(self, read_models) -> None:
        self.read_models = read_models

    def page(self, district: str, *, kinds: Iterable[str] | None = None, status: str | None = None,
             issued_only: bool = False, limit: int = 50, offset: int = 0) -> ReportPage:
        """The district's reports, newest period first (then by kind), with how many there are."""
        where, params = ["district = ?"], [district]
        if kinds is not None:
            kinds = list(kinds)
            where.append(f"kind IN ({', '.join('?' for _ in kinds)})" if kinds else "1 = 0")
            params += kinds
        if status is not None:
            where.append("status = ?")
            params.append(status)
        if issued_only:
            where.append("status = 'issued'")
        condition = " AND ".join(where)
        with self.read_models.reading() as sql:
            total = sql.execute(f"SELECT COUNT(*) AS n FROM rm_reports WHERE {condition}", params).row()["n"]
            found = sql.execute(f"SELECT * FROM rm_reports WHERE {condition} ORDER BY period_last DESC, kind"
                                " LIMIT ? OFFSET ?", [*params, limit, offset]).rows()
        return ReportPage([_row(r) for r in found], total)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _row(r: dict) -> ReportRow:
    return ReportRow(r["report_id"], ReportKind(r["kind"]), r["period"], date.fromisoformat(r["period_last"]),
                     ReportStatus(r["status"]), date.fromisoformat(r["drafted_on"]), _day(r["edited_on"]),
                     r["number_label"], _day(r["issued_on"]), int(r["version"]))


__all__ = ["HEAD_KINDS", "ReportPage", "ReportQueries", "ReportRow", "ReportsProjector"]
