"""The ledger (台账) as rows, computed from the current state of the aggregates.

A first, direct read model for the terminal: one row per supervised item and rectification
task with status, deadline and working days overdue.  Stored, rebuildable read models with
filters and as-of dates replace its internals later; its rows stay the contract.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Protocol
from uuid import UUID

from domain.calendar import WorkingDayCalendar
from domain.item import SupervisedItem
from domain.leadership import Leader, Roster
from domain.notice import SupervisionNotice
from domain.organisation import Unit
from domain.rectification import RectificationStatus, RectificationTask


class Source(Protocol):
    """What the ledger reads: the application's lookups."""

    def units(self, district: str) -> list[Unit]: ...
    def leaders(self, district: str) -> list[Leader]: ...
    def roster(self, district: str) -> Roster: ...
    def items(self, district: str) -> list[SupervisedItem]: ...
    def notices(self, district: str) -> list[SupervisionNotice]: ...
    def rectifications(self, district: str) -> list[RectificationTask]: ...
    def calendar(self) -> WorkingDayCalendar: ...


@dataclass(frozen=True)
class LedgerRow:
    kind: str  # item | rectification
    number: str
    source: str
    title: str
    lead_unit: str
    co_units: str
    leader: str
    deadline: date | None
    deadline_estimated: bool
    status: str
    status_label: str
    progress: int
    working_days_overdue: int
    urges: int
    notices: int
    criticisms: int
    closed_on: date | None

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


def ledger(source: Source, district: str, today: date) -> list[LedgerRow]:
    units = {u.id: u.name for u in source.units(district)}
    leaders = {l.id: l.portfolio_label for l in source.leaders(district)}
    roster = source.roster(district)
    calendar = source.calendar()
    notices = Counter(n.subject_id for n in source.notices(district))

    def leader_of(unit: UUID | None) -> str:
        leader = roster.leader_in_charge(unit, today) if unit else None
        return leaders.get(leader, "") if leader else ""

    def overdue(deadline: date | None, still_due: bool) -> int:
        if not still_due or deadline is None or today <= deadline:
            return 0
        return max(calendar.working_days_between(deadline, today), 1)

    rows = []
    for item in source.items(district):
        rows.append(LedgerRow(
            kind="item", number=item.number_label, source=item.source.label, title=item.title,
            lead_unit=units.get(item.lead_unit, "") if item.lead_unit else "",
            co_units="、".join(units.get(u, "") for u in item.co_units), leader=leader_of(item.lead_unit),
            deadline=item.deadline, deadline_estimated=item.deadline_estimated, status=item.status.value,
            status_label=item.status.label, progress=item.progress_percent,
            working_days_overdue=overdue(item.deadline, item.overdue_on(today)),
            urges=item.urges, notices=notices[item.id], criticisms=item.criticisms, closed_on=item.closed_on,
        ))
    for task in source.rectifications(district):
        still_due = task.status in (RectificationStatus.RECORDED, RectificationStatus.RECTIFYING)
        rows.append(LedgerRow(
            kind="rectification", number=task.number_label, source=task.source.label, title=task.problem,
            lead_unit=units.get(task.unit, ""), co_units="", leader=leader_of(task.unit), deadline=task.deadline,
            deadline_estimated=False, status=task.status.value, status_label=task.status.label,
            progress=task.reports[-1]["percent"] if task.reports else 0,
            working_days_overdue=overdue(task.deadline, still_due), urges=0, notices=notices[task.id],
            criticisms=0, closed_on=task.signed_off_on,
        ))
    return rows


def status_counts(rows: list[LedgerRow]) -> Counter:
    return Counter((r.kind, r.status_label) for r in rows)
