"""Catch-up: read the event store's notifications in order and apply them to the read models.

One mechanism for both stores (the SQLite recorder cannot be subscribed to): poll
``select_notifications`` from the recorded position, and for each batch write the read models
and the new position in one transaction.  A position that is not newer is refused by the
tracking table, so a batch is applied exactly once; a runner killed half way resumes from the
last committed batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Protocol

import structlog

from projections.database import Sql, reset

log = structlog.get_logger("duban.projections")


class Projector(Protocol):
    """Applies one domain event to its tables, inside the batch's transaction."""

    def apply(self, sql: Sql, event: object, notification_id: int) -> None: ...


@dataclass
class CatchUpReport:
    start: int
    position: int
    events: int
    batches: int


def catch_up(store, read_models, projectors: Iterable[Projector], *, batch_size: int = 500,
             progress: Callable[[int, int], None] | None = None, stop_after_batches: int | None = None) -> CatchUpReport:
    """Apply every event after the recorded position; returns where it got to."""
    projectors = list(projectors)
    start = position = read_models.position()
    last = store.recorder.max_notification_id() or 0
    events = batches = 0
    while position < last:
        notifications = store.recorder.select_notifications(start=position + 1, limit=batch_size)
        if not notifications:
            break
        with read_models.transaction(commit=True) as sql:
            for notification in notifications:
                event = store.mapper.to_domain_event(notification)
                for projector in projectors:
                    projector.apply(sql, event, notification.id)
            read_models.record_position(sql, notifications[-1].id)
        position = notifications[-1].id
        events += len(notifications)
        batches += 1
        if progress:
            progress(position, last)
        if stop_after_batches is not None and batches >= stop_after_batches:
            break
    if events:
        log.info("projections.caught_up", start=start, position=position, events=events, batches=batches)
    return CatchUpReport(start, position, events, batches)
