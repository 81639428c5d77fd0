"""Unit facts: what each event says for or against a unit, kept with the event that said it.

Runs after the ledger projector on each event of a batch, so it reads the entry's state (deadline,
lead unit, the day the completion being signed off was reported) from the same batch.  Each fact
is also added to the unit's totals for the month, quarter and year it falls in, which the ranking
reads.  A fact the daily watch records (a deadline or a monthly report missed) falls in by the day it
happened, not the day of the watch that recorded it; a fact withdrawn (a miss a loaded holiday
schedule disproved) leaves the facts and their totals.
"""

from __future__ import annotations

import json
from typing import Callable

from domain.inspection import inspection_number_label
from projections.batch import Batch
from projections.events import Recorded

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
Handler = Callable[[Batch, Recorded], None]


def _fact(batch: Batch, e: Recorded, fact: str, unit: str | None, district: str, amount: float = 1.0,
          on: str | None = None) -> None:
    if unit is not None:
        batch.fact(e.notification_id, fact, district, unit, on or e.data["on"], e.record, e.name, amount)


def _for_event_unit(fact: str, *, when_happened: bool = False) -> Handler:
    """The fact counts for the unit the event names; the district is the event's record's.
    ``when_happened``: a fact the watcher records counts on the day it happened (``happened_on``),
    which a later watch may record long after; one recorded before that field existed, on its ``on``."""
    def handle(batch: Batch, e: Recorded) -> None:
        row = batch.entry(e.record)
        _fact(batch, e, fact, e.data.get("unit"), e.data.get("district") or (row["district"] if row else ""),
              on=e.data.get("happened_on") if when_happened else None)
    return handle


def _withdrawn(fact: str) -> Handler:
    """A fact withdrawn (撤销): the deadline it was judged on proved wrong once the year's holiday
    schedule was loaded.  It no longer counts, in any period, nor in a score's explanation."""
    def handle(batch: Batch, e: Recorded) -> None:
        batch.withdraw_fact(e.record, fact)
    return handle


def _for_entry_unit(fact: str) -> Handler:
    """The fact counts for the entry's lead unit."""
    def handle(batch: Batch, e: Recorded) -> None:
        row = batch.entry(e.record)
        if row is not None:
            _fact(batch, e, fact, row["lead_unit"], row["district"])
    return handle


def _item_assigned(batch: Batch, e: Recorded) -> None:
    row = batch.entry(e.record)
    _fact(batch, e, "item_assigned", e.data["lead_unit"], row["district"] if row else "")


def _item_signed_off(batch: Batch, e: Recorded) -> None:
    """On time when the completion signed off was reported by the deadline: the first day of the
    last unbroken run of 待核验 (an urge meanwhile keeps it), or the sign-off day itself."""
    row = batch.entry(e.record)
    if row is None:
        return
    completed = row["completion_on"] or e.data["on"]
    on_time = row["deadline"] and completed <= row["deadline"]
    _fact(batch, e, "completed_on_time" if on_time else "completed_late", row["lead_unit"], row["district"])


def _rectification_signed_off(batch: Batch, e: Recorded) -> None:
    row = batch.entry(e.record)
    if row is not None:
        on_time = row["deadline"] and e.data["on"] <= row["deadline"]
        _fact(batch, e, "rectification_on_time" if on_time else "rectification_late", row["lead_unit"], row["district"])


def _inspection_created(batch: Batch, e: Recorded) -> None:
    d = e.data
    batch.sql.execute(
        "INSERT INTO rm_inspections (inspection_id, district, kind, number, sort_key, title, status, planned_month,"
        " organiser, targets, findings, conducted_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL)",
        (e.record, d["district"], d["kind"], inspection_number_label(d["year"], d["number"]),
         f"{d['year']:04d}-{d['number']:06d}", d["title"], d["status"], d["planned_month"], d.get("organiser"),
         json.dumps(d["target_units"])))


def _inspection_change(assignments: str, *values: str) -> Handler:
    """An inspection's list row after its status changes (审批, 实施, 结束) or a finding is recorded."""
    def handle(batch: Batch, e: Recorded) -> None:
        params = [e.data["on"] if v == "@on" else v for v in values]
        batch.sql.execute(f"UPDATE rm_inspections SET {assignments} WHERE inspection_id = ?", (*params, e.record))
    return handle


def _inspection_results(batch: Batch, e: Recorded) -> None:
    found = batch.sql.execute("SELECT district, kind FROM rm_inspections WHERE inspection_id = ?", (e.record,)).row()
    if found is None:
        return
    for result in e.data["results"]:
        if result["score"] is not None:
            _fact(batch, e, f"{found['kind']}_inspection_score", result["unit"], found["district"], result["score"])
        if result["problems"]:
            _fact(batch, e, "inspection_problems", result["unit"], found["district"], result["problems"])


class FactsProjector:
    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {
            "SupervisedItem.Assigned": _item_assigned,
            "SupervisedItem.SignedOff": _item_signed_off,
            "SupervisedItem.DeadlineMissed": _for_event_unit("deadline_missed", when_happened=True),
            "SupervisedItem.DeadlineMissWithdrawn": _withdrawn("deadline_missed"),
            "SupervisedItem.MonthlyReportMissed": _for_event_unit("report_missed", when_happened=True),
            "SupervisedItem.Urged": _for_event_unit("urged"),
            "SupervisedItem.Criticised": _for_event_unit("criticised"),
            "SupervisedItem.Interviewed": _for_event_unit("interviewed"),
            "SupervisedItem.Commended": _for_event_unit("commended"),
            "SupervisionNotice.Issued": _for_event_unit("notice_received"),
            "RectificationTask.SignedOff": _rectification_signed_off,
            "RectificationTask.VerificationFailed": _for_entry_unit("verification_failed"),
            "RectificationTask.Reopened": _for_entry_unit("reopened"),
            "RectificationTask.Urged": _for_event_unit("urged"),
            "RectificationTask.Criticised": _for_event_unit("criticised"),
            "RectificationTask.Interviewed": _for_event_unit("interviewed"),
            "Inspection.Created": _inspection_created,
            "Inspection.Approved": _inspection_change("status = ?", "planned"),
            "Inspection.Refused": _inspection_change("status = ?", "refused"),
            "Inspection.Conducted": _inspection_change("status = ?, conducted_on = ?", "conducted", "@on"),
            "Inspection.FindingRecorded": _inspection_change("findings = findings + 1"),
            "Inspection.Closed": _inspection_change("status = ?", "closed"),
            "Inspection.ResultsRecorded": _inspection_results,
        }

    def prefetch(self, batch: Batch, events) -> None:
        """The ledger projector has read every entry these events name."""

    def apply(self, batch: Batch, event: Recorded) -> None:
        handler = self.handlers.get(event.name)
        if handler is not None:
            handler(batch, event)
