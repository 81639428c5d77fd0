"""Ledger queries (台账查询) over the ledger read model, now or as of any past date.

One row per supervised item, sub-task, rectification task and notice, with the unit and the
leader in charge named, the current deadline, status, latest progress and working days overdue.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.calendar import WorkingDayCalendar
from domain.item import ItemStatus
from domain.notice import NoticeStatus
from domain.rectification import ProblemSource, RectificationStatus
from domain.sources import SourceKind

STILL_DUE = {
    "item": {"assigned", "in_progress", "cannot_implement_reported"},
    "subtask": {"in_progress"},
    "rectification": {"recorded", "rectifying"},
    "notice": {"issued", "acknowledged"},
}
KIND_LABELS = {"item": "督办事项", "subtask": "子任务", "rectification": "整改任务", "notice": "督办通知"}


def status_label(kind: str, status: str) -> str:
    if kind == "item":
        return ItemStatus(status).label
    if kind == "subtask":
        return "已完成" if status == "signed_off" else "办理中"
    if kind == "rectification":
        return RectificationStatus(status).label
    return NoticeStatus(status).label


def source_label(kind: str, source: str) -> str:
    if kind == "rectification":
        return ProblemSource(source).label
    try:
        return SourceKind(source).label
    except ValueError:
        return source


@dataclass(frozen=True)
class LedgerRow:
    entry_id: str
    kind: str  # item | subtask | rectification | notice
    number: str
    source: str
    reference: str
    title: str
    lead_unit: str
    co_units: str
    leader: str
    deadline: date | None
    deadline_estimated: bool
    status: str
    status_label: str
    progress: int
    progress_text: str
    progress_on: date | None
    working_days_overdue: int
    urges: int
    notices: int
    criticisms: int
    closed_on: date | None

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class LedgerQueries:
    """Reads the ledger read model; call ``ReadSide.catch_up()`` first for the latest events."""

    def __init__(self, read_models, calendar: WorkingDayCalendar) -> None:
        self.read_models = read_models
        self.calendar = calendar

    def rows(self, district: str, today: date, *, as_of: date | None = None, open_only: bool = False,
             kinds: tuple[str, ...] = ("item", "rectification")) -> list[LedgerRow]:
        """The ledger at the end of ``as_of`` (default: now), with overdue counted to ``today``
        (or to ``as_of`` when given)."""
        day = as_of or today
        with self.read_models.transaction(commit=False) as sql:
            if as_of is None:
                states = sql.execute("SELECT * FROM rm_ledger WHERE district = ?", (district,)).rows()
            else:
                states = [json.loads(r["state"]) for r in sql.execute(
                    "SELECT h.state FROM rm_ledger_history h JOIN ("
                    " SELECT entry_id, MAX(version) AS version FROM rm_ledger_history"
                    " WHERE district = ? AND on_date <= ? GROUP BY entry_id) latest"
                    " ON h.entry_id = latest.entry_id AND h.version = latest.version",
                    (district, as_of.isoformat())).rows()]
            units = {u["unit_id"]: u["name"] for u in sql.execute(
                "SELECT unit_id, name FROM rm_units WHERE district = ?", (district,)).rows()}
            leaders = {l["leader_id"]: l["label"] for l in sql.execute(
                "SELECT leader_id, label FROM rm_leaders WHERE district = ?", (district,)).rows()}
            placements = sql.execute(
                "SELECT unit_id, leader_id, effective, position FROM rm_portfolio WHERE district = ? AND effective <= ?"
                " ORDER BY effective, position", (district, day.isoformat())).rows()
        in_charge = {p["unit_id"]: p["leader_id"] for p in placements}  # the last placement per unit wins
        states.sort(key=lambda s: s["sort_key"])  # items by number, their sub-tasks after them, then the rest
        rows = [self._row(s, units, leaders, in_charge, day) for s in states if s["kind"] in kinds]
        return [r for r in rows if r.is_open] if open_only else rows

    def _row(self, s: dict[str, Any], units: dict, leaders: dict, in_charge: dict, day: date) -> LedgerRow:
        deadline = _day(s["deadline"])
        still_due = s["status"] in STILL_DUE[s["kind"]]
        overdue = 0
        if still_due and deadline and day > deadline:
            overdue = max(self.calendar.working_days_between(deadline, day), 1)
        lead = s["lead_unit"]
        return LedgerRow(
            entry_id=s["entry_id"], kind=s["kind"], number=s["number"], source=source_label(s["kind"], s["source"]),
            reference=s["reference"], title=s["title"], lead_unit=units.get(lead, "") if lead else "",
            co_units="、".join(units.get(u, "") for u in json.loads(s["co_units"])),
            leader=leaders.get(in_charge.get(lead), "") if lead else "", deadline=deadline,
            deadline_estimated=bool(s["deadline_estimated"]), status=s["status"],
            status_label=status_label(s["kind"], s["status"]), progress=s["progress"],
            progress_text=s["progress_text"] or "", progress_on=_day(s["progress_on"]), working_days_overdue=overdue,
            urges=s["urges"], notices=s["notices"], criticisms=s["criticisms"], closed_on=_day(s["closed_on"]),
        )


def status_counts(rows: list[LedgerRow]) -> Counter:
    return Counter((r.kind, r.status_label) for r in rows)
