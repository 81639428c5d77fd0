"""The ledger (台账) projector: events in, ledger entries and their history out.

Each event that changes an entry changes its row in the batch (``projections.batch``) and saves a
new state dated with the event's business day, so the ledger can be read as it stood at the end of
any past day.  Units, leaders and portfolios are kept alongside so rows can name them, and the
working-day calendar follows the holiday schedules the office loads.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable

from domain.due import DONE_PERCENT, roll_up
from domain.item import item_number_label
from domain.notice import notice_number_label
from domain.rectification import rectification_number_label
from projections.batch import Batch, new_entry
from projections.events import Recorded
from projections.workdays import apply_schedule

ENTRY_RECORDS = ("SupervisedItem.", "RectificationTask.", "SupervisionNotice.")
SUBTASK_EVENTS = frozenset({"SupervisedItem.Split", "SupervisedItem.ProgressReported",
                            "SupervisedItem.SubtaskCompleted"})
Change = Callable[[dict, dict, Batch], None]  # (row, event data, batch)


class LedgerProjector:
    """Applies the events that shape the ledger."""

    def __init__(self) -> None:
        self.handlers: dict[str, Callable[[Batch, Recorded], None]] = {
            "Unit.Registered": _unit_registered, "Unit.Renamed": _unit_renamed, "Unit.Retired": _unit_retired,
            "Leader.Registered": _leader_registered, "Leader.Left": _leader_left, "Roster.UnitPlaced": _unit_placed,
            "UserAccount.Registered": _account_registered, "UserAccount.Disabled": _account_disabled,
            "HolidaySchedule.Started": _schedule_started, "HolidaySchedule.DaysLoaded": _days_loaded,
            "SupervisedItem.Registered": _item_registered, "SupervisionNotice.Issued": _notice_issued,
            "RectificationTask.Recorded": _rectification_recorded,
        }
        for prefix, changes in (("SupervisedItem", ITEM_CHANGES), ("RectificationTask", RECTIFICATION_CHANGES),
                                ("SupervisionNotice", NOTICE_CHANGES)):
            for name, change in changes.items():
                self.handlers[f"{prefix}.{name}"] = _entry_change(change)

    def prefetch(self, batch: Batch, events: Iterable[Recorded]) -> None:
        """Read, in a few queries, every ledger row the batch's events will change."""
        entries, parents = [], []
        for e in events:
            if e.name.startswith(ENTRY_RECORDS):
                entries.append(e.record)
                if e.name == "SupervisionNotice.Issued":
                    entries.append(e.data["subject_id"])
                elif e.name in SUBTASK_EVENTS:
                    parents.append(e.record)
        batch.prefetch(entries, parents)

    def apply(self, batch: Batch, event: Recorded) -> None:
        handler = self.handlers.get(event.name)
        if handler is not None:
            handler(batch, event)


def _entry_change(change: Change) -> Callable[[Batch, Recorded], None]:
    def handle(batch: Batch, e: Recorded) -> None:
        row = batch.entry(e.record)
        if row is not None:
            change(row, e.data, batch)
            batch.save(row, e.data["on"])
    return handle


# -- organisation (rare: written as they come) ------------------------------------------------------
def _unit_registered(batch: Batch, e: Recorded) -> None:
    d = e.data
    batch.sql.execute("INSERT INTO rm_units (unit_id, district, code, name, kind, retired_on, short_name)"
                      " VALUES (?, ?, ?, ?, ?, NULL, ?)",
                      (e.record, d["district"], d["code"], d["name"], d["kind"], d.get("short_name") or ""))


def _unit_renamed(batch: Batch, e: Recorded) -> None:
    if e.data.get("short_name") is None:  # the 简称 kept
        batch.sql.execute("UPDATE rm_units SET name = ? WHERE unit_id = ?", (e.data["name"], e.record))
    else:
        batch.sql.execute("UPDATE rm_units SET name = ?, short_name = ? WHERE unit_id = ?",
                          (e.data["name"], e.data["short_name"], e.record))


def _unit_retired(batch: Batch, e: Recorded) -> None:
    batch.sql.execute("UPDATE rm_units SET retired_on = ? WHERE unit_id = ?", (e.data["on"], e.record))


def _leader_registered(batch: Batch, e: Recorded) -> None:
    d = e.data
    batch.sql.execute("INSERT INTO rm_leaders (leader_id, district, code, title, label, left_on, holder)"
                      " VALUES (?, ?, ?, ?, ?, NULL, ?)",
                      (e.record, d["district"], d["code"], d["title"], d["portfolio_label"], d.get("holder") or ""))


def _leader_left(batch: Batch, e: Recorded) -> None:
    batch.sql.execute("UPDATE rm_leaders SET left_on = ? WHERE leader_id = ?", (e.data["on"], e.record))


def _account_registered(batch: Batch, e: Recorded) -> None:
    d = e.data  # (the password's hash is in the event, never read here)
    batch.sql.execute("INSERT INTO rm_accounts (account_id, username, district, display_name, role, unit_id, leader_id,"
                      " disabled_on) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                      (e.record, d["username"], d["district"], d["display_name"], d["role"], d["unit"], d["leader"]))


def _account_disabled(batch: Batch, e: Recorded) -> None:
    batch.sql.execute("UPDATE rm_accounts SET disabled_on = ? WHERE account_id = ?", (e.data["on"], e.record))


def _unit_placed(batch: Batch, e: Recorded) -> None:
    d = e.data
    found = batch.sql.execute("SELECT district FROM rm_units WHERE unit_id = ?", (d["unit"],)).row()
    batch.sql.execute("INSERT INTO rm_portfolio (district, unit_id, leader_id, effective, position) VALUES (?, ?, ?, ?, ?)",
                      (found["district"] if found else "", d["unit"], d["leader"], d["effective"], e.version))


def _schedule_started(batch: Batch, e: Recorded) -> None:
    batch.sql.execute("INSERT INTO rm_calendar_years (schedule_id, year) VALUES (?, ?)", (e.record, e.data["year"]))


def _days_loaded(batch: Batch, e: Recorded) -> None:
    found = batch.sql.execute("SELECT year FROM rm_calendar_years WHERE schedule_id = ?", (e.record,)).row()
    if found is not None:
        apply_schedule(batch.sql, found["year"], e.data["holidays"], e.data["workdays"])


# -- entries ----------------------------------------------------------------------------------------
def _item_registered(batch: Batch, e: Recorded) -> None:
    d = e.data
    batch.save(new_entry(
        entry_id=e.record, district=d["district"], kind="item", number=item_number_label(d["year"], d["number"]),
        sort_key=f"1-{d['year']:04d}-{d['number']:06d}", source=d["source"], reference=d["reference"],
        title=d["title"], deadline=d["deadline"], deadline_estimated=int(d["deadline_estimated"]),
        status="registered", opened_on=d["on"], decision_date=d["decision_date"], description=d["description"],
    ), d["on"])


def _rectification_recorded(batch: Batch, e: Recorded) -> None:
    d = e.data
    batch.save(new_entry(
        entry_id=e.record, district=d["district"], kind="rectification",
        number=rectification_number_label(d["year"], d["number"]), sort_key=f"3-{d['year']:04d}-{d['number']:06d}",
        source=d["source"], reference=d["source_ref"], title=d["problem"], lead_unit=d["unit"],
        deadline=d["deadline"], status="recorded", opened_on=d["on"], severity=d["severity"],
    ), d["on"])


def _notice_issued(batch: Batch, e: Recorded) -> None:
    d = e.data
    subject = batch.entry(d["subject_id"])
    batch.save(new_entry(
        entry_id=e.record, district=d["district"], kind="notice", parent_id=d["subject_id"],
        number=notice_number_label(d["year"], d["number"]), sort_key=f"4-{d['year']:04d}-{d['number']:06d}",
        source=subject["source"] if subject else "", reference=subject["number"] if subject else "",
        title=d["title"], lead_unit=d["unit"], deadline=d["reply_deadline"],
        deadline_estimated=int(d["reply_deadline_estimated"]), status="issued", opened_on=d["on"],
        subject_kind=d["subject_kind"],
        tasks=json.dumps([{"key": t["key"], "deadline": t["deadline"], "state": "open", "reply_on": None}
                          for t in d["tasks"]]),
    ), d["on"])
    if subject is not None:
        subject["notices"] += 1
        batch.save(subject, d["on"])


# -- how each event changes an entry ------------------------------------------------------------
def _count(column: str) -> Change:
    def change(row: dict, d: dict, batch: Batch) -> None:
        row[column] += 1
    return change


def _item_assigned(row: dict, d: dict, batch: Batch) -> None:
    row.update(lead_unit=d["lead_unit"], co_units=json.dumps(d["co_units"]), status="assigned")
    for unit, role in [(d["lead_unit"], "lead"), *((u, "co") for u in d["co_units"])]:
        batch.assign(row["entry_id"], unit, row["district"], role, d["on"])


def _item_signed_for(row: dict, d: dict, batch: Batch) -> None:
    batch.sign(row["entry_id"], d["unit"], d["on"])
    if d["unit"] == row["lead_unit"] and row["status"] == "assigned":
        row["status"] = "in_progress"


def _item_split(row: dict, d: dict, batch: Batch) -> None:
    for sub in d["subtasks"]:
        batch.save(new_entry(
            entry_id=f"{row['entry_id']}:{sub['key']}", district=row["district"], kind="subtask",
            parent_id=row["entry_id"], number=f"{row['number']}-{sub['key']}", sort_key=f"{row['sort_key']}-{sub['key']}",
            source=row["source"], reference=row["reference"], title=sub["title"], lead_unit=sub["unit"],
            deadline=sub["deadline"], status="in_progress", opened_on=d["on"], decision_date=row["decision_date"],
        ), d["on"])


def _roll_up(row: dict, batch: Batch) -> None:
    subs = batch.subtasks(row["entry_id"])
    if subs:
        row["progress"] = roll_up(s["progress"] for s in subs)


def _subtask_progress(batch: Batch, entry_id: str, percent: int, text: str, on: str, done: bool) -> None:
    sub = batch.entry(entry_id)
    if sub is not None:
        sub.update(progress=percent, progress_text=text, progress_on=on)
        if done:
            sub.update(status="signed_off", closed_on=on)
        batch.save(sub, on)


def _item_progress(row: dict, d: dict, batch: Batch) -> None:
    if d["subtask"] is not None:
        _subtask_progress(batch, f"{row['entry_id']}:{d['subtask']}", d["percent"], d["text"], d["on"], done=False)
        _roll_up(row, batch)
        row.update(progress_text=d["text"], progress_on=d["on"])
    elif d["unit"] == row["lead_unit"]:
        row.update(progress=d["percent"], progress_text=d["text"], progress_on=d["on"])
        _roll_up(row, batch)


def _subtask_completed(row: dict, d: dict, batch: Batch) -> None:
    _subtask_progress(batch, f"{row['entry_id']}:{d['subtask']}", 100, d["summary"], d["on"], done=True)
    _roll_up(row, batch)


def _extension_requested(row: dict, d: dict, batch: Batch) -> None:
    row.update(extension_to=d["new_deadline"], extension_on=d["on"], extension_reasons=d["reasons"])


def _extension_granted(row: dict, d: dict, batch: Batch) -> None:
    row.update(deadline=d["new_deadline"], deadline_estimated=0, extension_to=None, extension_on=None,
               extension_reasons=None)


def _deadline_settled(row: dict, d: dict, batch: Batch) -> None:
    """An estimated deadline counted again on the loaded schedule (时限复核): confirmed (the same day)
    or corrected (``new_deadline``); either way estimated no more, unless another year it counts
    still has no data."""
    if d["new_deadline"] is not None:
        row["deadline"] = d["new_deadline"]
    row["deadline_estimated"] = int(bool(d["estimated"]))


def _miss_withdrawn(row: dict, d: dict, batch: Batch) -> None:
    row["deadlines_missed"] -= 1


def _satisfaction(row: dict, d: dict, batch: Batch) -> None:
    if d["satisfaction"] == "unsatisfied":
        row["status"] = "in_progress"


def _sent_back(row: dict, d: dict, batch: Batch) -> None:
    row["status"] = "in_progress"
    row["times_sent_back"] += 1


def _closed(status: str) -> Change:
    def change(row: dict, d: dict, batch: Batch) -> None:
        row.update(status=status, closed_on=d["on"])
    return change


def _item_signed_off(row: dict, d: dict, batch: Batch) -> None:
    """办结销号: closed and done, so its progress is ``DONE_PERCENT`` (as ``SupervisedItem.progress_percent``);
    the state it replaces, in the history, keeps the last reported figure."""
    row.update(status="signed_off", closed_on=d["on"], progress=DONE_PERCENT)


def _reopened(row: dict, d: dict, batch: Batch) -> None:
    row.update(status="rectifying", closed_on=None, deadline=d["new_deadline"])


def _referral_proposed(row: dict, d: dict, batch: Batch) -> None:
    row.update(referral="proposed", referral_on=d["on"], referral_reasons=d["reasons"])


def _referral(state: str) -> Change:
    def change(row: dict, d: dict, batch: Batch) -> None:
        row["referral"] = state
    return change


def _urged(row: dict, d: dict, batch: Batch) -> None:
    row["urges"] += 1
    row["last_urged_on"] = d["on"]


def _set(**values: Any) -> Change:
    def change(row: dict, d: dict, batch: Batch) -> None:
        row.update(values)
    return change


def _verification_failed(row: dict, d: dict, batch: Batch) -> None:
    row["status"] = "rectifying"
    row["times_sent_back"] += 1


def _progress(row: dict, d: dict, batch: Batch) -> None:
    row.update(progress=d["percent"], progress_text=d["text"], progress_on=d["on"])


LADDER_CHANGES: dict[str, Change] = {
    "Urged": _urged, "Criticised": _count("criticisms"), "Interviewed": _count("interviews"),
    "ReferralProposed": _referral_proposed, "ReferralApproved": _referral("approved"),
    "ReferralDeclined": _referral("declined"),
}
ITEM_CHANGES: dict[str, Change] = {
    "Assigned": _item_assigned, "Split": _item_split, "SignedFor": _item_signed_for,
    "ProgressReported": _item_progress, "SubtaskCompleted": _subtask_completed,
    "ExtensionRequested": _extension_requested, "ExtensionGranted": _extension_granted,
    "ExtensionRefused": _set(extension_to=None, extension_on=None, extension_reasons=None),
    "CannotImplementReported": _set(status="cannot_implement_reported"),
    "CannotImplementAccepted": _closed("terminated"), "CannotImplementRejected": _set(status="in_progress"),
    "SatisfactionRecorded": _satisfaction, "CompletionReported": _set(status="completion_reported"),
    "SignedOff": _item_signed_off, "SentBack": _sent_back, "Commended": _count("commendations"),
    "DeadlineMissed": _count("deadlines_missed"), "MonthlyReportMissed": _count("reports_missed"),
    "DeadlineConfirmed": _deadline_settled, "DeadlineCorrected": _deadline_settled,
    "DeadlineMissWithdrawn": _miss_withdrawn,
    **LADDER_CHANGES,
}
RECTIFICATION_CHANGES: dict[str, Change] = {
    "PlanSubmitted": _set(status="rectifying"), "ProgressReported": _progress,
    "RectificationReported": _set(status="reported"), "VerificationPassed": _set(status="verified"),
    "VerificationFailed": _verification_failed,
    "SignedOff": _closed("signed_off"), "Reopened": _reopened, "DeadlineMissed": _count("deadlines_missed"),
    **LADDER_CHANGES,
}
def _task_state(state: str) -> Change:
    """A notice task's reply: replied (with its day), accepted, sent back."""
    def change(row: dict, d: dict, batch: Batch) -> None:
        tasks = json.loads(row["tasks"])
        for task in tasks:
            if task["key"] == d["task"]:
                task["state"] = state
                if state == "replied":
                    task["reply_on"] = d["on"]
        row["tasks"] = json.dumps(tasks)
    return change


NOTICE_CHANGES: dict[str, Change] = {
    "Acknowledged": _set(status="acknowledged"), "Closed": _closed("closed"),
    "Replied": _task_state("replied"), "ReplyAccepted": _task_state("accepted"),
    "ReplyRejected": _task_state("rejected"),
    "ReplyOverdue": _count("deadlines_missed"), "TaskOverdue": _count("deadlines_missed"),
    "ReplyDeadlineConfirmed": _deadline_settled, "ReplyDeadlineCorrected": _deadline_settled,
    "ReplyOverdueWithdrawn": _miss_withdrawn,
}
