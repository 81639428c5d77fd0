"""A unit's inbox (待办): what the unit has to do now or soon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.calendar import WorkingDayCalendar
from projections.ledger import LedgerQueries, LedgerRow


@dataclass(frozen=True)
class Inbox:
    to_sign_for: list[LedgerRow]  # 待签收
    reports_due: list[tuple[LedgerRow, date]]  # 本月进展待报送, with the day it is due
    reports_missed: list[LedgerRow]  # 未按月报送
    notices_to_answer: list[LedgerRow]  # 待回复的督办通知
    deadlines_near: list[LedgerRow]  # 时限临近（含已逾期）


def _last_working_day_of_month(calendar: WorkingDayCalendar, day: date) -> date:
    last = date(day.year + day.month // 12, day.month % 12 + 1, 1) - timedelta(days=1)
    while not calendar.is_workday(last):
        last -= timedelta(days=1)
    return last


class InboxQueries:
    def __init__(self, ledger: LedgerQueries, read_models, calendar: WorkingDayCalendar) -> None:
        self.ledger = ledger
        self.read_models = read_models
        self.calendar = calendar

    def inbox(self, district: str, unit_id: str, today: date, *, within_working_days: int = 5) -> Inbox:
        with self.read_models.transaction(commit=False) as sql:
            unsigned = {r["entry_id"] for r in sql.execute(
                "SELECT entry_id FROM rm_assignments WHERE district = ? AND unit_id = ? AND signed_on IS NULL",
                (district, unit_id)).rows()}
        rows = self.ledger.rows(district, today, open_only=True, unit=unit_id,
                                kinds=("item", "subtask", "rectification", "notice"))
        horizon = self.calendar.add_working_days(today, within_working_days).day
        month_due = _last_working_day_of_month(self.calendar, today)
        this_month = (today.year, today.month)
        lead_items = [r for r in rows if r.kind == "item" and r.lead_unit_id == unit_id and r.status == "in_progress"]
        return Inbox(
            to_sign_for=[r for r in rows if r.entry_id in unsigned and r.status != "registered"],
            reports_due=[(r, month_due) for r in lead_items if month_due <= horizon
                         and (r.progress_on is None or (r.progress_on.year, r.progress_on.month) != this_month)],
            reports_missed=[r for r in lead_items if r.reports_missed],
            notices_to_answer=[r for r in rows if r.kind == "notice" and r.status in ("issued", "acknowledged")],
            deadlines_near=sorted((r for r in rows if self._near(r, unit_id, horizon)), key=lambda r: r.deadline),
        )

    @staticmethod
    def _near(row: LedgerRow, unit_id: str, horizon: date) -> bool:
        """Still due by ``horizon`` (overdue ones included); an item counts for its lead unit."""
        if row.kind == "notice" or not row.is_still_due or row.deadline is None or row.deadline > horizon:
            return False
        return row.kind != "item" or row.lead_unit_id == unit_id
