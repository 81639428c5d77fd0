"""Catch-up: read the event store's notifications in order and apply them to the read models.

One mechanism for both stores (the SQLite recorder cannot be subscribed to): read
``select_notifications`` from the recorded position, and for each batch fold its events into the
rows they change in memory (``projections.batch``), then write those rows and the new position
in one transaction.  A position that is not newer is refused by the tracking table, so a batch is
applied exactly once; a runner killed half way resumes from the last committed batch.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterable, Protocol

import structlog

from projections.batch import LOOKED_UP, Batch, Carried
from projections.database import analyze
from projections.events import Recorded, decode_all

log = structlog.get_logger("duban.projections")


class Projector(Protocol):
    """Folds events into the batch's rows (never a statement per event)."""

    def prefetch(self, batch: Batch, events: list[Recorded]) -> None: ...

    def apply(self, batch: Batch, event: Recorded) -> None: ...


# A long catch-up (a rebuild, a first start) grows the tables each batch looks rows up in from
# nothing to their full size; the planner's statistics are refreshed as they grow (after 4, 16, 64
# and 256 batches), so those lookups keep their index plans even where autovacuum's analyse is off
# or slow to come (without it, the lookups of a 1M-event rebuild took five times as long).
ANALYZE_AFTER = frozenset({4, 16, 64, 256})


@dataclass
class CatchUpReport:
    start: int
    position: int
    events: int
    batches: int
    seconds: float = 0.0


def catch_up(store, read_models, projectors: Iterable[Projector], *, batch_size: int = 5000,
             progress: Callable[[int, int], None] | None = None, stop_after_batches: int | None = None,
             on_batch: Callable[[int], None] | None = None) -> CatchUpReport:
    """Apply every event after the recorded position; returns where it got to.  ``on_batch`` hears
    each committed position (a waiting page, say)."""
    projectors = list(projectors)
    started = time.perf_counter()
    start = position = read_models.position()
    last = store.recorder.max_notification_id() or 0
    events = batches = 0
    carried = Carried()

    def fetch(after: int) -> list[Recorded]:
        return decode_all(store.recorder.select_notifications(start=after + 1, limit=batch_size))

    # the next batch is read and decoded while this one is written (the database wait frees the GIL)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="catch-up-read") as reader:
        coming: Future | None = reader.submit(fetch, position) if position < last else None
        while coming is not None:
            recorded = coming.result()
            if not recorded:
                break
            following = recorded[-1].notification_id
            more = following < last and (stop_after_batches is None or batches + 1 < stop_after_batches)
            coming = reader.submit(fetch, following) if more else None
            with read_models.transaction(commit=True) as sql:
                batch = Batch(sql, carried)
                for projector in projectors:
                    projector.prefetch(batch, recorded)
                for event in recorded:
                    for projector in projectors:
                        projector.apply(batch, event)
                batch.flush()
                read_models.record_position(sql, following)
            carried.keep(batch)  # committed: its rows are what the next batch starts from
            position = following
            events += len(recorded)
            batches += 1
            if batches in ANALYZE_AFTER:
                analyze(read_models, LOOKED_UP)
            if on_batch:
                on_batch(position)
            if progress:
                progress(position, last)
    seconds = time.perf_counter() - started
    if events:
        log.info("projections.caught_up", start=start, position=position, events=events, batches=batches,
                 seconds=round(seconds, 3))
    return CatchUpReport(start, position, events, batches, seconds)
