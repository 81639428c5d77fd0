"""The referral dossier (移交材料) for the discipline body: the case and its full history."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from domain.item import SupervisedItem
from domain.notice import SupervisionNotice
from projections.timeline import EntryFile, TimelineEntry, timeline


@dataclass(frozen=True)
class IssuedDocument:
    """A document the office issued on the case (已发文书): a supervision notice (督办通知) or a
    public criticism (通报批评) recorded with its document number."""

    kind: str
    number: str
    title: str
    issued_on: date


@dataclass(frozen=True)
class Dossier:
    number: str
    title: str
    source: str
    reference: str
    deadline: str
    status: str
    notices: tuple[str, ...]
    entries: tuple[TimelineEntry, ...]
    code: VerificationCode | None = None
    documents: tuple[IssuedDocument, ...] = ()
    # the signed checkpoint of the district's hash chain (签名检查点) that covers every event of the
    # case (``duban.application.checkpoints.Checkpoint``: sequence, signed_at, length, head); None
    # until the next daily checkpoint, or on a store without the chain
    checkpoint: Any = None
    # what the case is: a supervised item (督办事项) or a rectification task (整改任务, whose title is
    # its problem and whose unit is the responsible one)
    kind: str = "督办事项"

    @property
    def files(self) -> tuple[tuple[TimelineEntry, EntryFile], ...]:
        """Every file of the case (证明材料), each with the step that recorded it, in the history's order."""
        return tuple((e, f) for e in self.entries for f in e.files)

    @property
    def actors(self) -> set[str]:
        """The people who acted on the case, in words (not their accounts)."""
        return {e.who for e in self.entries}


def referral_dossier(store, item: SupervisedItem, notices: list[SupervisionNotice], who=None) -> Dossier:
    """The dossier; ``who(actor, day)`` names the people (see ``projections.timeline.timeline``)."""
    return Dossier(
        number=item.number_label, title=item.title, source=item.source.label, reference=item.reference,
        deadline=item.deadline.isoformat(), status=item.status.label,
        notices=tuple(n.number_label for n in notices),
        entries=tuple(timeline(store, [item.id, *(n.id for n in notices)], who)),
        code=verification_code(store, item, notices),
        documents=issued_documents(store, item, notices),
    )


def rectification_dossier(store, task: Any, who=None) -> Dossier:
    """The dossier of a referred rectification task (整改任务): the task's facts, its full history
    and the verification code over its events, as an item's (issue 16, point 5)."""
    return Dossier(
        number=task.number_label, title=task.problem, source=task.source.label, reference=task.source_ref,
        deadline=task.deadline.isoformat() if task.deadline else "", status=task.status.label, notices=(),
        entries=tuple(timeline(store, [task.id], who)), code=verification_code(store, task, []), kind="整改任务",
    )


def issued_documents(store, item: SupervisedItem, notices: list[SupervisionNotice]) -> tuple[IssuedDocument, ...]:
    """The notices and the numbered criticisms (通报批评文号) of the case, oldest first."""
    found = [IssuedDocument("督办通知", n.number_label, n.title, n.issued_on) for n in notices]
    found += [IssuedDocument("通报批评", event.document, event.note, event.on) for event in store.events.get(item.id)
              if isinstance(event, SupervisedItem.Criticised) and event.document]
    return tuple(sorted(found, key=lambda d: (d.issued_on, d.kind, d.number)))


# -- the verification code (移交材料校验码) ----------------------------------------------------------
#
# A SHA-256 over a canonical serialisation of every stored event of the case (the item and its
# notices): one line of canonical JSON (sorted keys, dates as ISO) per event, in the order they were
# recorded. Hashing line by line means the digest of the first k events is known on the way, so a
# code produced earlier can be matched to the prefix it covered and the events added since counted.

SHORT_LENGTH = 20  # hex characters shown grouped as 3F2A-9C1D-...
MIN_CODE_LENGTH = 16  # a typed code must name at least this many hex characters


@dataclass(frozen=True)
class VerificationCode:
    digest: str  # the full SHA-256, lower-case hex
    events: int  # how many events it covers
    last_recorded_at: str  # when the last of them was recorded (ISO), "" when none

    @property
    def short(self) -> str:
        head = self.digest[:SHORT_LENGTH].upper()
        return "-".join(head[i:i + 4] for i in range(0, len(head), 4))


@dataclass(frozen=True)
class Verification:
    matches: bool  # the code is the record's current code
    known: bool  # the code is the record's code as it stood after an earlier event
    added: int  # events recorded since the code was produced (when known)
    current: VerificationCode

    @property
    def message(self) -> str:
        if self.matches:
            return "校验通过：自生成以来记录未改变"
        if self.known:
            return f"校验不符：记录已变化（生成后新增{self.added}条记录）"
        return "校验不符：记录已变化（该校验码不是本案任何时点的校验码）"


def _canonical(value: Any) -> Any:
    if isinstance(value, Enum):
        return _canonical(value.value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _event_line(record_id: UUID, event: Any) -> str:
    actor = getattr(event, "actor", None) or {}
    timestamp = event.timestamp
    on = getattr(event, "on", None) or timestamp.date()
    document = {
        "record": str(record_id),
        "version": event.originator_version,
        "event": f"{type(event).__module__}.{type(event).__qualname__}",
        "on": _canonical(on),
        "recorded_at": _canonical(timestamp),
        "actor": _canonical(actor.get("user", "") if isinstance(actor, dict) else actor),
        "state": _canonical(dict(vars(event))),
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _case_events(store, item: SupervisedItem, notices: list[SupervisionNotice]) -> list[tuple[str, UUID, int, str]]:
    events = []
    for record_id in [item.id, *sorted(n.id for n in notices)]:
        for event in store.events.get(record_id):
            events.append((event.timestamp.isoformat(), record_id, event.originator_version,
                           _event_line(record_id, event)))
    events.sort(key=lambda e: (e[0], str(e[1]), e[2]))
    return events


def _digests(store, item, notices) -> tuple[list[str], list[str]]:
    """Each prefix's digest (index k: the first k events) and the events' recorded times."""
    hasher = hashlib.sha256(b"duban-dossier-v1\n")
    digests, times = [hasher.hexdigest()], []
    for recorded_at, _, _, line in _case_events(store, item, notices):
        hasher.update(line.encode("utf-8") + b"\n")
        digests.append(hasher.hexdigest())
        times.append(recorded_at)
    return digests, times


def verification_code(store, item: Any, notices: list[SupervisionNotice]) -> VerificationCode:
    """The case's code: ``item`` is a supervised item or a rectification task (no notices)."""
    digests, times = _digests(store, item, notices)
    return VerificationCode(digests[-1], len(times), times[-1] if times else "")


def normalise_code(code: str) -> str:
    return "".join(c for c in (code or "").lower() if c in "0123456789abcdef")


def check_dossier(store, item: Any, notices: list[SupervisionNotice], code: str) -> Verification:
    """Whether ``code`` (the grouped short code or the full digest) is the case's current code, and
    if it was its code at an earlier point, how many events were recorded since."""
    digests, times = _digests(store, item, notices)
    current = VerificationCode(digests[-1], len(times), times[-1] if times else "")
    wanted = normalise_code(code)
    if len(wanted) < MIN_CODE_LENGTH:
        return Verification(False, False, 0, current)
    for k in range(len(digests) - 1, -1, -1):
        if digests[k].startswith(wanted):
            return Verification(k == len(digests) - 1, True, len(digests) - 1 - k, current)
    return Verification(False, False, 0, current)


def verify_dossier(store, item: SupervisedItem, notices: list[SupervisionNotice], code: str) -> bool:
    return check_dossier(store, item, notices, code).matches
