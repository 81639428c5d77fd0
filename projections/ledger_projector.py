"""The ledger (台账) projector: events in, ledger rows and their history out.

Each event that changes an entry writes the entry's new state to ``rm_ledger`` and appends it
to ``rm_ledger_history`` with the event's business date, so the ledger can be read as it
stood at the end of any past day.  Units, leaders and portfolios are kept alongside so rows
can name them.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Callable
from uuid import UUID

from domain.item import item_number_label
from domain.notice import notice_number_label
from domain.rectification import rectification_number_label
from projections.database import Sql

COLUMNS = (
    "entry_id", "district", "kind", "parent_id", "number", "sort_key", "source", "reference", "title", "lead_unit",
    "co_units", "deadline", "deadline_estimated", "status", "progress", "progress_text", "progress_on", "urges",
    "notices", "criticisms", "interviews", "commendations", "times_sent_back", "deadlines_missed", "reports_missed",
    "referral", "opened_on", "closed_on", "last_on", "version", "decision_date", "description",
)  # in the table's column order (0005 appended the last two), so every state's JSON has one key order
_UPSERT = (
    f"INSERT INTO rm_ledger ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)}) "
    f"ON CONFLICT (entry_id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[1:])
)


def _id(value: UUID | str | None) -> str | None:
    return value.hex if isinstance(value, UUID) else value


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def new_entry(**fields: Any) -> dict[str, Any]:
    row = dict.fromkeys(COLUMNS)
    row.update(co_units="[]", deadline_estimated=0, progress=0, urges=0, notices=0, criticisms=0, interviews=0,
               commendations=0, times_sent_back=0, deadlines_missed=0, reports_missed=0, version=0)
    row.update(fields)
    return row


class LedgerProjector:
    """Applies the events that shape the ledger."""

    def __init__(self) -> None:
        self.handlers: dict[str, Callable[[Sql, Any], None]] = {
            "Unit.Registered": self._unit_registered, "Unit.Renamed": self._unit_renamed,
            "Unit.Retired": self._unit_retired, "Leader.Registered": self._leader_registered,
            "Leader.Left": self._leader_left, "Roster.UnitPlaced": self._unit_placed,
            "SupervisedItem.Registered": self._item_registered,
            "SupervisionNotice.Issued": self._notice_issued,
            "RectificationTask.Recorded": self._rectification_recorded,
        }
        for name, change in ITEM_CHANGES.items():
            self.handlers[f"SupervisedItem.{name}"] = self._entry_change(change)
        for name, change in RECTIFICATION_CHANGES.items():
            self.handlers[f"RectificationTask.{name}"] = self._entry_change(change)
        for name, change in NOTICE_CHANGES.items():
            self.handlers[f"SupervisionNotice.{name}"] = self._entry_change(change)

    def apply(self, sql: Sql, event: Any, notification_id: int) -> None:
        handler = self.handlers.get(type(event).__qualname__)
        if handler is not None:
            handler(sql, event)

    # -- rows -------------------------------------------------------------------------------
    @staticmethod
    def load(sql: Sql, entry_id: str) -> dict[str, Any] | None:
        return sql.execute("SELECT * FROM rm_ledger WHERE entry_id = ?", (entry_id,)).row()

    @staticmethod
    def save(sql: Sql, row: dict[str, Any], on: date) -> None:
        row["version"] += 1
        row["last_on"] = on.isoformat()
        sql.execute(_UPSERT, [row[c] for c in COLUMNS])
        sql.execute(
            "INSERT INTO rm_ledger_history (entry_id, version, district, on_date, state) VALUES (?, ?, ?, ?, ?)",
            (row["entry_id"], row["version"], row["district"], row["last_on"], json.dumps(row, ensure_ascii=False)),
        )

    def _entry_change(self, change: Callable[[dict, Any, Sql], None]) -> Callable[[Sql, Any], None]:
        def handle(sql: Sql, event: Any) -> None:
            row = self.load(sql, event.originator_id.hex)
            if row is not None:
                change(row, event, sql)
                self.save(sql, row, event.on)
        return handle

    # -- organisation ---------------------------------------------------------------------------
    def _unit_registered(self, sql: Sql, e: Any) -> None:
        sql.execute("INSERT INTO rm_units (unit_id, district, code, name, kind, retired_on) VALUES (?, ?, ?, ?, ?, NULL)",
                    (e.originator_id.hex, e.district, e.code, e.name, e.kind))

    def _unit_renamed(self, sql: Sql, e: Any) -> None:
        sql.execute("UPDATE rm_units SET name = ? WHERE unit_id = ?", (e.name, e.originator_id.hex))

    def _unit_retired(self, sql: Sql, e: Any) -> None:
        sql.execute("UPDATE rm_units SET retired_on = ? WHERE unit_id = ?", (_day(e.on), e.originator_id.hex))

    def _leader_registered(self, sql: Sql, e: Any) -> None:
        sql.execute("INSERT INTO rm_leaders (leader_id, district, code, title, label, left_on) VALUES (?, ?, ?, ?, ?, NULL)",
                    (e.originator_id.hex, e.district, e.code, e.title, e.portfolio_label))

    def _leader_left(self, sql: Sql, e: Any) -> None:
        sql.execute("UPDATE rm_leaders SET left_on = ? WHERE leader_id = ?", (_day(e.on), e.originator_id.hex))

    def _unit_placed(self, sql: Sql, e: Any) -> None:
        district = sql.execute("SELECT district FROM rm_units WHERE unit_id = ?", (e.unit.hex,)).row()
        sql.execute("INSERT INTO rm_portfolio (district, unit_id, leader_id, effective, position) VALUES (?, ?, ?, ?, ?)",
                    (district["district"] if district else "", e.unit.hex, e.leader.hex, _day(e.effective),
                     e.originator_version))

    # -- entries --------------------------------------------------------------------------------
    def _item_registered(self, sql: Sql, e: Any) -> None:
        self.save(sql, new_entry(
            entry_id=e.originator_id.hex, district=e.district, kind="item", number=item_number_label(e.year, e.number),
            sort_key=f"1-{e.year:04d}-{e.number:06d}", source=e.source, reference=e.reference, title=e.title,
            deadline=_day(e.deadline), deadline_estimated=int(e.deadline_estimated), status="registered",
            opened_on=_day(e.on), decision_date=_day(e.decision_date), description=e.description,
        ), e.on)

    def _rectification_recorded(self, sql: Sql, e: Any) -> None:
        self.save(sql, new_entry(
            entry_id=e.originator_id.hex, district=e.district, kind="rectification",
            number=rectification_number_label(e.year, e.number), sort_key=f"3-{e.year:04d}-{e.number:06d}",
            source=e.source, reference=e.source_ref, title=e.problem, lead_unit=_id(e.unit), deadline=_day(e.deadline),
            status="recorded", opened_on=_day(e.on),
        ), e.on)

    def _notice_issued(self, sql: Sql, e: Any) -> None:
        subject = self.load(sql, e.subject_id.hex)
        self.save(sql, new_entry(
            entry_id=e.originator_id.hex, district=e.district, kind="notice", parent_id=e.subject_id.hex,
            number=notice_number_label(e.year, e.number), sort_key=f"4-{e.year:04d}-{e.number:06d}",
            source=subject["source"] if subject else "", reference=subject["number"] if subject else "",
            title=e.title, lead_unit=_id(e.unit), deadline=_day(e.reply_deadline),
            deadline_estimated=int(e.reply_deadline_estimated), status="issued", opened_on=_day(e.on),
        ), e.on)
        if subject is not None:
            subject["notices"] += 1
            self.save(sql, subject, e.on)


# -- how each event changes an entry ------------------------------------------------------------
def _count(column: str) -> Callable[[dict, Any, Sql], None]:
    def change(row: dict, e: Any, sql: Sql) -> None:
        row[column] += 1
    return change


def _item_assigned(row: dict, e: Any, sql: Sql) -> None:
    row["lead_unit"], row["co_units"], row["status"] = e.lead_unit.hex, json.dumps([u.hex for u in e.co_units]), "assigned"
    for unit, role in [(e.lead_unit, "lead"), *((u, "co") for u in e.co_units)]:
        sql.execute("INSERT INTO rm_assignments (entry_id, unit_id, district, role, assigned_on, signed_on)"
                    " VALUES (?, ?, ?, ?, ?, NULL)", (row["entry_id"], unit.hex, row["district"], role, _day(e.on)))


def _item_signed_for(row: dict, e: Any, sql: Sql) -> None:
    sql.execute("UPDATE rm_assignments SET signed_on = ? WHERE entry_id = ? AND unit_id = ?",
                (_day(e.on), row["entry_id"], e.unit.hex))
    if e.unit.hex == row["lead_unit"] and row["status"] == "assigned":
        row["status"] = "in_progress"


def _item_split(row: dict, e: Any, sql: Sql) -> None:
    for sub in e.subtasks:
        LedgerProjector.save(sql, new_entry(
            entry_id=f"{row['entry_id']}:{sub['key']}", district=row["district"], kind="subtask",
            parent_id=row["entry_id"], number=f"{row['number']}-{sub['key']}", sort_key=f"{row['sort_key']}-{sub['key']}",
            source=row["source"], reference=row["reference"], title=sub["title"], lead_unit=_id(sub["unit"]),
            deadline=_day(sub["deadline"]), status="in_progress", opened_on=_day(e.on),
            decision_date=row.get("decision_date"),
        ), e.on)


def _roll_up(row: dict, sql: Sql) -> None:
    subs = sql.execute("SELECT progress FROM rm_ledger WHERE parent_id = ? AND kind = 'subtask'", (row["entry_id"],)).rows()
    if subs:
        row["progress"] = round(sum(s["progress"] for s in subs) / len(subs))


def _subtask_progress(sql: Sql, entry_id: str, percent: int, text: str, on: date, done: bool) -> None:
    sub = LedgerProjector.load(sql, entry_id)
    if sub is not None:
        sub.update(progress=percent, progress_text=text, progress_on=_day(on))
        if done:
            sub.update(status="signed_off", closed_on=_day(on))
        LedgerProjector.save(sql, sub, on)


def _item_progress(row: dict, e: Any, sql: Sql) -> None:
    if e.subtask is not None:
        _subtask_progress(sql, f"{row['entry_id']}:{e.subtask}", e.percent, e.text, e.on, done=False)
        _roll_up(row, sql)
        row.update(progress_text=e.text, progress_on=_day(e.on))
    elif e.unit.hex == row["lead_unit"]:
        row.update(progress=e.percent, progress_text=e.text, progress_on=_day(e.on))
        _roll_up(row, sql)


def _subtask_completed(row: dict, e: Any, sql: Sql) -> None:
    _subtask_progress(sql, f"{row['entry_id']}:{e.subtask}", 100, e.summary, e.on, done=True)
    _roll_up(row, sql)


def _extension_granted(row: dict, e: Any, sql: Sql) -> None:
    row.update(deadline=_day(e.new_deadline), deadline_estimated=0)


def _satisfaction(row: dict, e: Any, sql: Sql) -> None:
    if e.satisfaction == "unsatisfied":
        row["status"] = "in_progress"


def _sent_back(row: dict, e: Any, sql: Sql) -> None:
    row["status"] = "in_progress"
    row["times_sent_back"] += 1


def _closed(status: str) -> Callable[[dict, Any, Sql], None]:
    def change(row: dict, e: Any, sql: Sql) -> None:
        row.update(status=status, closed_on=_day(e.on))
    return change


def _reopened(row: dict, e: Any, sql: Sql) -> None:
    row.update(status="rectifying", closed_on=None, deadline=_day(e.new_deadline))


def _referral(state: str) -> Callable[[dict, Any, Sql], None]:
    def change(row: dict, e: Any, sql: Sql) -> None:
        row["referral"] = state
    return change


def _set(**values: Any) -> Callable[[dict, Any, Sql], None]:
    def change(row: dict, e: Any, sql: Sql) -> None:
        row.update(values)
    return change


def _verification_failed(row: dict, e: Any, sql: Sql) -> None:
    row["status"] = "rectifying"
    row["times_sent_back"] += 1


def _progress(row: dict, e: Any, sql: Sql) -> None:
    row.update(progress=e.percent, progress_text=e.text, progress_on=_day(e.on))


LADDER_CHANGES: dict[str, Callable[[dict, Any, Sql], None]] = {
    "Urged": _count("urges"), "Criticised": _count("criticisms"), "Interviewed": _count("interviews"),
    "ReferralProposed": _referral("proposed"), "ReferralApproved": _referral("approved"),
    "ReferralDeclined": _referral("declined"),
}
ITEM_CHANGES: dict[str, Callable[[dict, Any, Sql], None]] = {
    "Assigned": _item_assigned, "Split": _item_split, "SignedFor": _item_signed_for,
    "ProgressReported": _item_progress, "SubtaskCompleted": _subtask_completed,
    "ExtensionGranted": _extension_granted, "CannotImplementReported": _set(status="cannot_implement_reported"),
    "CannotImplementAccepted": _closed("terminated"), "CannotImplementRejected": _set(status="in_progress"),
    "SatisfactionRecorded": _satisfaction, "CompletionReported": _set(status="completion_reported"),
    "SignedOff": _closed("signed_off"), "SentBack": _sent_back, "Commended": _count("commendations"),
    "DeadlineMissed": _count("deadlines_missed"), "MonthlyReportMissed": _count("reports_missed"),
    **LADDER_CHANGES,
}
RECTIFICATION_CHANGES: dict[str, Callable[[dict, Any, Sql], None]] = {
    "PlanSubmitted": _set(status="rectifying"), "ProgressReported": _progress,
    "RectificationReported": _set(status="reported"), "VerificationPassed": _set(status="verified"),
    "VerificationFailed": _verification_failed,
    "SignedOff": _closed("signed_off"), "Reopened": _reopened, "DeadlineMissed": _count("deadlines_missed"),
    **LADDER_CHANGES,
}
NOTICE_CHANGES: dict[str, Callable[[dict, Any, Sql], None]] = {
    "Acknowledged": _set(status="acknowledged"), "Closed": _closed("closed"),
    "ReplyOverdue": _count("deadlines_missed"), "TaskOverdue": _count("deadlines_missed"),
}
