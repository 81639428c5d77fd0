"""Behaviour facts (办理行为): what the events say about how a unit works — how long it takes to sign
for an item, how long records sit in each state, when it reports progress and by how much, how
often it asks for extensions or is sent back, how long it takes to answer a notice.

Runs after the ledger projector on each event of a batch and reads the entry's state from the
same batch (the state after the event); ``rm_behaviour_track`` keeps each record's state, since
when and progress before it, so a change of state or a rise in progress is measured against it.
Like the other projectors it never runs a statement per event: ``prefetch`` reads the batch's
tracked states and assignments at once, and the batch's last event writes the facts and states.
Queries: :mod:`projections.behaviour`.
"""

from __future__ import annotations

from typing import Any, Iterable

from projections.batch import CHUNK_IDS, Batch
from projections.events import Recorded

TRACKED = ("SupervisedItem.", "RectificationTask.")
COLUMNS = ("notification_id", "measure", "unit_id", "district", "entry_id", "kind", "happened_on", "started_on",
           "status", "amount", "previous", "deadline")
TRACK_COLUMNS = ("entry_id", "district", "status", "since", "progress")


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), CHUNK_IDS):
        yield values[start:start + CHUNK_IDS]


class BehaviourProjector:
    def __init__(self) -> None:
        self._last: int | None = None
        self._facts: list[tuple] = []
        self._track: dict[str, dict[str, Any]] = {}  # entry id -> state, since, progress (None: not yet tracked)
        self._changed: set[str] = set()
        self._assigned: dict[tuple[str, str], str] = {}  # (entry id, unit) -> the day of its latest assignment

    def prefetch(self, batch: Batch, events: list[Recorded]) -> None:
        """Read the tracked states of the records these events name, and the assignments their
        sign-fors are measured from (the ledger projector has read the entries themselves)."""
        self._last = events[-1].notification_id if events else None
        self._facts, self._track, self._changed, self._assigned = [], {}, set(), {}
        records = sorted({e.record for e in events if e.name.startswith(TRACKED)})
        signing = sorted({e.record for e in events if e.name == "SupervisedItem.SignedFor"})
        for chunk in _chunks(records):
            for r in batch.sql.execute(f"SELECT {', '.join(TRACK_COLUMNS)} FROM rm_behaviour_track WHERE entry_id IN"
                                       f" ({', '.join('?' for _ in chunk)})", chunk).rows():
                self._track[r["entry_id"]] = dict(r)
        for chunk in _chunks(signing):
            for r in batch.sql.execute(
                    "SELECT entry_id, unit_id, happened_on FROM rm_behaviour WHERE measure = 'assigned' AND entry_id IN"
                    f" ({', '.join('?' for _ in chunk)}) ORDER BY notification_id", chunk).rows():
                self._assigned[(r["entry_id"], r["unit_id"])] = r["happened_on"]

    def apply(self, batch: Batch, e: Recorded) -> None:
        if e.name == "SupervisionNotice.Replied":
            row = batch.entry(e.record)
            if row is not None:
                self._fact(e, "notice_reply", row["lead_unit"], row, started_on=row["opened_on"], status=e.data["task"])
        elif e.name.startswith(TRACKED) and e.data.get("on") is not None:
            row = batch.entry(e.record)
            if row is not None:
                self._record(e, row)
        if e.notification_id == self._last:
            self._write(batch)

    def _fact(self, e: Recorded, measure: str, unit: str | None, row: dict[str, Any], *, amount: int = 1,
              started_on: str | None = None, status: str | None = None, previous: int | None = None,
              deadline: str | None = None) -> None:
        if unit is not None:
            self._facts.append((e.notification_id, measure, unit, row["district"], row["entry_id"], row["kind"],
                                e.data["on"], started_on, status, amount, previous, deadline))

    def _record(self, e: Recorded, row: dict[str, Any]) -> None:
        d, name = e.data, e.name.split(".", 1)[1]
        before = self._track.get(e.record)
        if name == "Assigned":
            self._fact(e, "assigned", d["lead_unit"], row, amount=0, status="lead")
            for unit in d.get("co_units") or ():
                self._fact(e, "assigned", unit, row, amount=0, status="co")
            for unit in (d["lead_unit"], *(d.get("co_units") or ())):
                self._assigned[(e.record, unit)] = d["on"]
        elif name == "SignedFor":
            self._fact(e, "sign_for", d["unit"], row, started_on=self._assigned.get((e.record, d["unit"])))
        elif name == "ProgressReported" and d.get("subtask") is None and d["unit"] == row["lead_unit"]:
            self._fact(e, "progress", d["unit"], row, amount=d["percent"], previous=before["progress"] if before else 0,
                       deadline=row["deadline"])
        elif name == "ExtensionRequested":
            self._fact(e, "extension", d.get("unit") or row["lead_unit"], row)
        elif name == "SentBack":
            self._fact(e, "send_back", row["lead_unit"], row)
        # a change of state closes the time spent in the one before (counted for the lead unit)
        if before is None:
            self._track[e.record] = {"entry_id": e.record, "district": row["district"], "status": row["status"],
                                     "since": d["on"], "progress": row["progress"]}
        elif before["status"] != row["status"]:
            self._fact(e, "state", row["lead_unit"], row, amount=0, started_on=before["since"], status=before["status"])
            before.update(status=row["status"], since=d["on"], progress=row["progress"])
        elif before["progress"] != row["progress"]:
            before["progress"] = row["progress"]
        else:
            return
        self._changed.add(e.record)

    def _write(self, batch: Batch) -> None:
        """The batch's facts and the states it changed, in two statements."""
        batch.sql.insert_rows("rm_behaviour", COLUMNS, self._facts)
        batch.sql.insert_rows("rm_behaviour_track", TRACK_COLUMNS,
                              [tuple(self._track[k][c] for c in TRACK_COLUMNS) for k in sorted(self._changed)],
                              on_conflict="(entry_id) DO UPDATE SET status = excluded.status, since = excluded.since,"
                                          " progress = excluded.progress")
        self._facts, self._changed = [], set()
