"""Recorded events as the projectors read them: decoded straight from the stored JSON.

The projectors need the event's name, its record, its version and its data, with ids as hex text
and dates as ISO text — exactly how the read models store them.  So a notification is decoded
with msgspec (no event objects are built, nothing is converted twice): the library's typed
values (``{"_type_": "uuid_hex", "_data_": "…"}``, dates, timestamps) are unwrapped to their text
before decoding.  Upcasting is not used by duban's events; a stored event with a transcoding this
module does not know keeps its wrapped form, which no projector reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

import msgspec

_WRAPPED = re.compile(rb'\{"_type_":"(?:uuid_hex|date_iso|datetime_iso)","_data_":("[^"]*")\}')
_decode = msgspec.json.Decoder().decode


@dataclass(frozen=True, slots=True)
class Recorded:
    """One recorded event: ``name`` such as ``SupervisedItem.Assigned``, its record (hex id), the
    record's version after it, its notification id and its data (ids hex, dates ISO text)."""

    notification_id: int
    name: str
    record: str
    version: int
    data: dict[str, Any]


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
