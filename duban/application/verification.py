"""Verifying a district's hash chain (核验记录链): recompute every link, name the first bad event.

The events of the district (``chain_reader``) are walked in notification order beside the chain's
rows in their order; at each place ``n``:

* the stored event and the chain's row name the same record and version, and the recomputed link
  equals the row's link — good;
* the row names an event the store no longer holds — **deleted** (删除);
* the store holds an event the chain has no row for — **inserted** (插入);
* both exist but stand in another order — **reordered** (顺序被改动);
* the recomputed link differs — **edited** (内容被改动): the event's bytes (or its link) changed.

With a checkpoint, the recomputed link at the checkpoint's length must equal its head: then the
first ``length`` events are exactly those signed, however long the chain has grown since.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator

from duban.application.chain import ChainRow, genesis, canonical, next_link
from duban.application.chain_reader import StoredRow

KINDS = {
    "edited": "内容被改动",
    "deleted": "被删除",
    "inserted": "被插入（链中没有这条事件）",
    "reordered": "顺序被改动",
    "missing_link": "链记录被删除",
}


@dataclass(frozen=True)
class Problem:
    """The first event that breaks the chain: its place (第n条), what happened, which record."""

    position: int
    kind: str  # edited, deleted, inserted, reordered, missing_link
    record: str
    version: int
    notification_id: int | None

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


@dataclass
class CheckpointCheck:
    sequence: int
    length: int
    head: str
    signed_at: str
    signature_valid: bool
    matches: bool  # the recomputed chain's first ``length`` links end in ``head``
    reason: str = ""  # why it does not match (Chinese), empty when it does


@dataclass
class Verification:
    district: str
    length: int = 0  # events walked (the chain's length when intact)
    head: str = ""
    problem: Problem | None = None
    checkpoint: CheckpointCheck | None = None
    links: dict[int, str] = field(default_factory=dict, repr=False)  # place → recomputed link (hex)

    @property
    def intact(self) -> bool:
        return self.problem is None and (self.checkpoint is None or
                                         (self.checkpoint.matches and self.checkpoint.signature_valid))


def walk(district: str, events: list[StoredRow], rows: list[ChainRow], keep: Iterable[int] = ()) -> Verification:
    """Recompute the chain of ``district`` over its stored ``events`` beside its chain ``rows``;
    ``keep`` names places whose recomputed link is kept (a checkpoint's length)."""
    keep = set(keep)
    result = Verification(district)
    stored = {(e.record, e.version) for e in events}
    in_chain = {(r.record, r.version) for r in rows}
    previous = genesis(district)
    for place, (event, row) in enumerate(_pairs(events, rows), start=1):
        if row is not None and row.position != place:  # a row of the chain itself taken out
            problem: Problem | None = Problem(place, "missing_link", row.record, row.version, row.notification_id)
        else:
            problem = _mismatch(place, event, row, stored, in_chain)
        if problem is not None:
            result.problem = problem
            return result
        link = next_link(previous, canonical(event.record, event.version, event.topic, event.state))
        if link.hex() != row.link:
            result.problem = Problem(place, "edited", event.record, event.version, event.notification_id)
            return result
        previous = link
        result.length, result.head = place, link.hex()
        if place in keep:
            result.links[place] = result.head
    return result


def _pairs(events: list[StoredRow], rows: list[ChainRow]) -> Iterator[tuple[StoredRow | None, ChainRow | None]]:
    for index in range(max(len(events), len(rows))):
        yield (events[index] if index < len(events) else None, rows[index] if index < len(rows) else None)


def _mismatch(place: int, event: StoredRow | None, row: ChainRow | None, stored: set, in_chain: set) -> Problem | None:
    if row is None:
        assert event is not None
        return Problem(place, "inserted", event.record, event.version, event.notification_id)
    if event is None:
        return Problem(place, "deleted", row.record, row.version, row.notification_id)
    if (event.record, event.version) == (row.record, row.version):
        return None
    if (row.record, row.version) not in stored:
        return Problem(place, "deleted", row.record, row.version, row.notification_id)
    if (event.record, event.version) not in in_chain:
        return Problem(place, "inserted", event.record, event.version, event.notification_id)
    return Problem(place, "reordered", event.record, event.version, event.notification_id)


__all__ = ["CheckpointCheck", "KINDS", "Problem", "Verification", "walk"]
