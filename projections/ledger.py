"""Ledger queries (台账查询) over the ledger read model, now or as of any past date.

One row per supervised item, sub-task, rectification task and notice, with the unit and the
leader in charge named, the current deadline, status, latest progress and working days overdue.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

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
ALL_KINDS = ("item", "subtask", "rectification", "notice")
SORTS = ("number", "deadline", "overdue", "unit")  # overdue: most working days overdue first


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
    # ids and counters the filters and the warnings need (defaults keep older constructors working)
    lead_unit_id: str | None = None
    co_unit_ids: tuple[str, ...] = ()
    leader_id: str | None = None  # the lead unit's leader in charge on the query day
    source_kind: str = ""  # the stored source value (``source`` is its label)
    opened_on: date | None = None
    times_sent_back: int = 0
    reports_missed: int = 0
    deadlines_missed: int = 0
    # registration facts (决策日期, 事项内容) an exported ledger carries so it can be imported again
    decision_date: date | None = None
    description: str = ""

    @property
    def is_still_due(self) -> bool:
        """Open and waiting on the unit (not on the office): the deadline is running."""
        return self.status in STILL_DUE[self.kind]

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


def past_deadline(kind: str, status: str, deadline: date | None, day: date) -> bool:
    """Still due (waiting on the unit) and its deadline passed before ``day``: overdue (逾期)."""
    return status in STILL_DUE[kind] and deadline is not None and day > deadline


def states_as_of(sql, district: str, day: date) -> list[dict[str, Any]]:
    """Every ledger entry of the district as it stood at the end of ``day``: its newest state recorded
    on or before that day (rm_ledger_history), one dict per entry in the rm_ledger row's shape."""
    return [json.loads(r["state"]) for r in sql.execute(
        "SELECT h.state FROM rm_ledger_history h JOIN ("
        " SELECT entry_id, MAX(version) AS version FROM rm_ledger_history"
        " WHERE district = ? AND on_date <= ? GROUP BY entry_id) latest"
        " ON h.entry_id = latest.entry_id AND h.version = latest.version", (district, day.isoformat())).rows()]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _key(value: str | UUID | None) -> str | None:
    """An id as the read model stores it (UUID hex)."""
    if value is None:
        return None
    return value.hex if isinstance(value, UUID) else UUID(str(value)).hex


def _values(value: str | Iterable[str] | None) -> frozenset[str] | None:
    """One value or several (enum members allowed) as a set of stored strings."""
    if value is None:
        return None
    return frozenset([str(value)] if isinstance(value, str) else (str(v) for v in value))


class LedgerQueries:
    """Reads the ledger read model; call ``ReadSide.catch_up()`` first for the latest events."""

    def __init__(self, read_models, calendar: WorkingDayCalendar) -> None:
        self.read_models = read_models
        self.calendar = calendar

    def rows(self, district: str, today: date, *, as_of: date | None = None, open_only: bool = False,
             kinds: tuple[str, ...] = ("item", "rectification"), unit: str | UUID | None = None,
             leader: str | UUID | None = None, status: str | Iterable[str] | None = None,
             source: str | Iterable[str] | None = None, opened_from: date | None = None,
             opened_to: date | None = None, overdue_only: bool = False, closed_only: bool = False,
             sort: str = "number") -> list[LedgerRow]:
        """The ledger at the end of ``as_of`` (default: now), with overdue counted to ``today``
        (or to ``as_of`` when given).

        Filters (all optional, combined with AND):
        ``unit`` — the lead unit, a co-unit, or (for a sub-task row) the sub-task's unit;
        ``leader`` — the leader in charge of the lead unit on the query day (``as_of`` or ``today``);
        ``status`` — one status value or several; ``source`` — one source value or several
        (``SourceKind`` for items, sub-tasks and notices about items, ``ProblemSource`` for
        rectification tasks); ``opened_from``/``opened_to`` — opened within the period, both ends
        included; ``overdue_only``; ``open_only`` (the open ledger) or ``closed_only`` (the closed
        ledger: signed off, terminated, closed).  ``sort``: number (default), deadline (earliest
        first, none last), overdue (most working days overdue first) or unit (lead unit name).
        """
        if open_only and closed_only:
            raise ValueError("open_only and closed_only exclude each other")
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
        day = as_of or today
        with self.read_models.transaction(commit=False) as sql:
            if as_of is None:
                states = sql.execute("SELECT * FROM rm_ledger WHERE district = ?", (district,)).rows()
            else:
                states = states_as_of(sql, district, as_of)
            units = {u["unit_id"]: u["name"] for u in sql.execute(
                "SELECT unit_id, name FROM rm_units WHERE district = ?", (district,)).rows()}
            leaders = {l["leader_id"]: l["label"] for l in sql.execute(
                "SELECT leader_id, label FROM rm_leaders WHERE district = ?", (district,)).rows()}
            placements = sql.execute(
                "SELECT unit_id, leader_id, effective, position FROM rm_portfolio WHERE district = ? AND effective <= ?"
                " ORDER BY effective, position", (district, day.isoformat())).rows()
        in_charge = {p["unit_id"]: p["leader_id"] for p in placements}  # the last placement per unit wins
        states.sort(key=lambda s: s["sort_key"])  # items by number, their sub-tasks after them, then the rest
        keep = self._filter(open_only=open_only, closed_only=closed_only, unit=unit, leader=leader, status=status,
                            source=source, opened_from=opened_from, opened_to=opened_to, overdue_only=overdue_only)
        rows = [r for r in (self._row(s, units, leaders, in_charge, day) for s in states if s["kind"] in kinds)
                if keep(r)]
        if sort == "deadline":
            rows.sort(key=lambda r: (r.deadline is None, r.deadline or date.max))
        elif sort == "overdue":
            rows.sort(key=lambda r: -r.working_days_overdue)
        elif sort == "unit":
            rows.sort(key=lambda r: (not r.lead_unit, r.lead_unit))
        return rows  # every sort is stable, so ties keep the number order

    def counts(self, district: str, today: date, **filters: Any) -> Counter:
        """How many entries per status label (e.g. 办理中, 已销号) for the same arguments as :meth:`rows`.
        Kinds sharing a label (督办事项 and 整改任务 both have 待核验) are counted together."""
        filters.pop("sort", None)
        return Counter(r.status_label for r in self.rows(district, today, **filters))

    @staticmethod
    def _filter(*, open_only: bool, closed_only: bool, unit, leader, status, source, opened_from: date | None,
                opened_to: date | None, overdue_only: bool) -> Callable[[LedgerRow], bool]:
        unit_id, leader_id = _key(unit), _key(leader)
        statuses, sources = _values(status), _values(source)

        def keep(r: LedgerRow) -> bool:
            return ((not open_only or r.is_open) and (not closed_only or not r.is_open)
                    and (unit_id is None or r.lead_unit_id == unit_id or unit_id in r.co_unit_ids)
                    and (leader_id is None or r.leader_id == leader_id)
                    and (statuses is None or r.status in statuses)
                    and (sources is None or r.source_kind in sources)
                    and (opened_from is None or (r.opened_on is not None and r.opened_on >= opened_from))
                    and (opened_to is None or (r.opened_on is not None and r.opened_on <= opened_to))
                    and (not overdue_only or r.working_days_overdue > 0))
        return keep

    def _row(self, s: dict[str, Any], units: dict, leaders: dict, in_charge: dict, day: date) -> LedgerRow:
        deadline = _day(s["deadline"])
        overdue = 0
        if past_deadline(s["kind"], s["status"], deadline, day):
            overdue = max(self.calendar.working_days_between(deadline, day), 1)
        lead = s["lead_unit"]
        co_units = tuple(json.loads(s["co_units"]))
        leader = in_charge.get(lead) if lead else None
        return LedgerRow(
            entry_id=s["entry_id"], kind=s["kind"], number=s["number"], source=source_label(s["kind"], s["source"]),
            reference=s["reference"], title=s["title"], lead_unit=units.get(lead, "") if lead else "",
            co_units="、".join(units.get(u, "") for u in co_units),
            leader=leaders.get(leader, "") if leader else "", deadline=deadline,
            deadline_estimated=bool(s["deadline_estimated"]), status=s["status"],
            status_label=status_label(s["kind"], s["status"]), progress=s["progress"],
            progress_text=s["progress_text"] or "", progress_on=_day(s["progress_on"]), working_days_overdue=overdue,
            urges=s["urges"], notices=s["notices"], criticisms=s["criticisms"], closed_on=_day(s["closed_on"]),
            lead_unit_id=lead, co_unit_ids=co_units, leader_id=leader, source_kind=s["source"],
            opened_on=_day(s["opened_on"]), times_sent_back=s["times_sent_back"], reports_missed=s["reports_missed"],
            deadlines_missed=s["deadlines_missed"],
            # .get: states in rm_ledger_history written before migration 0005 lack these keys
            decision_date=_day(s.get("decision_date")), description=s.get("description") or "",
        )


def status_counts(rows: list[LedgerRow]) -> Counter:
    return Counter((r.kind, r.status_label) for r in rows)
