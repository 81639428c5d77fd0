"""A unit's inbox (待办): what the unit has to do now or soon, each list one SQL question."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from projections.ledger import ALL_KINDS, LedgerQueries, LedgerRow
from projections.workdays import add_working_days, last_working_day_of_month


@dataclass(frozen=True)
class Inbox:
    to_sign_for: list[LedgerRow]  # 待签收
    reports_due: list[tuple[LedgerRow, date]]  # 本月进展待报送, with the day it is due
    reports_missed: list[LedgerRow]  # 未按月报送
    notices_to_answer: list[LedgerRow]  # 待回复的督办通知
    deadlines_near: list[LedgerRow]  # 时限临近（含已逾期）


class InboxQueries:
    def __init__(self, ledger: LedgerQueries, read_models, calendar=None) -> None:
        self.ledger = ledger
        self.read_models = read_models

    def inbox(self, district: str, unit_id: str, today: date, *, within_working_days: int = 5) -> Inbox:
        with self.read_models.reading() as sql:
            unsigned = [r["entry_id"] for r in sql.execute(
                "SELECT entry_id FROM rm_assignments WHERE district = ? AND unit_id = ? AND signed_on IS NULL",
                (district, unit_id)).rows()]
            horizon = add_working_days(sql, today, within_working_days)
            month_due = last_working_day_of_month(sql, today)
        rows = self.ledger.rows
        this_month = (today.year, today.month)
        lead_items = rows(district, today, kinds=("item",), open_only=True, lead_unit=unit_id, status="in_progress")
        near = rows(district, today, kinds=("item", "subtask", "rectification"), open_only=True, unit=unit_id,
                    due_by=horizon, sort="deadline")
        return Inbox(
            to_sign_for=[r for r in rows(district, today, kinds=ALL_KINDS, open_only=True, entry_ids=unsigned)
                         if r.status != "registered"],
            reports_due=[(r, month_due) for r in lead_items if month_due <= horizon
                         and (r.progress_on is None or (r.progress_on.year, r.progress_on.month) != this_month)],
            reports_missed=[r for r in lead_items if r.reports_missed],
            notices_to_answer=rows(district, today, kinds=("notice",), open_only=True, unit=unit_id,
                                   status=("issued", "acknowledged")),
            deadlines_near=[r for r in near if r.kind != "item" or r.lead_unit_id == unit_id],
        )
