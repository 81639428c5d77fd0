"""The message centre's read models (消息中心): reminders as their recipients read them, their
deliveries on push channels, the configured channels (without secrets), and the records' activity
the worker's reminder job reads.

Rows are few per batch and written as their events come (after the ledger projector, whose rows
name the district of a record's activity).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from projections.batch import Batch
from projections.events import Recorded

ACTIVITY = {  # event -> the activity a reminder rule reads (rule ids in domain/reminder_rules)
    "SupervisedItem.Assigned": "assigned", "SupervisedItem.SentBack": "sent_back",
    "SupervisedItem.ExtensionGranted": "extension_decided", "SupervisedItem.ExtensionRefused": "extension_decided",
    "SupervisedItem.ProgressReported": "progress", "SupervisedItem.CompletionReported": "completion_reported",
    "SupervisedItem.SignedOff": "signed_off", "RectificationTask.ProgressReported": "progress",
    "RectificationTask.SignedOff": "signed_off",
}
MESSAGE_COLUMNS = ("reminder_id", "notification_id", "district", "recipient", "rule", "subject_id", "subject_kind",
                   "number", "title", "text", "link", "produced_on", "produced_at", "read_at")


class MessagesProjector:
    """Reminder, PushChannels and record-activity events into the message centre's tables."""

    def prefetch(self, batch: Batch, events: Iterable[Recorded]) -> None:
        """The ledger projector has read every entry the activity events name."""

    def apply(self, batch: Batch, e: Recorded) -> None:
        name = e.name
        if name in ACTIVITY:
            row = batch.entry(e.record)
            if row is not None:
                batch.sql.execute("INSERT INTO rm_record_activity (notification_id, district, entry_id, activity, on_date)"
                                  " VALUES (?, ?, ?, ?, ?)",
                                  (e.notification_id, row["district"], e.record, ACTIVITY[name], e.data["on"]))
        elif name == "Reminder.Produced":
            self._produced(batch, e)
        elif name == "Reminder.Read":
            batch.sql.execute("UPDATE rm_messages SET read_at = ? WHERE reminder_id = ?", (e.data["at"], e.record))
        elif name == "Reminder.Delivered":
            batch.sql.execute("UPDATE rm_deliveries SET status = 'delivered', attempts = ?, error = '', retry_at = NULL,"
                              " last_at = ? WHERE reminder_id = ? AND channel_id = ?",
                              (e.data["attempt"], e.data["at"], e.record, e.data["channel"]))
        elif name == "Reminder.DeliveryFailed":
            d = e.data
            batch.sql.execute("UPDATE rm_deliveries SET status = ?, attempts = ?, error = ?, retry_at = ?, last_at = ?"
                              " WHERE reminder_id = ? AND channel_id = ?",
                              ("retrying" if d["retry_at"] else "failed", d["attempt"], d["error"], d["retry_at"],
                               d["at"], e.record, d["channel"]))
        elif name == "PushChannels.ChannelConfigured":
            d = e.data
            batch.sql.execute("DELETE FROM rm_push_channels WHERE channel_id = ?", (d["channel"],))
            batch.sql.execute("INSERT INTO rm_push_channels (channel_id, district, kind, recipient, target, signed,"
                              " configured_on, removed_on) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                              (d["channel"], d["district"], d["kind"], d["recipient"], d["target"],
                               int(bool(d["signed"])), d["on"]))
        elif name == "PushChannels.ChannelRemoved":
            batch.sql.execute("UPDATE rm_push_channels SET removed_on = ? WHERE channel_id = ?",
                              (e.data["on"], e.data["channel"]))

    @staticmethod
    def _produced(batch: Batch, e: Recorded) -> None:
        d = e.data
        batch.sql.execute(
            f"INSERT INTO rm_messages ({', '.join(MESSAGE_COLUMNS)}) VALUES ({', '.join('?' for _ in MESSAGE_COLUMNS)})",
            (e.record, e.notification_id, d["district"], d["recipient"], d["rule"], d["subject_id"], d["subject_kind"],
             d["number"], d["title"], d["text"], d["link"], d["on"], d["at"], None))
        for channel in d.get("channels") or ():
            batch.sql.execute("INSERT INTO rm_deliveries (reminder_id, channel_id, district, status, attempts, error,"
                              " retry_at, last_at) VALUES (?, ?, ?, 'pending', 0, '', ?, ?)",
                              (e.record, channel, d["district"], d["at"], d["at"]))


# -- queries -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MessageRow:
    """One message in a recipient's list."""

    reminder_id: str
    rule: str
    subject_id: str
    subject_kind: str
    number: str
    title: str
    text: str
    link: str
    produced_on: date
    produced_at: str
    read_at: str | None

    @property
    def unread(self) -> bool:
        return self.read_at is None


@dataclass(frozen=True)
class DeliveryRow:
    """A delivery due (the worker) or failed (the office's list)."""

    reminder_id: str
    channel_id: str
    status: str
    attempts: int
    error: str
    retry_at: str | None
    last_at: str
    text: str = ""
    recipient: str = ""
    title: str = ""
    number: str = ""


@dataclass(frozen=True)
class ChannelRow:
    channel_id: str
    kind: str
    recipient: str
    target: str  # the webhook's host, the gateway's host or the mail address: never a key or secret
    signed: bool
    configured_on: date


class MessageQueries:
    """The message centre's questions, each one indexed SQL statement filtered by district."""

    def __init__(self, read_models) -> None:
        self.read_models = read_models

    def unread_count(self, district: str, recipient: str) -> int:
        with self.read_models.reading() as sql:
            return sql.execute("SELECT COUNT(*) AS n FROM rm_messages WHERE district = ? AND recipient = ?"
                               " AND read_at IS NULL", (district, recipient)).row()["n"]

    def count(self, district: str, recipient: str) -> int:
        with self.read_models.reading() as sql:
            return sql.execute("SELECT COUNT(*) AS n FROM rm_messages WHERE district = ? AND recipient = ?",
                               (district, recipient)).row()["n"]

    def messages(self, district: str, recipient: str, *, limit: int = 20, offset: int = 0) -> list[MessageRow]:
        """Unread first, then newest first."""
        with self.read_models.reading() as sql:
            found = sql.execute(
                f"SELECT {', '.join(MESSAGE_COLUMNS)} FROM rm_messages WHERE district = ? AND recipient = ?"
                " ORDER BY CASE WHEN read_at IS NULL THEN 0 ELSE 1 END, notification_id DESC"
                f" LIMIT {int(limit)} OFFSET {int(offset)}", (district, recipient)).rows()
        return [_message(r) for r in found]

    def unread_ids(self, district: str, recipient: str, *, limit: int = 500) -> list[str]:
        with self.read_models.reading() as sql:
            return [r["reminder_id"] for r in sql.execute(
                "SELECT reminder_id FROM rm_messages WHERE district = ? AND recipient = ? AND read_at IS NULL"
                f" ORDER BY notification_id LIMIT {int(limit)}", (district, recipient)).rows()]

    def existing(self, district: str, reminder_ids: list[str]) -> set[str]:
        """Which of these reminders are recorded already (the worker skips them)."""
        found: set[str] = set()
        with self.read_models.reading() as sql:
            for start in range(0, len(reminder_ids), 400):
                chunk = reminder_ids[start:start + 400]
                found.update(r["reminder_id"] for r in sql.execute(
                    f"SELECT reminder_id FROM rm_messages WHERE district = ? AND reminder_id IN ({', '.join('?' for _ in chunk)})",
                    (district, *chunk)).rows())
        return found

    def recipients_on(self, district: str, day: date) -> dict[str, list[MessageRow]]:
        """The day's reminders, by recipient."""
        grouped: dict[str, list[MessageRow]] = {}
        with self.read_models.reading() as sql:
            for r in sql.execute(f"SELECT {', '.join(MESSAGE_COLUMNS)} FROM rm_messages WHERE district = ?"
                                 " AND produced_on = ? ORDER BY recipient, notification_id",
                                 (district, day.isoformat())).rows():
                grouped.setdefault(r["recipient"], []).append(_message(r))
        return grouped

    # -- deliveries ---------------------------------------------------------------------------------
    def deliveries_due(self, district: str, now: str, *, limit: int = 100) -> list[DeliveryRow]:
        """Deliveries to attempt now (pending, or a retry whose time has come), oldest first."""
        return self._deliveries("d.district = ? AND d.status IN ('pending', 'retrying') AND d.retry_at <= ?"
                                f" ORDER BY d.retry_at LIMIT {int(limit)}", (district, now))

    def failed_deliveries(self, district: str, *, limit: int = 50, offset: int = 0) -> list[DeliveryRow]:
        """Deliveries given up after every retry (推送失败), newest first."""
        return self._deliveries(f"d.district = ? AND d.status = 'failed' ORDER BY d.last_at DESC LIMIT {int(limit)}"
                                f" OFFSET {int(offset)}", (district,))

    def _deliveries(self, condition: str, params: tuple) -> list[DeliveryRow]:
        with self.read_models.reading() as sql:
            found = sql.execute("SELECT d.*, m.text, m.recipient, m.title, m.number FROM rm_deliveries d"
                                f" JOIN rm_messages m ON m.reminder_id = d.reminder_id WHERE {condition}",
                                params).rows()
        return [_delivery(r) for r in found]

    def failed_count(self, district: str) -> int:
        with self.read_models.reading() as sql:
            return sql.execute("SELECT COUNT(*) AS n FROM rm_deliveries WHERE district = ? AND status = 'failed'",
                               (district,)).row()["n"]

    def channels(self, district: str) -> list[ChannelRow]:
        with self.read_models.reading() as sql:
            found = sql.execute("SELECT * FROM rm_push_channels WHERE district = ? AND removed_on IS NULL"
                                " ORDER BY recipient, kind, channel_id", (district,)).rows()
        return [ChannelRow(r["channel_id"], r["kind"], r["recipient"], r["target"], bool(r["signed"]),
                           date.fromisoformat(r["configured_on"])) for r in found]

    # -- the reminder job's candidates ---------------------------------------------------------------
    def activity_after(self, district: str, after: int, since: date, *, limit: int = 1000) -> list[dict]:
        """Record activity recorded after notification ``after`` on ``since`` or later, with the entry."""
        with self.read_models.reading() as sql:
            return sql.execute(
                "SELECT a.notification_id, a.activity, a.on_date, l.entry_id, l.kind, l.parent_id, l.number, l.title,"
                " l.lead_unit, l.deadline FROM rm_record_activity a JOIN rm_ledger l ON l.entry_id = a.entry_id"
                " WHERE a.district = ? AND a.notification_id > ? AND a.on_date >= ?"
                f" ORDER BY a.notification_id LIMIT {int(limit)}", (district, after, since.isoformat())).rows()


def _message(r: dict) -> MessageRow:
    return MessageRow(r["reminder_id"], r["rule"], r["subject_id"], r["subject_kind"], r["number"], r["title"],
                      r["text"], r["link"], date.fromisoformat(r["produced_on"]), r["produced_at"], r["read_at"])


def _delivery(r: dict) -> DeliveryRow:
    return DeliveryRow(r["reminder_id"], r["channel_id"], r["status"], r["attempts"], r["error"], r["retry_at"],
                       r["last_at"], r.get("text") or "", r.get("recipient") or "", r.get("title") or "",
                       r.get("number") or "")


__all__ = ["MessagesProjector", "MessageQueries", "MessageRow", "DeliveryRow", "ChannelRow", "ACTIVITY"]
