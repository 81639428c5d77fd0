"""Recorded events as the projectors read them: decoded straight from the stored JSON.

The projectors need the event's name, its record, its version and its data, with ids as hex text
and dates as ISO text — exactly how the read models store them.  So a notification is decoded
with msgspec into the few fields projectors read (no event objects are built, nothing is
converted twice): the library's typed values (``{"_type_": "uuid_hex", "_data_": "…"}``, dates,
timestamps) are unwrapped to their text before decoding.  Upcasting is not used by duban's events; a stored event with a transcoding this
module does not know keeps its wrapped form, which no projector reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

import msgspec

_WRAPPED = re.compile(rb'\{"_type_":"(?:uuid_hex|date_iso|datetime_iso)","_data_":("[^"]*")\}')

# What the projectors read of an event; other fields (the actor, the timestamp …) are skipped
# unread.  A field an event does not have reads as None, as ``dict.get`` would: so a field added to
# an event later (the day a watcher's fact happened, ``happened_on``) is optional, with a default,
# and events recorded before it read None and are taken as they were (``happened_on``: their ``on``).
FIELDS = (
    "on", "district", "year", "number", "code", "name", "kind", "title", "portfolio_label", "unit", "leader",
    "effective", "lead_unit", "co_units", "source", "reference", "source_ref", "problem", "severity", "deadline",
    "deadline_estimated", "decision_date", "description", "subtasks", "subtask", "percent", "text", "summary",
    "new_deadline", "reasons", "satisfaction", "subject_id", "subject_kind", "reply_deadline",
    "reply_deadline_estimated", "tasks", "task", "results", "holidays", "workdays", "status", "planned_month",
    "organiser", "target_units", "short_name", "holder", "username", "display_name", "role", "happened_on", "old_deadline", "estimated",
    "basis",
    # reminders and push channels (projections.messages)
    "rule", "recipient", "link", "at", "channel", "attempt", "error", "retry_at", "channels", "target", "signed",
    # the office's reports (projections.reports)
    "period", "period_last", "label",
    # the office's scheme versions (projections.scheme_versions)
    "version_name", "settings", "effective_from", "reason", "adopted_by",
)
EventData = msgspec.defstruct(
    "EventData", [(name, Any, None) for name in FIELDS], frozen=True,
    namespace={"__getitem__": lambda self, key: getattr(self, key),
               "get": lambda self, key, default=None: getattr(self, key, default)})
_decode = msgspec.json.Decoder(EventData).decode


@dataclass(frozen=True, slots=True)
class Recorded:
    """One recorded event: ``name`` such as ``SupervisedItem.Assigned``, its record (hex id), the
    record's version after it, its notification id and its data (ids hex, dates ISO text)."""

    notification_id: int
    name: str
    record: str
    version: int
    data: Any  # EventData: read as data["on"] or data.get("unit")


def decode(notification: Any) -> Recorded:
    state = bytes(notification.state)
    topic = notification.topic
    return Recorded(
        notification_id=notification.id,
        name=topic[topic.index(":") + 1:],
        record=notification.originator_id.hex if hasattr(notification.originator_id, "hex")
        else str(notification.originator_id).replace("-", ""),
        version=notification.originator_version,
        data=_decode(_WRAPPED.sub(rb"\1", state)),
    )


def decode_all(notifications: Iterable[Any]) -> list[Recorded]:
    return [decode(n) for n in notifications]


__all__ = ["Recorded", "decode", "decode_all"]
