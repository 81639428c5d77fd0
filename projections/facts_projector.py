"""Unit facts: what each event says for or against a unit, kept with the event that said it.

Runs after the ledger projector in the same transaction, so it can read the entry's state
(deadline, lead unit, when completion was reported) from the ledger tables.
"""

from __future__ import annotations

from typing import Any, Callable

from domain.inspection import inspection_number_label
from projections.database import Sql

FACT_LABELS = {
    "item_assigned": "交办事项（牵头）",
    "completed_on_time": "按期办结",
    "completed_late": "逾期办结",
    "deadline_missed": "逾期未办结",
    "open_overdue": "期末仍逾期未办结",
    "report_missed": "未按月报送进展",
    "urged": "被催办",
    "notice_received": "收到督办通知",
    "criticised": "被通报批评",
    "interviewed": "被约谈",
    "commended": "通报激励",
    "rectification_on_time": "整改按期销号",
    "rectification_late": "整改逾期销号",
    "verification_failed": "整改核验未通过",
    "reopened": "回头看重新打开",
    "special_inspection_score": "专项督查得分",
    "unannounced_inspection_score": "暗访督查得分",
    "inspection_problems": "督查发现问题",
}


class FactsProjector:
    def __init__(self) -> None:
        self.handlers: dict[str, Callable[[Sql, Any, int], None]] = {
            "SupervisedItem.Assigned": lambda sql, e, n: self._fact(sql, n, e, "item_assigned", e.lead_unit),
            "SupervisedItem.SignedOff": self._item_signed_off,
            "SupervisedItem.DeadlineMissed": self._for_event_unit("deadline_missed"),
            "SupervisedItem.MonthlyReportMissed": self._for_event_unit("report_missed"),
            "SupervisedItem.Urged": self._for_event_unit("urged"),
            "SupervisedItem.Criticised": self._for_event_unit("criticised"),
            "SupervisedItem.Interviewed": self._for_event_unit("interviewed"),
            "SupervisedItem.Commended": self._for_event_unit("commended"),
            "SupervisionNotice.Issued": self._for_event_unit("notice_received"),
            "RectificationTask.SignedOff": self._rectification_signed_off,
            "RectificationTask.VerificationFailed": self._for_entry_unit("verification_failed"),
            "RectificationTask.Reopened": self._for_entry_unit("reopened"),
            "RectificationTask.Urged": self._for_event_unit("urged"),
            "RectificationTask.Criticised": self._for_event_unit("criticised"),
            "RectificationTask.Interviewed": self._for_event_unit("interviewed"),
            "Inspection.Created": self._inspection_created,
            "Inspection.ResultsRecorded": self._inspection_results,
        }

    def apply(self, sql: Sql, event: Any, notification_id: int) -> None:
        handler = self.handlers.get(type(event).__qualname__)
        if handler is not None:
            handler(sql, event, notification_id)

    @staticmethod
    def _fact(sql: Sql, notification_id: int, event: Any, fact: str, unit: Any, amount: float = 1.0,
              district: str | None = None) -> None:
        if unit is None:
            return
        sql.execute(
            "INSERT INTO rm_unit_facts (notification_id, fact, district, unit_id, on_date, entry_id, event, amount)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (notification_id, fact, district or _district(sql, event), unit.hex if hasattr(unit, "hex") else unit,
             event.on.isoformat(), event.originator_id.hex, type(event).__qualname__, float(amount)),
        )

    def _for_event_unit(self, fact: str) -> Callable[[Sql, Any, int], None]:
        return lambda sql, e, n: self._fact(sql, n, e, fact, e.unit)

    def _for_entry_unit(self, fact: str) -> Callable[[Sql, Any, int], None]:
        def handle(sql: Sql, e: Any, n: int) -> None:
            row = _ledger_row(sql, e.originator_id.hex)
            if row is not None:
                self._fact(sql, n, e, fact, row["lead_unit"], district=row["district"])
        return handle

    def _item_signed_off(self, sql: Sql, e: Any, n: int) -> None:
        row = _ledger_row(sql, e.originator_id.hex)
        if row is None:
            return
        # the completion that was signed off: the first state of the last unbroken run of
        # "completion_reported" states before this sign-off (an urge meanwhile adds states)
        history = sql.execute("SELECT version, on_date, state FROM rm_ledger_history WHERE entry_id = ?"
                              " ORDER BY version DESC", (row["entry_id"],)).rows()
        completed = e.on.isoformat()
        for state in history[1:]:
            if '"status": "completion_reported"' not in state["state"]:
                break
            completed = state["on_date"]
        fact = "completed_on_time" if row["deadline"] and completed <= row["deadline"] else "completed_late"
        self._fact(sql, n, e, fact, row["lead_unit"], district=row["district"])

    def _rectification_signed_off(self, sql: Sql, e: Any, n: int) -> None:
        row = _ledger_row(sql, e.originator_id.hex)
        if row is not None:
            on_time = row["deadline"] and e.on.isoformat() <= row["deadline"]
            self._fact(sql, n, e, "rectification_on_time" if on_time else "rectification_late", row["lead_unit"],
                       district=row["district"])

    def _inspection_created(self, sql: Sql, e: Any, n: int) -> None:
        sql.execute("INSERT INTO rm_inspections (inspection_id, district, kind, number) VALUES (?, ?, ?, ?)",
                    (e.originator_id.hex, e.district, e.kind, inspection_number_label(e.year, e.number)))

    def _inspection_results(self, sql: Sql, e: Any, n: int) -> None:
        found = sql.execute("SELECT district, kind FROM rm_inspections WHERE inspection_id = ?",
                            (e.originator_id.hex,)).row()
        if found is None:
            return
        for result in e.results:
            if result["score"] is not None:
                self._fact(sql, n, e, f"{found['kind']}_inspection_score", result["unit"], result["score"],
                           district=found["district"])
            if result["problems"]:
                self._fact(sql, n, e, "inspection_problems", result["unit"], result["problems"],
                           district=found["district"])


def _ledger_row(sql: Sql, entry_id: str) -> dict[str, Any] | None:
    return sql.execute("SELECT entry_id, district, lead_unit, deadline FROM rm_ledger WHERE entry_id = ?",
                       (entry_id,)).row()


def _district(sql: Sql, event: Any) -> str:
    row = _ledger_row(sql, event.originator_id.hex)
    return row["district"] if row else ""
